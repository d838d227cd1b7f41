/*
 * test_placement_rules.c - the placements service's own rules, without a
 * database: dates and end reasons, external provision, the birth month by the
 * record (not in the future; under 26 when each placement starts, counted as
 * the reports count age), and the database constraints named as fields.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "placements_service.h"

static struct hearth_problem prob;

static json_t *doc(const char *text)
{
	json_error_t err;
	json_t *d = json_loads(text, 0, &err);

	ck_assert_msg(d != NULL, "test JSON: %s", err.text);
	hearth_problem_clear(&prob);
	return d;
}

static int named(const char *field)
{
	for (size_t i = 0; i < prob.n_errors; i++)
		if (strcmp(prob.errors[i].field, field) == 0)
			return 1;
	return 0;
}

START_TEST(an_end_date_before_the_start_is_refused_naming_end_date)
{
	json_t *d = doc("{\"start_date\":\"2026-03-01\",\"end_date\":\"2026-02-28\","
			"\"end_reason\":\"planned\",\"provision\":\"internal\"}");

	ck_assert_int_eq(placement_check_rules(d, &prob), -1);
	ck_assert(named("end_date"));
	json_decref(d);
	d = doc("{\"start_date\":\"2026-03-01\",\"end_date\":\"2026-03-01\","
		"\"end_reason\":\"planned\",\"provision\":\"internal\"}");
	ck_assert_int_eq(placement_check_rules(d, &prob), 0); /* a one-day placement */
	json_decref(d);
}
END_TEST

START_TEST(an_end_reason_goes_exactly_with_an_end_date)
{
	json_t *d = doc("{\"start_date\":\"2026-03-01\",\"end_date\":\"2026-04-01\","
			"\"provision\":\"internal\"}");

	ck_assert_int_eq(placement_check_rules(d, &prob), -1);
	ck_assert(named("end_reason"));
	json_decref(d);
	d = doc("{\"start_date\":\"2026-03-01\",\"end_reason\":\"planned\",\"provision\":\"internal\"}");
	ck_assert_int_eq(placement_check_rules(d, &prob), -1);
	ck_assert(named("end_reason"));
	json_decref(d);
}
END_TEST

START_TEST(external_provision_needs_a_provider_and_every_error_is_named_at_once)
{
	json_t *d = doc("{\"start_date\":\"2026-03-01\",\"end_date\":\"2026-01-01\","
			"\"provision\":\"external\"}");

	ck_assert_int_eq(placement_check_rules(d, &prob), -1);
	ck_assert(named("provider_id"));
	ck_assert(named("end_date"));
	ck_assert(named("end_reason"));
	json_decref(d);
	d = doc("{\"start_date\":\"2026-03-01\",\"provision\":\"external\","
		"\"provider_id\":\"00000000-0000-4000-8000-0000000a0001\"}");
	ck_assert_int_eq(placement_check_rules(d, &prob), 0);
	json_decref(d);
}
END_TEST

START_TEST(a_historical_birth_month_is_accepted_and_a_future_one_refused)
{
	char future[64];
	time_t now = time(NULL);
	struct tm t;
	json_t *d = doc("{\"birth_month\":\"1998-05\"}");

	ck_assert_int_eq(child_check_birth_month(d, "child.birth_month", &prob), 0);
	json_decref(d);
	gmtime_r(&now, &t);
	snprintf(future, sizeof(future), "{\"birth_month\":\"%04d-%02d\"}", t.tm_year + 1901,
		 t.tm_mon + 1);
	d = doc(future);
	ck_assert_int_eq(child_check_birth_month(d, "child.birth_month", &prob), -1);
	ck_assert(named("child.birth_month"));
	json_decref(d);
}
END_TEST

/* Born 1998-05: 25 in every month up to 2024-04, 26 from 2024-05. */
START_TEST(a_child_must_be_under_26_when_the_placement_starts)
{
	json_t *child = doc("{\"birth_month\":\"1998-05\"}");
	json_t *ok = json_pack("{s:s}", "start_date", "2024-04-30");
	json_t *late = json_pack("{s:s}", "start_date", "2024-05-01");
	json_t *in2015 = json_pack("{s:s}", "start_date", "2015-03-31");

	ck_assert_int_eq(placement_check_child_age(child, ok, "items[3].start_date", &prob), 0);
	ck_assert_int_eq(placement_check_child_age(child, in2015, "start_date", &prob), 0);
	ck_assert_int_eq(placement_check_child_age(child, late, "items[3].start_date", &prob), -1);
	ck_assert(named("items[3].start_date"));
	json_decref(child);
	json_decref(ok);
	json_decref(late);
	json_decref(in2015);
}
END_TEST

START_TEST(database_constraints_become_the_field_they_are_about)
{
	hearth_problem_clear(&prob);
	hearth_db_problem_from_sqlstate("23514", "placements_setting_provider_check", &prob);
	ck_assert_int_eq(placement_explain_constraint(&prob), 1);
	ck_assert_int_eq(prob.status, 400);
	ck_assert(named("setting_id"));
	hearth_problem_clear(&prob);
	hearth_db_problem_from_sqlstate("23514", "children_birth_month_future_check", &prob);
	ck_assert_int_eq(placement_explain_constraint(&prob), 1);
	ck_assert(named("birth_month"));
	hearth_problem_clear(&prob);
	hearth_db_problem_from_sqlstate("23514", "some_other_check", &prob);
	ck_assert_int_eq(placement_explain_constraint(&prob), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("placement_rules");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, an_end_date_before_the_start_is_refused_naming_end_date);
	tcase_add_test(tc, an_end_reason_goes_exactly_with_an_end_date);
	tcase_add_test(tc, external_provision_needs_a_provider_and_every_error_is_named_at_once);
	tcase_add_test(tc, a_historical_birth_month_is_accepted_and_a_future_one_refused);
	tcase_add_test(tc, a_child_must_be_under_26_when_the_placement_starts);
	tcase_add_test(tc, database_constraints_become_the_field_they_are_about);
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
