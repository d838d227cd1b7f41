/* test_json_validate.c - the field-spec validator, in create and patch modes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/json_input.h"

static const char *const statuses[] = { "active", "suspended", "closed", NULL };
static const char *const kinds[] = { "fostering_agency", "childrens_home", "other", NULL };

static const struct hearth_field_spec address_fields[] = {
	{ .name = "line1", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 100 },
	{ .name = "town", .type = HJ_STRING, .flags = HJ_NULLABLE },
	{ .name = "postcode", .type = HJ_POSTCODE, .flags = HJ_REQUIRED },
	{ .name = NULL },
};

static const struct hearth_field_spec lot_fields[] = {
	{ .name = "code", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 10 },
	{ .name = "title", .type = HJ_STRING },
	{ .name = NULL },
};

static const struct hearth_field_spec kind_item = { .name = "", .type = HJ_STRING,
						    .enum_values = kinds };
static const struct hearth_field_spec lot_item = { .name = "", .type = HJ_OBJECT,
						   .fields = lot_fields };

static const struct hearth_field_spec fields[] = {
	{ .name = "id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 5 },
	{ .name = "notes", .type = HJ_STRING, .flags = HJ_NULLABLE },
	{ .name = "status", .type = HJ_STRING, .enum_values = statuses },
	{ .name = "places", .type = HJ_INT, .has_range = 1, .min = 0, .max = 10 },
	{ .name = "score", .type = HJ_NUMBER, .has_range = 1, .min = 0, .max = 100,
	  .has_decimals = 1, .max_decimals = 1 },
	{ .name = "whole", .type = HJ_NUMBER, .has_decimals = 1, .max_decimals = 0 },
	{ .name = "ratio", .type = HJ_NUMBER },
	{ .name = "active", .type = HJ_BOOL },
	{ .name = "address", .type = HJ_OBJECT, .flags = HJ_REQUIRED, .fields = address_fields },
	{ .name = "types", .type = HJ_ARRAY, .flags = HJ_UNIQUE, .items = &kind_item,
	  .min_items = 1, .max_items = 3 },
	{ .name = "lots", .type = HJ_ARRAY, .items = &lot_item },
	{ .name = "inputs", .type = HJ_FREE_OBJECT },
	{ .name = "start_date", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "birth_month", .type = HJ_MONTH },
	{ .name = "at", .type = HJ_TIMESTAMP },
	{ .name = "email", .type = HJ_EMAIL },
	{ .name = "lead_org_id", .type = HJ_UUID },
	{ .name = "long_text", .type = HJ_STRING },
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_CREATE_ONLY, .enum_values = kinds },
	{ .name = NULL },
};

static struct hearth_problem prob;

static int run(const char *json, enum hearth_validate_mode mode)
{
	json_error_t err;
	json_t *obj = json_loads(json, 0, &err);
	int rc;

	ck_assert_msg(obj != NULL, "test JSON does not parse: %s", err.text);
	hearth_problem_clear(&prob);
	rc = hearth_json_validate(obj, fields, mode, &prob);
	json_decref(obj);
	return rc;
}

/* The message recorded for `field`, or NULL. */
static const char *msg_for(const char *field)
{
	size_t i;

	for (i = 0; i < prob.n_errors; i++)
		if (strcmp(prob.errors[i].field, field) == 0)
			return prob.errors[i].message;
	return NULL;
}

static void expect(const char *field, const char *message)
{
	const char *m = msg_for(field);

	ck_assert_msg(m != NULL, "no error for %s", field);
	ck_assert_str_eq(m, message);
}

/* A valid base body with one member spliced in front. */
static int run_with(const char *member, enum hearth_validate_mode mode)
{
	static char json[16384];

	snprintf(json, sizeof(json),
		 "{%s%s\"name\":\"Ty\",\"address\":{\"line1\":\"1 Rd\",\"postcode\":\"CF10 1AA\"}}",
		 member, member[0] ? "," : "");
	return run(json, mode);
}

/* A field's path is "<object>.<name>", cut to the error's field buffer as
 * snprintf would cut it: a long unknown key inside an object, and a key as
 * long as the buffer at the top. */
START_TEST(long_paths_are_cut_to_the_field_buffer)
{
	char key[300], member[400], want[sizeof(prob.errors[0].field)];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(member, sizeof(member), "\"lots\":[{\"code\":\"L1\",\"%s\":1}]", key);
	ck_assert_int_eq(run_with(member, HEARTH_VALIDATE_CREATE), -1);
	memcpy(want, "lots[0].", 8);
	memcpy(want + 8, key, sizeof(want) - 9);
	want[sizeof(want) - 1] = '\0';
	expect(want, "unknown field");

	snprintf(member, sizeof(member), "\"%s\":1", key);
	ck_assert_int_eq(run_with(member, HEARTH_VALIDATE_CREATE), -1);
	memcpy(want, key, sizeof(want) - 1);
	expect(want, "unknown field");

	ck_assert_int_eq(run("{\"name\":\"Ty\",\"address\":{\"line1\":\"1 Rd\",\"postcode\":"
			     "\"CF10 1AA\",\"zz\":1}}", HEARTH_VALIDATE_CREATE), -1);
	expect("address.zz", "unknown field");
}
END_TEST

START_TEST(valid_full_body)
{
	ck_assert_int_eq(run("{\"name\":\"Ty\",\"notes\":null,\"status\":\"active\",\"places\":10,"
			     "\"score\":72.5,\"whole\":3,\"ratio\":0.123456,\"active\":true,"
			     "\"address\":{\"line1\":\"1 Rd\",\"town\":null,\"postcode\":\"sw1a 2aa\"},"
			     "\"types\":[\"other\",\"childrens_home\"],"
			     "\"lots\":[{\"code\":\"L1\"},{\"code\":\"L2\",\"title\":\"x\"}],"
			     "\"inputs\":{\"anything\":[1,{\"x\":null}]},\"start_date\":\"2024-02-29\","
			     "\"birth_month\":\"2014-07\",\"at\":\"2026-01-31T09:00:00Z\","
			     "\"email\":\"a@b.co\",\"lead_org_id\":\"123e4567-e89b-12d3-a456-426614174000\"}",
			     HEARTH_VALIDATE_CREATE), 0);
	ck_assert_uint_eq(prob.n_errors, 0);
	ck_assert_int_eq(prob.status, 0);
}
END_TEST

START_TEST(create_only_fields_are_set_once)
{
	ck_assert_int_eq(run_with("\"kind\":\"other\"", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run("{\"kind\":\"other\"}", HEARTH_VALIDATE_PATCH), -1);
	expect("kind", "cannot be changed after creation");
	ck_assert_int_eq(run("{\"kind\":null}", HEARTH_VALIDATE_PATCH), -1);
	expect("kind", "cannot be changed after creation");
	ck_assert_int_eq(run("{\"notes\":\"x\"}", HEARTH_VALIDATE_PATCH), 0);
}
END_TEST

START_TEST(unknown_fields_with_paths)
{
	ck_assert_int_eq(run("{\"name\":\"Ty\",\"nmae\":1,\"address\":{\"line1\":\"a\","
			     "\"postcode\":\"CF10 1AA\",\"county\":\"x\"},"
			     "\"lots\":[{\"code\":\"a\"},{\"code\":\"b\",\"extra\":1}]}",
			     HEARTH_VALIDATE_CREATE), -1);
	ck_assert_int_eq(prob.status, 400);
	ck_assert_str_eq(prob.type, "validation");
	expect("nmae", "unknown field");
	expect("address.county", "unknown field");
	expect("lots[1].extra", "unknown field");
	ck_assert_uint_eq(prob.n_errors, 3);
}
END_TEST

START_TEST(wrong_types)
{
	ck_assert_int_eq(run("{\"name\":5,\"places\":1.0,\"score\":\"7\",\"active\":\"true\","
			     "\"address\":[],\"types\":{},\"inputs\":[],\"lots\":[1],"
			     "\"lead_org_id\":7}",
			     HEARTH_VALIDATE_CREATE), -1);
	expect("name", "must be a string");
	expect("places", "must be an integer");
	expect("score", "must be a number");
	expect("active", "must be a boolean");
	expect("address", "must be an object");
	expect("types", "must be an array");
	expect("inputs", "must be an object");
	expect("lots[0]", "must be an object");
	expect("lead_org_id", "must be a string");
	ck_assert_uint_eq(prob.n_errors, 9);
}
END_TEST

START_TEST(string_lengths_in_characters)
{
	char big[1100];
	char member[1200];

	/* Five two-byte characters fit max_len 5; six do not. */
	ck_assert_int_eq(run("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\","
			     "\"address\":{\"line1\":\"a\",\"postcode\":\"CF10 1AA\"}}",
			     HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\","
			     "\"address\":{\"line1\":\"a\",\"postcode\":\"CF10 1AA\"}}",
			     HEARTH_VALIDATE_CREATE), -1);
	expect("name", "must be at most 5 characters");
	ck_assert_int_eq(run("{\"name\":\"\",\"address\":{\"line1\":\"a\",\"postcode\":\"CF10 1AA\"}}",
			     HEARTH_VALIDATE_CREATE), -1);
	expect("name", "must be at least 1 characters");

	/* max_len 0 means 1000. */
	memset(big, 'x', 1000);
	big[1000] = '\0';
	snprintf(member, sizeof(member), "\"long_text\":\"%s\"", big);
	ck_assert_int_eq(run_with(member, HEARTH_VALIDATE_CREATE), 0);
	big[1000] = 'x';
	big[1001] = '\0';
	snprintf(member, sizeof(member), "\"long_text\":\"%s\"", big);
	ck_assert_int_eq(run_with(member, HEARTH_VALIDATE_CREATE), -1);
	expect("long_text", "must be at most 1000 characters");
}
END_TEST

START_TEST(enums)
{
	ck_assert_int_eq(run_with("\"status\":\"closed\"", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"status\":\"Active\"", HEARTH_VALIDATE_CREATE), -1);
	expect("status", "must be one of: active, suspended, closed");
	ck_assert_int_eq(run_with("\"types\":[\"other\",\"castle\"]", HEARTH_VALIDATE_CREATE), -1);
	expect("types[1]", "must be one of: fostering_agency, childrens_home, other");
}
END_TEST

START_TEST(integer_ranges)
{
	ck_assert_int_eq(run_with("\"places\":0", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"places\":10", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"places\":-1", HEARTH_VALIDATE_CREATE), -1);
	expect("places", "must be between 0 and 10");
	ck_assert_int_eq(run_with("\"places\":11", HEARTH_VALIDATE_CREATE), -1);
	ck_assert_int_eq(run_with("\"places\":9223372036854775807", HEARTH_VALIDATE_CREATE), -1);
	ck_assert_int_eq(run_with("\"places\":1e1", HEARTH_VALIDATE_CREATE), -1);
	expect("places", "must be an integer");
}
END_TEST

START_TEST(number_decimals_and_ranges)
{
	static const char *ok[] = { "72.5", "72", "0.1", "100.0", "72.3", "99.9", "0", "1e1" };
	static const char *bad_dec[] = { "72.55", "72.51", "0.05", "72.50000001", "1.25" };
	char member[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(member, sizeof(member), "\"score\":%s", ok[i]);
		ck_assert_msg(run_with(member, HEARTH_VALIDATE_CREATE) == 0, "%s refused", ok[i]);
	}
	for (i = 0; i < sizeof(bad_dec) / sizeof(bad_dec[0]); i++) {
		snprintf(member, sizeof(member), "\"score\":%s", bad_dec[i]);
		ck_assert_msg(run_with(member, HEARTH_VALIDATE_CREATE) == -1, "%s accepted",
			      bad_dec[i]);
		expect("score", "must have at most 1 decimal place");
	}
	ck_assert_int_eq(run_with("\"score\":100.1", HEARTH_VALIDATE_CREATE), -1);
	expect("score", "must be between 0 and 100");
	ck_assert_int_eq(run_with("\"score\":-0.1", HEARTH_VALIDATE_CREATE), -1);
	ck_assert_int_eq(run_with("\"whole\":2.0", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"whole\":2.5", HEARTH_VALIDATE_CREATE), -1);
	expect("whole", "must be a whole number");
	/* No decimals rule: anything numeric goes. */
	ck_assert_int_eq(run_with("\"ratio\":0.123456789", HEARTH_VALIDATE_CREATE), 0);
}
END_TEST

START_TEST(read_only_fields)
{
	ck_assert_int_eq(run_with("\"id\":\"123e4567-e89b-12d3-a456-426614174000\"",
				  HEARTH_VALIDATE_CREATE), -1);
	expect("id", "is read-only");
	ck_assert_int_eq(run_with("\"id\":null", HEARTH_VALIDATE_PATCH), -1);
	expect("id", "is read-only");
}
END_TEST

START_TEST(nulls)
{
	ck_assert_int_eq(run_with("\"notes\":null", HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"status\":null", HEARTH_VALIDATE_CREATE), -1);
	expect("status", "must not be null");
	ck_assert_int_eq(run("{\"notes\":null,\"start_date\":null}", HEARTH_VALIDATE_PATCH), 0);
	ck_assert_int_eq(run("{\"name\":null}", HEARTH_VALIDATE_PATCH), -1);
	expect("name", "must not be null");
	ck_assert_int_eq(run("{\"address\":{\"town\":null}}", HEARTH_VALIDATE_PATCH), 0);
	ck_assert_int_eq(run("{\"address\":{\"postcode\":null}}", HEARTH_VALIDATE_PATCH), -1);
	expect("address.postcode", "must not be null");
}
END_TEST

START_TEST(required_in_create_only)
{
	ck_assert_int_eq(run("{\"address\":{\"line1\":\"a\"}}", HEARTH_VALIDATE_CREATE), -1);
	expect("name", "is required");
	expect("address.postcode", "is required");
	ck_assert_uint_eq(prob.n_errors, 2);

	ck_assert_int_eq(run("{}", HEARTH_VALIDATE_PATCH), 0);
	/* Nested objects merge, so they are patches too. */
	ck_assert_int_eq(run("{\"address\":{\"postcode\":\"CF10 1AA\"}}", HEARTH_VALIDATE_PATCH), 0);
	/* Arrays replace wholesale: their objects must be complete even in a patch. */
	ck_assert_int_eq(run("{\"lots\":[{\"code\":\"a\"},{\"title\":\"t\"}]}",
			     HEARTH_VALIDATE_PATCH), -1);
	expect("lots[1].code", "is required");
	ck_assert_uint_eq(prob.n_errors, 1);
}
END_TEST

START_TEST(formats)
{
	ck_assert_int_eq(run("{\"address\":{\"postcode\":\"CF10 1AAA\"},\"start_date\":\"2023-02-29\","
			     "\"birth_month\":\"2014-13\",\"at\":\"2026-01-31 09:00\","
			     "\"email\":\"nobody\",\"lead_org_id\":\"123\"}", HEARTH_VALIDATE_PATCH),
			 -1);
	expect("address.postcode", "must be a UK postcode");
	expect("start_date", "must be a date (YYYY-MM-DD)");
	expect("birth_month", "must be a month (YYYY-MM)");
	expect("at", "must be an RFC 3339 timestamp");
	expect("email", "must be an email address");
	expect("lead_org_id", "must be a UUID");
	ck_assert_uint_eq(prob.n_errors, 6);
}
END_TEST

START_TEST(array_sizes_and_uniqueness)
{
	char member[8192];
	size_t i, o;

	ck_assert_int_eq(run_with("\"types\":[]", HEARTH_VALIDATE_CREATE), -1);
	expect("types", "must have at least 1 item");
	ck_assert_int_eq(run_with("\"types\":[\"other\",\"other\",\"childrens_home\",\"other\"]",
				  HEARTH_VALIDATE_CREATE), -1);
	expect("types", "must have at most 3 items");
	ck_assert_int_eq(run_with("\"types\":[\"other\",\"childrens_home\",\"other\"]",
				  HEARTH_VALIDATE_CREATE), -1);
	expect("types[2]", "duplicates item 0");
	ck_assert_uint_eq(prob.n_errors, 1);
	/* Without HJ_UNIQUE duplicates are fine. */
	ck_assert_int_eq(run_with("\"lots\":[{\"code\":\"a\"},{\"code\":\"a\"}]",
				  HEARTH_VALIDATE_CREATE), 0);

	/* max_items 0 means 1000. */
	o = (size_t)snprintf(member, sizeof(member), "\"lots\":[");
	for (i = 0; i < 1001; i++)
		o += (size_t)snprintf(member + o, sizeof(member) - o, "%s{}", i ? "," : "");
	snprintf(member + o, sizeof(member) - o, "]");
	ck_assert_int_eq(run_with(member, HEARTH_VALIDATE_CREATE), -1);
	expect("lots", "must have at most 1000 items");
}
END_TEST

START_TEST(free_object_unchecked)
{
	ck_assert_int_eq(run_with("\"inputs\":{\"x\":{\"y\":[null,true]},\"name\":5}",
				  HEARTH_VALIDATE_CREATE), 0);
	ck_assert_int_eq(run_with("\"inputs\":\"x\"", HEARTH_VALIDATE_CREATE), -1);
	expect("inputs", "must be an object");
}
END_TEST

START_TEST(collects_all_and_caps)
{
	char json[4096];
	size_t i, o;

	ck_assert_int_eq(run("{\"name\":1,\"places\":99,\"status\":\"x\"}", HEARTH_VALIDATE_CREATE), -1);
	/* name, places, status and the missing address. */
	ck_assert_uint_eq(prob.n_errors, 4);

	o = (size_t)snprintf(json, sizeof(json), "{");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s\"u%zu\":1", i ? "," : "", i);
	snprintf(json + o, sizeof(json) - o, "}");
	ck_assert_int_eq(run(json, HEARTH_VALIDATE_PATCH), -1);
	ck_assert_uint_eq(prob.n_errors, HEARTH_PROBLEM_MAX_ERRORS);
}
END_TEST

START_TEST(failure_counted_when_problem_full)
{
	json_t *obj = json_pack("{s:i}", "nmae", 1);
	size_t i;

	hearth_problem_clear(&prob);
	for (i = 0; i < HEARTH_PROBLEM_MAX_ERRORS; i++)
		hearth_problem_field(&prob, "earlier", "bad");
	ck_assert_int_eq(hearth_json_validate(obj, fields, HEARTH_VALIDATE_PATCH, &prob), -1);
	json_decref(obj);
}
END_TEST

START_TEST(not_an_object)
{
	json_t *arr = json_array();

	hearth_problem_clear(&prob);
	ck_assert_int_eq(hearth_json_validate(arr, fields, HEARTH_VALIDATE_CREATE, &prob), -1);
	expect("body", "must be a JSON object");
	json_decref(arr);
}
END_TEST

START_TEST(embedded_nul_in_built_object)
{
	json_t *obj = json_pack("{s:s%}", "name", "a\0b", (size_t)3);

	hearth_problem_clear(&prob);
	ck_assert_int_eq(hearth_json_validate(obj, fields, HEARTH_VALIDATE_PATCH, &prob), -1);
	expect("name", "must not contain NUL characters");
	json_decref(obj);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_validate");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, valid_full_body);
	tcase_add_test(tc, unknown_fields_with_paths);
	tcase_add_test(tc, create_only_fields_are_set_once);
	tcase_add_test(tc, wrong_types);
	tcase_add_test(tc, string_lengths_in_characters);
	tcase_add_test(tc, enums);
	tcase_add_test(tc, integer_ranges);
	tcase_add_test(tc, number_decimals_and_ranges);
	tcase_add_test(tc, read_only_fields);
	tcase_add_test(tc, nulls);
	tcase_add_test(tc, required_in_create_only);
	tcase_add_test(tc, formats);
	tcase_add_test(tc, array_sizes_and_uniqueness);
	tcase_add_test(tc, free_object_unchecked);
	tcase_add_test(tc, collects_all_and_caps);
	tcase_add_test(tc, failure_counted_when_problem_full);
	tcase_add_test(tc, not_an_object);
	tcase_add_test(tc, long_paths_are_cut_to_the_field_buffer);
	tcase_add_test(tc, embedded_nul_in_built_object);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
