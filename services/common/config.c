/*
 * config.c - HEARTH_* settings: one table of specs, every problem reported.
 *
 * Why a table: the same description drives parsing, defaults, range checks and
 * the one-line error messages, so a new setting is one row, not four edits.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/config.h"
#include "hearth/util.h"

enum cfg_kind { CFG_STR, CFG_INT, CFG_LONG, CFG_FILE, CFG_SECRET, CFG_LEVEL };

struct cfg_spec {
	const char *env;
	enum cfg_kind kind;
	size_t offset;
	const char *fallback; /* NULL = required */
	long min, max;
};

#define STR(e, f, d)  { e, CFG_STR, offsetof(struct hearth_config, f), d, 0, 0 }
#define INT(e, f, d, lo, hi) { e, CFG_INT, offsetof(struct hearth_config, f), d, lo, hi }
#define LNG(e, f, d, lo, hi) { e, CFG_LONG, offsetof(struct hearth_config, f), d, lo, hi }

static const struct cfg_spec specs[] = {
	STR("HEARTH_LISTEN_ADDR", listen_addr, "127.0.0.1"),
	INT("HEARTH_PORT", port, NULL, 1, 65535),
	STR("HEARTH_DATABASE_URL", database_url, NULL),
	INT("HEARTH_DB_POOL_SIZE", db_pool_size, "8", 1, 256),
	INT("HEARTH_DB_ACQUIRE_TIMEOUT_MS", db_acquire_timeout_ms, "2000", 1, 60000),
	INT("HEARTH_DB_STATEMENT_TIMEOUT_MS", db_statement_timeout_ms, "5000", 1, 600000),
	INT("HEARTH_DB_CONNECT_TIMEOUT_S", db_connect_timeout_s, "3", 2, 60),
	/* 0: the statement timeout plus a second, for the server to say so. */
	INT("HEARTH_DB_QUERY_TIMEOUT_MS", db_query_timeout_ms, "0", 0, 660000),
	{ "HEARTH_JWT_KEYS_FILE", CFG_FILE, offsetof(struct hearth_config, jwt_keys_file), NULL, 0, 0 },
	STR("HEARTH_JWT_PEM_KID", jwt_pem_kid, "dev"),
	STR("HEARTH_JWT_ISSUER", jwt_issuer, NULL),
	STR("HEARTH_JWT_AUDIENCE", jwt_audience, NULL),
	INT("HEARTH_JWT_LEEWAY_S", jwt_leeway_s, "30", 0, 600),
	STR("HEARTH_JWT_CLAIM_TENANT", jwt_claim_tenant, "tenant"),
	STR("HEARTH_JWT_CLAIM_ORG", jwt_claim_org, "org"),
	STR("HEARTH_JWT_CLAIM_ROLES", jwt_claim_roles, "roles"),
	STR("HEARTH_JWT_CLAIM_SUB", jwt_claim_sub, "sub"),
	INT("HEARTH_JWT_CACHE_SIZE", jwt_cache_size, "10000", 0, 1000000),
	{ "HEARTH_CURSOR_SECRET", CFG_SECRET, offsetof(struct hearth_config, cursor_secret), NULL, 16, 4096 },
	LNG("HEARTH_MAX_BODY_BYTES", max_body_bytes, "1048576", 1024, 1073741824L),
	LNG("HEARTH_BATCH_MAX_BODY_BYTES", batch_max_body_bytes, "33554432", 1024, 1073741824L),
	INT("HEARTH_BATCH_CONCURRENCY_PER_TENANT", batch_concurrency_per_tenant, "2", 1, 64),
	INT("HEARTH_BATCH_CONCURRENCY", batch_concurrency, "4", 1, 64),
	INT("HEARTH_CONNECTION_TIMEOUT_S", connection_timeout_s, "30", 1, 3600),
	INT("HEARTH_MAX_CONNECTIONS", max_connections, "512", 1, 65536),
	INT("HEARTH_HTTP_THREADS", http_threads, "0", 0, 256),
	INT("HEARTH_SLOW_THREADS", slow_threads, "2", 1, 64),
	INT("HEARTH_DRAIN_TIMEOUT_S", drain_timeout_s, "10", 0, 600),
	{ "HEARTH_LOG_LEVEL", CFG_LEVEL, offsetof(struct hearth_config, log_level), "info", 0, 0 },
};

const char *hearth_env_getenv(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static int parse_long(const char *text, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int hearth_config_env_long(const char *name, long min, long max, long *out, FILE *errors)
{
	const char *text = getenv(name);
	long v;

	if (!text || !*text)
		return 0;
	if (parse_long(text, &v) != 0 || v < min || v > max) {
		fprintf(errors, "config: %s must be an integer from %ld to %ld, got \"%s\"\n", name,
			min, max, text);
		return -1;
	}
	*out = v;
	return 0;
}

/* Apply one spec; returns 0 or 1 (one problem, already printed). */
static int load_one(const struct cfg_spec *s, const char *value, struct hearth_config *cfg,
		    FILE *errors)
{
	char *field = (char *)cfg + s->offset;
	long n;

	switch (s->kind) {
	case CFG_STR:
		*(const char **)field = value;
		return 0;
	case CFG_FILE:
		if (access(value, R_OK) != 0) {
			fprintf(errors, "config: %s must name a readable file, got \"%s\"\n", s->env, value);
			return 1;
		}
		*(const char **)field = value;
		return 0;
	case CFG_SECRET:
		if ((long)strlen(value) < s->min || (long)strlen(value) > s->max) {
			fprintf(errors, "config: %s must be %ld to %ld characters long\n", s->env, s->min, s->max);
			return 1;
		}
		*(const char **)field = value;
		return 0;
	case CFG_LEVEL:
		if (strcmp(value, "debug") && strcmp(value, "info") && strcmp(value, "warn") &&
		    strcmp(value, "error")) {
			fprintf(errors, "config: %s must be one of debug, info, warn, error, got \"%s\"\n",
				s->env, value);
			return 1;
		}
		*(const char **)field = value;
		return 0;
	case CFG_INT:
	case CFG_LONG:
		if (parse_long(value, &n) != 0 || n < s->min || n > s->max) {
			fprintf(errors, "config: %s must be an integer from %ld to %ld, got \"%s\"\n",
				s->env, s->min, s->max, value);
			return 1;
		}
		if (s->kind == CFG_INT)
			*(int *)field = (int)n;
		else
			*(long *)field = n;
		return 0;
	}
	return 0;
}

int hearth_config_load(struct hearth_config *cfg, hearth_env_lookup lookup, void *ctx,
		       FILE *errors)
{
	int problems = 0;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < HEARTH_ARRAY_SIZE(specs); i++) {
		const struct cfg_spec *s = &specs[i];
		const char *value = lookup(s->env, ctx);

		/* Unset and empty mean the same: compose files pass "" for "not given". */
		if (value == NULL || *value == '\0') {
			if (s->fallback == NULL) {
				fprintf(errors, "config: %s is required but not set\n", s->env);
				problems++;
				continue;
			}
			value = s->fallback;
		}
		problems += load_one(s, value, cfg, errors);
	}
	/* Only when both are valid: an invalid one was reported already (and is 0). */
	if (cfg->batch_concurrency > 0 && cfg->batch_concurrency_per_tenant > cfg->batch_concurrency) {
		fprintf(errors, "config: HEARTH_BATCH_CONCURRENCY_PER_TENANT (%d) must not exceed "
			"HEARTH_BATCH_CONCURRENCY (%d)\n", cfg->batch_concurrency_per_tenant,
			cfg->batch_concurrency);
		problems++;
	}
	return problems;
}
