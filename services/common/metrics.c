/*
 * metrics.c - request counters and latency histograms in Prometheus text format.
 *
 * Every counter is an atomic, added to without a lock (relaxed: a counter
 * needs no order with anything else), so requests on different threads never
 * wait for each other here. A rendering reads each counter once; the count and
 * the +Inf bucket are summed from the buckets it read, so they always agree.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/util.h"
#include "metrics_internal.h"

static const double bucket_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
					0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define N_BUCKETS (HEARTH_ARRAY_SIZE(bucket_bounds))
#define MAX_STATUSES 16

struct status_count {
	atomic_int status; /* 0: free; claimed once by compare-and-swap */
	atomic_ullong count;
};

struct route_metrics {
	const char *route;
	const char *method;
	struct status_count statuses[MAX_STATUSES];
	/* Non-cumulative, summed when rendered; the last is above every bound. */
	atomic_ullong buckets[N_BUCKETS + 1];
	atomic_ullong sum_ns;
};

struct hearth_metrics {
	const char *service;
	size_t n;
	struct route_metrics *routes; /* n + 1 entries */
};

struct hearth_metrics *hearth_metrics_new(const char *service, const char *const *routes,
					  const char *const *methods, size_t n_routes)
{
	struct hearth_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->routes = calloc(n_routes + 1, sizeof(*m->routes));
	if (!m->routes) {
		free(m);
		return NULL;
	}
	m->service = service;
	m->n = n_routes;
	for (size_t i = 0; i < n_routes; i++) {
		m->routes[i].route = routes[i];
		m->routes[i].method = methods[i];
	}
	m->routes[n_routes].route = "unmatched";
	m->routes[n_routes].method = "any";
	return m;
}

void hearth_metrics_free(struct hearth_metrics *m)
{
	if (!m)
		return;
	free(m->routes);
	free(m);
}

void hearth_metrics_observe(struct hearth_metrics *m, size_t route_id, int status, double seconds)
{
	struct route_metrics *r;
	size_t b = 0;

	if (route_id > m->n)
		route_id = m->n;
	r = &m->routes[route_id];
	while (b < N_BUCKETS && seconds > bucket_bounds[b])
		b++;
	for (size_t i = 0; i < MAX_STATUSES; i++) {
		struct status_count *sc = &r->statuses[i];
		int seen = atomic_load_explicit(&sc->status, memory_order_acquire);

		if (seen == 0 && atomic_compare_exchange_strong(&sc->status, &seen, status))
			seen = status;
		if (seen == status) {
			atomic_fetch_add_explicit(&sc->count, 1, memory_order_relaxed);
			break;
		}
	}
	atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_ns,
				  seconds > 0 ? (unsigned long long)(seconds * 1e9) : 0,
				  memory_order_relaxed);
}

static int render_route(struct hearth_buf *out, const char *service, struct route_metrics *r)
{
	unsigned long long cumulative = 0, count = 0, buckets[N_BUCKETS + 1];
	double sum;
	int rc = 0;

	for (size_t i = 0; i < MAX_STATUSES; i++) {
		int status = atomic_load(&r->statuses[i].status);

		if (!status)
			break;
		rc |= hearth_buf_printf(out,
			"hearth_http_requests_total{service=\"%s\",route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
			service, r->route, r->method, status, atomic_load(&r->statuses[i].count));
	}
	for (size_t b = 0; b <= N_BUCKETS; b++) {
		buckets[b] = atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
		count += buckets[b];
	}
	if (count == 0)
		return rc;
	sum = (double)atomic_load_explicit(&r->sum_ns, memory_order_relaxed) / 1e9;
	for (size_t b = 0; b < N_BUCKETS; b++) {
		cumulative += buckets[b];
		rc |= hearth_buf_printf(out,
			"hearth_http_request_duration_seconds_bucket{service=\"%s\",route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
			service, r->route, r->method, bucket_bounds[b], cumulative);
	}
	rc |= hearth_buf_printf(out,
		"hearth_http_request_duration_seconds_bucket{service=\"%s\",route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n"
		"hearth_http_request_duration_seconds_sum{service=\"%s\",route=\"%s\",method=\"%s\"} %.6f\n"
		"hearth_http_request_duration_seconds_count{service=\"%s\",route=\"%s\",method=\"%s\"} %llu\n",
		service, r->route, r->method, count, service, r->route, r->method, sum,
		service, r->route, r->method, count);
	return rc;
}

char *hearth_metrics_render(struct hearth_metrics *m, const struct hearth_db_stats *pool,
			    unsigned long long auth_hits, unsigned long long auth_misses,
			    long in_flight)
{
	struct hearth_buf out = HEARTH_BUF_INIT(8u << 20);
	int rc = 0;

	rc |= hearth_buf_addstr(&out,
		"# HELP hearth_http_requests_total Requests answered, by route template, method and status.\n"
		"# TYPE hearth_http_requests_total counter\n"
		"# HELP hearth_http_request_duration_seconds Time from request to response.\n"
		"# TYPE hearth_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m->n; i++)
		rc |= render_route(&out, m->service, &m->routes[i]);
	rc |= hearth_buf_printf(&out,
		"# TYPE hearth_db_pool_size gauge\nhearth_db_pool_size{service=\"%s\"} %d\n"
		"# TYPE hearth_db_pool_open gauge\nhearth_db_pool_open{service=\"%s\"} %d\n"
		"# TYPE hearth_db_pool_in_use gauge\nhearth_db_pool_in_use{service=\"%s\"} %d\n"
		"# TYPE hearth_db_pool_waiting gauge\nhearth_db_pool_waiting{service=\"%s\"} %d\n"
		"# TYPE hearth_db_pool_acquired_total counter\nhearth_db_pool_acquired_total{service=\"%s\"} %llu\n"
		"# TYPE hearth_db_pool_timeouts_total counter\nhearth_db_pool_timeouts_total{service=\"%s\"} %llu\n"
		"# TYPE hearth_db_pool_resets_total counter\nhearth_db_pool_resets_total{service=\"%s\"} %llu\n"
		"# TYPE hearth_auth_cache_hits_total counter\nhearth_auth_cache_hits_total{service=\"%s\"} %llu\n"
		"# TYPE hearth_auth_cache_misses_total counter\nhearth_auth_cache_misses_total{service=\"%s\"} %llu\n"
		"# TYPE hearth_http_in_flight gauge\nhearth_http_in_flight{service=\"%s\"} %ld\n",
		m->service, pool->size, m->service, pool->open, m->service, pool->in_use,
		m->service, pool->waiting, m->service, pool->acquired, m->service, pool->timeouts,
		m->service, pool->resets, m->service, auth_hits, m->service, auth_misses,
		m->service, in_flight);
	if (rc) {
		hearth_buf_release(&out);
		return NULL;
	}
	return hearth_buf_take(&out, NULL);
}
