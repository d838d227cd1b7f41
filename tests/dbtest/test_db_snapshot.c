/*
 * test_db_snapshot.c - one snapshot on two pooled connections
 * (hearth_tx_begin_repeatable, hearth_tx_try_begin_on_snapshot): the second
 * sees exactly the first's rows under the same actor, never waits for a
 * connection, and takes no identifier it could not have been given, against a
 * real PostgreSQL (see support_db.h; run by tests/dbtest/test_db.sh).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/db.h"
#include "support_db.h"

/* The count of probe rows tx sees. */
static long count_in(struct hearth_tx *tx)
{
	struct hearth_problem p;
	PGresult *r;
	long n;

	hearth_problem_clear(&p);
	r = hearth_tx_query(tx, "probe_count", 0, NULL, &p);
	ck_assert_msg(r != NULL, "probe_count: %s", p.detail);
	n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* The snapshot first exports, into id. */
static void export_snapshot(struct hearth_tx *first, char *id, size_t len)
{
	struct hearth_problem p;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_tx_query(first, "probe_snapshot", 0, NULL, &p);
	ck_assert_msg(r != NULL, "probe_snapshot: %s", p.detail);
	snprintf(id, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
}

static void insert_probe(struct hearth_db_pool *pool, const char *id)
{
	const char *params[2] = { id, "row" };
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGresult *r;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_insert", 2, params, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
}

START_TEST(the_second_transaction_sees_the_first_ones_rows_and_nothing_newer)
{
	struct hearth_db_pool *pool = new_pool(3, 1000);
	struct hearth_tx *first = NULL, *second = NULL;
	const char *params[2] = { "9", "late" };
	struct hearth_problem p;
	char id[64];
	long seen;
	PGresult *r;

	hearth_problem_clear(&p);
	insert_probe(pool, "1");
	ck_assert_int_eq(hearth_tx_begin_repeatable(pool, &actor_a, &first, &p), 0);
	export_snapshot(first, id, sizeof(id));
	seen = count_in(first);
	ck_assert_int_ge(seen, 1);
	/* Committed after the snapshot: neither transaction sees it. */
	insert_probe(pool, "2");
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, id, &second, &p), 1);
	ck_assert_ptr_nonnull(second);
	ck_assert_int_eq(count_in(second), seen);
	ck_assert_int_eq(count_in(first), seen);
	/* The same actor's context, so the same row-level security. */
	const char *probe[1] = { "x" };
	r = hearth_tx_query(second, "probe_get", 1, probe, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_A);
	PQclear(r);
	/* Read only. */
	ck_assert_ptr_null(hearth_tx_query(second, "probe_insert", 2, params, &p));
	ck_assert_str_eq(p.sqlstate, "25006");
	hearth_tx_end(second);
	hearth_tx_end(first);

	/* A transaction begun afterwards sees the later row. */
	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(strtol(PQgetvalue(r, 0, 0), NULL, 10), seen + 1);
	PQclear(r);
	/* Another tenant's actor sees none of tenant A's rows on the snapshot. */
	ck_assert_int_eq(hearth_tx_begin_repeatable(pool, &actor_a, &first, &p), 0);
	export_snapshot(first, id, sizeof(id));
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_b, id, &second, &p), 1);
	ck_assert_int_eq(count_in(second), 0);
	hearth_tx_end(second);
	hearth_tx_end(first);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(with_no_connection_free_the_second_is_not_begun_and_nothing_waits)
{
	struct hearth_db_pool *pool = new_pool(2, 1000);
	struct hearth_tx *first = NULL, *other = NULL, *second = NULL;
	struct hearth_db_stats st;
	struct hearth_problem p;
	double t0, took;
	char id[64];

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin_repeatable(pool, &actor_a, &first, &p), 0);
	export_snapshot(first, id, sizeof(id));
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &other, &p), 0);
	t0 = now_ms();
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, id, &second, &p), 0);
	took = now_ms() - t0;
	ck_assert_ptr_null(second);
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(took < 100, "waited %.0f ms", took);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 2);
	ck_assert_int_eq(st.timeouts, 0);

	/* Freed, the connection is the second's. */
	hearth_tx_end(other);
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, id, &second, &p), 1);
	count_in(second);
	hearth_tx_end(second);
	hearth_tx_end(first);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(an_identifier_that_is_not_a_snapshot_is_refused)
{
	struct hearth_db_pool *pool = new_pool(2, 1000);
	struct hearth_tx *first = NULL, *second = NULL;
	struct hearth_db_stats before, after;
	struct hearth_problem p;
	char id[64];

	hearth_problem_clear(&p);
	hearth_db_pool_stats(pool, &before);
	/* Not what the server makes: refused before any connection is taken. */
	const char *bad[] = { "", "1'; DROP TABLE probe; --", "00000003-0000001B-1 ", NULL };
	for (int i = 0; bad[i]; i++) {
		ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, bad[i], &second, &p),
				 -1);
		ck_assert_int_eq(p.status, 500);
		ck_assert_ptr_null(second);
		hearth_problem_clear(&p);
	}
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, NULL, &second, &p), -1);
	hearth_problem_clear(&p);
	hearth_db_pool_stats(pool, &after);
	ck_assert_int_eq(after.acquired, before.acquired);

	/* Well formed but exported by no open transaction: its first query fails. */
	ck_assert_int_eq(hearth_tx_begin_repeatable(pool, &actor_a, &first, &p), 0);
	export_snapshot(first, id, sizeof(id));
	hearth_tx_end(first);
	ck_assert_int_eq(hearth_tx_try_begin_on_snapshot(pool, &actor_a, id, &second, &p), 1);
	ck_assert_ptr_null(hearth_tx_query(second, "probe_count", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "22023");
	hearth_tx_end(second);
	/* The connection is usable again. */
	hearth_problem_clear(&p);
	PGresult *r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	hearth_db_pool_free(pool);
}
END_TEST

static void fresh_database(void)
{
	db_use_fresh_database("hearth_test_snapshot", 1);
}

static Suite *suite(void)
{
	Suite *s = suite_create("db_snapshot");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, fresh_database, NULL);
	tcase_add_test(tc, the_second_transaction_sees_the_first_ones_rows_and_nothing_newer);
	tcase_add_test(tc, with_no_connection_free_the_second_is_not_begun_and_nothing_waits);
	tcase_add_test(tc, an_identifier_that_is_not_a_snapshot_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return db_run_suite(suite(), "test_db_snapshot");
}
