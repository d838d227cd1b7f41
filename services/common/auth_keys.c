/*
 * auth_keys.c - loads the verification keys of an auth verifier from a PEM or
 * JWKS file and turns each into a pinned-algorithm PEM public key for libjwt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "hearth/b64url.h"
#include "auth_keys_internal.h"

#define KEYS_FILE_MAX (1024 * 1024)
#define RSA_MIN_BITS 2048
#define RSA_MAX_BYTES 2048 /* 16384-bit modulus */
#define EC_COORD_BYTES 32  /* P-256 */

/* Why a JWK was not turned into a key. SKIP means "not for us", not an error. */
enum jwk_result { JWK_OK, JWK_SKIP, JWK_ERROR };

static int read_whole_file(const char *path, char **out, size_t *outlen, char *err,
			   size_t errlen)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open keys file: %s", strerror(errno));
		goto out;
	}
	buf = malloc(KEYS_FILE_MAX + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	len = fread(buf, 1, KEYS_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read keys file");
		goto out;
	}
	if (len > KEYS_FILE_MAX) {
		snprintf(err, errlen, "keys file larger than %d bytes", KEYS_FILE_MAX);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Check that `pk` is a key we accept and fill `k` with its PEM and pinned alg.
 * Takes a copy of `kid`. */
static int key_from_pkey(EVP_PKEY *pk, const char *kid, struct hearth_auth_key *k,
			 char *err, size_t errlen)
{
	BIO *bio = NULL;
	char *mem = NULL;
	char group[64];
	long memlen;
	int rc = -1;

	memset(k, 0, sizeof(*k));
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (EVP_PKEY_get_group_name(pk, group, sizeof(group), NULL) != 1 ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)) {
			snprintf(err, errlen, "EC key is not on P-256");
			goto out;
		}
		k->alg = JWT_ALG_ES256;
	} else if (EVP_PKEY_is_a(pk, "RSA")) {
		if (EVP_PKEY_get_bits(pk) < RSA_MIN_BITS) {
			snprintf(err, errlen, "RSA key shorter than %d bits", RSA_MIN_BITS);
			goto out;
		}
		k->alg = JWT_ALG_RS256;
	} else {
		snprintf(err, errlen, "unsupported key type (only EC P-256 and RSA)");
		goto out;
	}
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_PUBKEY(bio, pk) != 1) {
		snprintf(err, errlen, "cannot encode public key");
		goto out;
	}
	memlen = BIO_get_mem_data(bio, &mem);
	if (memlen <= 0) {
		snprintf(err, errlen, "cannot encode public key");
		goto out;
	}
	k->pem = malloc((size_t)memlen + 1);
	k->kid = kid != NULL ? strdup(kid) : NULL;
	if (k->pem == NULL || (kid != NULL && k->kid == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(k->pem, mem, (size_t)memlen);
	k->pem[memlen] = '\0';
	k->pem_len = (size_t)memlen;
	rc = 0;
out:
	if (rc != 0) {
		free(k->pem);
		free(k->kid);
		memset(k, 0, sizeof(*k));
	}
	BIO_free(bio);
	return rc;
}

static int load_pem(const char *text, size_t len, const char *pem_kid,
		    struct hearth_keyset *ks, char *err, size_t errlen)
{
	BIO *bio = NULL;
	EVP_PKEY *pk = NULL, *extra = NULL;
	int rc = -1;

	bio = BIO_new_mem_buf(text, (int)len);
	if (bio == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pk == NULL) {
		snprintf(err, errlen, "keys file holds no JWKS and no PEM public key");
		goto out;
	}
	/* One key only: a PEM has nowhere to say which kid each key would have. */
	extra = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (extra != NULL) {
		snprintf(err, errlen, "PEM keys file holds more than one public key");
		goto out;
	}
	ks->keys = calloc(1, sizeof(*ks->keys));
	if (ks->keys == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (key_from_pkey(pk, pem_kid, &ks->keys[0], err, errlen) != 0)
		goto out;
	ks->n = 1;
	rc = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(extra);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return rc;
}

/* Decode the base64url string member `name` of `jwk` into `out`. Returns the
 * length, or -1 when absent, not a string or not valid base64url. */
static int jwk_bytes(const json_t *jwk, const char *name, unsigned char *out, size_t outlen)
{
	const json_t *v = json_object_get(jwk, name);

	if (!json_is_string(v))
		return -1;
	return hearth_b64url_decode(json_string_value(v), json_string_length(v), out, outlen);
}

static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	EVP_PKEY *pk = NULL;

	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	/* fromdata does not promise the point is on the curve; ask explicitly. */
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (check == NULL || EVP_PKEY_public_check(check) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
out:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

static EVP_PKEY *jwk_ec(const json_t *jwk)
{
	unsigned char point[1 + 2 * EC_COORD_BYTES];
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pk = NULL;

	point[0] = 0x04; /* uncompressed */
	if (jwk_bytes(jwk, "x", point + 1, EC_COORD_BYTES) != EC_COORD_BYTES ||
	    jwk_bytes(jwk, "y", point + 1 + EC_COORD_BYTES, EC_COORD_BYTES) != EC_COORD_BYTES)
		goto out;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
					     sizeof(point)) != 1)
		goto out;
	pk = pkey_from_params("EC", bld);
out:
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

static EVP_PKEY *jwk_rsa(const json_t *jwk)
{
	unsigned char *nbuf = NULL;
	unsigned char ebuf[8];
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pk = NULL;
	int nlen, elen;

	nbuf = malloc(RSA_MAX_BYTES);
	if (nbuf == NULL)
		goto out;
	nlen = jwk_bytes(jwk, "n", nbuf, RSA_MAX_BYTES);
	elen = jwk_bytes(jwk, "e", ebuf, sizeof(ebuf));
	if (nlen <= 0 || elen <= 0)
		goto out;
	n = BN_bin2bn(nbuf, nlen, NULL);
	e = BN_bin2bn(ebuf, elen, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (n == NULL || e == NULL || bld == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
		goto out;
	pk = pkey_from_params("RSA", bld);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	free(nbuf);
	return pk;
}

/* Turn one JWK into a key, or say it is not for us (SKIP). */
static enum jwk_result jwk_to_key(const json_t *jwk, struct hearth_auth_key *k, char *err,
				  size_t errlen)
{
	const char *kty, *use, *alg, *kid;
	EVP_PKEY *pk = NULL;
	enum jwk_result r = JWK_ERROR;
	json_t *kidv;

	kty = json_string_value(json_object_get(jwk, "kty"));
	use = json_string_value(json_object_get(jwk, "use"));
	alg = json_string_value(json_object_get(jwk, "alg"));
	kidv = json_object_get(jwk, "kid");
	if (!json_is_object(jwk) || kty == NULL ||
	    (json_object_get(jwk, "use") != NULL && (use == NULL || strcmp(use, "sig") != 0)) ||
	    (json_object_get(jwk, "alg") != NULL && alg == NULL))
		return JWK_SKIP;
	if (strcmp(kty, "EC") == 0) {
		const char *crv = json_string_value(json_object_get(jwk, "crv"));

		if (crv == NULL || strcmp(crv, "P-256") != 0 ||
		    (alg != NULL && strcmp(alg, "ES256") != 0))
			return JWK_SKIP;
	} else if (strcmp(kty, "RSA") == 0) {
		if (alg != NULL && strcmp(alg, "RS256") != 0)
			return JWK_SKIP;
	} else {
		return JWK_SKIP;
	}
	if (kidv != NULL && (!json_is_string(kidv) || json_string_length(kidv) == 0 ||
			     strlen(json_string_value(kidv)) != json_string_length(kidv))) {
		snprintf(err, errlen, "JWK has a kid that is not a non-empty string");
		goto out;
	}
	kid = json_string_value(kidv);
	pk = strcmp(kty, "EC") == 0 ? jwk_ec(jwk) : jwk_rsa(jwk);
	if (pk == NULL) {
		snprintf(err, errlen, "JWK %s is not a valid %s public key", kid ? kid : "(no kid)",
			 kty);
		goto out;
	}
	if (key_from_pkey(pk, kid, k, err, errlen) != 0)
		goto out;
	r = JWK_OK;
out:
	ERR_clear_error();
	EVP_PKEY_free(pk);
	return r;
}

static int same_kid(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int load_jwks(const char *text, size_t len, struct hearth_keyset *ks, char *err,
		     size_t errlen)
{
	json_error_t jerr;
	json_t *doc = NULL, *keys, *jwk;
	size_t i, j, skipped = 0;
	int rc = -1;

	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		snprintf(err, errlen, "JWKS is not valid JSON (line %d: %s)", jerr.line,
			 jerr.text);
		goto out;
	}
	keys = json_object_get(doc, "keys");
	if (!json_is_array(keys)) {
		snprintf(err, errlen, "JWKS has no \"keys\" array");
		goto out;
	}
	ks->keys = calloc(json_array_size(keys) + 1, sizeof(*ks->keys));
	if (ks->keys == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	json_array_foreach(keys, i, jwk) {
		enum jwk_result r = jwk_to_key(jwk, &ks->keys[ks->n], err, errlen);

		if (r == JWK_ERROR)
			goto out;
		if (r == JWK_SKIP) {
			skipped++;
			continue;
		}
		for (j = 0; j < ks->n; j++) {
			if (same_kid(ks->keys[j].kid, ks->keys[ks->n].kid)) {
				snprintf(err, errlen, "JWKS has two keys with kid %s",
					 ks->keys[j].kid ? ks->keys[j].kid : "(none)");
				ks->n++; /* so that the release below frees it */
				goto out;
			}
		}
		ks->n++;
	}
	if (ks->n == 0) {
		snprintf(err, errlen, "JWKS has no usable key (%zu skipped: need EC P-256 or RSA, use \"sig\")",
			 skipped);
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

int hearth_keyset_load(const char *path, const char *pem_kid, struct hearth_keyset *ks,
		       char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0, i = 0;
	int rc = -1;

	ks->keys = NULL;
	ks->n = 0;
	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "no keys file configured");
		goto out;
	}
	if (read_whole_file(path, &text, &len, err, errlen) != 0)
		goto out;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && text[i] == '{')
		rc = load_jwks(text, len, ks, err, errlen);
	else
		rc = load_pem(text, len, pem_kid, ks, err, errlen);
out:
	if (rc != 0)
		hearth_keyset_release(ks);
	free(text);
	return rc;
}

void hearth_keyset_release(struct hearth_keyset *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n; i++) {
		free(ks->keys[i].kid);
		free(ks->keys[i].pem);
	}
	free(ks->keys);
	ks->keys = NULL;
	ks->n = 0;
}

const struct hearth_auth_key *hearth_keyset_find(const struct hearth_keyset *ks,
						 const char *kid)
{
	size_t i;

	if (kid == NULL)
		return ks->n == 1 ? &ks->keys[0] : NULL;
	for (i = 0; i < ks->n; i++) {
		if (ks->keys[i].kid != NULL && strcmp(ks->keys[i].kid, kid) == 0)
			return &ks->keys[i];
	}
	return NULL;
}
