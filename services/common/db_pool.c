/*
 * db_pool.c - the bounded PostgreSQL connection pool (hearth/db.h).
 *
 * Owns the connections: opens them lazily, resets dead ones on checkout,
 * prepares the service's statement table on every new or reset connection, and
 * rolls back anything a borrower left open.
 *
 * Checkout takes no lock while a connection is free: each thread has a home
 * slot (the first threads to borrow get distinct ones) and claims a slot with a
 * compare-and-swap on its busy flag, its home first, then any other. With as
 * many connections as HTTP workers, each worker finds its own connection free
 * and never touches another's cache line or sleeps. Only when every slot is
 * busy does a borrower take the mutex and wait on the condition variable, and
 * a release signals only when someone waits. The slow work (connecting,
 * preparing, rolling back) happens on a slot marked busy, outside any lock.
 * Connections run in libpq's non-blocking mode and every wait for the server
 * is bounded (db_wait.c); connecting is bounded by connect_timeout.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/db.h"
#include "hearth/log.h"
#include "db_internal.h"

/* Prepared on every new connection alongside the service's statements. It sets
 * the request's context and refuses (SQLSTATE 28000) an organisation that is
 * not an active organisation of the tenant (common migration 003). */
static const char ctx_sql[] = "SELECT hearth.begin_request($1, $2, $3, $4, $5)";

struct hearth_db_slot {
	atomic_int busy;     /* claimed by compare-and-swap */
	atomic_int has_conn; /* conn was opened once (checkout prefers those) */
	atomic_int open;     /* connected, as last seen by its borrower */
	PGconn *conn;        /* touched only by the slot's borrower */
	int broken;          /* reset before the next loan */
};

struct hearth_db_pool {
	char *conninfo;
	char *options;
	char *application_name;
	char connect_timeout[16], tcp_user_timeout[16];
	int acquire_timeout_ms;
	int query_timeout_ms;
	int ping_timeout_ms;
	const struct hearth_stmt_def *stmts;

	struct hearth_db_slot *slots;
	int size;
	atomic_int next_home;
	atomic_int in_use;
	atomic_int waiting;
	atomic_ullong acquired, timeouts, resets;
	/* Only for borrowers that found every slot busy. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The calling thread's home slot in the pool it last borrowed from. */
static _Thread_local const struct hearth_db_pool *home_pool;
static _Thread_local int home_slot;

/* "-c statement_timeout=N -c search_path=a,\ b": libpq splits options on spaces
 * unless they are escaped with a backslash. */
static char *build_options(int statement_timeout_ms, const char *search_path)
{
	size_t cap = 64 + (search_path ? 2 * strlen(search_path) : 0);
	char *o = malloc(cap);
	size_t n;

	if (!o)
		return NULL;
	n = (size_t)snprintf(o, cap, "-c statement_timeout=%d", statement_timeout_ms);
	if (search_path && *search_path) {
		n += (size_t)snprintf(o + n, cap - n, " -c search_path=");
		for (const char *s = search_path; *s; s++) {
			if (*s == ' ' || *s == '\\')
				o[n++] = '\\';
			o[n++] = *s;
		}
		o[n] = '\0';
	}
	return o;
}

int hearth_db_pool_new(const struct hearth_db_config *cfg, const struct hearth_stmt_def *stmts,
		       struct hearth_db_pool **out)
{
	struct hearth_db_pool *pool = NULL;
	pthread_condattr_t ca;
	int rc = -1;

	*out = NULL;
	if (!cfg || !cfg->conninfo || cfg->size < 1 || cfg->acquire_timeout_ms < 0 ||
	    cfg->statement_timeout_ms < 0 || cfg->connect_timeout_s < 0 ||
	    cfg->query_timeout_ms < 0)
		return -1;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -1;
	pool->size = cfg->size;
	pool->acquire_timeout_ms = cfg->acquire_timeout_ms;
	pool->query_timeout_ms = cfg->query_timeout_ms > 0 ? cfg->query_timeout_ms
							   : cfg->statement_timeout_ms + 1000;
	pool->ping_timeout_ms = 1000 * (cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 3);
	snprintf(pool->connect_timeout, sizeof(pool->connect_timeout), "%d",
		 pool->ping_timeout_ms / 1000);
	/* Unacknowledged data on a TCP connection fails it after the query
	 * timeout: the network dropped, not the server slow. */
	snprintf(pool->tcp_user_timeout, sizeof(pool->tcp_user_timeout), "%d",
		 pool->query_timeout_ms);
	pool->stmts = stmts;
	pool->conninfo = strdup(cfg->conninfo);
	pool->application_name = strdup(cfg->application_name ? cfg->application_name : "hearth");
	pool->options = build_options(cfg->statement_timeout_ms, cfg->search_path);
	pool->slots = calloc((size_t)cfg->size, sizeof(*pool->slots));
	if (!pool->conninfo || !pool->application_name || !pool->options || !pool->slots)
		goto out;
	pthread_mutex_init(&pool->mu, NULL);
	/* Waits are measured on the monotonic clock so a wall-clock jump cannot
	 * stretch or cut them. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->cv, &ca);
	pthread_condattr_destroy(&ca);
	*out = pool;
	rc = 0;
out:
	if (rc != 0) {
		free(pool->conninfo);
		free(pool->application_name);
		free(pool->options);
		free(pool->slots);
		free(pool);
	}
	return rc;
}

void hearth_db_pool_free(struct hearth_db_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < pool->size; i++)
		if (pool->slots[i].conn)
			PQfinish(pool->slots[i].conn);
	pthread_cond_destroy(&pool->cv);
	pthread_mutex_destroy(&pool->mu);
	free(pool->slots);
	free(pool->conninfo);
	free(pool->application_name);
	free(pool->options);
	free(pool);
}

void hearth_db_pool_stats(struct hearth_db_pool *pool, struct hearth_db_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->size = pool->size;
	/* Not PQstatus(): a borrowed connection belongs to its borrower's thread. */
	for (int i = 0; i < pool->size; i++)
		out->open += atomic_load(&pool->slots[i].open);
	out->in_use = atomic_load(&pool->in_use);
	out->waiting = atomic_load(&pool->waiting);
	out->acquired = atomic_load(&pool->acquired);
	out->timeouts = atomic_load(&pool->timeouts);
	out->resets = atomic_load(&pool->resets);
}

const struct hearth_stmt_def *hearth_db_find_stmt(const struct hearth_db_pool *pool,
						  const char *name)
{
	for (const struct hearth_stmt_def *s = pool->stmts; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

PGconn *hearth_db_slot_conn(struct hearth_db_slot *slot)
{
	return slot->conn;
}

void hearth_db_slot_mark_broken(struct hearth_db_slot *slot)
{
	slot->broken = 1;
}

void hearth_db_query_deadline(const struct hearth_db_pool *pool, struct timespec *out)
{
	hearth_db_deadline_in(pool->query_timeout_ms, out);
}

/* A server that restarted closed our socket while the connection sat idle;
 * libpq only notices when it next reads. Peek now, so the checkout can reset
 * instead of failing the request's first query. */
static int looks_dead(PGconn *conn)
{
	struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };

	if (PQstatus(conn) != CONNECTION_OK || pfd.fd < 0)
		return 1;
	/* An idle connection has nothing to say. A server shutting down sends a
	 * FATAL message and then closes: libpq reads the message on one call and
	 * sees the end of the stream only on the next, so keep reading while the
	 * socket stays readable (bounded: a NOTIFY storm must not hold us here). */
	for (int round = 0; round < 4 && poll(&pfd, 1, 0) > 0; round++) {
		if (!PQconsumeInput(conn))
			return 1;
		/* Discard stray NOTIFYs; the pool's connections do not LISTEN. */
		for (PGnotify *n; (n = PQnotifies(conn)) != NULL;)
			PQfreemem(n);
		if (PQstatus(conn) != CONNECTION_OK)
			return 1;
	}
	return PQstatus(conn) != CONNECTION_OK;
}

/* Prepare the common statements (db_internal.h) and the service's table in
 * one round trip. */
static int prepare_all(struct hearth_db_pool *pool, struct hearth_db_slot *slot)
{
	PGconn *conn = slot->conn;
	struct timespec deadline;
	int n = 0, rc = 0, timed_out;
	PGresult *res;

	hearth_db_query_deadline(pool, &deadline);
	if (!PQenterPipelineMode(conn))
		return -1;
	static const struct hearth_stmt_def common[] = {
		{ HEARTH_DB_CTX_STMT, ctx_sql, 5 },
		{ HEARTH_DB_AUDIT_STMT, hearth_audit_sql, HEARTH_DB_AUDIT_PARAMS },
		{ HEARTH_DB_BEGIN_STMT, "BEGIN", 0 },
		{ HEARTH_DB_BEGIN_RO_STMT, "BEGIN READ ONLY", 0 },
		{ HEARTH_DB_COMMIT_STMT, "COMMIT", 0 },
		{ HEARTH_DB_GENERIC_PLANS_STMT,
		  "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", 0 },
	};
	for (size_t i = 0; rc == 0 && i < sizeof(common) / sizeof(common[0]); i++, n++)
		if (!PQsendPrepare(conn, common[i].name, common[i].sql, common[i].n_params, NULL))
			rc = -1;
	for (const struct hearth_stmt_def *s = pool->stmts; rc == 0 && s && s->name; s++, n++)
		if (!PQsendPrepare(conn, s->name, s->sql, s->n_params, NULL))
			rc = -1;
	if (rc != 0 || !PQpipelineSync(conn))
		return -1;
	for (int i = 0; i < n; i++) {
		res = hearth_db_get_result(slot, &deadline, &timed_out);
		if (!res)
			return -1;
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			/* The first failure names the bad statement; the rest are aborted. */
			if (rc == 0)
				hearth_log(HEARTH_LOG_ERROR, "db: preparing statement %d failed: %s",
					   i, PQresultErrorMessage(res));
			rc = -1;
		}
		PQclear(res);
		res = hearth_db_get_result(slot, &deadline, &timed_out);
		if (res || timed_out || PQstatus(conn) != CONNECTION_OK) {
			PQclear(res);
			return -1;
		}
	}
	res = hearth_db_get_result(slot, &deadline, &timed_out);
	if (!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		rc = -1;
	PQclear(res);
	if (!PQexitPipelineMode(conn))
		rc = -1;
	return rc;
}

static PGconn *connect_new(struct hearth_db_pool *pool)
{
	/* dbname expands (expand_dbname), so a URI or a conninfo string both work:
	 * what that string says overrides the keywords before it (time bounds,
	 * keepalives: the operator may know better) and the keywords after it
	 * override the string (what the pool relies on). */
	const char *keys[] = { "connect_timeout", "keepalives", "keepalives_idle",
			       "keepalives_interval", "keepalives_count", "tcp_user_timeout",
			       "dbname", "options", "application_name", NULL };
	const char *vals[] = { pool->connect_timeout, "1", "30", "10", "3", pool->tcp_user_timeout,
			       pool->conninfo, pool->options, pool->application_name, NULL };

	return PQconnectdbParams(keys, vals, 1);
}

/* Make the slot's connection usable: open, reset or trust it. 0 or -1 with p. */
static int ensure_live(struct hearth_db_pool *pool, struct hearth_db_slot *slot,
		       struct hearth_problem *p)
{
	int fresh = 0;

	if (!slot->conn) {
		slot->conn = connect_new(pool);
		fresh = 1;
	} else if (slot->broken || looks_dead(slot->conn)) {
		PQreset(slot->conn);
		fresh = 1;
		atomic_fetch_add(&pool->resets, 1);
	}
	/* A reset connection starts over outside pipeline mode; check rather than
	 * trust it, since lending one still in a pipeline would desync results.
	 * Non-blocking, so no send or flush can wait on the server unbounded. */
	if (!slot->conn || PQstatus(slot->conn) != CONNECTION_OK ||
	    PQpipelineStatus(slot->conn) != PQ_PIPELINE_OFF ||
	    PQsetnonblocking(slot->conn, 1) != 0) {
		if (slot->conn)
			hearth_log(HEARTH_LOG_WARN, "db: connect failed: %.*s",
				   (int)strcspn(PQerrorMessage(slot->conn), "\n"),
				   PQerrorMessage(slot->conn));
		slot->broken = 1;
		hearth_problem_set(p, 503, "unavailable", "The database is unavailable.");
		p->retry_after = 2;
		return -1;
	}
	slot->broken = 0;
	if (fresh && prepare_all(pool, slot) != 0) {
		slot->broken = 1;
		if (PQstatus(slot->conn) != CONNECTION_OK) {
			hearth_problem_set(p, 503, "unavailable", "The database is unavailable.");
			p->retry_after = 2;
		} else {
			hearth_problem_set(p, 500, "internal", "Internal error.");
			p->retry_after = 0;
		}
		return -1;
	}
	return 0;
}

static int try_claim(struct hearth_db_slot *s)
{
	int expected = 0;

	return atomic_load_explicit(&s->busy, memory_order_relaxed) == 0 &&
	       atomic_compare_exchange_strong(&s->busy, &expected, 1);
}

static int my_home(struct hearth_db_pool *pool)
{
	if (home_pool != pool) {
		home_pool = pool;
		home_slot = atomic_fetch_add(&pool->next_home, 1) % pool->size;
	}
	return home_slot;
}

/* Claim a free slot without a lock: the home slot, then an open one, then an
 * unopened one (a new connection only when no open one is free). */
static struct hearth_db_slot *take_free_slot(struct hearth_db_pool *pool)
{
	int home = my_home(pool);

	if (try_claim(&pool->slots[home]))
		return &pool->slots[home];
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 1; k < pool->size; k++) {
			struct hearth_db_slot *s = &pool->slots[(home + k) % pool->size];

			if (pass == 0 && !atomic_load(&s->has_conn))
				continue;
			if (try_claim(s))
				return s;
		}
	}
	return NULL;
}

/* Lend the claimed slot: counted, and its connection made live. 0, or -1
 * with the problem (the slot is released). */
static int lend(struct hearth_db_pool *pool, struct hearth_db_slot *slot,
		struct hearth_db_slot **out, struct hearth_problem *p)
{
	atomic_fetch_add(&pool->in_use, 1);
	atomic_fetch_add(&pool->acquired, 1);
	if (ensure_live(pool, slot, p) != 0) {
		hearth_db_release(pool, slot);
		return -1;
	}
	atomic_store(&slot->has_conn, 1);
	atomic_store(&slot->open, 1);
	*out = slot;
	return 0;
}

int hearth_db_checkout(struct hearth_db_pool *pool, struct hearth_db_slot **out,
		       struct hearth_problem *p)
{
	struct hearth_db_slot *slot = take_free_slot(pool);
	struct timespec deadline;
	int err = 0;

	*out = NULL;
	if (!slot) {
		hearth_db_deadline_in(pool->acquire_timeout_ms, &deadline);
		pthread_mutex_lock(&pool->mu);
		/* Counted before looking again: a release either leaves a slot
		 * this look finds or sees the count and signals. */
		atomic_fetch_add(&pool->waiting, 1);
		while ((slot = take_free_slot(pool)) == NULL && err != ETIMEDOUT)
			err = pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline);
		atomic_fetch_sub(&pool->waiting, 1);
		pthread_mutex_unlock(&pool->mu);
	}
	if (!slot) {
		atomic_fetch_add(&pool->timeouts, 1);
		hearth_problem_set(p, 503, "unavailable", "All database connections are busy.");
		p->retry_after = 1;
		return -1;
	}
	return lend(pool, slot, out, p);
}

int hearth_db_try_checkout(struct hearth_db_pool *pool, struct hearth_db_slot **out,
			   struct hearth_problem *p)
{
	struct hearth_db_slot *slot;

	*out = NULL;
	/* Someone already waits for a connection: theirs is the next one. */
	if (atomic_load(&pool->waiting) > 0 || (slot = take_free_slot(pool)) == NULL)
		return 0;
	return lend(pool, slot, out, p) == 0 ? 1 : -1;
}

/* Run a one-statement command (no pipeline) within the deadline. 0 when it
 * succeeded with `want`; otherwise -1 and, if it timed out, the slot broken. */
static int exec_bounded(struct hearth_db_slot *slot, const char *sql, ExecStatusType want,
			const struct timespec *deadline)
{
	PGresult *res;
	int rc = -1, timed_out = 0, results = 0;

	if (!PQsendQuery(slot->conn, sql))
		return -1;
	/* Read to the end (NULL), so the connection is free for the next query. */
	while ((res = hearth_db_get_result(slot, deadline, &timed_out)) != NULL) {
		if (results++ == 0 && PQresultStatus(res) == want)
			rc = 0;
		else
			rc = -1;
		PQclear(res);
	}
	if (timed_out || PQstatus(slot->conn) != CONNECTION_OK)
		rc = -1;
	return rc;
}

/* Put the connection back in the idle state the pool promises, or mark it. */
static void make_idle(struct hearth_db_pool *pool, struct hearth_db_slot *slot)
{
	PGconn *conn = slot->conn;
	struct timespec deadline;

	if (!conn || slot->broken || PQstatus(conn) != CONNECTION_OK) {
		slot->broken = 1;
		return;
	}
	if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn)) {
		slot->broken = 1;
		return;
	}
	switch (PQtransactionStatus(conn)) {
	case PQTRANS_IDLE:
		return;
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		hearth_db_query_deadline(pool, &deadline);
		if (exec_bounded(slot, "ROLLBACK", PGRES_COMMAND_OK, &deadline) != 0 ||
		    PQtransactionStatus(conn) != PQTRANS_IDLE)
			slot->broken = 1;
		return;
	default:
		/* A query still running or an unknown state: only a reset is safe. */
		slot->broken = 1;
		return;
	}
}

void hearth_db_release(struct hearth_db_pool *pool, struct hearth_db_slot *slot)
{
	int open;

	if (!slot)
		return;
	make_idle(pool, slot);
	open = slot->conn && PQstatus(slot->conn) == CONNECTION_OK;
	atomic_store(&slot->open, open);
	if (slot->conn)
		atomic_store(&slot->has_conn, 1);
	atomic_fetch_sub(&pool->in_use, 1);
	atomic_store(&slot->busy, 0);
	if (atomic_load(&pool->waiting) > 0) {
		pthread_mutex_lock(&pool->mu);
		pthread_cond_signal(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
	}
}

/* One readiness probe: 0 answered; 1 failed on a connection that looked alive
 * (it may have died just now: worth one more try on a reset one); -1 failed
 * otherwise (connecting failed, or no answer in time: the server is down). */
static int ping_once(struct hearth_db_pool *pool)
{
	struct hearth_db_slot *slot;
	struct hearth_problem p;
	struct timespec deadline;
	int rc;

	hearth_problem_clear(&p);
	if (hearth_db_checkout(pool, &slot, &p) != 0)
		return -1;
	hearth_db_deadline_in(pool->ping_timeout_ms, &deadline);
	rc = exec_bounded(slot, "SELECT 1", PGRES_TUPLES_OK, &deadline);
	if (rc != 0) {
		rc = slot->broken ? -1 : 1; /* broken here: it timed out */
		slot->broken = 1;
	}
	hearth_db_release(pool, slot);
	return rc;
}

int hearth_db_ping(struct hearth_db_pool *pool)
{
	/* A connection can die between the liveness peek and the query; the second
	 * try gets a reset connection, so readiness reflects the server, not
	 * the state of one pooled socket. */
	int rc = ping_once(pool);

	if (rc == 1)
		rc = ping_once(pool);
	return rc == 0 ? 0 : -1;
}
