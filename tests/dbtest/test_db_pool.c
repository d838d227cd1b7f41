/*
 * test_db_pool.c - the connection pool and pipelined transactions: one-round-trip
 * reads, errors, exhaustion, an outage, and the client-side deadlines, against a
 * real PostgreSQL (see support_db.h; run by tests/dbtest/test_db.sh).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/db.h"
#include "support_db.h"

START_TEST(a_statement_read_is_one_pipelined_round_trip)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	const char *params[2] = { "hello", NULL };
	struct hearth_db_stats st;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_b, "probe_get", 1, params, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_B);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "hello");
	PQclear(r);
	/* Writing in a read-only transaction fails, and the pool stays usable. */
	params[0] = "7";
	params[1] = "x";
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_b, "probe_insert", 2, params, &p));
	ck_assert_str_eq(p.sqlstate, "25006");
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_b, "no_such_stmt", 0, NULL, &p));
	ck_assert_int_eq(p.status, 500);
	r = hearth_db_read_statement(pool, &actor_b, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(st.open, 1);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(unique_violation_is_409_and_pool_stays_usable)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	const char *one[2] = { "1", "first" };
	const char *two[2] = { "2", "second" };
	PGresult *r;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_insert", 2, one, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);

	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_insert", 2, one, &p));
	ck_assert_int_eq(p.status, 409);
	ck_assert_str_eq(p.type, "conflict");
	ck_assert_str_eq(p.sqlstate, "23505");
	ck_assert_str_eq(p.constraint, "probe_pkey");
	hearth_problem_clear(&p);
	/* The tx stays failed: later calls repeat the first problem. */
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_insert", 2, two, &p));
	ck_assert_int_eq(p.status, 409);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "SELECT 1", 0, NULL, &p), -1);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
	hearth_tx_end(tx);

	/* A failing queued statement fails the call that sends it. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "INSERT INTO probe (id, val) VALUES (1, 'dup')",
					     0, NULL, &p), 0);
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_count", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "23505");
	hearth_tx_end(tx);

	/* A queued statement left unsent by an abandoned tx is discarded. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "INSERT INTO probe (id, val) VALUES (9, 'x')",
					     0, NULL, &p), 0);
	hearth_tx_end(tx);

	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	/* Wrong parameter count for a table statement: 500, no server call. */
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_count", 1, one, &p));
	ck_assert_int_eq(p.status, 500);
	hearth_tx_end(tx);
	/* RLS: tenant B sees none of tenant A's rows. */
	r = hearth_db_read_statement(pool, &actor_b, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
	hearth_db_pool_free(pool);
}
END_TEST

/* A started statement runs while the caller works and is collected later;
 * nothing else may come in between; a failure shows at the collection; a tx
 * ended with one outstanding leaves its connection usable. */
START_TEST(a_started_statement_is_collected_later)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	const char *one[2] = { "31", "started" };
	const char *two[2] = { "32", "again" };
	long before;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	before = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_insert", 2, one, &p), 0);
	r = hearth_tx_query_wait(tx, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "31");
	PQclear(r);
	/* Two in a row, each collected before the next. */
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_insert", 2, two, &p), 0);
	r = hearth_tx_query_wait(tx, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);

	/* A failure comes with the collection; the tx stays failed. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_insert", 2, one, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_wait(tx, &p));
	ck_assert_str_eq(p.sqlstate, "23505");
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_insert", 2, two, &p), -1);
	ck_assert_str_eq(p.sqlstate, "23505");
	hearth_tx_end(tx);

	/* Another call before the collection is a 500, not a desynchronised pipeline. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_count", 0, NULL, &p), 0);
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_count", 0, NULL, &p));
	ck_assert_int_eq(p.status, 500);
	hearth_tx_end(tx);
	/* Nothing to collect: 500. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_wait(tx, &p));
	ck_assert_int_eq(p.status, 500);
	hearth_tx_end(tx);
	/* Ended with a started statement outstanding: rolled back, connection reusable. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	const char *three[2] = { "33", "dropped" };
	ck_assert_int_eq(hearth_tx_query_start(tx, "probe_insert", 2, three, &p), 0);
	hearth_tx_end(tx);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(strtol(PQgetvalue(r, 0, 0), NULL, 10), before + 2);
	PQclear(r);
	hearth_tx_end(tx);
	hearth_db_pool_free(pool);
}
END_TEST

struct releaser {
	struct hearth_tx *tx;
	int delay_ms;
};

static void *release_later(void *arg)
{
	struct releaser *rl = arg;

	usleep((useconds_t)rl->delay_ms * 1000);
	hearth_tx_end(rl->tx);
	return NULL;
}

START_TEST(exhausted_pool_waits_then_503)
{
	struct hearth_db_pool *pool = new_pool(1, 300);
	struct hearth_problem p;
	struct hearth_tx *tx1, *tx2 = NULL;
	struct hearth_db_stats st;
	struct releaser rl;
	pthread_t th;
	double t0, waited;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx1, &p), 0);
	t0 = now_ms();
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx2, &p), -1);
	waited = now_ms() - t0;
	ck_assert_ptr_null(tx2);
	ck_assert_int_eq(p.status, 503);
	ck_assert_str_eq(p.type, "unavailable");
	ck_assert_int_gt(p.retry_after, 0);
	ck_assert_msg(waited >= 280 && waited < 2000, "waited %.0f ms", waited);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.timeouts, 1);
	ck_assert_int_eq(st.in_use, 1);
	ck_assert_int_eq(st.waiting, 0);

	/* A waiter gets the connection as soon as it is released. */
	rl.tx = tx1;
	rl.delay_ms = 100;
	ck_assert_int_eq(pthread_create(&th, NULL, release_later, &rl), 0);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx2, &p), 0);
	pthread_join(th, NULL);
	hearth_tx_end(tx2);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(st.acquired, 2);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(outage_gives_503_and_recovers)
{
	const char *stop = getenv("HEARTH_TEST_PG_STOP");
	const char *start = getenv("HEARTH_TEST_PG_START");
	struct hearth_db_pool *pool;
	struct hearth_problem p;
	struct hearth_tx *tx = NULL, *held;
	struct hearth_db_stats st;
	double t0;

	if (!stop || !start) {
		fprintf(stderr, "outage test skipped: HEARTH_TEST_PG_STOP/START not set\n");
		return;
	}
	pool = new_pool(2, 500);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &held, &p), 0);
	ck_assert_int_eq(system(stop), 0);

	t0 = now_ms();
	ck_assert_int_ne(hearth_db_ping(pool), 0);
	ck_assert_ptr_null(hearth_tx_query(held, "probe_count", 0, NULL, &p));
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	hearth_tx_end(held);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), -1);
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	hearth_problem_clear(&p);
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p));
	ck_assert_int_eq(p.status, 503);
	ck_assert_msg(now_ms() - t0 < 10000, "outage handling took %.0f ms", now_ms() - t0);

	ck_assert_int_eq(system(start), 0);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_uint_gt(st.resets, 0);
	/* Every pooled connection works again, with its statements re-prepared. */
	for (int i = 0; i < 3; i++) {
		PGresult *r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);

		ck_assert_msg(r != NULL, "read %d after restart: %d", i, p.status);
		PQclear(r);
	}
	hearth_db_pool_free(pool);
}
END_TEST

/* The server answers, but later than the client's deadline (its own
 * statement_timeout is longer): the call must give up at the deadline with a
 * 503, and the connection, whose state is then unknown, must be reset before
 * it is lent again. */
START_TEST(answer_past_the_query_deadline_is_503_and_the_connection_is_reset)
{
	struct hearth_db_pool *pool = new_pool_timed(1, 500, 10000, 2, 300);
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	struct hearth_db_stats st;
	PGresult *r;
	double t0, took;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	t0 = now_ms();
	r = hearth_tx_query_sql(tx, "SELECT pg_sleep(3)", 0, NULL, &p);
	took = now_ms() - t0;
	ck_assert_ptr_null(r);
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	ck_assert_str_eq(p.detail, "The database did not answer in time.");
	ck_assert_msg(took >= 250 && took < 2000, "gave up after %.0f ms, not at 300 ms", took);
	/* Later calls of the failed tx answer the same, without waiting again. */
	t0 = now_ms();
	ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
	ck_assert_int_eq(p.status, 503);
	ck_assert_msg(now_ms() - t0 < 100, "commit of a failed tx waited %.0f ms", now_ms() - t0);
	hearth_tx_end(tx);

	/* The only connection is reset, not lent with a result still due. */
	r = hearth_db_read_statement(pool, &actor_a, "probe_get", 1, (const char *[]){ "after" }, &p);
	ck_assert_msg(r != NULL, "read after the deadline: %d %s", p.status, p.detail);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "after");
	PQclear(r);
	hearth_db_pool_stats(pool, &st);
	ck_assert_uint_eq(st.resets, 1);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	hearth_db_pool_free(pool);
}
END_TEST

struct paused_outcome {
	int ping_rc, query_status, begin_rc, begin_status, read_status;
	double ping_ms, query_ms, end_ms, begin_ms, read_ms;
};

/* A server that stops answering without closing anything (SIGSTOP of the
 * postmaster and every backend: the kernel still accepts the connections and
 * our bytes, so neither keepalives nor TCP timeouts help). Every call must fail
 * with a 503 within its own bound, and all must work again once it resumes.
 * Nothing is asserted while the server is paused, so a failure cannot leave
 * it paused for the tests after this one. */
START_TEST(paused_server_gives_503_within_the_deadlines_and_recovers)
{
	const char *pause_cmd = getenv("HEARTH_TEST_PG_PAUSE");
	const char *resume_cmd = getenv("HEARTH_TEST_PG_RESUME");
	struct hearth_db_pool *pool;
	struct hearth_problem p;
	struct hearth_tx *held = NULL, *tx = NULL;
	struct paused_outcome o = { 0 };
	struct hearth_db_stats st;
	PGresult *r;
	double t0;
	int paused;

	if (!pause_cmd || !resume_cmd) {
		fprintf(stderr, "pause test skipped: HEARTH_TEST_PG_PAUSE/RESUME not set\n");
		return;
	}
	/* Connect within 2 s, every answer within 1.5 s. */
	pool = new_pool_timed(2, 500, 1000, 2, 1500);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &held, &p), 0);

	paused = system(pause_cmd);
	if (paused == 0) {
		/* An open connection: no answer to a query. */
		t0 = now_ms();
		r = hearth_tx_query(held, "probe_count", 0, NULL, &p);
		o.query_ms = now_ms() - t0;
		o.query_status = r ? 200 : p.status;
		PQclear(r);
		t0 = now_ms();
		hearth_tx_end(held);
		o.end_ms = now_ms() - t0;
		/* A new connection: no answer to the startup packet. */
		t0 = now_ms();
		o.ping_rc = hearth_db_ping(pool);
		o.ping_ms = now_ms() - t0;
		/* The timed-out connection's reset: same. */
		hearth_problem_clear(&p);
		t0 = now_ms();
		o.begin_rc = hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p);
		o.begin_ms = now_ms() - t0;
		o.begin_status = p.status;
		if (o.begin_rc == 0)
			hearth_tx_end(tx);
		hearth_problem_clear(&p);
		t0 = now_ms();
		r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
		o.read_ms = now_ms() - t0;
		o.read_status = r ? 200 : p.status;
		PQclear(r);
	} else
		hearth_tx_end(held);
	ck_assert_int_eq(system(resume_cmd), 0);
	ck_assert_int_eq(paused, 0);

	ck_assert_int_eq(o.query_status, 503);
	ck_assert_msg(o.query_ms >= 1400 && o.query_ms < 3000, "query gave up after %.0f ms",
		      o.query_ms);
	ck_assert_msg(o.end_ms < 100, "ending the timed-out tx took %.0f ms", o.end_ms);
	ck_assert_int_ne(o.ping_rc, 0);
	ck_assert_msg(o.ping_ms < 4000, "ping gave up after %.0f ms", o.ping_ms);
	ck_assert_int_eq(o.begin_rc, -1);
	ck_assert_int_eq(o.begin_status, 503);
	ck_assert_msg(o.begin_ms < 4000, "begin gave up after %.0f ms", o.begin_ms);
	ck_assert_int_eq(o.read_status, 503);
	ck_assert_msg(o.read_ms < 4000, "read gave up after %.0f ms", o.read_ms);

	/* Resumed: both connections work again, statements re-prepared. */
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	for (int i = 0; i < 3; i++) {
		r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
		ck_assert_msg(r != NULL, "read %d after resume: %d", i, p.status);
		PQclear(r);
	}
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_uint_gt(st.resets, 0);
	hearth_db_pool_free(pool);
}
END_TEST

static void fresh_database(void)
{
	db_use_fresh_database("hearth_test_pool", 1);
}

static Suite *suite(void)
{
	Suite *s = suite_create("db_pool");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, fresh_database, NULL);
	tcase_add_test(tc, a_statement_read_is_one_pipelined_round_trip);
	tcase_add_test(tc, unique_violation_is_409_and_pool_stays_usable);
	tcase_add_test(tc, a_started_statement_is_collected_later);
	tcase_add_test(tc, exhausted_pool_waits_then_503);
	tcase_add_test(tc, outage_gives_503_and_recovers);
	tcase_add_test(tc, answer_past_the_query_deadline_is_503_and_the_connection_is_reset);
	tcase_add_test(tc, paused_server_gives_503_within_the_deadlines_and_recovers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return db_run_suite(suite(), "test_db_pool");
}
