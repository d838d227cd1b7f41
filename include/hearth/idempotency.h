/*
 * idempotency.h - Idempotency-Key on POST (API.md §1).
 *
 * Keys live in the service schema's `idempotency_keys` table, unique per
 * (tenant, org, key), for 24 hours. Claiming a key inserts it inside the request's
 * transaction; a concurrent request with the same key waits on that row and then
 * sees the first one's stored response. The same key with another method, path
 * or body (compared by SHA-256) is 422 "idempotency-key-reused".
 */
#ifndef HEARTH_IDEMPOTENCY_H
#define HEARTH_IDEMPOTENCY_H

#include <stddef.h>
#include "hearth/db.h"
#include "hearth/util.h"

enum hearth_idem_outcome {
	HEARTH_IDEM_NEW,      /* key claimed: do the work, then hearth_idem_store() */
	HEARTH_IDEM_REPLAY,   /* same request seen: answer *replay, create nothing */
	HEARTH_IDEM_MISMATCH, /* problem holds the 422 */
	HEARTH_IDEM_ERROR,    /* problem holds the database problem */
};

struct hearth_idem_replay {
	int status;
	char *location; /* malloc'd or NULL */
	char *body;     /* malloc'd JSON text */
};
/* NULL is a no-op. */
void hearth_idem_replay_release(struct hearth_idem_replay *r);

/* Validate the key text: 1-255 printable ASCII characters. 1 = valid. */
int hearth_idem_key_valid(const char *key);

/* The Idempotency-Key check of a POST: 0 when `key` is NULL (no header) or
 * valid; -1 with the field error on "Idempotency-Key" recorded on p when not,
 * so it joins the body's field errors in one 400. */
int hearth_idem_key_check(const char *key, struct hearth_problem *p);

HEARTH_MUST_CHECK
enum hearth_idem_outcome hearth_idem_claim(struct hearth_tx *tx, const char *key,
					   const char *method, const char *path,
					   const void *body, size_t body_len,
					   struct hearth_idem_replay *replay,
					   struct hearth_problem *p);

/* Record the response for the claimed key (same transaction). 0 or -1. */
HEARTH_MUST_CHECK
int hearth_idem_store(struct hearth_tx *tx, const char *key, int status,
		      const char *location, const char *body_json, struct hearth_problem *p);

#endif
