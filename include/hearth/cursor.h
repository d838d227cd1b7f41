/*
 * cursor.h - opaque keyset cursors for list endpoints.
 *
 * A cursor carries the sort key and id of the last row of a page. It is
 * base64url text, authenticated with HMAC-SHA256 under a server secret and bound to
 * a `scope` (the list it came from, plus anything that changes its order), so a
 * client can neither forge one nor reuse one on another list.
 */
#ifndef HEARTH_CURSOR_H
#define HEARTH_CURSOR_H

#include <stddef.h>

#define HEARTH_CURSOR_SORT_MAX 256
#define HEARTH_CURSOR_TEXT_MAX 512

struct hearth_cursor {
	char sort_key[HEARTH_CURSOR_SORT_MAX]; /* text form of the sort column ("" if sorting by id only) */
	char id[37];                           /* UUID of the last row */
};

/* Encode into `out` (at least HEARTH_CURSOR_TEXT_MAX bytes). Returns 0, or -1
 * when the sort key is too long or the id is not a UUID. */
int hearth_cursor_encode(const char *secret, const char *scope,
			 const struct hearth_cursor *c, char *out, size_t outlen);

/* Decode and verify. Returns 0, or -1 for anything malformed, forged, or minted
 * for another scope (the caller answers 400 naming "cursor"). */
int hearth_cursor_decode(const char *secret, const char *scope, const char *text,
			 struct hearth_cursor *out);

#endif
