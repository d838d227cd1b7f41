/*
 * db.h - PostgreSQL: a bounded connection pool and request transactions.
 *
 * Pool. At most `size` connections, opened lazily. Checkout waits up to
 * `acquire_timeout_ms`; a timeout is a 503 "unavailable" problem with Retry-After.
 * A connection found dead (server restarted) is reset on checkout; if the server
 * is still down the checkout fails with the same 503 (never a crash or a hang).
 * A connection returned mid-transaction is rolled back before reuse. Connections
 * are opened with `statement_timeout`, `application_name` and `search_path` set
 * through the connection options, and every statement in the service's table is
 * prepared once per connection (again after a reset).
 *
 * Time. Nothing waits on the server without a bound. Connecting (and resetting)
 * is bounded by libpq's `connect_timeout`; TCP connections use keepalives and
 * `tcp_user_timeout` (a conninfo that sets any of these wins). Every exchange
 * (a query, commit, rollback, prepare) must be answered within
 * `query_timeout_ms`, a client-side deadline kept even when the kernel still
 * accepts our bytes (a paused server, a Unix socket); past it the call fails
 * with a 503 and the connection is reset on its next checkout. The readiness
 * ping waits at most `connect_timeout_s`.
 *
 * Transactions. hearth_tx_begin() queues BEGIN and the row-level-security context
 * (hearth.begin_request(): hearth.tenant_id, hearth.org_id, hearth.sub,
 * hearth.roles, local to the transaction, after checking that the organisation
 * is an active organisation of the tenant) in libpq pipeline mode without a
 * round trip; they go to the server with the first query. Statements queued with hearth_tx_queue()
 * (audit rows, outbox events) ride along with the next sync. So a read is one
 * round trip plus COMMIT, and hearth_tx_read_one() does even the COMMIT in the
 * same round trip.
 *
 * Errors. Any failing call fills the problem: SQLSTATE 23505 -> 409 conflict,
 * 23P01 (exclusion) -> 409 conflict, 23503 -> 409 conflict, 23514/22xxx -> 400
 * validation, 28000 (the request's organisation is not active in its tenant) -> 403, 40001/40P01 -> 409 conflict (retry), 57014 -> 503 unavailable,
 * connection failures -> 503 unavailable, anything else -> 500 internal. The
 * SQLSTATE and constraint name are kept in problem->sqlstate/constraint for the
 * caller to refine (e.g. "urn already used by setting X"). After any failure the
 * transaction is aborted; the caller must still end it with hearth_tx_end().
 *
 * Threads. The pool is shared by every request thread and guards itself. A tx,
 * its connection and the PGresults it returns belong to the thread that began
 * it, until hearth_tx_end(); never hand them to another thread. The SQLSTATE
 * mapping is pure.
 *
 * Ownership. The pool owns connections; a tx borrows one until hearth_tx_end().
 * PGresult pointers returned by hearth_tx_query* are owned by the caller (PQclear).
 */
#ifndef HEARTH_DB_H
#define HEARTH_DB_H

#include <libpq-fe.h>
#include "hearth/problem.h"
#include "hearth/util.h"

struct hearth_db_config {
	const char *conninfo;
	int size;                 /* maximum connections, >= 1 */
	int acquire_timeout_ms;
	int statement_timeout_ms;
	int connect_timeout_s;    /* 0: 3; libpq counts below 2 as 2 */
	int query_timeout_ms;     /* 0: statement_timeout_ms + 1000 */
	const char *application_name;
	const char *search_path;  /* e.g. "providers, public" */
};

/* A prepared statement of a service; tables end with { NULL, NULL, 0 }. */
struct hearth_stmt_def {
	const char *name;
	const char *sql;
	int n_params;
};

/* Where a service's code runs a statement of its table by a literal name. The
 * hearth_tx_query() and hearth_db_read_statement() macros below record each
 * call site at build time (name, parameter count, file, line) in the section
 * "hearth_stmt_calls"; at start-up the runtime checks every one against the
 * statement table and refuses to start on the first that names no statement
 * or passes another number of parameters, so a typo fails the start, not the
 * first request. Names held in data (a resource's statements) go through the
 * _named functions and are checked from the route table instead. */
struct hearth_stmt_use {
	const char *name;
	int n_params;
	const char *file;
	int line;
};

#define HEARTH_STMT_USE(stmt_name, n)                                                      \
	({                                                                                 \
		static const struct hearth_stmt_use hearth_stmt_use_                        \
			__attribute__((used, section("hearth_stmt_calls"),                   \
				       aligned(sizeof(void *)))) = { stmt_name, n, __FILE__, \
								     __LINE__ };            \
		hearth_stmt_use_.name;                                                     \
	})

/* The call sites recorded in this program, in no particular order: *n of them. */
const struct hearth_stmt_use *hearth_stmt_uses(size_t *n);

struct hearth_db_pool;

/* Create the pool (no connection is opened yet). Returns 0 or -1 (bad config,
 * out of memory). `stmts` must stay valid for the pool's life. */
int hearth_db_pool_new(const struct hearth_db_config *cfg, const struct hearth_stmt_def *stmts,
		       struct hearth_db_pool **out);
/* NULL is a no-op. */
void hearth_db_pool_free(struct hearth_db_pool *pool);

struct hearth_db_stats {
	int size;
	int open;
	int in_use;
	int waiting;
	unsigned long long acquired;
	unsigned long long timeouts;
	unsigned long long resets;
};
void hearth_db_pool_stats(struct hearth_db_pool *pool, struct hearth_db_stats *out);

/* Readiness: checkout, "SELECT 1", release. 0 when the database answers; -1
 * otherwise, within about connect_timeout_s. */
int hearth_db_ping(struct hearth_db_pool *pool);

/* Who is asking: copied into the transaction's RLS settings and audit rows. */
struct hearth_db_actor {
	const char *tenant_id;  /* UUID text; required */
	const char *org_id;     /* UUID text; required */
	const char *sub;
	const char *roles;      /* comma-separated role names */
	const char *request_id;
};

struct hearth_tx;

enum { HEARTH_TX_READ_WRITE = 0, HEARTH_TX_READ_ONLY = 1 };

/* Check out a connection and queue BEGIN + the actor's context. Returns 0, or -1
 * with a 503 problem (pool exhausted, database down). */
HEARTH_MUST_CHECK
int hearth_tx_begin(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
		    int read_only, struct hearth_tx **out, struct hearth_problem *p);

/* Run a prepared statement of the service's table (by name) and wait for its
 * result. Returns the result (PGRES_TUPLES_OK or PGRES_COMMAND_OK) or NULL with
 * the problem filled. Text parameters; NULL entries are SQL NULL. A name or
 * parameter count the table does not have is a 500 (start-up checks make that
 * unreachable for recorded call sites). */
PGresult *hearth_tx_query_named(struct hearth_tx *tx, const char *stmt_name, int n_params,
				const char *const *params, struct hearth_problem *p);
/* The same with a literal name and count, recorded for the start-up check. */
#define hearth_tx_query(tx, stmt_name, n_params, params, p)                                \
	hearth_tx_query_named((tx), HEARTH_STMT_USE(stmt_name, n_params), (n_params), (params), (p))

/* Start a prepared statement of the table (with whatever is queued before it)
 * and return once it is sent, without waiting for its result: the server runs
 * it while the caller works on. hearth_tx_query_wait() collects it; no other
 * call on the tx may come in between (one is a 500). Returns 0, or -1 with
 * the problem filled. */
HEARTH_MUST_CHECK
int hearth_tx_query_start_named(struct hearth_tx *tx, const char *stmt_name, int n_params,
				const char *const *params, struct hearth_problem *p);
#define hearth_tx_query_start(tx, stmt_name, n_params, params, p)                          \
	hearth_tx_query_start_named((tx), HEARTH_STMT_USE(stmt_name, n_params), (n_params),      \
				    (params), (p))
/* The result of the started statement, as hearth_tx_query() returns one. */
PGresult *hearth_tx_query_wait(struct hearth_tx *tx, struct hearth_problem *p);

/* Same for SQL text that is not in the table (dynamic lists). Parameters only:
 * never put values into `sql`. */
PGresult *hearth_tx_query_sql(struct hearth_tx *tx, const char *sql, int n_params,
			      const char *const *params, struct hearth_problem *p);

/* Queue a statement whose result only needs to be "ok" (audit, outbox). It is
 * sent with the next query or commit; a failure there fails that call. -1 only
 * if the tx has already failed. */
HEARTH_MUST_CHECK
int hearth_tx_queue_sql(struct hearth_tx *tx, const char *sql, int n_params,
			const char *const *params, struct hearth_problem *p);

/* Commit. Returns 0, or -1 with the problem filled (the tx is rolled back). */
HEARTH_MUST_CHECK
int hearth_tx_commit(struct hearth_tx *tx, struct hearth_problem *p);

/* Release the connection to the pool, rolling back anything uncommitted.
 * Always call exactly once per successful hearth_tx_begin(); NULL is a no-op. */
void hearth_tx_end(struct hearth_tx *tx);

/* Give up what the transaction did (it may have failed) and begin another on
 * the same connection for the same actor, so a handler can read after a failed
 * write (e.g. to explain a conflict) without a second connection from the
 * pool: holding one while waiting for another starves the pool under a burst.
 * ROLLBACK, BEGIN and the context are queued and go with the next query.
 * Returns 0, or -1 with the problem filled when the connection is gone (end
 * the tx as always). */
HEARTH_MUST_CHECK
int hearth_tx_restart(struct hearth_tx *tx, int read_only, struct hearth_problem *p);

/* The actor of the transaction (for audit and outbox writers). */
const struct hearth_db_actor *hearth_tx_actor(const struct hearth_tx *tx);

/* One snapshot on two connections, for a large read done in parts at once.
 * hearth_tx_begin_repeatable() begins a read-only REPEATABLE READ
 * transaction; a statement of the service's table that selects
 * pg_export_snapshot() in it names its snapshot (the one every statement of
 * it sees). hearth_tx_try_begin_on_snapshot() begins another read-only
 * transaction, for the same actor, that sees exactly that snapshot, under the
 * same row-level security. It never waits for a connection: when none is free
 * (or someone already waits for one) it answers 0 and the caller does the
 * whole read on the first. The snapshot can be imported only while the first
 * transaction is open, and the import goes to the server with the second's
 * first query: an identifier that cannot be one is a 500 before any
 * connection is taken; one no open transaction exports fails that first
 * query (SQLSTATE 22023). A request holds at most these two connections.
 * Returns: begin_repeatable 0 or -1; try_begin 1 begun, 0 no connection free
 * (*out NULL, no problem), -1 with the problem. */
HEARTH_MUST_CHECK
int hearth_tx_begin_repeatable(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
			       struct hearth_tx **out, struct hearth_problem *p);
HEARTH_MUST_CHECK
int hearth_tx_try_begin_on_snapshot(struct hearth_db_pool *pool,
				    const struct hearth_db_actor *actor, const char *snapshot,
				    struct hearth_tx **out, struct hearth_problem *p);

/* Generic plans. PostgreSQL plans a prepared statement for the values of its
 * parameters on every call for as long as that plan looks cheaper than the
 * one made without them; for a page of a list walked in its index order that
 * planning can cost more than the run itself (a third of the database's time
 * on the placements list). hearth_tx_use_generic_plans() queues the setting
 * (plan_cache_mode, local to the transaction) under which every later
 * statement of the transaction runs on its generic plan, made once per
 * connection. Only for statements whose best plan does not depend on the
 * values given: the caller decides (see hearth_resource.broad_filters).
 * 0, or -1 with the problem. */
HEARTH_MUST_CHECK
int hearth_tx_use_generic_plans(struct hearth_tx *tx, struct hearth_problem *p);

/* One read in one round trip: BEGIN READ ONLY, context, the prepared statement and
 * COMMIT pipelined together. Returns the result or NULL with the problem.
 * hearth_db_read_generic_statement_named(): the same on the statement's generic
 * plan (above). */
PGresult *hearth_db_read_statement_named(struct hearth_db_pool *pool,
					 const struct hearth_db_actor *actor, const char *stmt_name,
					 int n_params, const char *const *params,
					 struct hearth_problem *p);
PGresult *hearth_db_read_generic_statement_named(struct hearth_db_pool *pool,
						 const struct hearth_db_actor *actor,
						 const char *stmt_name, int n_params,
						 const char *const *params, struct hearth_problem *p);
/* The same with a literal name and count, recorded for the start-up check. */
#define hearth_db_read_statement(pool, actor, stmt_name, n_params, params, p)              \
	hearth_db_read_statement_named((pool), (actor), HEARTH_STMT_USE(stmt_name, n_params),   \
				       (n_params), (params), (p))

/* Map a SQLSTATE (and optional constraint) to a problem (the table above).
 * Services refine the result by p->constraint; tests check the table. */
void hearth_db_problem_from_sqlstate(const char *sqlstate, const char *constraint,
				     struct hearth_problem *p);

#endif
