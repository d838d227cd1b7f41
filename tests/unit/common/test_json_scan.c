/* Unit tests for json_scan.c: depth, value and item bounds on the text, the
 * field each refusal names, and text it leaves for Jansson to refuse. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/json_input.h"

static const struct hearth_json_bounds batch = { 4, 40, "items", 3 };

static int check(const char *text, const struct hearth_json_bounds *b, struct hearth_problem *p)
{
	hearth_problem_clear(p);
	return hearth_json_check_bounds(text, strlen(text), b, p);
}

static void assert_refused(const char *text, const struct hearth_json_bounds *b,
			   const char *field, const char *message_part)
{
	struct hearth_problem p;

	ck_assert_int_eq(check(text, b, &p), -1);
	ck_assert_int_eq(p.status, 400);
	ck_assert_str_eq(p.type, "validation");
	ck_assert_uint_eq(p.n_errors, 1);
	ck_assert_str_eq(p.errors[0].field, field);
	ck_assert_msg(strstr(p.errors[0].message, message_part), "message: %s", p.errors[0].message);
}

START_TEST(within_bounds_passes)
{
	struct hearth_problem p;

	ck_assert_int_eq(check("{\"items\": [{\"a\": [1, 2]}, {\"b\": \"x\"}, {}]}", &batch, &p), 0);
	ck_assert_int_eq(p.status, 0);
	/* Brackets, commas and quotes inside strings are text, not structure. */
	ck_assert_int_eq(check("{\"items\": [\"[[[[[\", \"a\\\"],[\", \"{,,,}\"]}", &batch, &p), 0);
}
END_TEST

START_TEST(too_many_items_names_the_member)
{
	assert_refused("{\"items\": [{}, {}, {}, {}]}", &batch, "items", "at most 3 items");
	assert_refused("{\"x\": 1, \"items\": [1, 2, 3, 4]}", &batch, "items", "at most 3 items");
	/* Only the named member's own elements count, not those nested in them. */
	struct hearth_problem p;
	ck_assert_int_eq(check("{\"items\": [[1, 2, 3, 4, 5]]}", &batch, &p), 0);
	ck_assert_int_eq(check("{\"other\": [1, 2, 3, 4, 5]}", &batch, &p), 0);
}
END_TEST

START_TEST(too_deep_names_the_top_member)
{
	assert_refused("{\"items\": [{\"a\": {\"b\": {}}}]}", &batch, "items", "more than 4 levels");
	assert_refused("[[[[[1]]]]]", &batch, "body", "more than 4 levels");
	struct hearth_problem p;
	ck_assert_int_eq(check("{\"items\": [{\"a\": {\"b\": 1}}]}", &batch, &p), 0);
}
END_TEST

START_TEST(too_many_values_is_the_body)
{
	static const struct hearth_json_bounds small = { 8, 5, NULL, 0 };
	struct hearth_problem p;

	/* Root, then four values: five in all; keys do not count. */
	ck_assert_int_eq(check("{\"a\": 1, \"b\": true, \"c\": null, \"d\": \"s\"}", &small, &p), 0);
	assert_refused("{\"a\": 1, \"b\": true, \"c\": null, \"d\": \"s\", \"e\": -1.5e3}", &small,
		       "body", "more than 5 JSON values");
	assert_refused("[{},{},{},{},{}]", &small, "body", "more than 5 JSON values");
}
END_TEST

START_TEST(depth_capped_at_the_maximum)
{
	static const struct hearth_json_bounds unset = { 0, 1000, NULL, 0 };
	static const struct hearth_json_bounds huge = { 1000, 1000, NULL, 0 };
	char deep[2 * HEARTH_JSON_MAX_DEPTH + 3];
	struct hearth_problem p;

	memset(deep, '[', HEARTH_JSON_MAX_DEPTH + 1);
	memset(deep + HEARTH_JSON_MAX_DEPTH + 1, ']', HEARTH_JSON_MAX_DEPTH + 1);
	deep[2 * HEARTH_JSON_MAX_DEPTH + 2] = '\0';
	ck_assert_int_eq(check(deep, &unset, &p), -1);
	ck_assert_int_eq(check(deep, &huge, &p), -1);
	deep[HEARTH_JSON_MAX_DEPTH] = ']'; /* 64 deep: allowed */
	deep[HEARTH_JSON_MAX_DEPTH] = '\0';
	memset(deep + 1, '[', HEARTH_JSON_MAX_DEPTH - 1);
	memset(deep + HEARTH_JSON_MAX_DEPTH, ']', HEARTH_JSON_MAX_DEPTH);
	deep[2 * HEARTH_JSON_MAX_DEPTH] = '\0';
	ck_assert_int_eq(check(deep, &huge, &p), 0);
}
END_TEST

START_TEST(malformed_text_is_left_to_the_parser)
{
	static const char *const texts[] = {
		"{\"items\": [", "\"unterminated", "]]]]", "}{", "{\"a\" 1}", "\\", "[1,,,]",
	};
	struct hearth_problem p;
	json_t *out = NULL;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_int_eq(check(texts[i], &batch, &p), 0);
		hearth_problem_clear(&p);
		ck_assert_int_eq(hearth_json_parse_body_bounded(texts[i], strlen(texts[i]), &batch,
								&out, &p), -1);
		ck_assert_ptr_null(out);
		ck_assert_str_eq(p.errors[0].field, "body");
	}
}
END_TEST

START_TEST(bounded_parse_refuses_before_parsing)
{
	struct hearth_problem p;
	json_t *out = NULL;
	const char *ok = "{\"items\": [{\"a\": 1}]}";
	const char *many = "{\"items\": [1, 2, 3, 4], \"items\": []}"; /* would be a duplicate too */

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_json_parse_body_bounded(ok, strlen(ok), &batch, &out, &p), 0);
	ck_assert(json_is_object(out));
	json_decref(out);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_json_parse_body_bounded(many, strlen(many), &batch, &out, &p), -1);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(p.errors[0].field, "items");
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_json_parse_body_bounded(NULL, 0, &batch, &out, &p), -1);
	ck_assert_str_eq(p.errors[0].field, "body");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_scan");
	TCase *tc = tcase_create("bounds");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, within_bounds_passes);
	tcase_add_test(tc, too_many_items_names_the_member);
	tcase_add_test(tc, too_deep_names_the_top_member);
	tcase_add_test(tc, too_many_values_is_the_body);
	tcase_add_test(tc, depth_capped_at_the_maximum);
	tcase_add_test(tc, malformed_text_is_left_to_the_parser);
	tcase_add_test(tc, bounded_parse_refuses_before_parsing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
