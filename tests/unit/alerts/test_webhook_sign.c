/*
 * test_webhook_sign.c - Standard Webhooks secrets and signatures against the
 * scheme's published example (services/alerts/webhook_sign.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_sign.h"

/* The example of the Standard Webhooks specification. */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS 1614265330LL
#define SPEC_BODY "{\"test\": 2432232314}"
#define SPEC_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static int spec_key(unsigned char *key)
{
	return webhook_secret_key(SPEC_SECRET, key, WEBHOOK_KEY_MAX_BYTES);
}

START_TEST(signs_the_specification_example)
{
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	char sig[WEBHOOK_SIGNATURE_BUF];
	int n = spec_key(key);

	ck_assert_int_eq(n, 24);
	ck_assert_int_eq(webhook_sign(key, (size_t)n, SPEC_ID, SPEC_TS, SPEC_BODY,
				      strlen(SPEC_BODY), sig, sizeof(sig)),
			 0);
	ck_assert_str_eq(sig, SPEC_SIG);
}
END_TEST

START_TEST(verifies_the_example_and_refuses_any_change)
{
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	const char *tampered = "{\"test\": 2432232315}";
	size_t n = (size_t)spec_key(key);

	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY),
					SPEC_SIG),
			 1);
	/* Another signature first, as during a rotation: any match verifies. */
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY),
					"v1,Zm9v " SPEC_SIG),
			 1);
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, tampered, strlen(tampered),
					SPEC_SIG),
			 0);
	ck_assert_int_eq(webhook_verify(key, n, "msg_other", SPEC_TS, SPEC_BODY,
					strlen(SPEC_BODY), SPEC_SIG),
			 0);
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS + 1, SPEC_BODY,
					strlen(SPEC_BODY), SPEC_SIG),
			 0);
	key[0] ^= 1;
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY),
					SPEC_SIG),
			 0);
}
END_TEST

START_TEST(malformed_signature_headers_do_not_verify)
{
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	size_t n = (size_t)spec_key(key);
	const char *bad[] = {
		"",
		"v1,",
		"v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
		"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA",
		"v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(webhook_verify(key, n, SPEC_ID, SPEC_TS, SPEC_BODY,
					     strlen(SPEC_BODY), bad[i]) == 0,
			      "%s", bad[i]);
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY),
					NULL),
			 0);
}
END_TEST

START_TEST(new_secrets_are_32_random_bytes_in_base64)
{
	char a[WEBHOOK_SECRET_BUF], b[WEBHOOK_SECRET_BUF];
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];

	ck_assert_int_eq(webhook_secret_new(a, sizeof(a)), 0);
	ck_assert_int_eq(webhook_secret_new(b, sizeof(b)), 0);
	ck_assert_uint_eq(strlen(a), WEBHOOK_SECRET_BUF - 1);
	ck_assert_int_eq(strncmp(a, "whsec_", 6), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(webhook_secret_key(a, key, sizeof(key)), 32);
	ck_assert_int_eq(webhook_secret_new(a, WEBHOOK_SECRET_BUF - 1), -1);
}
END_TEST

START_TEST(secrets_must_be_whsec_and_strict_base64)
{
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	const char *bad[] = {
		NULL,
		"",
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",        /* no prefix */
		"whsec_",                                  /* no key */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",   /* length 4k+3 */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",  /* url-safe letter */
		"whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw", /* space */
		"whsec_AAAAAAAAAAAAAAAAAAAA",              /* 15 bytes: too short */
		"whsec_AAAA=AAAAAAAAAAAAAAAAAAAAAAAAAAA",  /* padding inside */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(webhook_secret_key(bad[i], key, sizeof(key)) == -1, "%zu", i);
	/* A short output buffer is refused, not overrun. */
	ck_assert_int_eq(webhook_secret_key(SPEC_SECRET, key, 16), -1);
}
END_TEST

START_TEST(signing_refuses_bad_arguments)
{
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	char sig[WEBHOOK_SIGNATURE_BUF];
	size_t n = (size_t)spec_key(key);

	ck_assert_int_eq(webhook_sign(key, n, "", SPEC_TS, "{}", 2, sig, sizeof(sig)), -1);
	ck_assert_int_eq(webhook_sign(key, n, NULL, SPEC_TS, "{}", 2, sig, sizeof(sig)), -1);
	ck_assert_int_eq(webhook_sign(key, 0, SPEC_ID, SPEC_TS, "{}", 2, sig, sizeof(sig)), -1);
	ck_assert_int_eq(webhook_sign(key, n, SPEC_ID, SPEC_TS, "{}", 2, sig, sizeof(sig) - 1),
			 -1);
	/* An empty body is still a message. */
	ck_assert_int_eq(webhook_sign(key, n, SPEC_ID, SPEC_TS, "", 0, sig, sizeof(sig)), 0);
	ck_assert_int_eq(webhook_verify(key, n, SPEC_ID, SPEC_TS, "", 0, sig), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook_sign");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, signs_the_specification_example);
	tcase_add_test(tc, verifies_the_example_and_refuses_any_change);
	tcase_add_test(tc, malformed_signature_headers_do_not_verify);
	tcase_add_test(tc, new_secrets_are_32_random_bytes_in_base64);
	tcase_add_test(tc, secrets_must_be_whsec_and_strict_base64);
	tcase_add_test(tc, signing_refuses_bad_arguments);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
