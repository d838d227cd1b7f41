/*
 * cursor.c - opaque, authenticated keyset cursors.
 *
 * Payload: version byte (1) | id as 16 raw bytes | sort key bytes | HMAC-SHA256.
 * The MAC covers the version, the scope (length-prefixed, so no two scopes run
 * together), the id and the sort key; the scope itself is never in the text, so
 * a cursor only verifies on the list it was minted for. The text is base64url
 * without padding; the decoder is strict, so one payload has one text.
 */
#include "hearth/cursor.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "hearth/b64url.h"
#include "hearth/json_input.h"

#define CURSOR_VERSION 1
#define ID_LEN 16
#define MAC_LEN 32
#define HEAD_LEN (1 + ID_LEN)
#define PAYLOAD_MAX (HEAD_LEN + HEARTH_CURSOR_SORT_MAX - 1 + MAC_LEN)

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void uuid_to_bytes(const char *uuid, unsigned char *out)
{
	size_t i, o = 0;

	for (i = 0; uuid[i]; i++) {
		if (uuid[i] == '-')
			continue;
		if (o % 2 == 0)
			out[o / 2] = (unsigned char)(hex_value(uuid[i]) << 4);
		else
			out[o / 2] |= (unsigned char)hex_value(uuid[i]);
		o++;
	}
}

static void bytes_to_uuid(const unsigned char *in, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < ID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[in[i] >> 4];
		out[o++] = hex[in[i] & 15];
	}
	out[o] = '\0';
}

/* MAC over version | len(scope) | scope | id | sort key into mac. */
static int cursor_mac(const char *secret, const char *scope, const unsigned char *payload,
		      size_t body_len, unsigned char *mac)
{
	size_t slen = strlen(scope), mac_len = 0;
	unsigned char lenbuf[4] = { (unsigned char)(slen >> 24), (unsigned char)(slen >> 16),
				    (unsigned char)(slen >> 8), (unsigned char)slen };
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *alg = NULL;
	EVP_MAC_CTX *ctx = NULL;
	int rc = -1;

	if (slen > 0xFFFFFFFFu)
		goto out;
	alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
	if (!ctx)
		goto out;
	if (EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params) != 1 ||
	    EVP_MAC_update(ctx, payload, 1) != 1 || EVP_MAC_update(ctx, lenbuf, 4) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)scope, slen) != 1 ||
	    EVP_MAC_update(ctx, payload + 1, body_len - 1) != 1 ||
	    EVP_MAC_final(ctx, mac, &mac_len, MAC_LEN) != 1 || mac_len != MAC_LEN)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(alg);
	return rc;
}

static int usable_key(const char *secret, const char *scope)
{
	/* An empty secret would make every cursor forgeable. */
	return secret && secret[0] && scope;
}

int hearth_cursor_encode(const char *secret, const char *scope,
			 const struct hearth_cursor *c, char *out, size_t outlen)
{
	unsigned char payload[PAYLOAD_MAX];
	size_t sort_len, body_len;
	int rc = -1;

	if (!usable_key(secret, scope) || !c || !out || outlen == 0)
		goto out;
	out[0] = '\0';
	sort_len = strnlen(c->sort_key, sizeof(c->sort_key));
	if (sort_len >= sizeof(c->sort_key) || !hearth_is_uuid(c->id))
		goto out;
	payload[0] = CURSOR_VERSION;
	uuid_to_bytes(c->id, payload + 1);
	memcpy(payload + HEAD_LEN, c->sort_key, sort_len);
	body_len = HEAD_LEN + sort_len;
	if (cursor_mac(secret, scope, payload, body_len, payload + body_len) != 0)
		goto out;
	if (hearth_b64url_encode(payload, body_len + MAC_LEN, out, outlen) < 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(payload, sizeof(payload));
	return rc;
}

int hearth_cursor_decode(const char *secret, const char *scope, const char *text,
			 struct hearth_cursor *out)
{
	unsigned char payload[PAYLOAD_MAX];
	unsigned char mac[MAC_LEN];
	size_t text_len, body_len, sort_len;
	int n, rc = -1;

	if (!usable_key(secret, scope) || !text || !out)
		goto out;
	text_len = strnlen(text, HEARTH_CURSOR_TEXT_MAX);
	if (text_len >= HEARTH_CURSOR_TEXT_MAX)
		goto out;
	n = hearth_b64url_decode(text, text_len, payload, sizeof(payload));
	if (n < HEAD_LEN + MAC_LEN || payload[0] != CURSOR_VERSION)
		goto out;
	body_len = (size_t)n - MAC_LEN;
	if (cursor_mac(secret, scope, payload, body_len, mac) != 0 ||
	    CRYPTO_memcmp(mac, payload + body_len, MAC_LEN) != 0)
		goto out;
	/* Authentic from here on; still refuse what a C string cannot carry. */
	sort_len = body_len - HEAD_LEN;
	if (memchr(payload + HEAD_LEN, '\0', sort_len))
		goto out;
	memcpy(out->sort_key, payload + HEAD_LEN, sort_len);
	out->sort_key[sort_len] = '\0';
	bytes_to_uuid(payload + 1, out->id);
	rc = 0;
out:
	OPENSSL_cleanse(payload, sizeof(payload));
	return rc;
}
