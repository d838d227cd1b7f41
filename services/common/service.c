/*
 * service.c - start a service, serve until SIGTERM/SIGINT, drain, stop. The
 * HTTP server and its threading are in http_server.c.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/util.h"
#include "runtime_internal.h"
#include "stmt_check_internal.h"

static struct hearth_runtime *current_runtime;

struct hearth_runtime *hearth_runtime_of(const struct hearth_request *req)
{
	(void)req;
	return current_runtime;
}

static const struct hearth_route ops_routes[] = {
	{ "GET", "/healthz", hearth_ops_healthz, HEARTH_ROUTE_PUBLIC, 0, NULL, NULL },
	{ "GET", "/readyz", hearth_ops_readyz, HEARTH_ROUTE_PUBLIC, 0, NULL, NULL },
	{ "GET", "/metrics", hearth_ops_metrics, HEARTH_ROUTE_PUBLIC, 0, NULL, NULL },
};
#define N_OPS (HEARTH_ARRAY_SIZE(ops_routes))

/* The runtime's route table: ops first, then the service's, NULL-terminated. */
static int build_routes(struct hearth_runtime *rt)
{
	size_t n = 0;
	const char **names = NULL, **methods = NULL;
	int rc = -1;

	while (rt->def->routes[n].method)
		n++;
	rt->n_routes = N_OPS + n;
	rt->routes = calloc(rt->n_routes + 1, sizeof(*rt->routes));
	names = calloc(rt->n_routes, sizeof(*names));
	methods = calloc(rt->n_routes, sizeof(*methods));
	if (!rt->routes || !names || !methods)
		goto out;
	memcpy(rt->routes, ops_routes, sizeof(ops_routes));
	memcpy(rt->routes + N_OPS, rt->def->routes, n * sizeof(*rt->routes));
	for (size_t i = 0; i < rt->n_routes; i++) {
		const struct hearth_route *r = &rt->routes[i];

		/* "Any role" must be said (HEARTH_ROLES_ANY): a forgotten mask would
		 * otherwise serve tokens that carry no role at all. */
		if (!(r->flags & HEARTH_ROUTE_PUBLIC) && (r->roles & HEARTH_ROLES_ANY) == 0) {
			hearth_log(HEARTH_LOG_ERROR, "route %s %s names no role", r->method, r->path);
			goto out;
		}
	}
	for (size_t i = 0; i < rt->n_routes; i++) {
		names[i] = rt->routes[i].path;
		methods[i] = rt->routes[i].method;
	}
	rt->metrics = hearth_metrics_new(rt->def->name, names, methods, rt->n_routes);
	rc = rt->metrics ? 0 : -1;
out:
	free(names);
	free(methods);
	return rc;
}

/* The pool prepares one table; services keep one table per repo file. */
static int flatten_statements(struct hearth_runtime *rt)
{
	size_t n = 0, k = 0;

	for (const struct hearth_stmt_def *const *t = rt->def->stmt_tables; t && *t; t++)
		for (const struct hearth_stmt_def *s = *t; s->name; s++)
			n++;
	rt->stmts = calloc(n + 1, sizeof(*rt->stmts));
	if (!rt->stmts)
		return -1;
	for (const struct hearth_stmt_def *const *t = rt->def->stmt_tables; t && *t; t++)
		for (const struct hearth_stmt_def *s = *t; s->name; s++)
			rt->stmts[k++] = *s;
	return 0;
}

static int check_statements(struct hearth_runtime *rt)
{
	char err[512] = "";

	if (hearth_stmt_check(rt->stmts, rt->def->routes, err, sizeof(err)) == 0)
		return 0;
	hearth_log(HEARTH_LOG_ERROR, "statements: %s", err);
	return -1;
}

static int open_dependencies(struct hearth_runtime *rt)
{
	char err[256] = "";
	struct hearth_db_config dbc = {
		.conninfo = rt->cfg.database_url,
		.size = rt->cfg.db_pool_size,
		.acquire_timeout_ms = rt->cfg.db_acquire_timeout_ms,
		.statement_timeout_ms = rt->cfg.db_statement_timeout_ms,
		.connect_timeout_s = rt->cfg.db_connect_timeout_s,
		.query_timeout_ms = rt->cfg.db_query_timeout_ms,
		.application_name = rt->def->name,
		.search_path = rt->def->search_path,
	};
	struct hearth_auth_config ac = {
		.keys_file = rt->cfg.jwt_keys_file,
		.pem_kid = rt->cfg.jwt_pem_kid,
		.issuer = rt->cfg.jwt_issuer,
		.audience = rt->cfg.jwt_audience,
		.leeway_s = rt->cfg.jwt_leeway_s,
		.claim_tenant = rt->cfg.jwt_claim_tenant,
		.claim_org = rt->cfg.jwt_claim_org,
		.claim_roles = rt->cfg.jwt_claim_roles,
		.claim_sub = rt->cfg.jwt_claim_sub,
		.cache_capacity = (size_t)rt->cfg.jwt_cache_size,
	};

	if (hearth_verifier_new(&ac, &rt->verifier, err, sizeof(err)) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "config: HEARTH_JWT_KEYS_FILE: %s", err);
		return -1;
	}
	if (hearth_db_pool_new(&dbc, rt->stmts, &rt->pool) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "config: HEARTH_DATABASE_URL: the pool could not be created");
		return -1;
	}
	rt->batch_slots = hearth_batch_slots_new(rt->cfg.batch_concurrency_per_tenant,
						 rt->cfg.batch_concurrency);
	if (!rt->batch_slots)
		return -1;
	return build_routes(rt);
}

static int start_server(struct hearth_runtime *rt, struct sockaddr_in *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)rt->cfg.port);
	if (inet_pton(AF_INET, rt->cfg.listen_addr, &addr->sin_addr) != 1) {
		hearth_log(HEARTH_LOG_ERROR, "config: HEARTH_LISTEN_ADDR must be an IPv4 address, got \"%s\"",
			   rt->cfg.listen_addr);
		return -1;
	}
	if (hearth_http_start(rt, addr) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "could not listen on %s:%d", rt->cfg.listen_addr, rt->cfg.port);
		return -1;
	}
	return 0;
}

/* Stop accepting, let in-flight requests finish (bounded), then stop. Answers
 * given meanwhile close their connections (http_server.c). */
static void drain(struct hearth_runtime *rt)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	long waited_ms = 0, limit_ms = rt->cfg.drain_timeout_s * 1000L;

	atomic_store(&rt->draining, 1);
	/* Workers finish what they hold while the requests do. */
	hearth_workers_request_stop(rt->workers);
	hearth_http_quiesce(rt);
	while (atomic_load(&rt->in_flight) > 0 && waited_ms < limit_ms) {
		nanosleep(&pause, NULL);
		waited_ms += 20;
	}
	hearth_log(HEARTH_LOG_INFO, "drained after %ld ms, %ld request(s) still in flight", waited_ms,
		   atomic_load(&rt->in_flight));
	hearth_http_stop(rt);
	hearth_workers_stop(rt->workers);
	rt->workers = NULL;
}

static int start_workers(struct hearth_runtime *rt)
{
	struct hearth_worker_env env = { .pool = rt->pool, .conninfo = rt->cfg.database_url };

	if (!rt->def->workers)
		return 0;
	rt->workers = hearth_workers_start(rt->def->workers, &env);
	return rt->workers ? 0 : -1;
}

static void release(struct hearth_runtime *rt)
{
	/* Before the pool: a worker may still hold a connection. */
	hearth_workers_stop(rt->workers);
	hearth_batch_slots_free(rt->batch_slots);
	hearth_metrics_free(rt->metrics);
	hearth_db_pool_free(rt->pool);
	hearth_verifier_free(rt->verifier);
	free(rt->routes);
	free(rt->stmts);
}

int hearth_service_main(const struct hearth_service_def *def, int argc, char **argv)
{
	struct hearth_runtime rt;
	struct sockaddr_in addr;
	sigset_t stop_signals;
	int sig = 0, status = 1;

	(void)argc;
	(void)argv;
	memset(&rt, 0, sizeof(rt));
	rt.def = def;
	current_runtime = &rt;
	hearth_log_init(def->name, getenv("HEARTH_LOG_LEVEL"));
	/* The C code and the SQL must agree before anything else is done: a
	 * misspelt statement stops the start, not the first request. */
	if (flatten_statements(&rt) != 0 || check_statements(&rt) != 0) {
		release(&rt);
		current_runtime = NULL;
		return 1;
	}
	if (hearth_config_load(&rt.cfg, hearth_env_getenv, NULL, stderr) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "configuration is not valid; see the lines above");
		release(&rt);
		current_runtime = NULL;
		return 1;
	}
	hearth_log_init(def->name, rt.cfg.log_level);

	/* Block the stop signals in every thread; this one waits for them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A fixed mmap threshold: glibc would otherwise raise it to the size of the
	 * largest block freed, and keep later request bodies on its heap. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (open_dependencies(&rt) != 0 || start_server(&rt, &addr) != 0)
		goto out;
	if (start_workers(&rt) != 0) {
		hearth_http_stop(&rt);
		goto out;
	}
	hearth_log(HEARTH_LOG_INFO, "listening on %s:%d", rt.cfg.listen_addr, rt.cfg.port);
	sigwait(&stop_signals, &sig);
	hearth_log(HEARTH_LOG_INFO, "signal %d: draining", sig);
	drain(&rt);
	status = 0;
out:
	release(&rt);
	current_runtime = NULL;
	return status;
}
