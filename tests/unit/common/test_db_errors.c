/*
 * test_db_errors.c - the SQLSTATE to problem table of hearth/db.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/db.h"

static struct hearth_problem map(const char *state, const char *constraint)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	hearth_db_problem_from_sqlstate(state, constraint, &p);
	return p;
}

START_TEST(unique_violation_is_conflict_and_keeps_constraint)
{
	struct hearth_problem p = map("23505", "providers_urn_key");

	ck_assert_int_eq(p.status, 409);
	ck_assert_str_eq(p.type, "conflict");
	ck_assert_str_eq(p.sqlstate, "23505");
	ck_assert_str_eq(p.constraint, "providers_urn_key");
	ck_assert_int_eq(p.retry_after, 0);
}
END_TEST

START_TEST(conflict_family)
{
	static const char *const states[] = { "23P01", "23503", "40001", "40P01" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct hearth_problem p = map(states[i], NULL);

		ck_assert_msg(p.status == 409, "%s gave %d", states[i], p.status);
		ck_assert_str_eq(p.type, "conflict");
		ck_assert_str_eq(p.sqlstate, states[i]);
		ck_assert_str_eq(p.constraint, "");
	}
}
END_TEST

START_TEST(check_and_data_exceptions_are_validation)
{
	static const char *const states[] = { "23514", "22001", "22P02", "22003", "22007" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct hearth_problem p = map(states[i], "c");

		ck_assert_msg(p.status == 400, "%s gave %d", states[i], p.status);
		ck_assert_str_eq(p.type, "validation");
	}
}
END_TEST

START_TEST(an_inactive_organisation_is_forbidden_not_unavailable)
{
	struct hearth_problem p = map("28000", NULL);

	ck_assert_int_eq(p.status, 403);
	ck_assert_str_eq(p.type, "forbidden");
	ck_assert_int_eq(p.retry_after, 0);
}
END_TEST

START_TEST(timeouts_and_connection_failures_are_503_with_retry_after)
{
	static const char *const states[] = { "57014", "08006", "08001", "57P01", "57P03",
					      "53300", "" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct hearth_problem p = map(states[i], NULL);

		ck_assert_msg(p.status == 503, "'%s' gave %d", states[i], p.status);
		ck_assert_str_eq(p.type, "unavailable");
		ck_assert_msg(p.retry_after >= 1 && p.retry_after <= 2, "'%s' retry %d",
			      states[i], p.retry_after);
	}
	ck_assert_int_eq(map(NULL, NULL).status, 503);
}
END_TEST

START_TEST(anything_else_is_internal_and_never_leaks_sql)
{
	static const char *const states[] = { "42P01", "42703", "23502", "XX000", "25P02" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct hearth_problem p = map(states[i], "secret_constraint");

		ck_assert_msg(p.status == 500, "%s gave %d", states[i], p.status);
		ck_assert_str_eq(p.type, "internal");
		ck_assert_ptr_null(strstr(p.detail, "secret_constraint"));
		ck_assert_int_eq(p.retry_after, 0);
	}
}
END_TEST

START_TEST(a_reused_problem_loses_an_old_retry_after)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	hearth_db_problem_from_sqlstate("57014", NULL, &p);
	ck_assert_int_gt(p.retry_after, 0);
	hearth_db_problem_from_sqlstate("23505", NULL, &p);
	ck_assert_int_eq(p.status, 409);
	ck_assert_int_eq(p.retry_after, 0);
}
END_TEST

START_TEST(long_constraint_names_are_truncated)
{
	char name[200];
	struct hearth_problem p;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	p = map("23505", name);
	ck_assert_uint_eq(strlen(p.constraint), sizeof(p.constraint) - 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("db_errors");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, unique_violation_is_conflict_and_keeps_constraint);
	tcase_add_test(tc, conflict_family);
	tcase_add_test(tc, check_and_data_exceptions_are_validation);
	tcase_add_test(tc, an_inactive_organisation_is_forbidden_not_unavailable);
	tcase_add_test(tc, timeouts_and_connection_failures_are_503_with_retry_after);
	tcase_add_test(tc, anything_else_is_internal_and_never_leaks_sql);
	tcase_add_test(tc, a_reused_problem_loses_an_old_retry_after);
	tcase_add_test(tc, long_constraint_names_are_truncated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
