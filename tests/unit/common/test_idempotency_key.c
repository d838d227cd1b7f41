/* test_idempotency_key.c - which Idempotency-Key headers a POST accepts, and
 * the field error it records for one it does not. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/idempotency.h"

START_TEST(no_header_is_not_an_error)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_idem_key_check(NULL, &p), 0);
	ck_assert_int_eq(p.status, 0);
}
END_TEST

START_TEST(printable_keys_up_to_255_characters_pass)
{
	struct hearth_problem p;
	char longest[256];

	memset(longest, 'k', 255);
	longest[255] = '\0';
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_idem_key_check("abc-123", &p), 0);
	ck_assert_int_eq(hearth_idem_key_check("~ !\"#", &p), 0);
	ck_assert_int_eq(hearth_idem_key_check(longest, &p), 0);
	ck_assert_int_eq(p.status, 0);
	ck_assert_uint_eq(p.n_errors, 0);
}
END_TEST

START_TEST(a_bad_key_is_a_field_error_naming_the_header)
{
	static const char *const bad[] = { "", "tab\there", "caf\xc3\xa9", "del\x7f" };
	char too_long[257];

	memset(too_long, 'k', 256);
	too_long[256] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) + 1; i++) {
		struct hearth_problem p;
		const char *key = i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : too_long;

		hearth_problem_clear(&p);
		ck_assert_int_eq(hearth_idem_key_check(key, &p), -1);
		ck_assert_int_eq(p.status, 400);
		ck_assert_uint_eq(p.n_errors, 1);
		ck_assert_str_eq(p.errors[0].field, "Idempotency-Key");
		ck_assert_str_eq(p.errors[0].message, "must be 1 to 255 printable characters");
	}
}
END_TEST

START_TEST(the_error_joins_the_other_field_errors)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	hearth_problem_field(&p, "name", "is required");
	ck_assert_int_eq(hearth_idem_key_check("", &p), -1);
	ck_assert_uint_eq(p.n_errors, 2);
	ck_assert_str_eq(p.errors[0].field, "name");
	ck_assert_str_eq(p.errors[1].field, "Idempotency-Key");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("idempotency_key");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, no_header_is_not_an_error);
	tcase_add_test(tc, printable_keys_up_to_255_characters_pass);
	tcase_add_test(tc, a_bad_key_is_a_field_error_naming_the_header);
	tcase_add_test(tc, the_error_joins_the_other_field_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
