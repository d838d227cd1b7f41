/* test_json_write.c - JSON strings written straight into a capped buffer. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/json_write.h"

/* `s` written, then read back by jansson: the same string. */
static void assert_round_trip(const char *s)
{
	struct hearth_buf b = HEARTH_BUF_INIT(1 << 20);
	json_error_t err;
	json_t *v;

	ck_assert_int_eq(hearth_json_add_string(&b, s), 0);
	v = json_loads(b.data, JSON_DECODE_ANY, &err);
	ck_assert_msg(v != NULL, "not JSON: %s (%s)", b.data, err.text);
	ck_assert(json_is_string(v));
	ck_assert_str_eq(json_string_value(v), s);
	json_decref(v);
	hearth_buf_release(&b);
}

START_TEST(plain_text_is_quoted)
{
	struct hearth_buf b = HEARTH_BUF_INIT(100);

	ck_assert_int_eq(hearth_json_add_string(&b, "Latest inspection is rated red"), 0);
	ck_assert_str_eq(b.data, "\"Latest inspection is rated red\"");
	hearth_buf_release(&b);
}
END_TEST

START_TEST(null_is_null)
{
	struct hearth_buf b = HEARTH_BUF_INIT(100);

	ck_assert_int_eq(hearth_json_add_string(&b, NULL), 0);
	ck_assert_str_eq(b.data, "null");
	hearth_buf_release(&b);
}
END_TEST

START_TEST(escapes_what_json_requires)
{
	struct hearth_buf b = HEARTH_BUF_INIT(100);

	ck_assert_int_eq(hearth_json_add_string(&b, "a\"b\\c\nd\te\x01" "f\x1f"), 0);
	ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001f\"");
	hearth_buf_release(&b);
}
END_TEST

START_TEST(round_trips)
{
	assert_round_trip("");
	assert_round_trip("plain");
	assert_round_trip("quote \" backslash \\ slash / end");
	assert_round_trip("\r\n\t\b\f\x7f");
	assert_round_trip("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x8f\xa0");
	assert_round_trip("</script><!--");
}
END_TEST

START_TEST(cap_leaves_buffer_as_it_was)
{
	struct hearth_buf b = HEARTH_BUF_INIT(10);

	ck_assert_int_eq(hearth_buf_addstr(&b, "[1,"), 0);
	ck_assert_int_ne(hearth_json_add_string(&b, "a long\nstring"), 0);
	ck_assert_str_eq(b.data, "[1,");
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(hearth_json_add_string(&b, "ok"), 0);
	ck_assert_str_eq(b.data, "[1,\"ok\"");
	ck_assert_int_ne(hearth_json_add_string(&b, NULL), 0);
	ck_assert_str_eq(b.data, "[1,\"ok\"");
	hearth_buf_release(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_write");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, plain_text_is_quoted);
	tcase_add_test(tc, null_is_null);
	tcase_add_test(tc, escapes_what_json_requires);
	tcase_add_test(tc, round_trips);
	tcase_add_test(tc, cap_leaves_buffer_as_it_was);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
