/*
 * db_tx.c - request transactions in libpq pipeline mode (hearth/db.h).
 *
 * A tx holds its connection in pipeline mode from begin to end. Statements are
 * queued (BEGIN, the RLS context, audit and outbox rows) and only go to the
 * server with the next query or COMMIT, followed by a sync. Results come back
 * in order: one result then a NULL per statement, then PGRES_PIPELINE_SYNC.
 * After an error the server skips the rest up to the sync (PIPELINE_ABORTED),
 * the explicit transaction stays aborted, and the pool rolls it back on release.
 * Each sync's results must all arrive before one deadline (the pool's query
 * timeout, db_wait.c); past it the tx fails with a 503 and the connection is
 * reset before its next loan.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/db.h"
#include "hearth/log.h"
#include "hearth/util.h"
#include "db_internal.h"

#define ACTOR_FIELD_MAX 256

struct hearth_tx {
	struct hearth_db_pool *pool;
	struct hearth_db_slot *slot;
	PGconn *conn;
	int pending;  /* statements sent but whose results are not read yet */
	int started;  /* index among them of a started statement, or -1; then a
		       * sync is sent already and nothing else is queued */
	int failed;   /* the first failure, kept to answer later calls */
	struct hearth_problem failure;
	struct hearth_db_actor actor;
	/* The actor's strings, copied: the caller's may not outlive the tx. */
	char tenant_id[64], org_id[64], sub[ACTOR_FIELD_MAX], roles[ACTOR_FIELD_MAX],
		request_id[128];
};

static const char *copy_field(char *dst, size_t cap, const char *src)
{
	if (!src)
		return NULL;
	snprintf(dst, cap, "%s", src);
	return dst;
}

static void fail(struct hearth_tx *tx, const PGresult *res, struct hearth_problem *p)
{
	if (!tx->failed) {
		hearth_problem_clear(&tx->failure);
		hearth_db_problem_from_result(tx->conn, res, &tx->failure);
		tx->failed = 1;
	}
	if (PQstatus(tx->conn) != CONNECTION_OK)
		hearth_db_slot_mark_broken(tx->slot);
	if (p)
		*p = tx->failure;
}

static void fail_timeout(struct hearth_tx *tx, struct hearth_problem *p)
{
	if (!tx->failed) {
		hearth_problem_clear(&tx->failure);
		hearth_db_problem_timeout(&tx->failure);
		tx->failed = 1;
	}
	hearth_db_slot_mark_broken(tx->slot);
	if (p)
		*p = tx->failure;
}

static void fail_internal(struct hearth_tx *tx, const char *why, struct hearth_problem *p)
{
	hearth_log(HEARTH_LOG_ERROR, "db: %s", why);
	if (!tx->failed) {
		hearth_problem_clear(&tx->failure);
		hearth_problem_set(&tx->failure, 500, "internal", "Internal error.");
		tx->failed = 1;
	}
	if (p)
		*p = tx->failure;
}

/* Send a sync and read the results of every pending statement. The result at
 * index `keep` (or none when -1) is handed back on success. Returns 0, or -1
 * with the first error recorded on the tx. Never loops on a dead connection:
 * each read either advances or ends the drain. */
static int drain(struct hearth_tx *tx, int keep, PGresult **kept, struct hearth_problem *p);

static int sync_and_drain(struct hearth_tx *tx, int keep, PGresult **kept, struct hearth_problem *p)
{
	if (kept)
		*kept = NULL;
	if (!PQpipelineSync(tx->conn)) {
		tx->pending = 0;
		fail(tx, NULL, p);
		hearth_db_slot_mark_broken(tx->slot);
		return -1;
	}
	return drain(tx, keep, kept, p);
}

/* Read the results of every pending statement up to the sync already sent
 * (sync_and_drain's second half). */
static int drain(struct hearth_tx *tx, int keep, PGresult **kept, struct hearth_problem *p)
{
	int n = tx->pending, broken = 0, timed_out = 0;
	struct timespec deadline;
	PGresult *res;

	if (kept)
		*kept = NULL;
	tx->pending = 0;
	tx->started = -1;
	hearth_db_query_deadline(tx->pool, &deadline);
	for (int i = 0; i < n && !broken; i++) {
		res = hearth_db_get_result(tx->slot, &deadline, &timed_out);
		if (!res) {
			/* Only a lost connection or the deadline ends the stream early. */
			if (timed_out)
				fail_timeout(tx, p);
			else
				fail(tx, NULL, p);
			broken = 1;
			break;
		}
		switch (PQresultStatus(res)) {
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			if (i == keep && kept) {
				*kept = res;
				res = NULL;
			}
			break;
		case PGRES_PIPELINE_ABORTED:
			break; /* skipped because an earlier statement failed */
		default:
			fail(tx, res, p);
			if (PQstatus(tx->conn) != CONNECTION_OK)
				broken = 1;
			break;
		}
		PQclear(res);
		if (broken)
			break;
		if ((res = hearth_db_get_result(tx->slot, &deadline, &timed_out)) != NULL) {
			/* A second result for one statement: COPY or multi-statement text,
			 * neither of which belongs here. */
			PQclear(res);
			fail_internal(tx, "unexpected extra result in pipeline", p);
			broken = 1;
		} else if (timed_out) {
			fail_timeout(tx, p);
			broken = 1;
		}
	}
	if (!broken) {
		res = hearth_db_get_result(tx->slot, &deadline, &timed_out);
		if (timed_out) {
			fail_timeout(tx, p);
			broken = 1;
		} else if (PQresultStatus(res) != PGRES_PIPELINE_SYNC) {
			if (!tx->failed)
				fail(tx, res, p);
			broken = 1;
		}
		PQclear(res);
	}
	if (broken)
		hearth_db_slot_mark_broken(tx->slot);
	if (tx->failed) {
		if (p)
			*p = tx->failure;
		if (kept) {
			PQclear(*kept);
			*kept = NULL;
		}
		return -1;
	}
	return 0;
}

static int send_sql(struct hearth_tx *tx, const char *sql, int n_params, const char *const *params,
		    struct hearth_problem *p)
{
	if (!PQsendQueryParams(tx->conn, sql, n_params, NULL, params, NULL, NULL, 0)) {
		fail(tx, NULL, p);
		return -1;
	}
	tx->pending++;
	return 0;
}

static int send_prepared(struct hearth_tx *tx, const char *name, int n_params,
			 const char *const *params, struct hearth_problem *p)
{
	if (!PQsendQueryPrepared(tx->conn, name, n_params, params, NULL, NULL, 0)) {
		fail(tx, NULL, p);
		return -1;
	}
	tx->pending++;
	return 0;
}

/* Queue BEGIN (the prepared one of its kind, or the `opening` statements
 * as text) and the actor's context; they go with the next sync. */
static int queue_begin(struct hearth_tx *tx, int read_only, const char *const *opening,
		       int n_opening, struct hearth_problem *p)
{
	const char *ctx[5];
	int rc = 0;

	/* set_config with NULL would fail; an absent value is the empty string,
	 * which hearth.current_tenant()/current_org() read as NULL. */
	ctx[0] = tx->actor.tenant_id ? tx->actor.tenant_id : "";
	ctx[1] = tx->actor.org_id ? tx->actor.org_id : "";
	ctx[2] = tx->actor.sub ? tx->actor.sub : "";
	ctx[3] = tx->actor.roles ? tx->actor.roles : "";
	ctx[4] = tx->actor.request_id ? tx->actor.request_id : "";

	if (PQpipelineStatus(tx->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(tx->conn))
		rc = -1;
	if (rc == 0 && n_opening == 0)
		rc = send_prepared(tx, read_only ? HEARTH_DB_BEGIN_RO_STMT : HEARTH_DB_BEGIN_STMT, 0,
				   NULL, p);
	for (int i = 0; rc == 0 && i < n_opening; i++)
		rc = send_sql(tx, opening[i], 0, NULL, p);
	if (rc == 0)
		rc = send_prepared(tx, HEARTH_DB_CTX_STMT, 5, ctx, p);
	if (rc != 0 && !tx->failed)
		fail(tx, NULL, p);
	return rc;
}

int hearth_tx_open(struct hearth_db_pool *pool, struct hearth_db_slot *slot,
		   const struct hearth_db_actor *actor, int read_only, const char *const *opening,
		   int n_opening, struct hearth_tx **out, struct hearth_problem *p)
{
	struct hearth_tx *tx;

	*out = NULL;
	tx = calloc(1, sizeof(*tx));
	if (!tx) {
		hearth_db_release(pool, slot);
		hearth_problem_out_of_memory(p);
		return -1;
	}
	tx->pool = pool;
	tx->slot = slot;
	tx->started = -1;
	tx->conn = hearth_db_slot_conn(tx->slot);
	tx->actor.tenant_id = copy_field(tx->tenant_id, sizeof(tx->tenant_id), actor->tenant_id);
	tx->actor.org_id = copy_field(tx->org_id, sizeof(tx->org_id), actor->org_id);
	tx->actor.sub = copy_field(tx->sub, sizeof(tx->sub), actor->sub);
	tx->actor.roles = copy_field(tx->roles, sizeof(tx->roles), actor->roles);
	tx->actor.request_id = copy_field(tx->request_id, sizeof(tx->request_id),
					  actor->request_id);

	if (queue_begin(tx, read_only, opening, n_opening, p) != 0) {
		hearth_db_slot_mark_broken(tx->slot);
		hearth_tx_end(tx);
		return -1;
	}
	*out = tx;
	return 0;
}

int hearth_tx_begin(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
		    int read_only, struct hearth_tx **out, struct hearth_problem *p)
{
	struct hearth_db_slot *slot;

	*out = NULL;
	if (hearth_db_checkout(pool, &slot, p) != 0)
		return -1;
	return hearth_tx_open(pool, slot, actor, read_only, NULL, 0, out, p);
}

static PGresult *run(struct hearth_tx *tx, const char *stmt_name, const char *sql, int n_params,
		     const char *const *params, struct hearth_problem *p)
{
	PGresult *res = NULL;
	int idx;

	if (tx->failed) {
		*p = tx->failure;
		return NULL;
	}
	if (tx->started >= 0) {
		fail_internal(tx, "a query while a started one is not collected", p);
		return NULL;
	}
	idx = tx->pending;
	if (stmt_name ? send_prepared(tx, stmt_name, n_params, params, p)
		      : send_sql(tx, sql, n_params, params, p))
		return NULL;
	if (sync_and_drain(tx, idx, &res, p) != 0)
		return NULL;
	return res;
}

/* Whether stmt_name is a statement of the table taking n_params: 0, or -1
 * with the tx failed (a 500: the caller's mistake). */
static int stmt_check(struct hearth_tx *tx, const char *stmt_name, int n_params,
		      struct hearth_problem *p)
{
	const struct hearth_stmt_def *def = hearth_db_find_stmt(tx->pool, stmt_name);
	char why[160];

	if (def && def->n_params == n_params)
		return 0;
	snprintf(why, sizeof(why), "statement \"%s\" %s", stmt_name,
		 def ? "called with the wrong number of parameters" : "is not in the table");
	fail_internal(tx, why, p);
	return -1;
}

PGresult *hearth_tx_query_named(struct hearth_tx *tx, const char *stmt_name, int n_params,
				const char *const *params, struct hearth_problem *p)
{
	if (stmt_check(tx, stmt_name, n_params, p) != 0)
		return NULL;
	return run(tx, stmt_name, NULL, n_params, params, p);
}

PGresult *hearth_tx_query_sql(struct hearth_tx *tx, const char *sql, int n_params,
			      const char *const *params, struct hearth_problem *p)
{
	return run(tx, NULL, sql, n_params, params, p);
}

/* Queueing needs a live transaction with no started statement in flight.
 * 0, or -1 with the problem filled. */
static int queue_ready(struct hearth_tx *tx, struct hearth_problem *p)
{
	if (tx->failed) {
		*p = tx->failure;
		return -1;
	}
	if (tx->started >= 0) {
		fail_internal(tx, "a statement queued while a started one is not collected", p);
		return -1;
	}
	return 0;
}

int hearth_tx_queue_sql(struct hearth_tx *tx, const char *sql, int n_params,
			const char *const *params, struct hearth_problem *p)
{
	return queue_ready(tx, p) != 0 ? -1 : send_sql(tx, sql, n_params, params, p);
}

int hearth_tx_queue_prepared(struct hearth_tx *tx, const char *name, int n_params,
			     const char *const *params, struct hearth_problem *p)
{
	return queue_ready(tx, p) != 0 ? -1 : send_prepared(tx, name, n_params, params, p);
}

/* Everything queued so far is on its way to the server: flush libpq's output
 * buffer, reading as we go (a server blocked on writing results to us would
 * never read the rest). 0; 1 when the deadline passed first, -1 when the
 * connection failed. */
static int flush_out(struct hearth_tx *tx)
{
	struct timespec deadline;
	int flushed;

	hearth_db_query_deadline(tx->pool, &deadline);
	while ((flushed = PQflush(tx->conn)) == 1) {
		struct pollfd pfd = { .fd = PQsocket(tx->conn), .events = POLLIN | POLLOUT };
		struct timespec now;
		long long ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long long)(deadline.tv_sec - now.tv_sec) * 1000 +
		     (deadline.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0 || pfd.fd < 0)
			break;
		if (poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms) < 0 && errno != EINTR)
			break;
		if ((pfd.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) && !PQconsumeInput(tx->conn))
			break;
	}
	return flushed == 0 ? 0 : flushed == 1 ? 1 : -1;
}

int hearth_tx_query_start_named(struct hearth_tx *tx, const char *stmt_name, int n_params,
				const char *const *params, struct hearth_problem *p)
{
	int idx, flushed;

	if (tx->failed) {
		*p = tx->failure;
		return -1;
	}
	if (tx->started >= 0) {
		fail_internal(tx, "a statement started before the last one was collected", p);
		return -1;
	}
	if (stmt_check(tx, stmt_name, n_params, p) != 0)
		return -1;
	idx = tx->pending;
	if (send_prepared(tx, stmt_name, n_params, params, p) != 0)
		return -1;
	flushed = PQpipelineSync(tx->conn) ? flush_out(tx) : -1;
	if (flushed != 0) {
		tx->pending = 0;
		if (flushed == 1)
			fail_timeout(tx, p);
		else
			fail(tx, NULL, p);
		hearth_db_slot_mark_broken(tx->slot);
		return -1;
	}
	tx->started = idx;
	return 0;
}

PGresult *hearth_tx_query_wait(struct hearth_tx *tx, struct hearth_problem *p)
{
	PGresult *res = NULL;

	if (tx->started < 0) {
		if (!tx->failed)
			fail_internal(tx, "no started statement to collect", p);
		else
			*p = tx->failure;
		return NULL;
	}
	if (drain(tx, tx->started, &res, p) != 0)
		return NULL;
	return res;
}

/* Read and drop the results of whatever is still pending (a started
 * statement's sync is sent already; otherwise one is sent now). */
static void settle_pending(struct hearth_tx *tx)
{
	struct hearth_problem ignored;

	hearth_problem_clear(&ignored);
	if (tx->started >= 0)
		drain(tx, -1, NULL, &ignored);
	else
		sync_and_drain(tx, -1, NULL, &ignored);
}

int hearth_tx_commit(struct hearth_tx *tx, struct hearth_problem *p)
{
	if (tx->failed) {
		*p = tx->failure;
		return -1;
	}
	if (tx->started >= 0) {
		fail_internal(tx, "commit while a started statement is not collected", p);
		return -1;
	}
	if (send_prepared(tx, HEARTH_DB_COMMIT_STMT, 0, NULL, p) != 0)
		return -1;
	return sync_and_drain(tx, -1, NULL, p);
}

void hearth_tx_end(struct hearth_tx *tx)
{
	if (!tx)
		return;
	/* Statements queued but never sent with a query or commit: flush them out
	 * so the connection can leave pipeline mode; the pool rolls back. */
	if (tx->pending > 0 && PQstatus(tx->conn) == CONNECTION_OK)
		settle_pending(tx);
	if (PQpipelineStatus(tx->conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(tx->conn))
		hearth_db_slot_mark_broken(tx->slot);
	hearth_db_release(tx->pool, tx->slot);
	free(tx);
}

int hearth_tx_restart(struct hearth_tx *tx, int read_only, struct hearth_problem *p)
{
	if (PQstatus(tx->conn) != CONNECTION_OK) {
		fail(tx, NULL, p);
		return -1;
	}
	/* Statements still queued belong to the transaction being given up. */
	if (tx->pending > 0) {
		settle_pending(tx);
		if (PQstatus(tx->conn) != CONNECTION_OK) {
			fail(tx, NULL, p);
			return -1;
		}
	}
	tx->failed = 0;
	hearth_problem_clear(&tx->failure);
	if (send_sql(tx, "ROLLBACK", 0, NULL, p) != 0 ||
	    queue_begin(tx, read_only, NULL, 0, p) != 0) {
		hearth_db_slot_mark_broken(tx->slot);
		return -1;
	}
	return 0;
}

const struct hearth_db_actor *hearth_tx_actor(const struct hearth_tx *tx)
{
	return &tx->actor;
}

int hearth_tx_use_generic_plans(struct hearth_tx *tx, struct hearth_problem *p)
{
	return hearth_tx_queue_prepared(tx, HEARTH_DB_GENERIC_PLANS_STMT, 0, NULL, p);
}

static PGresult *read_statement(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
				const char *stmt_name, int n_params, const char *const *params,
				int generic_plan, struct hearth_problem *p)
{
	struct hearth_tx *tx = NULL;
	const struct hearth_stmt_def *def = hearth_db_find_stmt(pool, stmt_name);
	PGresult *res = NULL;
	int idx;

	if (!def || def->n_params != n_params) {
		hearth_log(HEARTH_LOG_ERROR, "db: statement \"%s\" is not in the table or has "
			   "another parameter count", stmt_name);
		hearth_problem_set(p, 500, "internal", "Internal error.");
		return NULL;
	}
	if (hearth_tx_begin(pool, actor, HEARTH_TX_READ_ONLY, &tx, p) != 0)
		return NULL;
	if (generic_plan && hearth_tx_use_generic_plans(tx, p) != 0)
		goto out;
	idx = tx->pending;
	/* Query and COMMIT ride with BEGIN and the context: one round trip. */
	if (send_prepared(tx, stmt_name, n_params, params, p) != 0 ||
	    send_prepared(tx, HEARTH_DB_COMMIT_STMT, 0, NULL, p) != 0)
		goto out;
	if (sync_and_drain(tx, idx, &res, p) != 0)
		res = NULL;
out:
	hearth_tx_end(tx);
	return res;
}

PGresult *hearth_db_read_statement_named(struct hearth_db_pool *pool,
					 const struct hearth_db_actor *actor,
					 const char *stmt_name, int n_params, const char *const *params,
					 struct hearth_problem *p)
{
	return read_statement(pool, actor, stmt_name, n_params, params, 0, p);
}

PGresult *hearth_db_read_generic_statement_named(struct hearth_db_pool *pool,
						 const struct hearth_db_actor *actor,
						 const char *stmt_name, int n_params,
						 const char *const *params, struct hearth_problem *p)
{
	return read_statement(pool, actor, stmt_name, n_params, params, 1, p);
}
