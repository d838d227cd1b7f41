/* test_buf.c - the capped growable buffer. */
#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"

START_TEST(add_and_terminate)
{
	struct hearth_buf b = HEARTH_BUF_INIT(100);

	ck_assert_int_eq(hearth_buf_add(&b, "abc", 3), 0);
	ck_assert_int_eq(hearth_buf_addstr(&b, "def"), 0);
	ck_assert_int_eq(hearth_buf_printf(&b, "-%d-%s", 42, "x"), 0);
	ck_assert_uint_eq(b.len, 11);
	ck_assert_str_eq(b.data, "abcdef-42-x");
	ck_assert_uint_lt(b.len, b.alloc);
	hearth_buf_release(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(cap_is_exact_and_failure_leaves_buffer)
{
	struct hearth_buf b;

	hearth_buf_init(&b, 5);
	ck_assert_int_eq(hearth_buf_addstr(&b, "abc"), 0);
	ck_assert_int_ne(hearth_buf_addstr(&b, "def"), 0);
	ck_assert_str_eq(b.data, "abc");
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_ne(hearth_buf_printf(&b, "%s", "xyz"), 0);
	ck_assert_str_eq(b.data, "abc");
	ck_assert_int_eq(hearth_buf_addstr(&b, "de"), 0);
	ck_assert_str_eq(b.data, "abcde");
	ck_assert_int_ne(hearth_buf_add(&b, "f", 1), 0);
	ck_assert_uint_le(b.alloc, 6);
	hearth_buf_release(&b);
}
END_TEST

START_TEST(zero_cap_holds_nothing)
{
	struct hearth_buf b = HEARTH_BUF_INIT(0);

	ck_assert_int_eq(hearth_buf_add(&b, "", 0), 0);
	ck_assert_int_ne(hearth_buf_add(&b, "a", 1), 0);
	hearth_buf_release(&b);
}
END_TEST

START_TEST(huge_request_refused_without_overflow)
{
	struct hearth_buf b = HEARTH_BUF_INIT(SIZE_MAX);

	ck_assert_int_eq(hearth_buf_addstr(&b, "ab"), 0);
	ck_assert_int_ne(hearth_buf_add(&b, "x", SIZE_MAX - 1), 0);
	ck_assert_str_eq(b.data, "ab");
	hearth_buf_release(&b);
}
END_TEST

START_TEST(grows_across_many_appends)
{
	struct hearth_buf b = HEARTH_BUF_INIT(1 << 20);
	size_t i;

	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(hearth_buf_add(&b, i % 2 ? "b" : "a", 1), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_eq(strlen(b.data), 10000);
	ck_assert_int_eq(b.data[9998], 'a');
	ck_assert_int_eq(b.data[9999], 'b');
	hearth_buf_release(&b);
}
END_TEST

START_TEST(printf_long_output)
{
	struct hearth_buf b = HEARTH_BUF_INIT(4096);
	char big[1000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(hearth_buf_printf(&b, "<%s>", big), 0);
	ck_assert_uint_eq(b.len, 1001);
	ck_assert_int_eq(b.data[0], '<');
	ck_assert_int_eq(b.data[1000], '>');
	hearth_buf_release(&b);
}
END_TEST

START_TEST(take_moves_ownership)
{
	struct hearth_buf b = HEARTH_BUF_INIT(64);
	size_t len = 99;
	char *s;

	ck_assert_int_eq(hearth_buf_addstr(&b, "hello"), 0);
	s = hearth_buf_take(&b, &len);
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	/* The buffer is usable again after a take. */
	ck_assert_int_eq(hearth_buf_addstr(&b, "again"), 0);
	ck_assert_str_eq(b.data, "again");
	hearth_buf_release(&b);
}
END_TEST

START_TEST(take_empty_gives_empty_string)
{
	struct hearth_buf b = HEARTH_BUF_INIT(64);
	size_t len = 99;
	char *s = hearth_buf_take(&b, &len);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	s = hearth_buf_take(&b, NULL);
	ck_assert_ptr_nonnull(s);
	free(s);
}
END_TEST

START_TEST(reset_empties_but_keeps_memory)
{
	struct hearth_buf b = HEARTH_BUF_INIT(64);

	ck_assert_int_eq(hearth_buf_addstr(&b, "abc"), 0);
	hearth_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_int_eq(hearth_buf_addstr(&b, "z"), 0);
	ck_assert_str_eq(b.data, "z");
	hearth_buf_release(&b);
	hearth_buf_reset(&b); /* reset of a released buffer is harmless */
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(binary_bytes)
{
	struct hearth_buf b = HEARTH_BUF_INIT(16);

	ck_assert_int_eq(hearth_buf_add(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b", 4), 0);
	hearth_buf_release(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, add_and_terminate);
	tcase_add_test(tc, cap_is_exact_and_failure_leaves_buffer);
	tcase_add_test(tc, zero_cap_holds_nothing);
	tcase_add_test(tc, huge_request_refused_without_overflow);
	tcase_add_test(tc, grows_across_many_appends);
	tcase_add_test(tc, printf_long_output);
	tcase_add_test(tc, take_moves_ownership);
	tcase_add_test(tc, take_empty_gives_empty_string);
	tcase_add_test(tc, reset_empties_but_keeps_memory);
	tcase_add_test(tc, binary_bytes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
