/* test_merge_patch.c - RFC 7396, including every example of its Appendix A. */
#include <check.h>
#include <stdlib.h>

#include "hearth/merge_patch.h"

static json_t *load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &err);

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", s, err.text);
	return j;
}

/* Apply and compare, and check neither input was modified. */
static void check(const char *target_s, const char *patch_s, const char *expect_s)
{
	json_t *target = load(target_s), *patch = load(patch_s), *expect = load(expect_s);
	json_t *target_copy = json_deep_copy(target), *patch_copy = json_deep_copy(patch);
	json_t *result = hearth_merge_patch(target, patch);
	char *got;

	ck_assert_ptr_nonnull(result);
	got = json_dumps(result, JSON_ENCODE_ANY | JSON_SORT_KEYS);
	ck_assert_msg(json_equal(result, expect), "%s + %s gave %s, want %s", target_s, patch_s,
		      got, expect_s);
	ck_assert(json_equal(target, target_copy));
	ck_assert(json_equal(patch, patch_copy));
	free(got);
	json_decref(result);
	json_decref(target);
	json_decref(patch);
	json_decref(expect);
	json_decref(target_copy);
	json_decref(patch_copy);
}

START_TEST(rfc7396_appendix_a)
{
	check("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	check("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	check("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	check("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	check("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
	check("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	check("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
	check("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
	check("{\"a\":\"foo\"}", "null", "null");
	check("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"");
	check("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
	check("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
	check("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}
END_TEST

START_TEST(rfc7396_section_3_example)
{
	check("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
	      "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
	      "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\","
	      "\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
	      "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
	      "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}");
}
END_TEST

START_TEST(null_target_and_deep_merge)
{
	json_t *patch = load("{\"a\":{\"b\":{\"c\":1,\"d\":null}}}");
	json_t *r = hearth_merge_patch(NULL, patch);
	json_t *want = load("{\"a\":{\"b\":{\"c\":1}}}");

	ck_assert_ptr_nonnull(r);
	ck_assert(json_equal(r, want));
	json_decref(r);
	json_decref(want);
	json_decref(patch);

	check("{\"address\":{\"line1\":\"1 Rd\",\"town\":\"Cardiff\"},\"name\":\"x\"}",
	      "{\"address\":{\"town\":null,\"postcode\":\"CF10 1AA\"}}",
	      "{\"address\":{\"line1\":\"1 Rd\",\"postcode\":\"CF10 1AA\"},\"name\":\"x\"}");
	check("{\"a\":1}", "{}", "{\"a\":1}");
	check("{\"a\":1}", "{\"missing\":null}", "{\"a\":1}");
}
END_TEST

START_TEST(result_is_independent_of_inputs)
{
	json_t *target = load("{\"a\":{\"b\":[1,2]}}");
	json_t *patch = load("{\"c\":{\"d\":[3]}}");
	json_t *r = hearth_merge_patch(target, patch);

	/* Changing the result must not reach back into either input. */
	json_array_append_new(json_object_get(json_object_get(r, "a"), "b"), json_integer(9));
	json_array_append_new(json_object_get(json_object_get(r, "c"), "d"), json_integer(9));
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(target, "a"), "b")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(patch, "c"), "d")), 1);
	json_decref(r);
	json_decref(target);
	json_decref(patch);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("merge_patch");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, rfc7396_appendix_a);
	tcase_add_test(tc, rfc7396_section_3_example);
	tcase_add_test(tc, null_target_and_deep_merge);
	tcase_add_test(tc, result_is_independent_of_inputs);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
