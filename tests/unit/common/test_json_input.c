/* test_json_input.c - strict body parsing and the string format checks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/json_input.h"

static struct hearth_problem prob;

/* Parse and expect failure with one field error naming `field`. */
static void expect_fail(const char *body, size_t len, const char *field,
			const char *message_part)
{
	json_t *out = (json_t *)1;

	hearth_problem_clear(&prob);
	ck_assert_int_eq(hearth_json_parse_body(body, len, &out, &prob), -1);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(prob.status, 400);
	ck_assert_str_eq(prob.type, "validation");
	ck_assert_uint_eq(prob.n_errors, 1);
	ck_assert_str_eq(prob.errors[0].field, field);
	if (message_part)
		ck_assert_msg(strstr(prob.errors[0].message, message_part),
			      "message '%s' lacks '%s'", prob.errors[0].message, message_part);
}

#define FAIL_S(body, field, part) expect_fail(body, sizeof(body) - 1, field, part)

START_TEST(parses_object)
{
	const char body[] = "{\"name\":\"Ty Gwyn\",\"places\":4,\"nested\":{\"a\":[1,2]}}";
	json_t *out = NULL;

	hearth_problem_clear(&prob);
	ck_assert_int_eq(hearth_json_parse_body(body, sizeof(body) - 1, &out, &prob), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(prob.status, 0);
	ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "Ty Gwyn");
	json_decref(out);
}
END_TEST

START_TEST(empty_body)
{
	expect_fail("", 0, "body", "a JSON object is required");
	expect_fail(NULL, 0, "body", "a JSON object is required");
}
END_TEST

START_TEST(duplicate_keys_name_the_key)
{
	FAIL_S("{\"a\":1,\"a\":2}", "a", "duplicate");
	FAIL_S("{\"address\":{\"postcode\":\"x\",\"postcode\":\"y\"}}", "postcode", "duplicate");
	/* Escapes in the key are decoded before naming it. */
	FAIL_S("{\"a\\\"b\":1,\"a\\u0022b\":2}", "a\"b", "duplicate");
	FAIL_S("{\"caf\xc3\xa9\":1,\"caf\\u00e9\":2}", "caf\xc3\xa9", "line 1");
	/* A key that cannot be named still reports a duplicate, on the body. */
	FAIL_S("{\"\":1,\"\":2}", "body", "duplicate key");
}
END_TEST

START_TEST(duplicate_long_key)
{
	char body[1000], key[300];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(body, sizeof(body), "{\"%s\":1,\"%s\":2}", key, key);
	expect_fail(body, strlen(body), "body", "duplicate key");
}
END_TEST

START_TEST(invalid_utf8)
{
	FAIL_S("{\"a\":\"\xff\"}", "body", "UTF-8");
	FAIL_S("{\"a\xc3\":1}", "body", "UTF-8");
	/* Overlong encoding of '/' and an unpaired surrogate encoded directly. */
	FAIL_S("{\"a\":\"\xc0\xaf\"}", "body", "UTF-8");
	FAIL_S("{\"a\":\"\xed\xa0\x80\"}", "body", "UTF-8");
}
END_TEST

START_TEST(trailing_garbage)
{
	FAIL_S("{\"a\":1} x", "body", "after the JSON object");
	FAIL_S("{\"a\":1}{}", "body", "line 1, column");
}
END_TEST

START_TEST(syntax_errors_carry_position)
{
	FAIL_S("{\n\"a\":}", "body", "line 2");
	FAIL_S("{\"a\":1,}", "body", "not valid JSON");
	FAIL_S("{\"a\":", "body", "line 1");
	FAIL_S("{\"a\":1e999}", "body", "out of range");
	FAIL_S("{'a':1}", "body", "not valid JSON");
}
END_TEST

START_TEST(top_level_must_be_object)
{
	FAIL_S("[1,2]", "body", "must be a JSON object");
	FAIL_S("[]", "body", "must be a JSON object");
	FAIL_S("\"x\"", "body", NULL);
	FAIL_S("42", "body", NULL);
	FAIL_S("null", "body", NULL);
}
END_TEST

START_TEST(nul_bytes_rejected)
{
	FAIL_S("{\"a\":\"x\\u0000y\"}", "body", "NUL");
	FAIL_S("{\"a\\u0000b\":1}", "body", "NUL");
	/* A raw NUL inside a string, and one after the object. */
	FAIL_S("{\"a\":\"b\0c\"}", "body", NULL);
	FAIL_S("{\"a\":1}\0", "body", NULL);
}
END_TEST

START_TEST(uuid_format)
{
	ck_assert(hearth_is_uuid("123e4567-e89b-12d3-a456-426614174000"));
	ck_assert(hearth_is_uuid("123E4567-E89B-12D3-A456-426614174000"));
	ck_assert(!hearth_is_uuid("123e4567e89b12d3a456426614174000"));
	ck_assert(!hearth_is_uuid("123e4567-e89b-12d3-a456-42661417400"));
	ck_assert(!hearth_is_uuid("123e4567-e89b-12d3-a456-4266141740000"));
	ck_assert(!hearth_is_uuid("g23e4567-e89b-12d3-a456-426614174000"));
	ck_assert(!hearth_is_uuid("123e4567-e89b-12d3-a456_426614174000"));
	ck_assert(!hearth_is_uuid("{123e4567-e89b-12d3-a456-426614174000}"));
	ck_assert(!hearth_is_uuid(""));
	ck_assert(!hearth_is_uuid(NULL));
}
END_TEST

START_TEST(date_format)
{
	ck_assert(hearth_is_date("2026-01-31"));
	ck_assert(hearth_is_date("2024-02-29"));
	ck_assert(hearth_is_date("2000-02-29"));
	ck_assert(hearth_is_date("1900-01-01"));
	ck_assert(hearth_is_date("2200-12-31"));
	ck_assert(!hearth_is_date("2023-02-29"));
	ck_assert(!hearth_is_date("1900-02-29"));
	ck_assert(!hearth_is_date("2100-02-29"));
	ck_assert(!hearth_is_date("2024-04-31"));
	ck_assert(!hearth_is_date("2024-13-01"));
	ck_assert(!hearth_is_date("2024-00-10"));
	ck_assert(!hearth_is_date("2024-01-00"));
	ck_assert(!hearth_is_date("1899-12-31"));
	ck_assert(!hearth_is_date("2201-01-01"));
	ck_assert(!hearth_is_date("2024-1-01"));
	ck_assert(!hearth_is_date("2024-01-01x"));
	ck_assert(!hearth_is_date("2024/01/01"));
	ck_assert(!hearth_is_date("+024-01-01"));
	ck_assert(!hearth_is_date(NULL));
}
END_TEST

START_TEST(month_format)
{
	ck_assert(hearth_is_month("2014-07"));
	ck_assert(hearth_is_month("2026-12"));
	ck_assert(!hearth_is_month("2026-13"));
	ck_assert(!hearth_is_month("2026-00"));
	ck_assert(!hearth_is_month("2026-1"));
	ck_assert(!hearth_is_month("2026-01-01"));
	ck_assert(!hearth_is_month("1800-01"));
	ck_assert(!hearth_is_month(""));
}
END_TEST

START_TEST(timestamp_format)
{
	ck_assert(hearth_is_timestamp("2026-01-31T09:00:00Z"));
	ck_assert(hearth_is_timestamp("2026-01-31T09:00:00.123Z"));
	ck_assert(hearth_is_timestamp("2026-01-31T09:00:00.123456789+01:00"));
	ck_assert(hearth_is_timestamp("2026-01-31T23:59:59-05:30"));
	ck_assert(hearth_is_timestamp("2026-01-31t09:00:00z"));
	ck_assert(hearth_is_timestamp("2016-12-31T23:59:60Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31 09:00:00Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00"));
	ck_assert(!hearth_is_timestamp("2026-01-31T24:00:00Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:60:00Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:61Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00.Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00+0100"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00+0"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00+01:000"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00+24:00"));
	ck_assert(!hearth_is_timestamp("2026-01-31T09:00:00Zjunk"));
	ck_assert(!hearth_is_timestamp("2026-02-30T09:00:00Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31T9:00:00Z"));
	ck_assert(!hearth_is_timestamp("2026-01-31"));
	ck_assert(!hearth_is_timestamp(NULL));
}
END_TEST

START_TEST(postcode_format)
{
	static const char *good[] = {
		"CF10 1AA", "SW1A 2AA", "SW1A2AA", "M1 1AE", "B33 8TH", "CR2 6XH",
		"DN55 1PT", "W1A 0AX", "EC1A 1BB", "cf10 1aa", "GIR 0AA", "gir0aa", "LL11 2AB",
	};
	static const char *bad[] = {
		"CF10  1AA", "1F10 1AA", "CF10 AAA", "CF10-1AA", "", "CF10 1AA ", " CF10 1AA",
		"A 1AA", "AAAA 1AA", "CF1001AA", "CF10 1A", "CF10 11A", "AA9AA 1AA", "A9AA 1AA",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(hearth_is_uk_postcode(good[i]), "%s should be valid", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!hearth_is_uk_postcode(bad[i]), "'%s' should be invalid", bad[i]);
	ck_assert(!hearth_is_uk_postcode(NULL));
}
END_TEST

START_TEST(email_format)
{
	char local65[80];

	ck_assert(hearth_is_email("a@b.co"));
	ck_assert(hearth_is_email("first.last+tag@example.org.uk"));
	ck_assert(hearth_is_email("QA-team@council-name.gov.wales"));
	ck_assert(!hearth_is_email("no-at.example.com"));
	ck_assert(!hearth_is_email("a@b"));
	ck_assert(!hearth_is_email("@b.com"));
	ck_assert(!hearth_is_email("a@"));
	ck_assert(!hearth_is_email("a@@b.com"));
	ck_assert(!hearth_is_email("a@b@c.com"));
	ck_assert(!hearth_is_email("a@b..com"));
	ck_assert(!hearth_is_email("a b@c.com"));
	ck_assert(!hearth_is_email("a@.b.com"));
	ck_assert(!hearth_is_email("a@b.com."));
	ck_assert(!hearth_is_email("a@b_c.com"));
	ck_assert(!hearth_is_email("<a>@b.com"));
	ck_assert(!hearth_is_email(NULL));
	memset(local65, 'x', 65);
	memcpy(local65 + 65, "@b.com", 7);
	ck_assert(!hearth_is_email(local65));
	ck_assert(hearth_is_email(local65 + 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_input");
	TCase *tc = tcase_create("parse");
	TCase *tf = tcase_create("formats");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parses_object);
	tcase_add_test(tc, empty_body);
	tcase_add_test(tc, duplicate_keys_name_the_key);
	tcase_add_test(tc, duplicate_long_key);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, trailing_garbage);
	tcase_add_test(tc, syntax_errors_carry_position);
	tcase_add_test(tc, top_level_must_be_object);
	tcase_add_test(tc, nul_bytes_rejected);
	tcase_add_test(tf, uuid_format);
	tcase_add_test(tf, date_format);
	tcase_add_test(tf, month_format);
	tcase_add_test(tf, timestamp_format);
	tcase_add_test(tf, postcode_format);
	tcase_add_test(tf, email_format);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tf);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
