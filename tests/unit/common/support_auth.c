/*
 * support_auth.c - the key fixture and token helpers the auth test suites
 * share (support_auth.h): keys generated at test time, written as PEM and
 * JWKS files in a scratch directory, and tokens signed with OpenSSL directly so
 * that tokens libjwt would never produce can be tried.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"
#include "support_auth.h"

char dir[64];
char ec_priv[128], ec_pub[128], rsa_priv[128], rsa_pub[128], jwks[128];
char two_pems[128], small_rsa[128], bad_jwks[128], garbage[128];
EVP_PKEY *ec_key, *rsa_key;
char *ec_pub_text; /* the exact PEM text of ec_pub */

/* ---- fixture: keys and key files ------------------------------------------ */

void path_in_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq((int)fwrite(text, 1, strlen(text), f), (int)strlen(text));
	fclose(f);
}

char *pem_of(EVP_PKEY *pk, int private)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem, *copy;
	long n;

	ck_assert_ptr_nonnull(bio);
	if (private)
		ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL), 1);
	else
		ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, pk), 1);
	n = BIO_get_mem_data(bio, &mem);
	copy = strndup(mem, (size_t)n);
	BIO_free(bio);
	return copy;
}

static void write_pem(const char *path, EVP_PKEY *pk, int private)
{
	char *text = pem_of(pk, private);

	write_text(path, text);
	free(text);
}

static void b64_of(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	ck_assert_int_gt(hearth_b64url_encode(in, n, out, outlen), 0);
}

/* JWK members of the EC key: x and y. */
void ec_xy(char *x, char *y, size_t len)
{
	unsigned char pt[65];
	size_t ptlen = 0;

	ck_assert_int_eq(EVP_PKEY_get_octet_string_param(ec_key, OSSL_PKEY_PARAM_PUB_KEY, pt,
							 sizeof(pt), &ptlen), 1);
	ck_assert_int_eq((int)ptlen, 65);
	b64_of(pt + 1, 32, x, len);
	b64_of(pt + 33, 32, y, len);
}

static void rsa_ne(char *n, size_t nlen, char *e, size_t elen)
{
	BIGNUM *bn = NULL, *be = NULL;
	unsigned char buf[512];
	int len;

	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_E, &be), 1);
	len = BN_bn2bin(bn, buf);
	b64_of(buf, (size_t)len, n, nlen);
	len = BN_bn2bin(be, buf);
	b64_of(buf, (size_t)len, e, elen);
	BN_free(bn);
	BN_free(be);
}

static void write_jwks(void)
{
	char x[64], y[64], n[512], e[16], doc[2048];

	ec_xy(x, y, sizeof(x));
	rsa_ne(n, sizeof(n), e, sizeof(e));
	/* Besides the two keys: an encryption key and a symmetric key, both skipped. */
	snprintf(doc, sizeof(doc),
		 "{\"keys\":["
		 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"ec1\","
		 "\"use\":\"sig\",\"alg\":\"ES256\"},"
		 "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\",\"kid\":\"rsa1\",\"use\":\"sig\"},"
		 "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\",\"kid\":\"enc1\",\"use\":\"enc\"},"
		 "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"hmac1\"}]}",
		 x, y, n, e, n, e);
	write_text(jwks, doc);
	/* The same EC key with its y moved off the curve: not a key at all. */
	y[5] = y[5] == 'A' ? 'B' : 'A';
	snprintf(doc, sizeof(doc),
		 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\","
		 "\"kid\":\"ec1\"}]}",
		 x, y);
	write_text(bad_jwks, doc);
}

/* Key generation dominates these suites under valgrind (RSA especially), so
 * a run of tests/run-unit.sh generates each key once and keeps it in
 * HEARTH_TEST_KEY_CACHE for the other suites; without it, every suite makes
 * its own. `curve` names an EC curve; otherwise an RSA key of `bits`. */
static EVP_PKEY *cached_key(const char *name, const char *curve, unsigned bits)
{
	const char *cache = getenv("HEARTH_TEST_KEY_CACHE");
	char path[512], tmp[520];
	EVP_PKEY *pk = NULL;
	FILE *f;

	if (cache && *cache) {
		snprintf(path, sizeof(path), "%s/%s.key", cache, name);
		f = fopen(path, "r");
		if (f) {
			pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
			fclose(f);
		}
		if (pk)
			return pk;
	}
	pk = curve ? EVP_EC_gen(curve) : EVP_RSA_gen(bits);
	ck_assert_ptr_nonnull(pk);
	if (cache && *cache) {
		/* Written aside and renamed, so a suite running alongside never
		 * reads half a key. */
		snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
		write_pem(tmp, pk, 1);
		ck_assert_int_eq(rename(tmp, path), 0);
	}
	return pk;
}

void auth_keys_setup(void)
{
	EVP_PKEY *small;
	char *a, *b, *both;

	snprintf(dir, sizeof(dir), "/tmp/test_auth.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path_in_dir(ec_priv, sizeof(ec_priv), "ec.key");
	path_in_dir(ec_pub, sizeof(ec_pub), "ec.pub");
	path_in_dir(rsa_priv, sizeof(rsa_priv), "rsa.key");
	path_in_dir(rsa_pub, sizeof(rsa_pub), "rsa.pub");
	path_in_dir(jwks, sizeof(jwks), "jwks.json");
	path_in_dir(two_pems, sizeof(two_pems), "two.pub");
	path_in_dir(small_rsa, sizeof(small_rsa), "small.pub");
	path_in_dir(bad_jwks, sizeof(bad_jwks), "bad.json");
	path_in_dir(garbage, sizeof(garbage), "garbage.txt");

	ec_key = cached_key("ec", "P-256", 0);
	rsa_key = cached_key("rsa", NULL, 2048);
	small = cached_key("small", NULL, 1024);
	ck_assert_ptr_nonnull(ec_key);
	ck_assert_ptr_nonnull(rsa_key);
	ck_assert_ptr_nonnull(small);
	write_pem(ec_priv, ec_key, 1);
	write_pem(ec_pub, ec_key, 0);
	write_pem(rsa_priv, rsa_key, 1);
	write_pem(rsa_pub, rsa_key, 0);
	write_pem(small_rsa, small, 0);
	EVP_PKEY_free(small);
	a = pem_of(ec_key, 0);
	b = pem_of(rsa_key, 0);
	both = malloc(strlen(a) + strlen(b) + 1);
	ck_assert_ptr_nonnull(both);
	memcpy(both, a, strlen(a));
	memcpy(both + strlen(a), b, strlen(b) + 1);
	write_text(two_pems, both);
	free(both);
	free(b);
	ec_pub_text = a;
	write_text(garbage, "this is neither JSON nor PEM\n");
	write_jwks();
}

void auth_keys_teardown(void)
{
	const char *files[] = { ec_priv, ec_pub, rsa_priv, rsa_pub, jwks,
				two_pems, small_rsa, bad_jwks, garbage };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(dir);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_key);
	free(ec_pub_text);
}

/* ---- helpers: verifiers and tokens ---------------------------------------- */

struct hearth_verifier *test_verifier(const char *keys, const char *pem_kid, size_t cache)
{
	struct hearth_auth_config cfg = {
		.keys_file = keys, .pem_kid = pem_kid, .issuer = ISS, .audience = AUD,
		.leeway_s = LEEWAY, .cache_capacity = cache,
	};
	struct hearth_verifier *v = NULL;
	char err[256] = "";

	ck_assert_msg(hearth_verifier_new(&cfg, &v, err, sizeof(err)) == 0, "verifier: %s", err);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* Claims that pass every check at NOW. */
json_t *good_claims(void)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s,s,s], s:I, s:I}", "iss", ISS,
			      "aud", AUD, "sub", "user-42", "tenant", TENANT, "org", ORG,
			      "roles", "commissioner", "viewer", "no_such_role",
			      "iat", (json_int_t)NOW - 60, "exp", (json_int_t)NOW + 600);

	ck_assert_ptr_nonnull(c);
	return c;
}

static char *b64_text(const char *s)
{
	size_t cap = HEARTH_B64URL_ENCODED_LEN(strlen(s)) + 1;
	char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_ge(hearth_b64url_encode(s, strlen(s), out, cap), 0);
	return out;
}

/* A JWS over arbitrary header and payload text, signed with OpenSSL directly
 * (ES256 as raw r||s, RS256 PKCS#1 v1.5), so that tokens libjwt would never
 * produce can be tested. `pk` NULL leaves the signature empty. */
char *sign_raw(EVP_PKEY *pk, const char *header, const char *payload)
{
	char *h = b64_text(header), *p = b64_text(payload), *tok;
	unsigned char der[1024], raw[512];
	size_t dlen = sizeof(der), rawlen = 0, cap;
	EVP_MD_CTX *md;
	int n;

	cap = strlen(h) + strlen(p) + 2 + HEARTH_B64URL_ENCODED_LEN(sizeof(raw)) + 1;
	tok = malloc(cap);
	ck_assert_ptr_nonnull(tok);
	n = snprintf(tok, cap, "%s.%s", h, p);
	if (pk != NULL) {
		md = EVP_MD_CTX_new();
		ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk), 1);
		ck_assert_int_eq(EVP_DigestSign(md, der, &dlen, (unsigned char *)tok, (size_t)n), 1);
		EVP_MD_CTX_free(md);
		if (EVP_PKEY_is_a(pk, "EC")) {
			const unsigned char *q = der;
			ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)dlen);

			ck_assert_ptr_nonnull(sig);
			BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
			BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
			ECDSA_SIG_free(sig);
			rawlen = 64;
		} else {
			memcpy(raw, der, dlen);
			rawlen = dlen;
		}
	}
	tok[n++] = '.';
	ck_assert_int_ge(hearth_b64url_encode(raw, rawlen, tok + n, cap - (size_t)n), 0);
	free(h);
	free(p);
	return tok;
}

/* Sign `claims` (reference taken) with a header {"alg","typ":"JWT","kid"}. */
char *token_for(EVP_PKEY *pk, const char *alg, const char *kid, json_t *claims)
{
	json_t *hdr = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");
	char *htext, *ptext, *tok;

	if (kid != NULL)
		json_object_set_new(hdr, "kid", json_string(kid));
	htext = json_dumps(hdr, JSON_COMPACT);
	ptext = json_dumps(claims, JSON_COMPACT);
	tok = sign_raw(pk, htext, ptext);
	free(htext);
	free(ptext);
	json_decref(hdr);
	json_decref(claims);
	return tok;
}

char *es256(json_t *claims)
{
	return token_for(ec_key, "ES256", "ec1", claims);
}

/* Expect INVALID with the given reason. */
void expect_invalid(struct hearth_verifier *v, const char *tok, long long now,
			   const char *reason)
{
	struct hearth_principal p;
	const char *why = NULL;

	ck_assert_int_eq(hearth_verify_token(v, tok, (time_t)now, &p, &why), HEARTH_AUTH_INVALID);
	ck_assert_ptr_nonnull(why);
	if (reason != NULL)
		ck_assert_str_eq(why, reason);
}

void expect_ok(struct hearth_verifier *v, const char *tok, long long now,
		      struct hearth_principal *p)
{
	const char *why = "unset";

	ck_assert_msg(hearth_verify_token(v, tok, (time_t)now, p, &why) == HEARTH_AUTH_OK,
		      "rejected: %s", why ? why : "(null)");
	ck_assert_ptr_null(why);
}

void check_claim_case(json_t *claims, const char *reason)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	char *tok = es256(claims);

	expect_invalid(v, tok, NOW, reason);
	free(tok);
	hearth_verifier_free(v);
}

int auth_run_suite(const char *name, void (*add_tests)(TCase *tc))
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("auth");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, auth_keys_setup, auth_keys_teardown);
	add_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
