/*
 * auth_cache.c - bounded cache of verified tokens (see auth_cache_internal.h).
 *
 * A read-write lock: look-ups (nearly every request, mostly of the same few
 * tokens) share it and run side by side; inserts and the removal of an
 * expired entry take it alone. The hit and miss counters are atomics, so a
 * look-up writes nothing shared under the lock.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_cache_internal.h"

/* Slots searched per token. Small and fixed, so cost does not grow with size. */
#define WINDOW 8

struct entry {
	char *token; /* NULL: free slot */
	uint64_t hash;
	long long not_before;
	struct hearth_principal p;
};

struct hearth_auth_cache {
	pthread_rwlock_t lock;
	struct entry *slots;
	size_t capacity;
	atomic_ullong hits, misses;
};

/* FNV-1a. Not keyed: only tokens that verified are ever inserted, so a caller
 * cannot flood one window without holding many valid tokens. */
static uint64_t hash_token(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static size_t window_len(const struct hearth_auth_cache *c)
{
	return c->capacity < WINDOW ? c->capacity : WINDOW;
}

static long long deadline(long long t, int leeway_s)
{
	return t > LLONG_MAX - leeway_s ? LLONG_MAX : t + leeway_s;
}

static void clear_slot(struct entry *e)
{
	free(e->token);
	memset(e, 0, sizeof(*e));
}

struct hearth_auth_cache *hearth_auth_cache_new(size_t capacity)
{
	struct hearth_auth_cache *c = calloc(1, sizeof(*c));
	pthread_rwlockattr_t attr;

	if (c == NULL)
		return NULL;
	if (capacity > 0) {
		c->slots = calloc(capacity, sizeof(*c->slots));
		if (c->slots == NULL) {
			free(c);
			return NULL;
		}
	}
	c->capacity = capacity;
	/* Writers first: a steady stream of look-ups must not starve an insert. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&c->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return c;
}

void hearth_auth_cache_free(struct hearth_auth_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->capacity; i++)
		free(c->slots[i].token);
	free(c->slots);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

/* The slot holding `token`, or NULL. Caller holds the lock. */
static struct entry *find(struct hearth_auth_cache *c, const char *token, uint64_t h)
{
	size_t i, n = window_len(c);

	for (i = 0; i < n; i++) {
		struct entry *e = &c->slots[(h + i) % c->capacity];

		if (e->token != NULL && e->hash == h && strcmp(e->token, token) == 0)
			return e;
	}
	return NULL;
}

/* Remove `token`'s entry if it has expired by `now` (under the write lock: a
 * thread may have replaced it since the reader saw it). */
static void drop_expired(struct hearth_auth_cache *c, const char *token, uint64_t h, time_t now,
			 int leeway_s)
{
	struct entry *e;

	pthread_rwlock_wrlock(&c->lock);
	e = find(c, token, h);
	if (e != NULL && (long long)now > deadline(e->p.expires_at, leeway_s))
		clear_slot(e);
	pthread_rwlock_unlock(&c->lock);
}

enum hearth_cache_result hearth_auth_cache_get(struct hearth_auth_cache *c, const char *token,
					       time_t now, int leeway_s,
					       struct hearth_principal *out)
{
	enum hearth_cache_result r = HEARTH_CACHE_MISS;
	struct entry *e;
	uint64_t h;

	if (c == NULL)
		return HEARTH_CACHE_MISS;
	h = hash_token(token);
	pthread_rwlock_rdlock(&c->lock);
	e = c->capacity > 0 ? find(c, token, h) : NULL;
	if (e == NULL) {
		atomic_fetch_add_explicit(&c->misses, 1, memory_order_relaxed);
		goto out;
	}
	atomic_fetch_add_explicit(&c->hits, 1, memory_order_relaxed);
	if ((long long)now > deadline(e->p.expires_at, leeway_s)) {
		r = HEARTH_CACHE_EXPIRED;
	} else if (e->not_before != LLONG_MIN && deadline(now, leeway_s) < e->not_before) {
		/* Only reachable if the clock went back since the token was cached. */
		r = HEARTH_CACHE_EARLY;
	} else {
		*out = e->p;
		r = HEARTH_CACHE_HIT;
	}
out:
	pthread_rwlock_unlock(&c->lock);
	if (r == HEARTH_CACHE_EXPIRED)
		drop_expired(c, token, h, now, leeway_s);
	return r;
}

void hearth_auth_cache_put(struct hearth_auth_cache *c, const char *token,
			   const struct hearth_principal *p, long long not_before, time_t now,
			   int leeway_s)
{
	struct entry *e, *victim = NULL;
	size_t i, n;
	uint64_t h;
	char *copy;

	if (c == NULL || c->capacity == 0)
		return;
	h = hash_token(token);
	copy = strdup(token);
	if (copy == NULL)
		return;
	pthread_rwlock_wrlock(&c->lock);
	/* Two threads may verify the same new token at once: keep one entry. */
	e = find(c, token, h);
	if (e != NULL) {
		free(copy);
		goto out;
	}
	n = window_len(c);
	for (i = 0; i < n; i++) {
		e = &c->slots[(h + i) % c->capacity];
		if (e->token == NULL || (long long)now > deadline(e->p.expires_at, leeway_s)) {
			victim = e;
			break;
		}
		if (victim == NULL || e->p.expires_at < victim->p.expires_at)
			victim = e;
	}
	clear_slot(victim);
	victim->token = copy;
	victim->hash = h;
	victim->not_before = not_before;
	victim->p = *p;
out:
	pthread_rwlock_unlock(&c->lock);
}

void hearth_auth_cache_stats(struct hearth_auth_cache *c, unsigned long long *hits,
			     unsigned long long *misses)
{
	unsigned long long h = 0, m = 0;

	if (c != NULL) {
		h = atomic_load(&c->hits);
		m = atomic_load(&c->misses);
	}
	if (hits != NULL)
		*hits = h;
	if (misses != NULL)
		*misses = m;
}
