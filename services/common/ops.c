/*
 * ops.c - /healthz (process up), /readyz (database reachable and not draining)
 * and /metrics (Prometheus). Public routes; the gateway does not publish /metrics.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime_internal.h"

void hearth_ops_healthz(struct hearth_request *req)
{
	hearth_respond_json_text(req, 200, "{\"status\":\"ok\"}");
}

void hearth_ops_readyz(struct hearth_request *req)
{
	struct hearth_runtime *rt = hearth_runtime_of(req);
	struct hearth_problem p;

	if (atomic_load(&rt->draining)) {
		hearth_problem_clear(&p);
		hearth_problem_set(&p, 503, "unavailable", "The service is shutting down.");
		p.retry_after = 1;
		hearth_respond_problem(req, &p);
		return;
	}
	if (hearth_db_ping(rt->pool) != 0) {
		hearth_problem_clear(&p);
		hearth_problem_set(&p, 503, "unavailable", "The database is not reachable.");
		p.retry_after = 2;
		hearth_respond_problem(req, &p);
		return;
	}
	hearth_respond_json_text(req, 200, "{\"status\":\"ready\",\"database\":\"ok\"}");
}

void hearth_ops_metrics(struct hearth_request *req)
{
	struct hearth_runtime *rt = hearth_runtime_of(req);
	struct hearth_db_stats stats;
	unsigned long long hits = 0, misses = 0;
	char *text;

	hearth_db_pool_stats(rt->pool, &stats);
	hearth_verifier_cache_stats(rt->verifier, &hits, &misses);
	text = hearth_metrics_render(rt->metrics, &stats, hits, misses, atomic_load(&rt->in_flight));
	if (!text) {
		hearth_respond_error(req, 503, "unavailable", "Metrics could not be rendered.");
		return;
	}
	hearth_respond_body(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
	free(text);
}
