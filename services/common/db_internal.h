/*
 * db_internal.h - what db_pool.c, db_tx.c and db_errors.c share; not a public
 * contract (services use hearth/db.h only).
 *
 * Invariant: a connection sitting idle in the pool is out of pipeline mode and
 * outside any transaction. A borrower that cannot restore that state marks the
 * connection broken, and the next checkout resets it.
 */
#ifndef HEARTH_DB_INTERNAL_H
#define HEARTH_DB_INTERNAL_H

#include <time.h>

#include "hearth/db.h"

/* Name of the prepared statement that sets the row-level-security context. */
#define HEARTH_DB_CTX_STMT "hearth_ctx"

/* Prepared on every connection with the context statement, because every
 * audited request sends them: the audit row (audit.c owns its SQL), and the
 * transaction's BEGIN and COMMIT. Sent as text they were parsed, and the
 * audit INSERT planned with its policy, on every request. */
#define HEARTH_DB_AUDIT_STMT "hearth_audit"
#define HEARTH_DB_AUDIT_PARAMS 9
extern const char hearth_audit_sql[];
#define HEARTH_DB_BEGIN_STMT "hearth_begin"
#define HEARTH_DB_BEGIN_RO_STMT "hearth_begin_ro"
#define HEARTH_DB_COMMIT_STMT "hearth_commit"
/* Every later statement of the transaction on its generic plan (db.h). */
#define HEARTH_DB_GENERIC_PLANS_STMT "hearth_generic_plans"

/* Queue a statement prepared on every connection (above), as
 * hearth_tx_queue_sql() queues text. */
int hearth_tx_queue_prepared(struct hearth_tx *tx, const char *name, int n_params,
			     const char *const *params, struct hearth_problem *p);

struct hearth_db_slot;

/* A tx for `actor` on `slot`, already borrowed (the tx owns it from here,
 * also when this fails): BEGIN of its kind, prepared, or with `opening` the
 * n_opening statements as text instead, then the context, all queued.
 * 0, or -1 with the problem. */
int hearth_tx_open(struct hearth_db_pool *pool, struct hearth_db_slot *slot,
		   const struct hearth_db_actor *actor, int read_only, const char *const *opening,
		   int n_opening, struct hearth_tx **out, struct hearth_problem *p);

/* Borrow a live connection, waiting up to the acquire timeout. Returns 0, or -1
 * with a 503 problem (exhausted, database unreachable) or a 500 (statements of
 * the table failed to prepare). */
int hearth_db_checkout(struct hearth_db_pool *pool, struct hearth_db_slot **out,
		       struct hearth_problem *p);

/* The same without waiting: 1 with a slot, 0 when none is free now (or
 * another borrower is already waiting for one), -1 with the problem. */
int hearth_db_try_checkout(struct hearth_db_pool *pool, struct hearth_db_slot **out,
			   struct hearth_problem *p);

PGconn *hearth_db_slot_conn(struct hearth_db_slot *slot);

/* Ask for a reset before the connection is lent again. */
void hearth_db_slot_mark_broken(struct hearth_db_slot *slot);

/* Give the connection back; rolls back an open transaction, leaves pipeline
 * mode, and marks it broken if either fails; NULL is a no-op. */
void hearth_db_release(struct hearth_db_pool *pool, struct hearth_db_slot *slot);

/* The service statement called `name`, or NULL. */
const struct hearth_stmt_def *hearth_db_find_stmt(const struct hearth_db_pool *pool,
						  const char *name);

/* The deadline of one exchange with the server (CLOCK_MONOTONIC): now plus the
 * pool's query timeout. */
void hearth_db_query_deadline(const struct hearth_db_pool *pool, struct timespec *out);
void hearth_db_deadline_in(int ms, struct timespec *out);

/* Flush what is queued and wait until a result can be read without blocking,
 * never past `deadline`. 0 ready, 1 deadline passed, -1 connection failed. */
int hearth_db_wait_ready(PGconn *conn, const struct timespec *deadline);

/* PQgetResult(), bounded by `deadline`. NULL also when the deadline passed
 * (*timed_out set) or the connection failed; either way the slot is marked
 * broken unless libpq itself closed the connection. */
PGresult *hearth_db_get_result(struct hearth_db_slot *slot, const struct timespec *deadline,
			       int *timed_out);

/* The problem of a server that did not answer before the deadline: 503. */
void hearth_db_problem_timeout(struct hearth_problem *p);

/* Map a failed result (or, with res NULL, the connection's state) to a problem
 * and log the server's message, which never reaches the client. */
void hearth_db_problem_from_result(PGconn *conn, const PGresult *res, struct hearth_problem *p);

#endif
