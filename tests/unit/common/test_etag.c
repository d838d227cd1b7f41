/* test_etag.c - ETag formatting and If-Match parsing. */
#include <check.h>
#include <stdlib.h>

#include "hearth/etag.h"

static long long vers[4];
static size_t nv;

static enum hearth_if_match parse(const char *h)
{
	nv = 99;
	return hearth_if_match_parse(h, vers, 4, &nv);
}

START_TEST(format)
{
	char buf[32];

	ck_assert_int_eq(hearth_etag_format(3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\"3\"");
	ck_assert_int_eq(hearth_etag_format(1234567890123LL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "\"1234567890123\"");
	ck_assert_int_eq(hearth_etag_format(3, buf, 4), 0);
	ck_assert_str_eq(buf, "\"3\"");
	ck_assert_int_eq(hearth_etag_format(3, buf, 3), -1);
	ck_assert_int_eq(hearth_etag_format(10, buf, 4), -1);
}
END_TEST

START_TEST(absent_and_any)
{
	ck_assert_int_eq(parse(NULL), HEARTH_IF_MATCH_ABSENT);
	ck_assert_uint_eq(nv, 0);
	ck_assert_int_eq(parse("*"), HEARTH_IF_MATCH_ANY);
	ck_assert_int_eq(parse("  *\t"), HEARTH_IF_MATCH_ANY);
	ck_assert_int_eq(parse("**"), HEARTH_IF_MATCH_INVALID);
	ck_assert_int_eq(parse("*, \"3\""), HEARTH_IF_MATCH_INVALID);
	ck_assert_int_eq(parse("\"3\", *"), HEARTH_IF_MATCH_INVALID);
}
END_TEST

START_TEST(single_tags)
{
	ck_assert_int_eq(parse("\"3\""), HEARTH_IF_MATCH_VERSION);
	ck_assert_uint_eq(nv, 1);
	ck_assert_int_eq(vers[0], 3);
	ck_assert_int_eq(parse(" \"0\" "), HEARTH_IF_MATCH_VERSION);
	ck_assert_int_eq(vers[0], 0);
	/* Weak tags are accepted on purpose (see etag.c). */
	ck_assert_int_eq(parse("W/\"42\""), HEARTH_IF_MATCH_VERSION);
	ck_assert_int_eq(vers[0], 42);
	ck_assert_int_eq(parse("\"9223372036854775807\""), HEARTH_IF_MATCH_VERSION);
	ck_assert_int_eq(vers[0], 9223372036854775807LL);
}
END_TEST

START_TEST(lists)
{
	ck_assert_int_eq(parse("\"1\", \"2\" ,W/\"3\""), HEARTH_IF_MATCH_VERSION);
	ck_assert_uint_eq(nv, 3);
	ck_assert_int_eq(vers[0], 1);
	ck_assert_int_eq(vers[1], 2);
	ck_assert_int_eq(vers[2], 3);
	/* Empty list elements are legal HTTP list syntax. */
	ck_assert_int_eq(parse(", \"5\",,"), HEARTH_IF_MATCH_VERSION);
	ck_assert_uint_eq(nv, 1);
	ck_assert_int_eq(vers[0], 5);
	/* More tags than room: refused rather than cut short. */
	ck_assert_int_eq(parse("\"1\",\"2\",\"3\",\"4\",\"5\""), HEARTH_IF_MATCH_INVALID);
	ck_assert_int_eq(hearth_if_match_parse("\"1\"", NULL, 0, &nv), HEARTH_IF_MATCH_INVALID);
}
END_TEST

START_TEST(malformed)
{
	static const char *bad[] = {
		"", "   ", ",", "3", "\"3", "3\"", "\"\"", "\"abc\"", "\"03\"", "\"-1\"", "\"+1\"",
		"\"3\" \"4\"", "\"3\";", "w/\"3\"", "W/3", "W/ \"3\"", "\"99999999999999999999\"",
		"\"3\"x", "\"3 \"", "'3'",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == HEARTH_IF_MATCH_INVALID, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(matching)
{
	long long v[2] = { 4, 7 };

	ck_assert(hearth_if_match_ok(HEARTH_IF_MATCH_ABSENT, NULL, 0, 5));
	ck_assert(hearth_if_match_ok(HEARTH_IF_MATCH_ANY, NULL, 0, 5));
	ck_assert(hearth_if_match_ok(HEARTH_IF_MATCH_VERSION, v, 2, 7));
	ck_assert(hearth_if_match_ok(HEARTH_IF_MATCH_VERSION, v, 2, 4));
	ck_assert(!hearth_if_match_ok(HEARTH_IF_MATCH_VERSION, v, 2, 5));
	ck_assert(!hearth_if_match_ok(HEARTH_IF_MATCH_VERSION, v, 0, 4));
	ck_assert(!hearth_if_match_ok(HEARTH_IF_MATCH_INVALID, v, 2, 4));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("etag");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, format);
	tcase_add_test(tc, absent_and_any);
	tcase_add_test(tc, single_tags);
	tcase_add_test(tc, lists);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, matching);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
