/*
 * webhook_sign.h - the Standard Webhooks signature scheme (API.md §6): subscription
 * secrets, and the `webhook-signature` of a delivery.
 *
 * A secret is "whsec_" followed by the standard base64 (with padding) of the
 * HMAC key; new secrets carry 32 random bytes from OpenSSL's RAND_bytes. The
 * signature of a message is "v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">"
 * keyed with the decoded key. A signature header may list several signatures
 * separated by spaces (during a secret rotation); it verifies when any one of
 * its "v1," entries matches.
 *
 * Pure functions over caller-owned buffers: no allocation, no state, safe from
 * any thread. Keys and secrets are never logged by this module.
 */
#ifndef HEARTH_ALERTS_WEBHOOK_SIGN_H
#define HEARTH_ALERTS_WEBHOOK_SIGN_H

#include <stddef.h>

#define WEBHOOK_SECRET_PREFIX "whsec_"
#define WEBHOOK_NEW_KEY_BYTES 32
/* Key lengths a secret may decode to: 24 bytes (the scheme's own examples) to 64. */
#define WEBHOOK_KEY_MIN_BYTES 24
#define WEBHOOK_KEY_MAX_BYTES 64
/* "whsec_" + base64 of 32 bytes (44 letters) + NUL. */
#define WEBHOOK_SECRET_BUF 51
/* "v1," + base64 of a SHA-256 (44 letters) + NUL. */
#define WEBHOOK_SIGNATURE_BUF 48

/* Make a new secret into `out` (WEBHOOK_SECRET_BUF bytes). Returns 0, or -1
 * when the random generator fails (nothing usable is written then). */
__attribute__((warn_unused_result))
int webhook_secret_new(char *out, size_t outlen);

/* The HMAC key of `secret` ("whsec_<base64>") into `key` (at least
 * WEBHOOK_KEY_MAX_BYTES). Returns the key's length, or -1 when the prefix is
 * missing, the base64 is malformed (wrong letters, length or padding) or the
 * key is shorter than WEBHOOK_KEY_MIN_BYTES or longer than the maximum. */
int webhook_secret_key(const char *secret, unsigned char *key, size_t keylen);

/* Sign message `msg_id` sent at `timestamp` (seconds since the epoch) with
 * body `body` (`body_len` bytes): writes "v1,<base64>" into `out`
 * (WEBHOOK_SIGNATURE_BUF bytes). Returns 0, or -1 on a NULL or empty id, an
 * empty key, or a short `out`. */
__attribute__((warn_unused_result))
int webhook_sign(const unsigned char *key, size_t keylen, const char *msg_id, long long timestamp,
		 const char *body, size_t body_len, char *out, size_t outlen);

/* 1 when `signature_header` holds a "v1," signature of the message that
 * matches (compared in constant time), 0 when none does or the header is
 * malformed. */
int webhook_verify(const unsigned char *key, size_t keylen, const char *msg_id, long long timestamp,
		   const char *body, size_t body_len, const char *signature_header);

#endif
