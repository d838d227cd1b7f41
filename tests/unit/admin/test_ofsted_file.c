/*
 * test_ofsted_file.c - Ofsted's provider file in Hearth's words: columns by
 * header name (any order, any case, older names), the required ones, codes
 * and words of judgements, interim outcomes, statuses, places, dates, and the
 * reasons a bad row is given (naming each column as the file spells it); then a whole file read (header below a heading
 * row, blank rows skipped, bad rows listed by line, a broken file refused).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ofsted_file.h"
#include "ofsted_import.h"

static const char *const header[] = {
	"Web link", "urn", "  Registration   status ", "Places", "Latest full inspection date",
	"Publication date", "Event type",
	"Overall experiences and progress of children and young people",
	"How well children and young people are helped and protected",
	"The effectiveness of leaders and managers",
};
#define N_HEADER (sizeof(header) / sizeof(header[0]))

static struct ofsted_columns mapped(void)
{
	struct ofsted_columns cols;
	char err[160];

	ck_assert_int_eq(ofsted_columns_map(header, N_HEADER, &cols, err, sizeof(err)), 0);
	return cols;
}

/* Parse one row of the header above; returns the reason ("" when good). */
static const char *parse(struct ofsted_row *row, const char *urn, const char *status,
			 const char *places, const char *date, const char *published,
			 const char *type, const char *j1, const char *j2, const char *j3)
{
	static char why[OFSTED_REASON_MAX];
	const char *cells[] = { "x", urn, status, places, date, published, type, j1, j2, j3 };
	struct ofsted_columns cols = mapped();

	if (ofsted_row_parse(&cols, cells, N_HEADER, 7, row, why, sizeof(why)) == 0)
		ck_assert_str_eq(why, "");
	return why;
}

START_TEST(columns_are_found_by_name_whatever_their_order)
{
	struct ofsted_columns cols = mapped();
	char err[160];

	ck_assert_int_eq(cols.index[OFSTED_COL_URN], 1);
	ck_assert_int_eq(cols.index[OFSTED_COL_REGISTRATION_STATUS], 2);
	ck_assert_int_eq(cols.index[OFSTED_COL_LEADERSHIP], 9);
	ck_assert_int_eq(cols.index[OFSTED_COL_SECTOR], -1);
	ck_assert_int_eq(ofsted_is_header(header, N_HEADER), 1);
	/* Older names; the preferred one wins when both are there. */
	const char *const old[] = { "Unique reference number", "Registration status",
				    "Number of places", "Inspection date",
				    "Latest full inspection date", "Overall experiences and progress",
				    "Help and protection", "Leadership and management" };
	ck_assert_int_eq(ofsted_columns_map(old, 8, &cols, err, sizeof(err)), 0);
	ck_assert_int_eq(cols.index[OFSTED_COL_URN], 0);
	ck_assert_int_eq(cols.index[OFSTED_COL_PLACES], 2);
	ck_assert_int_eq(cols.index[OFSTED_COL_INSPECTION_DATE], 4);
	ck_assert_int_eq(cols.index[OFSTED_COL_PROTECTION], 6);
	const char *const heading[] = { "Provider information", "", "Latest Full Inspection" };
	ck_assert_int_eq(ofsted_is_header(heading, 3), 0);
}
END_TEST

START_TEST(a_missing_or_doubled_column_is_named)
{
	struct ofsted_columns cols;
	char err[160];
	const char *cells[N_HEADER];

	memcpy(cells, header, sizeof(cells));
	cells[3] = "Beds";
	ck_assert_int_eq(ofsted_columns_map(cells, N_HEADER, &cols, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the file has no column \"Places\"");
	cells[3] = "Places";
	cells[8] = "Sector";
	ck_assert_int_eq(ofsted_columns_map(cells, N_HEADER, &cols, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the file has no column "
			      "\"How well children and young people are helped and protected\"");
	cells[8] = "URN";
	ck_assert_int_eq(ofsted_columns_map(cells, N_HEADER, &cols, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the header names the column \"URN\" twice");
}
END_TEST

START_TEST(codes_and_words_become_the_qa_vocabulary)
{
	struct ofsted_row row;

	parse(&row, " SC123456 ", "Active", " 4 ", "12/03/2025", "9/4/2025", "", "1", "Good",
	      "requires improvement to be good");
	ck_assert_str_eq(row.urn, "SC123456");
	ck_assert_uint_eq(row.line, 7);
	ck_assert_str_eq(row.status, "active");
	ck_assert_int_eq(row.places, 4);
	ck_assert_str_eq(row.inspection_type, "full");
	ck_assert_str_eq(row.inspected_on, "2025-03-12");
	ck_assert_str_eq(row.published_on, "2025-04-09");
	ck_assert_int_eq(row.n_judgements, 3);
	ck_assert_str_eq(row.judgement_name[0], "overall_experiences_and_progress");
	ck_assert_str_eq(row.judgement_word[0], "outstanding");
	ck_assert_str_eq(row.judgement_name[1], "help_and_protection");
	ck_assert_str_eq(row.judgement_word[1], "good");
	ck_assert_str_eq(row.judgement_name[2], "leadership_and_management");
	ck_assert_str_eq(row.judgement_word[2], "requires_improvement");
	/* 5 and empty are "not judged"; 3 and 4 their words. */
	parse(&row, "1", "Suspended", "", "2025-01-20", "", "Full inspection", "4", "5", "3");
	ck_assert_str_eq(row.status, "suspended");
	ck_assert_int_eq(row.places, -1);
	ck_assert_int_eq(row.n_judgements, 2);
	ck_assert_str_eq(row.judgement_word[0], "inadequate");
	ck_assert_str_eq(row.judgement_name[1], "leadership_and_management");
	ck_assert_str_eq(row.judgement_word[1], "requires_improvement");
	/* An interim inspection's outcome sits in the overall column. */
	parse(&row, "1", "Resigned", "0", "02/10/2017", "", "Interim inspection",
	      "Declined in effectiveness", "", "Not judged");
	ck_assert_str_eq(row.status, "closed");
	ck_assert_int_eq(row.places, 0);
	ck_assert_str_eq(row.inspection_type, "interim");
	ck_assert_int_eq(row.n_judgements, 1);
	ck_assert_str_eq(row.judgement_name[0], "interim_outcome");
	ck_assert_str_eq(row.judgement_word[0], "declined_in_effectiveness");
	/* Never inspected: no inspection at all. */
	parse(&row, "1", "Active", "3", "", "", "", "", "", "");
	ck_assert_ptr_null(row.inspection_type);
	ck_assert_int_eq(row.n_judgements, 0);
	parse(&row, "1", "Active", "3", "01/02/2024", "", "Monitoring visit", "", "", "");
	ck_assert_str_eq(row.inspection_type, "monitoring");
}
END_TEST

START_TEST(every_problem_of_a_bad_row_is_given)
{
	struct ofsted_row row;

	ck_assert_str_eq(parse(&row, "", "Open", "six", "31/02/2025", "", "", "good", "", ""),
			 "urn is empty; Registration status: \"Open\" is not a registration status "
			 "(Active, Suspended, Resigned, Cancelled, Closed, Refused); Places: \"six\" "
			 "is not a whole number from 0 to 10000; Latest full inspection date: "
			 "\"31/02/2025\" is not a date (DD/MM/YYYY)");
	ck_assert_str_eq(parse(&row, "SC 1", "", "10001", "", "", "", "", "", "2"),
			 "urn: \"SC 1\" is not a URN (1-40 letters and digits); Registration "
			 "status is empty; Places: \"10001\" is not a whole number from 0 to 10000; "
			 "The effectiveness of leaders and managers: a judgement without an "
			 "inspection date");
	ck_assert_str_eq(parse(&row, "1", "Active", "-1", "01/01/2025", "31/12/2024", "Inspection",
			       "7", "", ""),
			 "Places: \"-1\" is not a whole number from 0 to 10000; Event type: "
			 "\"Inspection\" is not an inspection type (full, interim, monitoring, "
			 "assurance, focused or registration); Publication date: 2024-12-31 is "
			 "before the inspection (2025-01-01); Overall experiences and progress of "
			 "children and young people: \"7\" is not a judgement (1-4, 5 not judged, or "
			 "Outstanding, Good, Requires improvement to be good, Inadequate)");
	ck_assert_str_eq(parse(&row, "1", "Active", "1", "01/01/2025", "", "Interim", "Good", "", ""),
			 "Overall experiences and progress of children and young people: \"Good\" is "
			 "not the outcome of an interim inspection (improved, sustained or declined "
			 "in effectiveness)");
	/* What a message quotes is cut short and printable. */
	ck_assert_str_eq(parse(&row, "1", "Act\xE2\x80\x99ve\x1b", "1", "", "", "", "", "", ""),
			 "Registration status: \"Act???ve?\" is not a registration status (Active, "
			 "Suspended, Resigned, Cancelled, Closed, Refused)");
	ck_assert_str_eq(parse(&row, "1", "Active", "123456789012345678901234567890123456789012345",
			       "", "", "", "", "", ""),
			 "Places: \"1234567890123456789012345678901234567890...\" is not a whole "
			 "number from 0 to 10000");
}
END_TEST

START_TEST(dates_are_real_days)
{
	char d[11];

	ck_assert_int_eq(ofsted_date_parse("29/02/2024", d), 0);
	ck_assert_str_eq(d, "2024-02-29");
	ck_assert_int_eq(ofsted_date_parse(" 1/2/2015 ", d), 0);
	ck_assert_str_eq(d, "2015-02-01");
	ck_assert_int_eq(ofsted_date_parse("2026-01-31", d), 0);
	ck_assert_str_eq(d, "2026-01-31");
	ck_assert_int_eq(ofsted_date_parse("29/02/2025", d), -1);
	ck_assert_int_eq(ofsted_date_parse("31/04/2025", d), -1);
	ck_assert_int_eq(ofsted_date_parse("12/13/2025", d), -1);
	ck_assert_int_eq(ofsted_date_parse("01/01/25", d), -1);
	ck_assert_int_eq(ofsted_date_parse("2025-1-1x", d), -1);
	ck_assert_int_eq(ofsted_date_parse("01/01/2025 09:00", d), -1);
	ck_assert_int_eq(ofsted_date_parse("", d), -1);
}
END_TEST

static const char file[] =
	"\xEF\xBB\xBFProvider information,,,,,,\r\n"
	"URN,Registration status,Places,Inspection date,Overall experiences and progress,"
	"Help and protection,Leadership and management\r\n"
	"SC1,Active,3,01/02/2025,2,2,2\r\n"
	"SC2,\"Active\",\"4\",,,,\r\n"
	",,,,,,\r\n"
	"SC3,Gone,3,,,,\r\n"
	"\"SC4\",Active,\"1\",,,,\r\n";

START_TEST(a_whole_file_is_read_with_bad_rows_by_line)
{
	struct ofsted_summary s = { 0 };
	struct ofsted_row *rows;
	size_t n;
	char err[200];

	ck_assert_int_eq(ofsted_read_rows(file, sizeof(file) - 1, &rows, &n, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.rows_read, 4);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].urn, "SC1");
	ck_assert_uint_eq(rows[0].line, 3);
	ck_assert_str_eq(rows[1].urn, "SC2");
	ck_assert_int_eq(rows[1].places, 4);
	ck_assert_str_eq(rows[2].urn, "SC4");
	ck_assert_uint_eq(rows[2].line, 7);
	ck_assert_uint_eq(s.bad.n, 1);
	ck_assert_uint_eq(s.bad.items[0].line, 6);
	ck_assert_str_eq(s.bad.items[0].urn, "SC3");
	ck_assert_str_eq(s.bad.items[0].reason, "Registration status: \"Gone\" is not a registration "
						"status (Active, Suspended, Resigned, Cancelled, "
						"Closed, Refused)");
	free(rows);
	ofsted_summary_release(&s);
}
END_TEST

START_TEST(a_broken_file_is_refused_whole)
{
	struct ofsted_summary s = { 0 };
	struct ofsted_row *rows;
	size_t n;
	char err[200];
	const char no_header[] = "a\nb\nc\nd\ne\nURN\n";
	const char open_quote[] = "URN,Registration status,Places,Inspection date,"
				  "Overall experiences and progress,Help and protection,"
				  "Leadership and management\nSC1,Active,1,,,,\n\"SC2,Active\n";

	ck_assert_int_eq(ofsted_read_rows(no_header, sizeof(no_header) - 1, &rows, &n, &s, err,
					  sizeof(err)), -1);
	ck_assert_str_eq(err, "no header row with a \"URN\" column in the first 5 lines");
	ck_assert_ptr_null(rows);
	ofsted_summary_release(&s);
	ck_assert_int_eq(ofsted_read_rows(open_quote, sizeof(open_quote) - 1, &rows, &n, &s, err,
					  sizeof(err)), -1);
	ck_assert_str_eq(err, "line 3: a quoted field is not closed before the end of the file");
	ck_assert_ptr_null(rows);
	ck_assert_uint_eq(n, 0);
	ofsted_summary_release(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ofsted_file");
	TCase *tc = tcase_create("rows");

	tcase_add_test(tc, columns_are_found_by_name_whatever_their_order);
	tcase_add_test(tc, a_missing_or_doubled_column_is_named);
	tcase_add_test(tc, codes_and_words_become_the_qa_vocabulary);
	tcase_add_test(tc, every_problem_of_a_bad_row_is_given);
	tcase_add_test(tc, dates_are_real_days);
	tcase_add_test(tc, a_whole_file_is_read_with_bad_rows_by_line);
	tcase_add_test(tc, a_broken_file_is_refused_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
