/*
 * webhook_sign.c - Standard Webhooks secrets and signatures (see webhook_sign.h).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "webhook_sign.h"

#define PREFIX_LEN (sizeof(WEBHOOK_SECRET_PREFIX) - 1)
#define SHA256_BYTES 32

/* Standard base64 of `n` bytes, NUL-terminated; -1 when `out` is short. */
static int b64_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	size_t need = (n + 2) / 3 * 4 + 1;

	if (outlen < need)
		return -1;
	return EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static int b64_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Strict standard base64 with padding: letters only, length 4k, at most two
 * '=' at the end. Returns the decoded length or -1. */
static int b64_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
	unsigned char tmp[(WEBHOOK_KEY_MAX_BYTES + 2) / 3 * 3 + 3];
	size_t pad = 0, i;
	int len;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(tmp))
		return -1;
	if (in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (!b64_letter((unsigned char)in[i]))
			return -1;
	len = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)n);
	if (len < 0 || (size_t)len < pad)
		return -1;
	len -= (int)pad;
	if ((size_t)len > outlen) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return -1;
	}
	memcpy(out, tmp, (size_t)len);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return len;
}

int webhook_secret_new(char *out, size_t outlen)
{
	unsigned char key[WEBHOOK_NEW_KEY_BYTES];
	int rc = -1;

	if (outlen < WEBHOOK_SECRET_BUF)
		goto out;
	if (RAND_bytes(key, sizeof(key)) != 1)
		goto out;
	memcpy(out, WEBHOOK_SECRET_PREFIX, PREFIX_LEN);
	if (b64_encode(key, sizeof(key), out + PREFIX_LEN, outlen - PREFIX_LEN) < 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int webhook_secret_key(const char *secret, unsigned char *key, size_t keylen)
{
	int len;

	if (secret == NULL || strncmp(secret, WEBHOOK_SECRET_PREFIX, PREFIX_LEN) != 0)
		return -1;
	len = b64_decode(secret + PREFIX_LEN, strlen(secret + PREFIX_LEN), key, keylen);
	if (len < WEBHOOK_KEY_MIN_BYTES || len > WEBHOOK_KEY_MAX_BYTES)
		return -1;
	return len;
}

/* HMAC-SHA256 of "{id}.{timestamp}.{body}" into mac. */
static int mac_of(const unsigned char *key, size_t keylen, const char *msg_id, long long timestamp,
		  const char *body, size_t body_len, unsigned char mac[SHA256_BYTES])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *alg = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t maclen = 0;
	char ts[32];
	int n, rc = -1;

	if (key == NULL || keylen == 0 || msg_id == NULL || msg_id[0] == '\0')
		return -1;
	n = snprintf(ts, sizeof(ts), ".%lld.", timestamp);
	if (n < 0 || (size_t)n >= sizeof(ts))
		return -1;
	alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
	if (ctx == NULL)
		goto out;
	if (EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)msg_id, strlen(msg_id)) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)ts, (size_t)n) != 1 ||
	    (body_len > 0 && EVP_MAC_update(ctx, (const unsigned char *)body, body_len) != 1) ||
	    EVP_MAC_final(ctx, mac, &maclen, SHA256_BYTES) != 1 || maclen != SHA256_BYTES)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(alg);
	return rc;
}

int webhook_sign(const unsigned char *key, size_t keylen, const char *msg_id, long long timestamp,
		 const char *body, size_t body_len, char *out, size_t outlen)
{
	unsigned char mac[SHA256_BYTES];

	if (outlen < WEBHOOK_SIGNATURE_BUF)
		return -1;
	if (mac_of(key, keylen, msg_id, timestamp, body, body_len, mac) < 0)
		return -1;
	memcpy(out, "v1,", 3);
	return b64_encode(mac, sizeof(mac), out + 3, outlen - 3) < 0 ? -1 : 0;
}

int webhook_verify(const unsigned char *key, size_t keylen, const char *msg_id, long long timestamp,
		   const char *body, size_t body_len, const char *signature_header)
{
	unsigned char mac[SHA256_BYTES], given[SHA256_BYTES + 3];
	const char *p = signature_header;
	int found = 0;

	if (p == NULL || mac_of(key, keylen, msg_id, timestamp, body, body_len, mac) < 0)
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 3 && strncmp(p, "v1,", 3) == 0 &&
		    b64_decode(p + 3, n - 3, given, sizeof(given)) == SHA256_BYTES &&
		    CRYPTO_memcmp(given, mac, SHA256_BYTES) == 0)
			found = 1;
		p += n;
		p += strspn(p, " ");
	}
	return found;
}
