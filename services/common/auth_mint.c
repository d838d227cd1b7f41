/*
 * auth_mint.c - development tokens (hearthctl token, tests), signed with libjwt.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hearth/auth.h"

/* Read the private key and re-encode it as PKCS#8 PEM (the form libjwt reads),
 * choosing the algorithm from its type. Returns a malloc'd PEM or NULL. */
static char *load_private_pem(const char *path, jwt_alg_t *alg, size_t *len, char *err,
			      size_t errlen)
{
	FILE *f = NULL;
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	char *mem = NULL, *pem = NULL, group[64];
	long memlen = 0;

	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open private key: %s", strerror(errno));
		goto out;
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	if (pk == NULL) {
		snprintf(err, errlen, "no PEM private key in %s", path);
		goto out;
	}
	if (EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), NULL) == 1 &&
	    (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)) {
		*alg = JWT_ALG_ES256;
	} else if (EVP_PKEY_is_a(pk, "RSA") && EVP_PKEY_get_bits(pk) >= 2048) {
		*alg = JWT_ALG_RS256;
	} else {
		snprintf(err, errlen, "private key is neither EC P-256 nor RSA >= 2048 bits");
		goto out;
	}
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL ||
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1) {
		snprintf(err, errlen, "cannot encode private key");
		goto out;
	}
	memlen = BIO_get_mem_data(bio, &mem);
	if (memlen <= 0 || memlen > INT_MAX - 1 || (pem = malloc((size_t)memlen + 1)) == NULL) {
		snprintf(err, errlen, "cannot encode private key");
		goto out;
	}
	memcpy(pem, mem, (size_t)memlen);
	pem[memlen] = '\0';
	*len = (size_t)memlen;
out:
	if (mem != NULL && memlen > 0)
		OPENSSL_cleanse(mem, (size_t)memlen);
	ERR_clear_error();
	BIO_free(bio);
	EVP_PKEY_free(pk);
	if (f != NULL)
		fclose(f);
	return pem;
}

/* The claims as one JSON text, with Hearth's default claim names. */
static char *claims_json(const struct hearth_token_request *req)
{
	json_t *claims = NULL, *roles = NULL;
	char *text = NULL;
	size_t i;

	roles = json_array();
	if (roles == NULL)
		goto out;
	for (i = 0; req->roles != NULL && req->roles[i] != NULL; i++) {
		if (json_array_append_new(roles, json_string(req->roles[i])) != 0)
			goto out;
	}
	claims = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:I, s:I}", "iss", req->issuer,
			   "aud", req->audience, "sub", req->sub, "tenant", req->tenant_id,
			   "org", req->org_id, "roles", roles, "iat", (json_int_t)req->issued_at,
			   "exp", (json_int_t)req->expires_at);
	if (claims != NULL)
		text = json_dumps(claims, JSON_COMPACT);
out:
	json_decref(roles);
	json_decref(claims);
	return text;
}

char *hearth_token_mint(const struct hearth_token_request *req, char *err, size_t errlen)
{
	jwt_t *jwt = NULL;
	jwt_alg_t alg = JWT_ALG_NONE;
	char *pem = NULL, *claims = NULL, *token = NULL;
	size_t pem_len = 0;

	if (req == NULL || req->private_key_file == NULL || req->issuer == NULL ||
	    req->audience == NULL || req->sub == NULL || req->tenant_id == NULL ||
	    req->org_id == NULL) {
		snprintf(err, errlen, "token request lacks key file, iss, aud, sub, tenant or org");
		goto out;
	}
	if (req->expires_at <= req->issued_at) {
		snprintf(err, errlen, "token expiry must be after its issue time");
		goto out;
	}
	pem = load_private_pem(req->private_key_file, &alg, &pem_len, err, errlen);
	if (pem == NULL)
		goto out;
	claims = claims_json(req);
	if (claims == NULL) {
		snprintf(err, errlen, "cannot build claims (invalid UTF-8 or out of memory)");
		goto out;
	}
	if (jwt_new(&jwt) != 0 ||
	    jwt_set_alg(jwt, alg, (const unsigned char *)pem, (int)pem_len) != 0 ||
	    (req->kid != NULL && jwt_add_header(jwt, "kid", req->kid) != 0) ||
	    jwt_add_grants_json(jwt, claims) != 0) {
		snprintf(err, errlen, "cannot build token");
		goto out;
	}
	token = jwt_encode_str(jwt);
	if (token == NULL)
		snprintf(err, errlen, "cannot sign token");
out:
	jwt_free(jwt);
	free(claims);
	if (pem != NULL) {
		OPENSSL_cleanse(pem, pem_len);
		free(pem);
	}
	return token;
}
