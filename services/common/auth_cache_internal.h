/*
 * auth_cache_internal.h - bounded cache of verified tokens (private to auth*.c).
 *
 * Keyed by the exact token text; an entry is good until the token's `exp` (plus
 * leeway). Only tokens that passed every check are inserted, so a hit needs no
 * signature check. Thread-safe: look-ups share a read-write lock, inserts and
 * removals take it alone.
 *
 * Layout: `capacity` slots; a token may live only in a small window of slots
 * starting at its hash, so lookups and inserts touch a fixed number of slots.
 * When the window is full, an expired entry is replaced first, otherwise the
 * one that expires soonest.
 */
#ifndef HEARTH_AUTH_CACHE_INTERNAL_H
#define HEARTH_AUTH_CACHE_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "hearth/auth.h"

struct hearth_auth_cache;

/* A cache of `capacity` tokens (0: lookups always miss, inserts do nothing).
 * Returns NULL when memory runs out. */
struct hearth_auth_cache *hearth_auth_cache_new(size_t capacity);
/* NULL is a no-op. */
void hearth_auth_cache_free(struct hearth_auth_cache *c);

enum hearth_cache_result {
	HEARTH_CACHE_MISS,
	HEARTH_CACHE_HIT,     /* *out filled */
	HEARTH_CACHE_EXPIRED, /* found, but `now` is past exp + leeway (entry dropped) */
	HEARTH_CACHE_EARLY,   /* found, but `now` is before nbf - leeway */
};

/* Look `token` up at `now`. Counts a hit for HIT, EXPIRED and EARLY, a miss
 * otherwise. */
enum hearth_cache_result hearth_auth_cache_get(struct hearth_auth_cache *c, const char *token,
					       time_t now, int leeway_s,
					       struct hearth_principal *out);

/* Remember a verified token. `not_before` is its nbf (or LLONG_MIN). Silently
 * does nothing when memory runs out: the cache is an optimisation. */
void hearth_auth_cache_put(struct hearth_auth_cache *c, const char *token,
			   const struct hearth_principal *p, long long not_before, time_t now,
			   int leeway_s);

void hearth_auth_cache_stats(struct hearth_auth_cache *c, unsigned long long *hits,
			     unsigned long long *misses);

#endif
