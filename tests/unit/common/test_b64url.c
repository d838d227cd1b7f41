/*
 * test_b64url.c - strict base64url encoding and decoding.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/b64url.h"

/* RFC 4648 section 10 vectors, in the URL alphabet without padding. */
static const struct {
	const char *plain;
	const char *coded;
} vectors[] = {
	{ "", "" },         { "f", "Zg" },         { "fo", "Zm8" },
	{ "foo", "Zm9v" },  { "foob", "Zm9vYg" },  { "fooba", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(test_rfc_vectors)
{
	char out[32];
	unsigned char back[32];
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t n = strlen(vectors[i].plain);

		ck_assert_int_eq(hearth_b64url_encode(vectors[i].plain, n, out, sizeof(out)),
				 (int)strlen(vectors[i].coded));
		ck_assert_str_eq(out, vectors[i].coded);
		ck_assert_int_eq((int)HEARTH_B64URL_ENCODED_LEN(n), (int)strlen(vectors[i].coded));
		ck_assert_int_eq(hearth_b64url_decode(vectors[i].coded, strlen(vectors[i].coded),
						      back, sizeof(back)),
				 (int)n);
		ck_assert_mem_eq(back, vectors[i].plain, n);
	}
}
END_TEST

START_TEST(test_url_alphabet)
{
	const unsigned char in[] = { 0xfb, 0xff, 0xbf };
	unsigned char back[3];
	char out[8];

	ck_assert_int_eq(hearth_b64url_encode(in, 3, out, sizeof(out)), 4);
	ck_assert_str_eq(out, "-_-_");
	ck_assert_int_eq(hearth_b64url_decode("-_-_", 4, back, sizeof(back)), 3);
	ck_assert_mem_eq(back, in, 3);
}
END_TEST

START_TEST(test_round_trip_all_lengths)
{
	unsigned char in[64], back[64];
	char out[128];
	int n, len;

	for (n = 0; n < 64; n++)
		in[n] = (unsigned char)(n * 37 + 11);
	for (n = 0; n <= 64; n++) {
		len = hearth_b64url_encode(in, (size_t)n, out, sizeof(out));
		ck_assert_int_eq(len, (int)HEARTH_B64URL_ENCODED_LEN((size_t)n));
		ck_assert_int_ge((int)HEARTH_B64URL_DECODED_MAX((size_t)len), n);
		ck_assert_int_eq(hearth_b64url_decode(out, (size_t)len, back, sizeof(back)), n);
		ck_assert_mem_eq(back, in, (size_t)n);
	}
}
END_TEST

START_TEST(test_rejects_bad_input)
{
	unsigned char out[16];

	ck_assert_int_eq(hearth_b64url_decode("Zg==", 4, out, sizeof(out)), -1);  /* padding */
	ck_assert_int_eq(hearth_b64url_decode("Zm9v+w", 6, out, sizeof(out)), -1); /* '+' */
	ck_assert_int_eq(hearth_b64url_decode("Zm9v/w", 6, out, sizeof(out)), -1); /* '/' */
	ck_assert_int_eq(hearth_b64url_decode("Zm 9v", 5, out, sizeof(out)), -1);  /* space */
	ck_assert_int_eq(hearth_b64url_decode("Zm9vY", 5, out, sizeof(out)), -1);  /* 4k+1 */
	ck_assert_int_eq(hearth_b64url_decode("Zh", 2, out, sizeof(out)), -1);     /* stray bits */
	ck_assert_int_eq(hearth_b64url_decode("Zm9", 3, out, sizeof(out)), -1);    /* stray bits */
	ck_assert_int_eq(hearth_b64url_decode("Zm\0v", 4, out, sizeof(out)), -1);  /* NUL */
	ck_assert_int_eq(hearth_b64url_decode(NULL, 0, out, sizeof(out)), -1);
	/* The canonical neighbours of the stray-bit cases do decode. */
	ck_assert_int_eq(hearth_b64url_decode("Zg", 2, out, sizeof(out)), 1);
	ck_assert_int_eq(hearth_b64url_decode("Zm8", 3, out, sizeof(out)), 2);
}
END_TEST

START_TEST(test_output_bounds)
{
	unsigned char out[8];
	char text[8];

	/* "foobar" needs 8 letters + NUL: 8 bytes is one short. */
	ck_assert_int_eq(hearth_b64url_encode("foobar", 6, text, sizeof(text)), -1);
	ck_assert_int_eq(hearth_b64url_encode("fooba", 5, text, sizeof(text)), 7);
	ck_assert_int_eq(hearth_b64url_encode("f", 1, NULL, 0), -1);
	/* Decoding "Zm9vYmFy" needs 6 bytes. */
	ck_assert_int_eq(hearth_b64url_decode("Zm9vYmFy", 8, out, 5), -1);
	ck_assert_int_eq(hearth_b64url_decode("Zm9vYmFy", 8, out, 6), 6);
}
END_TEST

static Suite *b64url_suite(void)
{
	Suite *s = suite_create("b64url");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rfc_vectors);
	tcase_add_test(tc, test_url_alphabet);
	tcase_add_test(tc, test_round_trip_all_lengths);
	tcase_add_test(tc, test_rejects_bad_input);
	tcase_add_test(tc, test_output_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(b64url_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
