/*
 * metrics_internal.h - private to the runtime: Prometheus counters for one service.
 *
 * Requests are counted by route template, method and status, and their latency
 * goes into a fixed-bucket histogram per route. Thread-safe without a lock
 * (atomic counters): observing never makes one request wait for another.
 */
#ifndef HEARTH_METRICS_INTERNAL_H
#define HEARTH_METRICS_INTERNAL_H

#include <stddef.h>
#include "hearth/db.h"

struct hearth_metrics;

/* `routes` are the template strings to pre-register (index = route id); the
 * last id (n_routes) is used for unmatched requests. NULL when out of memory. */
struct hearth_metrics *hearth_metrics_new(const char *service, const char *const *routes,
					  const char *const *methods, size_t n_routes);
/* NULL is a no-op. */
void hearth_metrics_free(struct hearth_metrics *m);

void hearth_metrics_observe(struct hearth_metrics *m, size_t route_id, int status,
			    double seconds);

/* Render the text exposition format (version 0.0.4), pool and auth-cache
 * figures included. Returns malloc'd text or NULL. */
char *hearth_metrics_render(struct hearth_metrics *m, const struct hearth_db_stats *pool,
			    unsigned long long auth_hits, unsigned long long auth_misses,
			    long in_flight);

#endif
