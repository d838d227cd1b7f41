/*
 * test_auth_keys.c - key files (PEM and JWKS) and key choice by kid (hearth/auth.h).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"
#include "support_auth.h"

START_TEST(the_key_is_chosen_by_kid)
{
	struct hearth_verifier *set = test_verifier(jwks, NULL, 0);
	struct hearth_verifier *pem_kid = test_verifier(ec_pub, "ec1", 0);
	struct hearth_verifier *pem_nokid = test_verifier(ec_pub, NULL, 0);
	struct hearth_principal p;
	char *tok;

	tok = token_for(ec_key, "ES256", "nope", good_claims());
	expect_invalid(set, tok, NOW, "unknown kid");
	expect_invalid(pem_kid, tok, NOW, "unknown kid");
	expect_invalid(pem_nokid, tok, NOW, "unknown kid");
	free(tok);
	/* Skipped JWKs are not keys: enc1 has use "enc", hmac1 is symmetric. */
	tok = token_for(rsa_key, "RS256", "enc1", good_claims());
	expect_invalid(set, tok, NOW, "unknown kid");
	free(tok);
	tok = token_for(ec_key, "ES256", NULL, good_claims());
	expect_invalid(set, tok, NOW, "token has no kid and several keys exist");
	expect_ok(pem_kid, tok, NOW, &p);
	expect_ok(pem_nokid, tok, NOW, &p);
	free(tok);
	/* The right kid with the wrong key's signature. */
	tok = token_for(ec_key, "RS256", "rsa1", good_claims());
	expect_invalid(set, tok, NOW, "bad signature");
	free(tok);
	hearth_verifier_free(set);
	hearth_verifier_free(pem_kid);
	hearth_verifier_free(pem_nokid);
}
END_TEST

static void expect_load_error(const char *keys, const char *issuer, int leeway,
			      const char *fragment)
{
	struct hearth_auth_config cfg = {
		.keys_file = keys, .issuer = issuer, .audience = AUD, .leeway_s = leeway,
	};
	struct hearth_verifier *v = (struct hearth_verifier *)&cfg;
	char err[256] = "";

	ck_assert_int_eq(hearth_verifier_new(&cfg, &v, err, sizeof(err)), -1);
	ck_assert_ptr_null(v);
	ck_assert_msg(strstr(err, fragment) != NULL, "err \"%s\" lacks \"%s\"", err, fragment);
}

START_TEST(key_files_that_cannot_be_used_are_refused_with_a_reason)
{
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/none.pem", dir);
	expect_load_error(missing, ISS, 0, "cannot open");
	expect_load_error(garbage, ISS, 0, "no JWKS and no PEM");
	expect_load_error(two_pems, ISS, 0, "more than one");
	expect_load_error(small_rsa, ISS, 0, "shorter than 2048");
	expect_load_error(bad_jwks, ISS, 0, "not a valid EC public key");
	expect_load_error(jwks, NULL, 0, "issuer and audience");
	expect_load_error(jwks, ISS, -1, "leeway");
	expect_load_error(NULL, ISS, 0, "no keys file");
}
END_TEST

START_TEST(jwks_documents_of_every_supported_shape_load)
{
	const char *docs[] = {
		"{\"keys\":[]}",
		"{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}]}",
		"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}]}",
		"{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"PS256\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
		"{\"keys\":{}}",
		"{\"keys\":[],\"keys\":[]}",
	};
	const char *frags[] = { "no usable key", "no usable key", "no usable key",
				"no usable key", "no \"keys\" array", "not valid JSON" };
	char path[160], x[64], y[64], doc[1024];
	size_t i;

	snprintf(path, sizeof(path), "%s/shape.json", dir);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		write_text(path, docs[i]);
		expect_load_error(path, ISS, 0, frags[i]);
	}
	/* A supported key that is broken is an error, not a skip. */
	write_text(path, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");
	expect_load_error(path, ISS, 0, "not a valid RSA public key");
	/* Two keys with one kid are ambiguous. */
	ec_xy(x, y, sizeof(x));
	snprintf(doc, sizeof(doc),
		 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"k\"},"
		 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"k\"}]}",
		 x, y, x, y);
	write_text(path, doc);
	expect_load_error(path, ISS, 0, "two keys with kid k");
	unlink(path);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, the_key_is_chosen_by_kid);
	tcase_add_test(tc, key_files_that_cannot_be_used_are_refused_with_a_reason);
	tcase_add_test(tc, jwks_documents_of_every_supported_shape_load);
}

int main(void)
{
	return auth_run_suite("auth_keys", add_tests);
}
