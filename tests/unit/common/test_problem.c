/* test_problem.c - problem details: recording, truncation, titles, rendering. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/problem.h"

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

START_TEST(clear_resets_everything)
{
	struct hearth_problem p;

	memset(&p, 0x5a, sizeof(p));
	hearth_problem_clear(&p);
	ck_assert_int_eq(p.status, 0);
	ck_assert_ptr_null(p.type);
	ck_assert_uint_eq(p.n_errors, 0);
	ck_assert_str_eq(p.detail, "");
	ck_assert_int_eq(p.retry_after, 0);
}
END_TEST

START_TEST(set_formats_and_truncates_detail)
{
	struct hearth_problem p;
	char longtext[1000];

	hearth_problem_clear(&p);
	hearth_problem_set(&p, 404, "not-found", "No provider %s.", "abc");
	ck_assert_int_eq(p.status, 404);
	ck_assert_str_eq(p.type, "not-found");
	ck_assert_str_eq(p.detail, "No provider abc.");

	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	hearth_problem_set(&p, 409, "conflict", "%s", longtext);
	ck_assert_uint_eq(strlen(p.detail), sizeof(p.detail) - 1);
	ck_assert_int_eq(p.status, 409);
}
END_TEST

START_TEST(set_keeps_field_errors)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	hearth_problem_field(&p, "name", "is required");
	hearth_problem_set(&p, 422, "idempotency-key-reused", "Other body.");
	ck_assert_uint_eq(p.n_errors, 1);
	ck_assert_str_eq(p.errors[0].field, "name");
}
END_TEST

START_TEST(field_sets_validation_only_when_empty)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	hearth_problem_field(&p, "address.postcode", "must be a UK postcode");
	ck_assert_int_eq(p.status, 400);
	ck_assert_str_eq(p.type, "validation");
	ck_assert_str_eq(p.errors[0].field, "address.postcode");
	ck_assert_str_eq(p.errors[0].message, "must be a UK postcode");
	ck_assert_str_ne(p.detail, "");

	hearth_problem_clear(&p);
	hearth_problem_set(&p, 409, "conflict", "Taken.");
	hearth_problem_field(&p, "urn", "already %s", "used");
	ck_assert_int_eq(p.status, 409);
	ck_assert_str_eq(p.type, "conflict");
	ck_assert_str_eq(p.errors[0].message, "already used");
}
END_TEST

START_TEST(errors_capped)
{
	struct hearth_problem p;
	char name[16];
	int i;

	hearth_problem_clear(&p);
	for (i = 0; i < HEARTH_PROBLEM_MAX_ERRORS + 5; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		hearth_problem_add_error(&p, name, "bad");
	}
	ck_assert_uint_eq(p.n_errors, HEARTH_PROBLEM_MAX_ERRORS);
	ck_assert_str_eq(p.errors[0].field, "f0");
	ck_assert_str_eq(p.errors[HEARTH_PROBLEM_MAX_ERRORS - 1].field, "f15");
}
END_TEST

START_TEST(titles)
{
	ck_assert_str_eq(hearth_problem_title("validation"), "Your request is not valid");
	ck_assert_str_eq(hearth_problem_title("not-found"), "Not found");
	ck_assert_str_eq(hearth_problem_title("unavailable"), "Service unavailable");
	ck_assert_str_eq(hearth_problem_title("placement-stop-in-force"),
			 "A placement stop is in force");
	ck_assert_str_eq(hearth_problem_title("no-such-slug"), "Error");
	ck_assert_str_eq(hearth_problem_title(NULL), "Error");
	ck_assert_str_ne(hearth_problem_title("rate-limited"), "Error");
	ck_assert_str_ne(hearth_problem_title("method-not-allowed"), "Error");
}
END_TEST

START_TEST(to_json_minimal)
{
	struct hearth_problem p;
	json_t *o;

	hearth_problem_clear(&p);
	hearth_problem_set(&p, 404, "not-found", "No such provider.");
	o = hearth_problem_to_json(&p, NULL, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "type"), "/problems/not-found");
	ck_assert_str_eq(jstr(o, "title"), "Not found");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 404);
	ck_assert_str_eq(jstr(o, "detail"), "No such provider.");
	ck_assert_ptr_null(json_object_get(o, "instance"));
	ck_assert_ptr_null(json_object_get(o, "request_id"));
	ck_assert_ptr_null(json_object_get(o, "errors"));
	ck_assert_ptr_null(json_object_get(o, "sqlstate"));
	ck_assert_uint_eq(json_object_size(o), 4);
	json_decref(o);
}
END_TEST

START_TEST(to_json_full)
{
	struct hearth_problem p;
	json_t *o, *errs;

	hearth_problem_clear(&p);
	hearth_problem_field(&p, "lots[1].code", "is required");
	hearth_problem_field(&p, "name", "must be a string");
	memcpy(p.sqlstate, "23505", 6);
	o = hearth_problem_to_json(&p, "/v1/providers", "req-1");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "type"), "/problems/validation");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 400);
	ck_assert_str_eq(jstr(o, "instance"), "/v1/providers");
	ck_assert_str_eq(jstr(o, "request_id"), "req-1");
	errs = json_object_get(o, "errors");
	ck_assert_uint_eq(json_array_size(errs), 2);
	ck_assert_str_eq(jstr(json_array_get(errs, 0), "field"), "lots[1].code");
	ck_assert_str_eq(jstr(json_array_get(errs, 0), "message"), "is required");
	ck_assert_str_eq(jstr(json_array_get(errs, 1), "field"), "name");
	json_decref(o);
}
END_TEST

START_TEST(to_json_never_leaks_sqlstate)
{
	struct hearth_problem p;
	json_t *o;
	char *s;

	hearth_problem_clear(&p);
	hearth_problem_set(&p, 409, "conflict", "Duplicate.");
	memcpy(p.sqlstate, "23505", 6);
	snprintf(p.constraint, sizeof(p.constraint), "settings_urn_key");
	o = hearth_problem_to_json(&p, NULL, NULL);
	s = json_dumps(o, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_null(strstr(s, "23505"));
	ck_assert_ptr_null(strstr(s, "settings_urn_key"));
	free(s);
	json_decref(o);
}
END_TEST

START_TEST(invalid_utf8_is_sanitised)
{
	struct hearth_problem p;
	json_t *o;

	hearth_problem_clear(&p);
	hearth_problem_field(&p, "na\xffme", "bad \xc3");
	ck_assert_str_eq(p.errors[0].field, "na?me");
	ck_assert_str_eq(p.errors[0].message, "bad ?");
	o = hearth_problem_to_json(&p, "/v1/x\xfe", "id\x80");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "instance"), "/v1/x?");
	ck_assert_str_eq(jstr(o, "request_id"), "id?");
	json_decref(o);
}
END_TEST

START_TEST(truncation_on_character_boundary)
{
	struct hearth_problem p;
	char field[400] = "";
	size_t i, n;

	for (i = 0; i < 150; i++)
		memcpy(field + 2 * i, "\xc3\xa9", 3); /* é, two bytes */
	hearth_problem_clear(&p);
	hearth_problem_add_error(&p, field, "x");
	n = strlen(p.errors[0].field);
	ck_assert_uint_eq(n, 126); /* 127 bytes free, whole characters only */
	ck_assert_int_eq((unsigned char)p.errors[0].field[n - 1], 0xa9);
}
END_TEST

START_TEST(unset_status_renders_500)
{
	struct hearth_problem p;
	json_t *o;

	hearth_problem_clear(&p);
	o = hearth_problem_to_json(&p, NULL, NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 500);
	ck_assert_str_eq(jstr(o, "type"), "/problems/internal");
	ck_assert_str_eq(jstr(o, "detail"), "Internal error");
	json_decref(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("problem");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, clear_resets_everything);
	tcase_add_test(tc, set_formats_and_truncates_detail);
	tcase_add_test(tc, set_keeps_field_errors);
	tcase_add_test(tc, field_sets_validation_only_when_empty);
	tcase_add_test(tc, errors_capped);
	tcase_add_test(tc, titles);
	tcase_add_test(tc, to_json_minimal);
	tcase_add_test(tc, to_json_full);
	tcase_add_test(tc, to_json_never_leaks_sqlstate);
	tcase_add_test(tc, invalid_utf8_is_sanitised);
	tcase_add_test(tc, truncation_on_character_boundary);
	tcase_add_test(tc, unset_status_renders_500);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
