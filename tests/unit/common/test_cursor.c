/* test_cursor.c - authenticated keyset cursors: round trips and every refusal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/cursor.h"

#define SECRET "0123456789abcdef0123456789abcdef"
#define SCOPE "providers|name asc"
#define ID "123e4567-e89b-12d3-a456-426614174000"

static void make(struct hearth_cursor *c, const char *sort, const char *id)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->sort_key, sizeof(c->sort_key), "%s", sort);
	snprintf(c->id, sizeof(c->id), "%s", id);
}

static void encode_ok(const struct hearth_cursor *c, char *text)
{
	ck_assert_int_eq(hearth_cursor_encode(SECRET, SCOPE, c, text, HEARTH_CURSOR_TEXT_MAX), 0);
}

START_TEST(round_trip)
{
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX];
	size_t i;

	make(&c, "Ty Gwyn, Caerdydd \xc3\xa2", ID);
	encode_ok(&c, text);
	for (i = 0; text[i]; i++)
		ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				     "0123456789-_", text[i]), "char %c not URL-safe", text[i]);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, text, &d), 0);
	ck_assert_str_eq(d.sort_key, c.sort_key);
	ck_assert_str_eq(d.id, ID);
}
END_TEST

START_TEST(empty_sort_key_and_uppercase_id)
{
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX];

	make(&c, "", "123E4567-E89B-12D3-A456-42661417400F");
	encode_ok(&c, text);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, text, &d), 0);
	ck_assert_str_eq(d.sort_key, "");
	ck_assert_str_eq(d.id, "123e4567-e89b-12d3-a456-42661417400f");
}
END_TEST

START_TEST(longest_sort_key)
{
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX];

	memset(&c, 0, sizeof(c));
	memset(c.sort_key, 'k', sizeof(c.sort_key) - 1);
	memcpy(c.id, ID, sizeof(ID));
	encode_ok(&c, text);
	ck_assert_uint_lt(strlen(text), HEARTH_CURSOR_TEXT_MAX);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, text, &d), 0);
	ck_assert_uint_eq(strlen(d.sort_key), sizeof(c.sort_key) - 1);
	/* No terminating NUL inside the array: too long. */
	memset(c.sort_key, 'k', sizeof(c.sort_key));
	ck_assert_int_eq(hearth_cursor_encode(SECRET, SCOPE, &c, text, sizeof(text)), -1);
}
END_TEST

START_TEST(encode_refusals)
{
	struct hearth_cursor c;
	char text[HEARTH_CURSOR_TEXT_MAX];

	make(&c, "x", "not-a-uuid");
	ck_assert_int_eq(hearth_cursor_encode(SECRET, SCOPE, &c, text, sizeof(text)), -1);
	make(&c, "x", "123e4567-e89b-12d3-a456-42661417400g");
	ck_assert_int_eq(hearth_cursor_encode(SECRET, SCOPE, &c, text, sizeof(text)), -1);
	make(&c, "x", ID);
	ck_assert_int_eq(hearth_cursor_encode("", SCOPE, &c, text, sizeof(text)), -1);
	ck_assert_int_eq(hearth_cursor_encode(NULL, SCOPE, &c, text, sizeof(text)), -1);
	ck_assert_int_eq(hearth_cursor_encode(SECRET, NULL, &c, text, sizeof(text)), -1);
	ck_assert_int_eq(hearth_cursor_encode(SECRET, SCOPE, &c, text, 10), -1);
}
END_TEST

START_TEST(wrong_scope_or_secret)
{
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX];

	make(&c, "2026-01-31", ID);
	encode_ok(&c, text);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, "providers|name desc", text, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, "", text, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode("another secret", SCOPE, text, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode("", SCOPE, text, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, text, &d), 0);
}
END_TEST

START_TEST(every_single_change_is_refused)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX], t2[HEARTH_CURSOR_TEXT_MAX];
	size_t i, j, len;

	make(&c, "Ty Gwyn", ID);
	encode_ok(&c, text);
	len = strlen(text);
	for (i = 0; i < len; i++) {
		for (j = 0; j < 64; j += 7) {
			if (alphabet[j] == text[i])
				continue;
			memcpy(t2, text, len + 1);
			t2[i] = alphabet[j];
			memset(&d, 0x5a, sizeof(d));
			ck_assert_msg(hearth_cursor_decode(SECRET, SCOPE, t2, &d) == -1,
				      "changed position %zu accepted", i);
		}
	}
}
END_TEST

START_TEST(truncated_extended_and_garbage)
{
	struct hearth_cursor c, d;
	char text[HEARTH_CURSOR_TEXT_MAX], t2[HEARTH_CURSOR_TEXT_MAX + 200];
	size_t len, cut;

	make(&c, "k", ID);
	encode_ok(&c, text);
	len = strlen(text);
	for (cut = 0; cut < len; cut++) {
		memcpy(t2, text, cut);
		t2[cut] = '\0';
		ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, t2, &d), -1);
	}
	snprintf(t2, sizeof(t2), "%sAAAA", text);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, t2, &d), -1);
	snprintf(t2, sizeof(t2), "%s=", text);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, t2, &d), -1);
	snprintf(t2, sizeof(t2), " %s", text);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, t2, &d), -1);
	memset(t2, 'A', sizeof(t2) - 1);
	t2[sizeof(t2) - 1] = '\0';
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, t2, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, "!!!!", &d), -1);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, NULL, &d), -1);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, text, &d), 0);
}
END_TEST

START_TEST(sort_key_cannot_be_spliced)
{
	struct hearth_cursor a, b, d;
	char ta[HEARTH_CURSOR_TEXT_MAX], tb[HEARTH_CURSOR_TEXT_MAX], mix[HEARTH_CURSOR_TEXT_MAX];

	/* Same length payloads: the sort key of one with the MAC of the other. */
	make(&a, "aaaaaa", ID);
	make(&b, "bbbbbb", ID);
	encode_ok(&a, ta);
	encode_ok(&b, tb);
	ck_assert_uint_eq(strlen(ta), strlen(tb));
	memcpy(mix, ta, strlen(ta) + 1);
	memcpy(mix + 32, tb + 32, strlen(tb) - 32 + 1); /* 24 bytes: a's sort key */
	ck_assert_str_ne(mix, ta);
	ck_assert_str_ne(mix, tb);
	ck_assert_int_eq(hearth_cursor_decode(SECRET, SCOPE, mix, &d), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, empty_sort_key_and_uppercase_id);
	tcase_add_test(tc, longest_sort_key);
	tcase_add_test(tc, encode_refusals);
	tcase_add_test(tc, wrong_scope_or_secret);
	tcase_add_test(tc, every_single_change_is_refused);
	tcase_add_test(tc, truncated_extended_and_garbage);
	tcase_add_test(tc, sort_key_cannot_be_spliced);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
