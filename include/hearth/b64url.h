/*
 * b64url.h - base64url (RFC 4648 section 5) without padding, as used by JWTs and
 * list cursors.
 *
 * Decoding is strict so that every byte string has exactly one accepted text
 * form: only the 64 URL-safe letters, no '=' padding, no whitespace, no length
 * of the form 4k+1, and the unused low bits of the last letter must be zero.
 */
#ifndef HEARTH_B64URL_H
#define HEARTH_B64URL_H

#include <stddef.h>

/* Letters needed for `n` bytes (without the terminating NUL). */
#define HEARTH_B64URL_ENCODED_LEN(n) (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))
/* Upper bound of the bytes decoded from `n` letters. */
#define HEARTH_B64URL_DECODED_MAX(n) (((n) / 4) * 3 + (((n) % 4) * 3) / 4)

/* Encode `n` bytes of `in` into `out` and NUL-terminate it. Returns the number
 * of letters written (without the NUL), or -1 when `out` cannot hold
 * HEARTH_B64URL_ENCODED_LEN(n) + 1 bytes or the result would exceed INT_MAX
 * (nothing useful is written then). */
int hearth_b64url_encode(const void *in, size_t n, char *out, size_t outlen);

/* Decode `n` letters of `in` (no NUL needed) into `out`. Returns the number of
 * bytes written, or -1 on any letter outside the alphabet, padding, a length of
 * 4k+1, non-zero unused bits, or when `out` is too small (contents of `out`
 * are then unspecified). */
int hearth_b64url_decode(const char *in, size_t n, void *out, size_t outlen);

#endif
