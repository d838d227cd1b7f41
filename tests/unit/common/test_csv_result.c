/* test_csv_result.c - CSV from SQL rows: header from column names, cells as
 * text, the quoting and formula guard of JSON rows, numbers unguarded, cap. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/csv.h"

#define TEXT_OID 25
#define INT8_OID 20
#define NUMERIC_OID 1700

/* A result with the named columns of the given types, filled row by row from
 * `cells` (NULL: SQL NULL), built without a server. */
static PGresult *result_of(const char *const *names, const Oid *types, int n_cols,
			   const char *const *cells, int n_rows)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc attrs[8];

	ck_assert_ptr_nonnull(res);
	ck_assert_int_le(n_cols, 8);
	memset(attrs, 0, sizeof(attrs));
	for (int c = 0; c < n_cols; c++) {
		attrs[c].name = (char *)names[c];
		attrs[c].typid = types[c];
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	ck_assert_int_eq(PQsetResultAttrs(res, n_cols, attrs), 1);
	for (int r = 0; r < n_rows; r++)
		for (int c = 0; c < n_cols; c++) {
			const char *v = cells[r * n_cols + c];
			ck_assert_int_eq(PQsetvalue(res, r, c, (char *)v, v ? (int)strlen(v) : -1), 1);
		}
	return res;
}

static void expect(PGresult *res, int first, const char *want)
{
	size_t len = 0;
	char *got = hearth_csv_render_result(res, first, 1 << 20, &len);

	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, strlen(got));
	ck_assert_str_eq(got, want);
	free(got);
	PQclear(res);
}

START_TEST(header_is_the_column_names_after_the_first_column)
{
	static const char *const names[] = { "shown", "table", "as_at", "total" };
	static const Oid types[] = { 16, TEXT_OID, TEXT_OID, TEXT_OID };
	static const char *const cells[] = {
		"t", "by_type", "2026-03-31", "4",
		"t", "totals", "2026-03-31", NULL,
	};

	expect(result_of(names, types, 4, cells, 2), 1,
	       "table,as_at,total\r\nby_type,2026-03-31,4\r\ntotals,2026-03-31,\r\n");
}
END_TEST

START_TEST(no_rows_is_the_header_alone)
{
	static const char *const names[] = { "from", "to" };
	static const Oid types[] = { TEXT_OID, TEXT_OID };

	expect(result_of(names, types, 2, NULL, 0), 0, "from,to\r\n");
}
END_TEST

START_TEST(cells_are_quoted_as_rfc_4180_says)
{
	static const char *const names[] = { "name", "note" };
	static const Oid types[] = { TEXT_OID, TEXT_OID };
	static const char *const cells[] = { "Ty \"Gwyn\", Cardiff", "line\r\nbreak" };

	expect(result_of(names, types, 2, cells, 1), 0,
	       "name,note\r\n\"Ty \"\"Gwyn\"\", Cardiff\",\"line\r\nbreak\"\r\n");
}
END_TEST

START_TEST(text_that_starts_like_a_formula_is_guarded_but_numbers_are_not)
{
	static const char *const names[] = { "org_name", "days", "spend", "label" };
	static const Oid types[] = { TEXT_OID, INT8_OID, NUMERIC_OID, TEXT_OID };
	static const char *const cells[] = { "=HYPERLINK(\"x\")", "-3", "-1.5", "-3" };

	expect(result_of(names, types, 4, cells, 1), 0,
	       "org_name,days,spend,label\r\n\"'=HYPERLINK(\"\"x\"\")\",-3,-1.5,'-3\r\n");
}
END_TEST

START_TEST(output_past_the_cap_is_refused)
{
	static const char *const names[] = { "text" };
	static const Oid types[] = { TEXT_OID };
	static const char *const cells[] = { "0123456789" };
	PGresult *res = result_of(names, types, 1, cells, 1);
	size_t len = 0;
	char *fits = hearth_csv_render_result(res, 0, 18, &len);

	ck_assert_ptr_nonnull(fits);                 /* "text\r\n0123456789\r\n" */
	ck_assert_uint_eq(len, 18);
	free(fits);
	ck_assert_ptr_null(hearth_csv_render_result(res, 0, 17, &len));
	PQclear(res);
}
END_TEST

START_TEST(bad_arguments_give_null)
{
	static const char *const names[] = { "a" };
	static const Oid types[] = { TEXT_OID };
	PGresult *res = result_of(names, types, 1, NULL, 0);
	size_t len = 0;

	ck_assert_ptr_null(hearth_csv_render_result(NULL, 0, 100, &len));
	ck_assert_ptr_null(hearth_csv_render_result(res, 2, 100, &len));
	ck_assert_ptr_null(hearth_csv_render_result(res, -1, 100, &len));
	PQclear(res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv_result");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, header_is_the_column_names_after_the_first_column);
	tcase_add_test(tc, no_rows_is_the_header_alone);
	tcase_add_test(tc, cells_are_quoted_as_rfc_4180_says);
	tcase_add_test(tc, text_that_starts_like_a_formula_is_guarded_but_numbers_are_not);
	tcase_add_test(tc, output_past_the_cap_is_refused);
	tcase_add_test(tc, bad_arguments_give_null);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
