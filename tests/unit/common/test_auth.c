/*
 * test_auth.c - token verification: keys (PEM and JWKS) generated at test time,
 * algorithm pinning, claim checks at a fixed clock, the verified-token cache,
 * role names, and minting.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"

#define NOW 1700000000LL
#define LEEWAY 30
#define ISS "https://id.example.test/realm"
#define AUD "hearth-api"
#define TENANT "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
#define ORG "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

static char dir[64];
static char ec_priv[128], ec_pub[128], rsa_priv[128], rsa_pub[128], jwks[128];
static char two_pems[128], small_rsa[128], bad_jwks[128], garbage[128];
static EVP_PKEY *ec_key, *rsa_key;
static char *ec_pub_text; /* the exact PEM text of ec_pub */

/* ---- fixture: keys and key files ------------------------------------------ */

static void path_in_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq((int)fwrite(text, 1, strlen(text), f), (int)strlen(text));
	fclose(f);
}

static char *pem_of(EVP_PKEY *pk, int private)
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
static void ec_xy(char *x, char *y, size_t len)
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

static void setup(void)
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

	ec_key = EVP_EC_gen("P-256");
	rsa_key = EVP_RSA_gen(2048);
	small = EVP_RSA_gen(1024);
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

static void teardown(void)
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

static struct hearth_verifier *verifier(const char *keys, const char *pem_kid, size_t cache)
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
static json_t *good_claims(void)
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
static char *sign_raw(EVP_PKEY *pk, const char *header, const char *payload)
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
static char *token_for(EVP_PKEY *pk, const char *alg, const char *kid, json_t *claims)
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

static char *es256(json_t *claims)
{
	return token_for(ec_key, "ES256", "ec1", claims);
}

/* Expect INVALID with the given reason. */
static void expect_invalid(struct hearth_verifier *v, const char *tok, long long now,
			   const char *reason)
{
	struct hearth_principal p;
	const char *why = NULL;

	ck_assert_int_eq(hearth_verify_token(v, tok, (time_t)now, &p, &why), HEARTH_AUTH_INVALID);
	ck_assert_ptr_nonnull(why);
	if (reason != NULL)
		ck_assert_str_eq(why, reason);
}

static void expect_ok(struct hearth_verifier *v, const char *tok, long long now,
		      struct hearth_principal *p)
{
	const char *why = "unset";

	ck_assert_msg(hearth_verify_token(v, tok, (time_t)now, p, &why) == HEARTH_AUTH_OK,
		      "rejected: %s", why ? why : "(null)");
	ck_assert_ptr_null(why);
}

static void check_claim_case(json_t *claims, const char *reason)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	char *tok = es256(claims);

	expect_invalid(v, tok, NOW, reason);
	free(tok);
	hearth_verifier_free(v);
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST(test_good_es256_pem)
{
	struct hearth_verifier *v = verifier(ec_pub, "ec1", 0);
	struct hearth_principal p;
	char *tok = es256(good_claims());

	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "user-42");
	ck_assert_str_eq(p.tenant_id, TENANT);
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_VIEWER);
	ck_assert_int_eq(p.expires_at, NOW + 600);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_good_rs256_jwks)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "tenant", json_string("6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F"));
	json_object_set_new(c, "aud", json_pack("[s,s]", "other", AUD));
	tok = token_for(rsa_key, "RS256", "rsa1", c);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.tenant_id, TENANT); /* lower-cased */
	ck_assert_str_eq(p.sub, "user-42");
	free(tok);
	/* The EC key of the same JWKS is usable too. */
	tok = es256(good_claims());
	expect_ok(v, tok, NOW, &p);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_bearer_header)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	const char *why = NULL;
	char *tok = es256(good_claims()), hdr[2048];

	ck_assert_int_eq(hearth_verify_bearer(v, NULL, NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "", NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Basic dXNlcjpwdw==", NOW, &p, &why),
			 HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearerx", NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearer", NOW, &p, &why), HEARTH_AUTH_INVALID);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearer ", NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "Bearer  %s", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "Bearer %s ", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "bEaReR %s", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_OK);
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_int_eq(hearth_verify_token(v, NULL, NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_token(v, "", NOW, &p, &why), HEARTH_AUTH_MISSING);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_malformed)
{
	struct hearth_verifier *v = verifier(ec_pub, "ec1", 16);
	const char *bad[] = { "abc", "a.b", "a.b.c.d", "..", "a..", "!!!.e30.AA",
			      "e30.e30.", "eyJhbGciOiJFUzI1NiJ9.e30.AA==" };
	char *tok = es256(good_claims()), *cut;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(v, bad[i], NOW, NULL);
	/* Header that is JSON but not an object; header with duplicate alg. */
	free(tok);
	tok = sign_raw(ec_key, "[\"ES256\"]", "{}");
	expect_invalid(v, tok, NOW, "token header is not a JSON object");
	free(tok);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"alg\":\"ES256\"}", "{}");
	expect_invalid(v, tok, NOW, "token header is not a JSON object");
	free(tok);
	/* A good token with its signature cut off. */
	tok = es256(good_claims());
	cut = strrchr(tok, '.');
	cut[1] = '\0';
	expect_invalid(v, tok, NOW, NULL);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_alg_none)
{
	struct hearth_verifier *pem = verifier(ec_pub, NULL, 0);
	struct hearth_verifier *set = verifier(jwks, NULL, 0);
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
START_TEST(test_hs256_with_public_pem)
{
	struct hearth_verifier *v = verifier(ec_pub, NULL, 0);
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

START_TEST(test_time_claims)
{
	json_t *c;

	c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - 100));
	check_claim_case(c, "token expired");
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW + 100));
	check_claim_case(c, "token not yet valid");
	c = good_claims();
	json_object_del(c, "exp");
	check_claim_case(c, "token exp missing or not an integer");
	c = good_claims();
	json_object_set_new(c, "exp", json_string("9999999999"));
	check_claim_case(c, "token exp missing or not an integer");
	c = good_claims();
	json_object_set_new(c, "nbf", json_real(1.5));
	check_claim_case(c, "token nbf not an integer");
}
END_TEST

START_TEST(test_leeway_boundary)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "exp", json_integer(NOW));
	json_object_set_new(c, "nbf", json_integer(NOW - 100));
	tok = es256(c);
	expect_ok(v, tok, NOW + LEEWAY, &p);
	expect_invalid(v, tok, NOW + LEEWAY + 1, "token expired");
	free(tok);
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW));
	tok = es256(c);
	expect_ok(v, tok, NOW - LEEWAY, &p);
	expect_invalid(v, tok, NOW - LEEWAY - 1, "token not yet valid");
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_iss_aud)
{
	json_t *c;

	c = good_claims();
	json_object_set_new(c, "iss", json_string(ISS "/other"));
	check_claim_case(c, "token iss mismatch");
	c = good_claims();
	json_object_del(c, "iss");
	check_claim_case(c, "token iss mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_string("someone-else"));
	check_claim_case(c, "token aud mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[s,i]", "someone-else", 7));
	check_claim_case(c, "token aud mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_array());
	check_claim_case(c, "token aud mismatch");
}
END_TEST

START_TEST(test_tenant_org_sub)
{
	json_t *c;

	c = good_claims();
	json_object_del(c, "tenant");
	check_claim_case(c, "token tenant claim missing");
	c = good_claims();
	json_object_del(c, "org");
	check_claim_case(c, "token org claim missing");
	c = good_claims();
	json_object_set_new(c, "tenant", json_string("not-a-uuid"));
	check_claim_case(c, "token tenant claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "tenant", json_string("6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4fa"));
	check_claim_case(c, "token tenant claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "org", json_string("0a1b2c3d+4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
	check_claim_case(c, "token org claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "org", json_integer(5));
	check_claim_case(c, "token org claim missing");
	c = good_claims();
	json_object_del(c, "sub");
	check_claim_case(c, "token sub missing or malformed");
	c = good_claims();
	json_object_set_new(c, "sub", json_string("evil\nline"));
	check_claim_case(c, "token sub missing or malformed");
}
END_TEST

START_TEST(test_duplicate_claims)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	char payload[512], *tok;

	/* A second exp would let two parsers see two different tokens. */
	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"u\",\"tenant\":\"%s\",\"org\":\"%s\","
		 "\"exp\":%lld,\"exp\":%lld}",
		 ISS, AUD, TENANT, ORG, NOW + 600, NOW - 600);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\"}", payload);
	expect_invalid(v, tok, NOW, "token payload is not a JSON object");
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_header_checks)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
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

START_TEST(test_tampered_payload)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
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

START_TEST(test_kid_selection)
{
	struct hearth_verifier *set = verifier(jwks, NULL, 0);
	struct hearth_verifier *pem_kid = verifier(ec_pub, "ec1", 0);
	struct hearth_verifier *pem_nokid = verifier(ec_pub, NULL, 0);
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

START_TEST(test_cache_hits)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 8);
	struct hearth_principal p1, p2;
	unsigned long long hits = 99, misses = 99;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "exp", json_integer(NOW + 100));
	tok = es256(c);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 0);
	expect_ok(v, tok, NOW, &p1);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 1);
	expect_ok(v, tok, NOW + 1, &p2);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 1);
	ck_assert_uint_eq(misses, 1);
	ck_assert_mem_eq(&p1, &p2, sizeof(p1));
	/* Still good at the leeway boundary, then rejected though cached. */
	expect_ok(v, tok, NOW + 100 + LEEWAY, &p2);
	expect_invalid(v, tok, NOW + 100 + LEEWAY + 1, "token expired");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 3);
	ck_assert_uint_eq(misses, 1);
	/* The expired entry is gone: the next look-up misses and fails again. */
	expect_invalid(v, tok, NOW + 100 + LEEWAY + 1, "token expired");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(misses, 2);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_cache_rejected_not_cached)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 8);
	unsigned long long hits, misses;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "iss", json_string("https://elsewhere"));
	tok = es256(c);
	expect_invalid(v, tok, NOW, "token iss mismatch");
	expect_invalid(v, tok, NOW, "token iss mismatch");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 2);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_cache_bounded)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 2), *off = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	unsigned long long hits, misses;
	char *tok[5];
	int i;

	for (i = 0; i < 5; i++) {
		json_t *c = good_claims();

		json_object_set_new(c, "exp", json_integer(NOW + 100 + i));
		tok[i] = es256(c);
		expect_ok(v, tok[i], NOW, &p);
	}
	for (i = 0; i < 5; i++)
		expect_ok(v, tok[i], NOW, &p);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_le(hits, 2);
	ck_assert_uint_eq(hits + misses, 10);
	/* Capacity 0: every verification misses. */
	expect_ok(off, tok[0], NOW, &p);
	expect_ok(off, tok[0], NOW, &p);
	hearth_verifier_cache_stats(off, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 2);
	for (i = 0; i < 5; i++)
		free(tok[i]);
	hearth_verifier_free(v);
	hearth_verifier_free(off);
}
END_TEST

struct race {
	struct hearth_verifier *v;
	char **tok;
	int ntok;
	int failures;
};

static void *race_worker(void *arg)
{
	struct race *r = arg;
	struct hearth_principal p;
	const char *why;
	int i;

	for (i = 0; i < 200; i++) {
		if (hearth_verify_token(r->v, r->tok[i % r->ntok], (time_t)NOW, &p, &why) !=
			    HEARTH_AUTH_OK ||
		    strcmp(p.tenant_id, TENANT) != 0)
			r->failures++;
	}
	return NULL;
}

/* Threads sharing a cache smaller than their token set: constant eviction. */
START_TEST(test_cache_threads)
{
	struct hearth_verifier *v = verifier(jwks, NULL, 3);
	unsigned long long hits, misses;
	struct race r[4];
	pthread_t th[4];
	char *tok[6];
	int i;

	for (i = 0; i < 6; i++) {
		json_t *c = good_claims();

		json_object_set_new(c, "exp", json_integer(NOW + 1000 + i));
		tok[i] = es256(c);
	}
	for (i = 0; i < 4; i++) {
		r[i] = (struct race){ .v = v, .tok = tok, .ntok = 6 - i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_worker, &r[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(r[i].failures, 0);
	}
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits + misses, 800);
	ck_assert_uint_gt(hits, 0);
	for (i = 0; i < 6; i++)
		free(tok[i]);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(test_roles)
{
	char buf[128];
	json_t *c;

	ck_assert_uint_eq(hearth_role_from_name("tenant_admin"), HEARTH_ROLE_TENANT_ADMIN);
	ck_assert_uint_eq(hearth_role_from_name("commissioner"), HEARTH_ROLE_COMMISSIONER);
	ck_assert_uint_eq(hearth_role_from_name("qa_officer"), HEARTH_ROLE_QA_OFFICER);
	ck_assert_uint_eq(hearth_role_from_name("viewer"), HEARTH_ROLE_VIEWER);
	ck_assert_uint_eq(hearth_role_from_name("provider"), HEARTH_ROLE_PROVIDER);
	ck_assert_uint_eq(hearth_role_from_name("integration"), HEARTH_ROLE_INTEGRATION);
	ck_assert_uint_eq(hearth_role_from_name("Viewer"), 0);
	ck_assert_uint_eq(hearth_role_from_name("admin"), 0);
	ck_assert_uint_eq(hearth_role_from_name(NULL), 0);

	hearth_roles_format(0x3f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tenant_admin,commissioner,qa_officer,viewer,provider,integration");
	hearth_roles_format(HEARTH_ROLE_VIEWER | HEARTH_ROLE_QA_OFFICER | 0x400, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qa_officer,viewer");
	hearth_roles_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	hearth_roles_format(HEARTH_ROLE_VIEWER, buf, 7);
	ck_assert_str_eq(buf, "viewer");
	hearth_roles_format(HEARTH_ROLE_VIEWER, buf, 6); /* never a partial name */
	ck_assert_str_eq(buf, "");
	hearth_roles_format(HEARTH_ROLE_QA_OFFICER | HEARTH_ROLE_VIEWER, buf, 15);
	ck_assert_str_eq(buf, "");

	c = good_claims();
	json_object_set_new(c, "roles", json_string("viewer"));
	check_claim_case(c, "token roles claim not an array");
	c = good_claims();
	json_object_set_new(c, "roles", json_pack("[s,i]", "viewer", 1));
	check_claim_case(c, "token roles claim holds a non-string");
}
END_TEST

START_TEST(test_roles_absent_and_claim_names)
{
	struct hearth_auth_config cfg = {
		.keys_file = jwks, .issuer = ISS, .audience = AUD, .leeway_s = 0,
		.claim_tenant = "tid", .claim_org = "https://hearth/org",
		.claim_roles = "groups", .claim_sub = "oid",
	};
	struct hearth_verifier *v = NULL, *plain = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	char err[128];
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:I}", "iss", ISS, "aud", AUD,
			      "oid", "client-7", "tid", TENANT, "https://hearth/org", ORG,
			      "groups", "tenant_admin", "exp", (json_int_t)NOW + 10);
	char *tok;

	ck_assert_int_eq(hearth_verifier_new(&cfg, &v, err, sizeof(err)), 0);
	tok = es256(c);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "client-7");
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_TENANT_ADMIN);
	/* With the default names this token has no tenant. */
	expect_invalid(plain, tok, NOW, "token sub missing or malformed");
	free(tok);
	c = good_claims();
	json_object_del(c, "roles");
	tok = es256(c);
	expect_ok(plain, tok, NOW, &p);
	ck_assert_uint_eq(p.roles, 0);
	free(tok);
	hearth_verifier_free(v);
	hearth_verifier_free(plain);
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

START_TEST(test_load_errors)
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

START_TEST(test_jwks_shapes)
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

START_TEST(test_mint_round_trip)
{
	const char *roles[] = { "qa_officer", "provider", NULL };
	struct hearth_token_request req = {
		.private_key_file = rsa_priv, .kid = "rsa1", .issuer = ISS, .audience = AUD,
		.sub = "dev-user", .tenant_id = TENANT, .org_id = ORG, .roles = roles,
		.issued_at = NOW, .expires_at = NOW + 3600,
	};
	struct hearth_verifier *v = verifier(jwks, NULL, 0);
	struct hearth_principal p;
	char err[256] = "", *tok;

	tok = hearth_token_mint(&req, err, sizeof(err));
	ck_assert_msg(tok != NULL, "mint: %s", err);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "dev-user");
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_QA_OFFICER | HEARTH_ROLE_PROVIDER);
	ck_assert_int_eq(p.expires_at, NOW + 3600);
	free(tok);
	/* libjwt's ES256 signatures verify too. */
	req.private_key_file = ec_priv;
	req.kid = "ec1";
	req.roles = NULL;
	tok = hearth_token_mint(&req, err, sizeof(err));
	ck_assert_msg(tok != NULL, "mint: %s", err);
	expect_ok(v, tok, NOW, &p);
	ck_assert_uint_eq(p.roles, 0);
	free(tok);
	/* The public key is not a private key. */
	req.private_key_file = ec_pub;
	ck_assert_ptr_null(hearth_token_mint(&req, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no PEM private key"));
	req.private_key_file = ec_priv;
	req.expires_at = req.issued_at;
	ck_assert_ptr_null(hearth_token_mint(&req, err, sizeof(err)));
	hearth_verifier_free(v);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_good_es256_pem);
	tcase_add_test(tc, test_good_rs256_jwks);
	tcase_add_test(tc, test_bearer_header);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_alg_none);
	tcase_add_test(tc, test_hs256_with_public_pem);
	tcase_add_test(tc, test_time_claims);
	tcase_add_test(tc, test_leeway_boundary);
	tcase_add_test(tc, test_iss_aud);
	tcase_add_test(tc, test_tenant_org_sub);
	tcase_add_test(tc, test_duplicate_claims);
	tcase_add_test(tc, test_header_checks);
	tcase_add_test(tc, test_tampered_payload);
	tcase_add_test(tc, test_kid_selection);
	tcase_add_test(tc, test_cache_hits);
	tcase_add_test(tc, test_cache_rejected_not_cached);
	tcase_add_test(tc, test_cache_bounded);
	tcase_add_test(tc, test_cache_threads);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_roles_absent_and_claim_names);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_jwks_shapes);
	tcase_add_test(tc, test_mint_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
