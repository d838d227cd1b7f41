/*
 * config.h - service configuration from HEARTH_* environment variables.
 *
 * Every setting is validated at start. Each missing or invalid one is reported on
 * its own line ("config: HEARTH_DB_POOL_SIZE must be an integer from 1 to 256, got
 * \"abc\"") and loading fails, so the process exits non-zero before serving.
 * Strings point into the environment (or static defaults) and live as long as it.
 *
 * Settings (default in brackets; * = required):
 *   HEARTH_LISTEN_ADDR [127.0.0.1]  HEARTH_PORT*  (1-65535)
 *   HEARTH_DATABASE_URL*  libpq conninfo or postgresql:// URI
 *   HEARTH_DB_POOL_SIZE [8] HEARTH_DB_ACQUIRE_TIMEOUT_MS [2000]
 *   HEARTH_DB_STATEMENT_TIMEOUT_MS [5000]  (the server cancels a statement past it)
 *   HEARTH_DB_CONNECT_TIMEOUT_S [3]  (2-60; connecting, resetting, the readiness ping)
 *   HEARTH_DB_QUERY_TIMEOUT_MS [0 = statement timeout + 1000]  (the client's own
 *   deadline for every answer of the server; see hearth/db.h)
 *   HEARTH_JWT_KEYS_FILE*  HEARTH_JWT_PEM_KID [dev]  HEARTH_JWT_ISSUER*  HEARTH_JWT_AUDIENCE*
 *   HEARTH_JWT_LEEWAY_S [30]  HEARTH_JWT_CLAIM_TENANT [tenant]  HEARTH_JWT_CLAIM_ORG [org]
 *   HEARTH_JWT_CLAIM_ROLES [roles]  HEARTH_JWT_CLAIM_SUB [sub]  HEARTH_JWT_CACHE_SIZE [10000]
 *   HEARTH_CURSOR_SECRET*  (at least 16 characters)
 *   HEARTH_MAX_BODY_BYTES [1048576]  HEARTH_BATCH_MAX_BODY_BYTES [33554432]
 *   HEARTH_BATCH_CONCURRENCY_PER_TENANT [2]  HEARTH_BATCH_CONCURRENCY [4] (1-64; batches
 *     running at once per tenant and per process; past them 429 / 503 with Retry-After)
 *   HEARTH_CONNECTION_TIMEOUT_S [30]  HEARTH_MAX_CONNECTIONS [512]
 *   HEARTH_HTTP_THREADS [0 = HEARTH_DB_POOL_SIZE]  (HTTP worker threads, each an
 *     epoll loop over its connections running handlers inline; as many as
 *     pooled connections, so each worker finds one free without waiting)
 *   HEARTH_SLOW_THREADS [2]  (threads running slow routes: reports, batches)
 *   HEARTH_DRAIN_TIMEOUT_S [10]  HEARTH_LOG_LEVEL [info] (debug|info|warn|error)
 */
#ifndef HEARTH_CONFIG_H
#define HEARTH_CONFIG_H

#include <stdio.h>

struct hearth_config {
	const char *listen_addr;
	int port;
	const char *database_url;
	int db_pool_size;
	int db_acquire_timeout_ms;
	int db_statement_timeout_ms;
	int db_connect_timeout_s;
	int db_query_timeout_ms;
	const char *jwt_keys_file;
	const char *jwt_pem_kid;
	const char *jwt_issuer;
	const char *jwt_audience;
	int jwt_leeway_s;
	const char *jwt_claim_tenant;
	const char *jwt_claim_org;
	const char *jwt_claim_roles;
	const char *jwt_claim_sub;
	int jwt_cache_size;
	const char *cursor_secret;
	long max_body_bytes;
	long batch_max_body_bytes;
	int batch_concurrency_per_tenant;
	int batch_concurrency;
	int connection_timeout_s;
	int max_connections;
	int http_threads;
	int slow_threads;
	int drain_timeout_s;
	const char *log_level;
};

/* Source of variables: getenv in production, a table in tests. */
typedef const char *(*hearth_env_lookup)(const char *name, void *ctx);

/* Load and validate every setting. Returns 0, or the number of problems found,
 * each printed as one line on `errors`. */
int hearth_config_load(struct hearth_config *cfg, hearth_env_lookup lookup, void *ctx,
		       FILE *errors);

/* hearth_env_lookup over getenv(). */
const char *hearth_env_getenv(const char *name, void *ctx);

/* A service's own integer setting: `*out` keeps its default when `name` is
 * unset or empty. Returns 0, or -1 with the problem printed to `errors` in the
 * same words as above (a whole number from min to max). */
int hearth_config_env_long(const char *name, long min, long max, long *out, FILE *errors);

#endif
