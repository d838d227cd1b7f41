/*
 * b64url.c - strict base64url without padding (see b64url.h).
 */
#include <limits.h>
#include <stdint.h>

#include "hearth/b64url.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of one letter, or -1. */
static int letter_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int hearth_b64url_encode(const void *in, size_t n, char *out, size_t outlen)
{
	const unsigned char *p = in;
	size_t need, i, o = 0;

	if (n > (size_t)INT_MAX / 4 * 3 - 3)
		return -1;
	need = HEARTH_B64URL_ENCODED_LEN(n);
	if (out == NULL || outlen < need + 1)
		return -1;
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
	return (int)o;
}

int hearth_b64url_decode(const char *in, size_t n, void *out, size_t outlen)
{
	unsigned char *q = out;
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (in == NULL || n % 4 == 1 || n > (size_t)INT_MAX)
		return -1;
	if (HEARTH_B64URL_DECODED_MAX(n) > outlen)
		return -1;
	for (i = 0; i < n; i++) {
		int v = letter_value((unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			q[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* Leftover bits must be zero, otherwise two texts would decode alike. */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (int)o;
}
