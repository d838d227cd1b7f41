/* test_csv.c - CSV rendering: paths, value forms, quoting, formula guard, cap. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/csv.h"

static char *render(const char *rows_json, const char *const *cols, size_t n, size_t max)
{
	json_error_t err;
	json_t *rows = json_loads(rows_json, 0, &err);
	size_t len = 0;
	char *out;

	ck_assert_msg(rows != NULL, "bad test JSON: %s", err.text);
	out = hearth_csv_render(rows, cols, n, max, &len);
	if (out)
		ck_assert_uint_eq(len, strlen(out));
	json_decref(rows);
	return out;
}

static void expect(const char *rows_json, const char *const *cols, size_t n, const char *want)
{
	char *got = render(rows_json, cols, n, 1 << 20);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(header_and_scalars)
{
	static const char *const cols[] = { "name", "places", "score", "ratio", "active",
					    "closed", "notes", "missing" };

	expect("[{\"name\":\"Ty Gwyn\",\"places\":4,\"score\":72.3,\"ratio\":1.0,\"active\":true,"
	       "\"closed\":false,\"notes\":null}]",
	       cols, 8,
	       "name,places,score,ratio,active,closed,notes,missing\r\n"
	       "Ty Gwyn,4,72.3,1.0,true,false,,\r\n");
}
END_TEST

START_TEST(reals_without_noise)
{
	static const char *const cols[] = { "v" };

	expect("[{\"v\":0.1},{\"v\":72.55},{\"v\":1e21},{\"v\":-2.5},{\"v\":0.30000000000000004},"
	       "{\"v\":123456789.125}]",
	       cols, 1, "v\r\n0.1\r\n72.55\r\n1e+21\r\n-2.5\r\n0.30000000000000004\r\n123456789.125\r\n");
	expect("[{\"v\":9223372036854775807},{\"v\":-3}]", cols, 1,
	       "v\r\n9223372036854775807\r\n-3\r\n");
	/* Round numbers in the range people type stay fixed-point, never 1e+02. */
	expect("[{\"v\":100.0},{\"v\":20.0},{\"v\":1500000.0},{\"v\":0.0001},{\"v\":0.0},"
	       "{\"v\":1e-7}]",
	       cols, 1, "v\r\n100.0\r\n20.0\r\n1500000.0\r\n0.0001\r\n0.0\r\n1e-07\r\n");
}
END_TEST

START_TEST(dotted_paths)
{
	static const char *const cols[] = { "address.postcode", "address.town.name", "a.b.c",
					    "name.x" };

	expect("[{\"address\":{\"postcode\":\"CF10 1AA\",\"town\":\"Cardiff\"},"
	       "\"a\":{\"b\":{\"c\":5}},\"name\":\"x\"},{}]",
	       cols, 4,
	       "address.postcode,address.town.name,a.b.c,name.x\r\nCF10 1AA,,5,\r\n,,,\r\n");
}
END_TEST

START_TEST(arrays_and_objects)
{
	static const char *const cols[] = { "types", "nums", "mixed", "obj", "empty" };

	expect("[{\"types\":[\"fostering_agency\",\"childrens_home\"],\"nums\":[1,2.5,true,null],"
	       "\"mixed\":[[1,2],{\"k\":\"v\"}],\"obj\":{\"lat\":51.5,\"lon\":-3.2},\"empty\":[]}]",
	       cols, 5,
	       "types,nums,mixed,obj,empty\r\n"
	       "fostering_agency;childrens_home,1;2.5;true;,"
	       "\"[1,2];{\"\"k\"\":\"\"v\"\"}\",\"{\"\"lat\"\":51.5,\"\"lon\"\":-3.2}\",\r\n");
}
END_TEST

START_TEST(quoting)
{
	static const char *const cols[] = { "v" };

	expect("[{\"v\":\"a,b\"},{\"v\":\"say \\\"hi\\\"\"},{\"v\":\"line1\\nline2\"},"
	       "{\"v\":\"cr\\rhere\"},{\"v\":\"plain text\"},{\"v\":\"\"}]",
	       cols, 1,
	       "v\r\n\"a,b\"\r\n\"say \"\"hi\"\"\"\r\n\"line1\nline2\"\r\n\"cr\rhere\"\r\n"
	       "plain text\r\n\r\n");
}
END_TEST

START_TEST(header_is_quoted_too)
{
	static const char *const cols[] = { "a,b", "c" };

	expect("[]", cols, 2, "\"a,b\",c\r\n");
}
END_TEST

START_TEST(formula_guard)
{
	static const char *const cols[] = { "v" };

	expect("[{\"v\":\"=SUM(A1:A9)\"},{\"v\":\"+44 29\"},{\"v\":\"-x\"},{\"v\":\"@cmd\"},"
	       "{\"v\":\"-5\"},{\"v\":-5},{\"v\":-2.5},{\"v\":\"=1,2\"},{\"v\":\"a=b\"},"
	       "{\"v\":[\"=x\",\"y\"]},{\"v\":\"\\tx\"}]",
	       cols, 1,
	       "v\r\n'=SUM(A1:A9)\r\n'+44 29\r\n'-x\r\n'@cmd\r\n'-5\r\n-5\r\n-2.5\r\n"
	       "\"'=1,2\"\r\na=b\r\n'=x;y\r\n'\tx\r\n");
}
END_TEST

START_TEST(non_object_rows_are_empty)
{
	static const char *const cols[] = { "a", "b" };

	expect("[1,\"x\",null,{\"a\":1}]", cols, 2, "a,b\r\n,\r\n,\r\n,\r\n1,\r\n");
}
END_TEST

START_TEST(cap)
{
	static const char *const cols[] = { "name" };
	const char *rows = "[{\"name\":\"abc\"},{\"name\":\"def\"}]";
	/* "name\r\nabc\r\ndef\r\n" is 16 bytes. */
	char *out = render(rows, cols, 1, 16);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "name\r\nabc\r\ndef\r\n");
	free(out);
	ck_assert_ptr_null(render(rows, cols, 1, 15));
	ck_assert_ptr_null(render(rows, cols, 1, 3));
}
END_TEST

START_TEST(bad_input)
{
	static const char *const cols[] = { "a" };
	json_t *obj = json_object();
	size_t len;
	char *out;

	ck_assert_ptr_null(hearth_csv_render(obj, cols, 1, 1000, &len));
	ck_assert_ptr_null(hearth_csv_render(NULL, cols, 1, 1000, &len));
	json_decref(obj);
	out = render("[]", cols, 0, 100);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "\r\n");
	free(out);
}
END_TEST

START_TEST(large_report)
{
	static const char *const cols[] = { "id", "name" };
	json_t *rows = json_array();
	size_t len, i;
	char *out;

	for (i = 0; i < 5000; i++)
		json_array_append_new(rows, json_pack("{s:I, s:s}", "id", (json_int_t)i,
						      "name", "Cartref \"Hapus\", Ltd"));
	out = hearth_csv_render(rows, cols, 2, 1 << 20, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen("id,name\r\n") +
			  5000 * strlen(",\"Cartref \"\"Hapus\"\", Ltd\"\r\n") + 10 * 1 + 90 * 2 +
			  900 * 3 + 4000 * 4);
	ck_assert_ptr_nonnull(strstr(out, "\r\n4999,\"Cartref \"\"Hapus\"\", Ltd\"\r\n"));
	free(out);
	json_decref(rows);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, header_and_scalars);
	tcase_add_test(tc, reals_without_noise);
	tcase_add_test(tc, dotted_paths);
	tcase_add_test(tc, arrays_and_objects);
	tcase_add_test(tc, quoting);
	tcase_add_test(tc, header_is_quoted_too);
	tcase_add_test(tc, formula_guard);
	tcase_add_test(tc, non_object_rows_are_empty);
	tcase_add_test(tc, cap);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, large_report);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
