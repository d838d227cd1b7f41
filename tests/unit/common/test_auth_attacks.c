/*
 * test_auth_attacks.c - tokens forged to confuse the verifier (hearth/auth.h).
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

START_TEST(an_unsigned_alg_none_token_is_refused)
{
	struct hearth_verifier *pem = test_verifier(ec_pub, NULL, 0);
	struct hearth_verifier *set = test_verifier(jwks, NULL, 0);
	char *tok;

	char *junk;

	/* The usual form, with an empty signature. */
	tok = token_for(NULL, "none", NULL, good_claims());
	expect_invalid(pem, tok, NOW, NULL);
	expect_invalid(set, tok, NOW, NULL);
	/* With a signature present, the header's alg is what gets it refused. */
	junk = malloc(strlen(tok) + 5);
	ck_assert_ptr_nonnull(junk);
	snprintf(junk, strlen(tok) + 5, "%sAAAA", tok);
	expect_invalid(pem, junk, NOW, "token alg is not the one pinned for its key");
	free(junk);
	free(tok);
	tok = token_for(NULL, "none", "ec1", good_claims());
	junk = malloc(strlen(tok) + 5);
	ck_assert_ptr_nonnull(junk);
	snprintf(junk, strlen(tok) + 5, "%sAAAA", tok);
	expect_invalid(set, junk, NOW, "token alg is not the one pinned for its key");
	free(junk);
	free(tok);
	/* A real signature does not help a header that names another algorithm. */
	tok = token_for(ec_key, "ES384", "ec1", good_claims());
	expect_invalid(set, tok, NOW, "token alg is not the one pinned for its key");
	free(tok);
	tok = token_for(rsa_key, "RS256", "ec1", good_claims());
	expect_invalid(set, tok, NOW, "token alg is not the one pinned for its key");
	free(tok);
	hearth_verifier_free(pem);
	hearth_verifier_free(set);
}
END_TEST

/* HS256 keyed with the public key's PEM text: the classic confusion attack. */
START_TEST(hs256_keyed_with_the_public_pem_is_refused)
{
	struct hearth_verifier *v = test_verifier(ec_pub, NULL, 0);
	jwt_t *jwt = NULL, *check = NULL;
	json_t *c = good_claims();
	char *claims = json_dumps(c, JSON_COMPACT);
	char *tok;

	json_decref(c);

	ck_assert_int_eq(jwt_new(&jwt), 0);
	ck_assert_int_eq(jwt_set_alg(jwt, JWT_ALG_HS256, (unsigned char *)ec_pub_text,
				     (int)strlen(ec_pub_text)), 0);
	ck_assert_int_eq(jwt_add_grants_json(jwt, claims), 0);
	tok = jwt_encode_str(jwt);
	ck_assert_ptr_nonnull(tok);
	/* libjwt alone accepts it when given the public PEM: the trap is real. */
	ck_assert_int_eq(jwt_decode(&check, tok, (unsigned char *)ec_pub_text,
				    (int)strlen(ec_pub_text)), 0);
	jwt_free(check);
	expect_invalid(v, tok, NOW, "token alg is not the one pinned for its key");
	free(tok);
	free(claims);
	jwt_free(jwt);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(headers_other_than_the_pinned_alg_and_jwt_typ_are_refused)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	char *claims, *tok;
	json_t *c = good_claims();

	claims = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\"}", claims);
	expect_ok(v, tok, NOW, &p); /* no typ at all is fine */
	free(tok);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"typ\":\"at+jwt\"}", claims);
	expect_invalid(v, tok, NOW, "token typ is not JWT");
	free(tok);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"crit\":[\"exp\"]}", claims);
	expect_invalid(v, tok, NOW, "token has a crit header");
	free(tok);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":7}", claims);
	expect_invalid(v, tok, NOW, "token kid is not a string");
	free(tok);
	tok = sign_raw(ec_key, "{\"kid\":\"ec1\"}", claims);
	expect_invalid(v, tok, NOW, "token header has no alg");
	free(tok);
	free(claims);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(a_tampered_payload_or_signature_is_refused)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	char *good = es256(good_claims()), *other, *spliced, *d1, *d2, *o1, *o2;
	json_t *c = good_claims();
	size_t n;

	/* The same header and signature over a payload naming another tenant. */
	json_object_set_new(c, "tenant", json_string("11111111-2222-4333-8444-555555555555"));
	other = es256(c);
	d1 = strchr(good, '.');
	d2 = strchr(d1 + 1, '.');
	o1 = strchr(other, '.');
	o2 = strchr(o1 + 1, '.');
	n = (size_t)(d1 - good) + (size_t)(o2 - o1) + strlen(d2) + 1;
	spliced = malloc(n);
	ck_assert_ptr_nonnull(spliced);
	snprintf(spliced, n, "%.*s%.*s%s", (int)(d1 - good), good, (int)(o2 - o1), o1, d2);
	expect_invalid(v, spliced, NOW, "bad signature");
	/* One letter of the payload changed. */
	free(spliced);
	spliced = strdup(good);
	spliced[(size_t)(d1 - good) + 10] ^= 0x01;
	expect_invalid(v, spliced, NOW, NULL);
	/* One letter of the signature changed. */
	memcpy(spliced, good, strlen(good) + 1);
	spliced[strlen(spliced) - 5] = spliced[strlen(spliced) - 5] == 'A' ? 'B' : 'A';
	expect_invalid(v, spliced, NOW, "bad signature");
	free(spliced);
	free(other);
	free(good);
	hearth_verifier_free(v);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, an_unsigned_alg_none_token_is_refused);
	tcase_add_test(tc, hs256_keyed_with_the_public_pem_is_refused);
	tcase_add_test(tc, headers_other_than_the_pinned_alg_and_jwt_typ_are_refused);
	tcase_add_test(tc, a_tampered_payload_or_signature_is_refused);
}

int main(void)
{
	return auth_run_suite("auth_attacks", add_tests);
}
