/*
 * test_csv_read.c - the CSV reader of hearthctl's imports: quoting, embedded
 * commas, quotes and line breaks, CRLF / LF / CR line ends, the byte-order
 * mark, line numbers, and every refusal (unclosed quote, text after a closing
 * quote, NUL, record and field limits).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"

static const struct csv_limits roomy = { 4096, 64 };

/* Every record of `text` as "a|b|c" lines joined by "\n", with each record's
 * line number before it ("3:a|b"); or "ERR <message>" at the first error. */
static char *records(const char *text, size_t len, const struct csv_limits *lim)
{
	static char out[8192];
	struct csv_reader r;
	struct csv_record rec;
	char err[160];
	size_t used = 0;
	int got;

	out[0] = '\0';
	ck_assert_int_eq(csv_reader_init(&r, text, len, lim), 0);
	while ((got = csv_reader_next(&r, &rec, err, sizeof(err))) == 1) {
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%lu:", used ? "\n" : "",
					 rec.line);
		for (size_t i = 0; i < rec.n; i++)
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? "|" : "",
						 rec.fields[i]);
	}
	if (got < 0)
		snprintf(out + used, sizeof(out) - used, "%sERR %s", used ? "\n" : "", err);
	csv_reader_release(&r);
	return out;
}

#define READ(text) records((text), sizeof(text) - 1, &roomy)

START_TEST(plain_records_split_on_commas_and_line_ends)
{
	ck_assert_str_eq(READ("a,b,c\nd,e,f\n"), "1:a|b|c\n2:d|e|f");
	ck_assert_str_eq(READ("a,b\r\nc,d\r\n"), "1:a|b\n2:c|d");
	ck_assert_str_eq(READ("a,b\rc,d"), "1:a|b\n2:c|d");
	/* No line end after the last record; empty fields kept. */
	ck_assert_str_eq(READ("a,,c\n,,"), "1:a||c\n2:||");
	ck_assert_str_eq(READ(""), "");
	/* An empty line is one empty field, on its own line number. */
	ck_assert_str_eq(READ("a\n\nb\n"), "1:a\n2:\n3:b");
}
END_TEST

START_TEST(quoted_fields_hold_commas_quotes_and_line_breaks)
{
	ck_assert_str_eq(READ("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), "1:a,b|say \"hi\"|");
	/* A line break inside quotes stays in the field and counts as a line. */
	ck_assert_str_eq(READ("x,\"two\nlines\",y\r\nnext,\"CR\r\nLF\"\nlast\n"),
			 "1:x|two\nlines|y\n3:next|CR\r\nLF\n5:last");
	/* A quote inside an unquoted field is just a character. */
	ck_assert_str_eq(READ("5\" wide,b\n"), "1:5\" wide|b");
}
END_TEST

START_TEST(a_byte_order_mark_is_not_part_of_the_first_field)
{
	ck_assert_str_eq(READ("\xEF\xBB\xBFURN,Places\r\n1,2\r\n"), "1:URN|Places\n2:1|2");
	/* Only at the very start. */
	ck_assert_str_eq(READ("a,\xEF\xBB\xBF" "b\n"), "1:a|\xEF\xBB\xBF" "b");
}
END_TEST

START_TEST(malformed_text_is_refused_with_its_line)
{
	ck_assert_str_eq(READ("a,b\n\"open,\nstill open\n"),
			 "1:a|b\nERR line 2: a quoted field is not closed before the end of the file");
	ck_assert_str_eq(READ("a\n\nx,\"closed\"late,y\n"),
			 "1:a\n2:\nERR line 3: text follows the closing quote of a field");
	const char nul[] = "a,b\nc,d\0e\n";
	ck_assert_str_eq(records(nul, sizeof(nul) - 1, &roomy),
			 "1:a|b\nERR line 2: the field holds a NUL byte");
	const char quoted_nul[] = "\"a\nb\0\"\n";
	ck_assert_str_eq(records(quoted_nul, sizeof(quoted_nul) - 1, &roomy),
			 "ERR line 2: the field holds a NUL byte");
}
END_TEST

START_TEST(records_past_the_limits_are_refused)
{
	const struct csv_limits small = { 8, 3 };
	const char ok[] = "12345678\na,b,c\n";
	const char long_field[] = "123456789\n";
	const char long_quoted[] = "ok\n\"1234,56789\"\n";
	const char wide[] = "a,b,c\na,b,c,d\n";

	ck_assert_str_eq(records(ok, sizeof(ok) - 1, &small), "1:12345678\n2:a|b|c");
	ck_assert_str_eq(records(long_field, sizeof(long_field) - 1, &small),
			 "ERR line 1: a record longer than 8 bytes");
	ck_assert_str_eq(records(long_quoted, sizeof(long_quoted) - 1, &small),
			 "1:ok\nERR line 2: a record longer than 8 bytes");
	ck_assert_str_eq(records(wide, sizeof(wide) - 1, &small),
			 "1:a|b|c\nERR line 2: more than 3 fields in one record");
	/* Limits of zero cannot be read with. */
	struct csv_reader r;
	const struct csv_limits none = { 0, 3 };
	ck_assert_int_eq(csv_reader_init(&r, "a", 1, &none), -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("csv_read");
	TCase *tc = tcase_create("records");

	tcase_add_test(tc, plain_records_split_on_commas_and_line_ends);
	tcase_add_test(tc, quoted_fields_hold_commas_quotes_and_line_breaks);
	tcase_add_test(tc, a_byte_order_mark_is_not_part_of_the_first_field);
	tcase_add_test(tc, malformed_text_is_refused_with_its_line);
	tcase_add_test(tc, records_past_the_limits_are_refused);
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
