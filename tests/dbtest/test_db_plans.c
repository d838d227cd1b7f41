/*
 * test_db_plans.c - generic plans (hearth_tx_use_generic_plans,
 * hearth_db_read_generic_statement_named): the statements of that transaction
 * run on their generic plan, the same rows come back, and the setting ends
 * with the transaction, so the next one on the same connection plans as
 * PostgreSQL chooses; against a real PostgreSQL (see support_db.h; run by
 * tests/dbtest/test_db.sh). Every pool here has one connection, so each
 * transaction is known to run on the backend the one before it used.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/db.h"
#include "support_db.h"

/* plan_cache_mode as the transaction sees it, into out. */
static void plan_mode_in(struct hearth_tx *tx, char *out, size_t len)
{
	struct hearth_problem p;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_tx_query(tx, "probe_plan_mode", 0, NULL, &p);
	ck_assert_msg(r != NULL, "probe_plan_mode: %s", p.detail);
	snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
}

/* How many times the connection ran probe_get on a generic and on a custom
 * plan (pg_prepared_statements is the backend's own). */
static void probe_get_plans(struct hearth_db_pool *pool, long *generic, long *custom)
{
	const char *params[1] = { "probe_get" };
	struct hearth_problem p;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_a, "probe_plans", 1, params, &p);
	ck_assert_msg(r != NULL, "probe_plans: %s", p.detail);
	ck_assert_int_eq(PQntuples(r), 1);
	*generic = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	*custom = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
}

/* On a pool of one connection: a transaction that asks for generic plans
 * sees the setting, and after it ends (committed when `commit` is set, else
 * rolled back) the next one on the same backend sees PostgreSQL's own. */
static void setting_ends_with_transaction(int commit)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	char mode[64];

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_use_generic_plans(tx, &p), 0);
	plan_mode_in(tx, mode, sizeof(mode));
	ck_assert_str_eq(mode, "force_generic_plan");
	if (commit)
		ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx); /* rolls back what was not committed */

	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &tx, &p), 0);
	plan_mode_in(tx, mode, sizeof(mode));
	ck_assert_str_eq(mode, "auto");
	hearth_tx_end(tx);
	hearth_db_pool_free(pool);
}

START_TEST(the_setting_holds_for_its_transaction_and_ends_with_it)
{
	setting_ends_with_transaction(1);
}
END_TEST

START_TEST(a_rolled_back_transaction_leaves_no_setting_behind)
{
	setting_ends_with_transaction(0);
}
END_TEST

START_TEST(a_generic_read_runs_the_generic_plan_and_returns_the_same_rows)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	const char *params[1] = { "value" };
	long generic0, custom0, generic1, custom1, generic2, custom2;
	struct hearth_problem p;
	PGresult *r;

	hearth_problem_clear(&p);
	probe_get_plans(pool, &generic0, &custom0);

	r = hearth_db_read_generic_statement_named(pool, &actor_a, "probe_get", 1, params, &p);
	ck_assert_msg(r != NULL, "generic read: %s", p.detail);
	ck_assert_int_eq(PQntuples(r), 1);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_A);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "value");
	PQclear(r);
	probe_get_plans(pool, &generic1, &custom1);
	ck_assert_int_eq(generic1, generic0 + 1);
	ck_assert_int_eq(custom1, custom0);

	/* A plain read of a statement with a parameter, among its first five
	 * runs, is planned for its value: the generic read changed nothing. */
	r = hearth_db_read_statement(pool, &actor_a, "probe_get", 1, params, &p);
	ck_assert_msg(r != NULL, "plain read: %s", p.detail);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "value");
	PQclear(r);
	probe_get_plans(pool, &generic2, &custom2);
	ck_assert_int_eq(generic2, generic1);
	ck_assert_int_eq(custom2, custom1 + 1);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(a_generic_read_of_an_unknown_statement_is_a_problem_not_a_query)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_db_read_generic_statement_named(pool, &actor_a, "no_such_statement", 0, NULL,
						   &p);
	ck_assert_ptr_null(r);
	ck_assert_int_ne(p.status, 0);
	hearth_db_pool_free(pool);
}
END_TEST

static void fresh_database(void)
{
	db_use_fresh_database("hearth_test_plans", 1);
}

static Suite *suite(void)
{
	Suite *s = suite_create("db_plans");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, fresh_database, NULL);
	tcase_add_test(tc, the_setting_holds_for_its_transaction_and_ends_with_it);
	tcase_add_test(tc, a_rolled_back_transaction_leaves_no_setting_behind);
	tcase_add_test(tc, a_generic_read_runs_the_generic_plan_and_returns_the_same_rows);
	tcase_add_test(tc, a_generic_read_of_an_unknown_statement_is_a_problem_not_a_query);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return db_run_suite(suite(), "test_db_plans");
}
