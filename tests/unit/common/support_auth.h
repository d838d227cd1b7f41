/*
 * support_auth.h - shared by the auth test suites (test_auth_*.c): a fixture of
 * keys and key files, verifiers built on them, and tokens signed at will.
 * Every suite installs auth_keys_setup/auth_keys_teardown as an unchecked
 * fixture; the clock is fixed at NOW.
 */
#ifndef HEARTH_TEST_SUPPORT_AUTH_H
#define HEARTH_TEST_SUPPORT_AUTH_H

#include <stddef.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "hearth/auth.h"

#define NOW 1700000000LL
#define LEEWAY 30
#define ISS "https://id.example.test/realm"
#define AUD "hearth-api"
#define TENANT "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
#define ORG "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

/* The scratch directory and the key files in it: EC P-256 and RSA-2048 key
 * pairs as PEM, a JWKS with both (kids "ec1" and "rsa1"), both public PEMs in
 * one file, a 1024-bit RSA key, a JWKS whose EC point is off the curve, and a
 * file that is neither. */
extern char dir[64];
extern char ec_priv[128], ec_pub[128], rsa_priv[128], rsa_pub[128], jwks[128];
extern char two_pems[128], small_rsa[128], bad_jwks[128], garbage[128];
extern EVP_PKEY *ec_key, *rsa_key;
extern char *ec_pub_text; /* the exact PEM text of ec_pub */

void auth_keys_setup(void);
void auth_keys_teardown(void);

struct TCase;
/* main() of an auth suite: one test case, with the key fixture and a timeout
 * that allows key generation under valgrind, holding what `add_tests` adds.
 * Returns the process status. */
int auth_run_suite(const char *name, void (*add_tests)(struct TCase *tc));

void path_in_dir(char *out, size_t n, const char *name);
void write_text(const char *path, const char *text);
char *pem_of(EVP_PKEY *pk, int private); /* malloc'd */
/* The EC key's JWK members x and y, base64url. */
void ec_xy(char *x, char *y, size_t len);

/* A verifier over `keys` with issuer ISS, audience AUD and LEEWAY. */
struct hearth_verifier *test_verifier(const char *keys, const char *pem_kid, size_t cache);
/* Claims that pass every check at NOW (new reference). */
json_t *good_claims(void);
/* A JWS over arbitrary header and payload text (ES256 as raw r||s, RS256
 * PKCS#1 v1.5); `pk` NULL leaves the signature empty. malloc'd. */
char *sign_raw(EVP_PKEY *pk, const char *header, const char *payload);
/* Sign `claims` (reference taken) with {"alg", "typ": "JWT", "kid"}. */
char *token_for(EVP_PKEY *pk, const char *alg, const char *kid, json_t *claims);
char *es256(json_t *claims); /* token_for(ec_key, "ES256", "ec1", claims) */

void expect_invalid(struct hearth_verifier *v, const char *tok, long long now,
		    const char *reason);
void expect_ok(struct hearth_verifier *v, const char *tok, long long now,
	       struct hearth_principal *p);
/* `claims` (reference taken) signed ES256 are refused with `reason`. */
void check_claim_case(json_t *claims, const char *reason);

#endif
