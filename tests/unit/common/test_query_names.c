/* test_query_names.c - refusing query parameters a handler does not know. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/http.h"

static void set_query(struct hearth_request *req, const char *const *names)
{
	memset(req, 0, sizeof(*req));
	for (; *names; names++)
		req->query[req->n_query++].name = *names;
}

START_TEST(known_names_pass_without_errors)
{
	static const char *const known[] = { "limit", "cursor", "status", NULL };
	static const char *const given[] = { "status", "limit", NULL };
	struct hearth_request req;
	struct hearth_problem p;

	set_query(&req, given);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_query_names_check(&req, known, "is not a filter", &p), 0);
	ck_assert_int_eq(p.status, 0);
	ck_assert_uint_eq(p.n_errors, 0);
}
END_TEST

START_TEST(each_unknown_name_is_a_field_error_with_the_detail)
{
	static const char *const known[] = { "as_at", NULL };
	static const char *const given[] = { "asat", "as_at", "format", NULL };
	struct hearth_request req;
	struct hearth_problem p;

	set_query(&req, given);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_query_names_check(&req, known, "is not a parameter of this report",
						  &p), -1);
	ck_assert_int_eq(p.status, 400);
	ck_assert_uint_eq(p.n_errors, 2);
	ck_assert_str_eq(p.errors[0].field, "asat");
	ck_assert_str_eq(p.errors[0].message, "is not a parameter of this report");
	ck_assert_str_eq(p.errors[1].field, "format");
}
END_TEST

START_TEST(a_detail_with_percent_signs_is_copied_not_formatted)
{
	static const char *const given[] = { "x", NULL };
	struct hearth_request req;
	struct hearth_problem p;

	set_query(&req, given);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_query_names_check(&req, NULL, "is 100%s unknown", &p), -1);
	ck_assert_str_eq(p.errors[0].message, "is 100%s unknown");
}
END_TEST

START_TEST(no_query_is_always_fine)
{
	static const char *const none[] = { NULL };
	struct hearth_request req;
	struct hearth_problem p;

	set_query(&req, none);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_query_names_check(&req, NULL, "unknown", &p), 0);
	ck_assert_int_eq(p.status, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("query_names");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, known_names_pass_without_errors);
	tcase_add_test(tc, each_unknown_name_is_a_field_error_with_the_detail);
	tcase_add_test(tc, a_detail_with_percent_signs_is_copied_not_formatted);
	tcase_add_test(tc, no_query_is_always_fine);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
