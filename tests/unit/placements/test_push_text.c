/*
 * test_push_text.c - a batch's text read and written without Jansson trees
 * (push_text.c): each item found in the body's text is the value Jansson
 * parsed there, however the client spaced and escaped it; a body that does
 * not read as {"items": [...]} is refused; a string is written byte for byte
 * as Jansson writes it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "placements_service.h"

/* Every slice of `body` parses to the element of its parsed items array. */
static void check_slices(const char *body)
{
	json_error_t err;
	json_t *doc = json_loads(body, JSON_REJECT_DUPLICATES, &err);
	json_t *items;
	struct push_slice *s;
	size_t n;

	ck_assert_msg(doc != NULL, "test JSON: %s", err.text);
	items = json_object_get(doc, "items");
	n = json_array_size(items);
	s = calloc(n ? n : 1, sizeof(*s));
	ck_assert_int_eq(push_slices_find(body, strlen(body), s, n), 0);
	for (size_t i = 0; i < n; i++) {
		json_t *one = json_loadb(body + s[i].off, s[i].len, JSON_DECODE_ANY, &err);

		ck_assert_msg(one != NULL, "slice %zu: %s", i, err.text);
		ck_assert_msg(json_equal(one, json_array_get(items, i)), "slice %zu differs", i);
		json_decref(one);
	}
	free(s);
	json_decref(doc);
}

START_TEST(items_are_found_however_the_body_is_spaced_and_escaped)
{
	check_slices("{\"items\":[{\"a\":1},{\"b\":[2,3]}]}");
	check_slices(" \n{ \"items\" :\t[ {\"a\" : \"x]}\\\",{\"} ,\n\t{\"b\":{\"c\":[{}]}} , 7 ,"
		     "\"s\\\\\" , null,true , -1.5e3 ]\r\n}\n");
	check_slices("{\"\\u0069tems\":[[],[[]],{\"k\":\"\\u00e9\\ud83d\\ude00\"}]}");
	check_slices("{\"items\":[]}");
	check_slices("{\"items\":[ ]}");
}
END_TEST

START_TEST(a_body_that_is_not_one_items_array_is_refused)
{
	static const char *const bad[] = {
		"", "[]", "{}", "{\"items\":{}}", "{\"items\":[1,2]", "{\"items\":[1,2]} x",
		"{\"items\":[1,2],\"more\":1}", "{\"items\":[1 2]}", "{\"items\":[\"open]}",
		"{\"items\":[{\"a\":1}}",
	};
	struct push_slice s[4];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(push_slices_find(bad[i], strlen(bad[i]), s, 2) == -1, "%s", bad[i]);
	/* The count must be the parsed one. */
	ck_assert_int_eq(push_slices_find("{\"items\":[1,2]}", 15, s, 1), -1);
	ck_assert_int_eq(push_slices_find("{\"items\":[1,2]}", 15, s, 3), -1);
	ck_assert_int_eq(push_slices_find("{\"items\":[1,2]}", 15, s, 2), 0);
}
END_TEST

/* An unparsed body: its items counted and found, only under the name spelled
 * "items" and up to the cap; anything else is for the whole body's parse. */
START_TEST(an_unparsed_body_gives_its_items_or_nothing)
{
	static const char *const refused[] = {
		"{\"\\u0069tems\":[1]}", "{\"item\":[1]}", "{\"itemsx\":[1]}",
		"{\"items\":[1],\"more\":1}", "{\"items\":[1 2]}", "{\"items\":{}}", "",
		"{\"items\":[1,2,3,4,5]}",
	};
	const char *body = " {\"items\" : [ {\"a\":\"]\"} ,[1],\"x\", tru ]}\n";
	struct push_slice s[4];

	ck_assert_int_eq(push_items_find(body, strlen(body), s, 4), 4);
	ck_assert_int_eq(strncmp(body + s[0].off, "{\"a\":\"]\"}", s[0].len), 0);
	ck_assert_int_eq((int)s[1].len, 3);
	ck_assert_int_eq(strncmp(body + s[3].off, "tru", s[3].len), 0); /* delimited, not checked */
	ck_assert_int_eq(push_items_find("{\"items\":[]}", 12, s, 4), 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(push_items_find(refused[i], strlen(refused[i]), s, 4) == -1, "%s",
			      refused[i]);
	ck_assert_int_eq(push_items_find(NULL, 0, s, 4), -1);
}
END_TEST

/* Random bodies: generated values written by Jansson with random spacing. */
START_TEST(random_bodies_read_back_item_for_item)
{
	srand(7);
	for (int round = 0; round < 200; round++) {
		json_t *items = json_array(), *doc;
		char *text;
		size_t flags = JSON_INDENT((size_t)(rand() % 4));

		for (int i = rand() % 20; i > 0; i--) {
			char str[16];
			size_t len = (size_t)(rand() % 10);

			for (size_t c = 0; c < len; c++)
				str[c] = "ab\"\\,[]{}:\n\t/ "[rand() % 15];
			str[len] = '\0';
			json_array_append_new(items, rand() % 2
				? json_pack("{s:s, s:[i, {s:s}], s:n}", "k", str, "l", rand(), "m", str, "n")
				: json_string(str));
		}
		doc = json_pack("{s:o}", "items", items);
		if (rand() % 2)
			flags |= JSON_COMPACT;
		text = json_dumps(doc, flags);
		check_slices(text);
		free(text);
		json_decref(doc);
	}
}
END_TEST

START_TEST(strings_are_written_as_jansson_writes_them)
{
	static const char *const strings[] = {
		"", "plain", "q\"uote", "back\\slash", "sl/ash", "\b\f\n\r\t", "\x01\x1f\x7f",
		"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80",
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		struct hearth_buf b = HEARTH_BUF_INIT(1024);
		json_t *s = json_string(strings[i]);
		char *want = json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT);

		ck_assert_int_eq(push_json_string(&b, strings[i]), 0);
		ck_assert_str_eq(b.data, want);
		free(want);
		json_decref(s);
		hearth_buf_release(&b);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("push_text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, items_are_found_however_the_body_is_spaced_and_escaped);
	tcase_add_test(tc, a_body_that_is_not_one_items_array_is_refused);
	tcase_add_test(tc, an_unparsed_body_gives_its_items_or_nothing);
	tcase_add_test(tc, random_bodies_read_back_item_for_item);
	tcase_add_test(tc, strings_are_written_as_jansson_writes_them);
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
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
