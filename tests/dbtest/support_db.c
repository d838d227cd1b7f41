/*
 * support_db.c - the shared fixture of the database suites (support_db.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "support_db.h"

char admin_url[2048];
char service_url[2048];
const char *mig_root = ".";

const struct hearth_stmt_def stmts[] = {
	{ "probe_insert", "INSERT INTO probe (id, val) VALUES ($1::int, $2) RETURNING id", 2 },
	{ "probe_get", "SELECT current_setting('hearth.tenant_id') AS t, $1::text AS v", 1 },
	{ "probe_count", "SELECT count(*) FROM probe", 0 },
	{ "probe_snapshot", "SELECT pg_export_snapshot()", 0 },
	{ "probe_plan_mode", "SELECT current_setting('plan_cache_mode')", 0 },
	{ "probe_plans",
	  "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1", 1 },
	{ NULL, NULL, 0 },
};

const struct hearth_db_actor actor_a = { TENANT_A, ORG_A, "user-a", "commissioner", "req-a" };
const struct hearth_db_actor actor_b = { TENANT_B, ORG_B, "user-b", "viewer", "req-b" };

/* `base` with user and dbname replaced (when given), as a keyword conninfo. */
static void conninfo_with(const char *base, const char *user, const char *dbname, char *out,
			  size_t cap)
{
	PQconninfoOption *opts = PQconninfoParse(base, NULL);
	size_t n = 0;

	ck_assert_msg(opts != NULL, "cannot parse HEARTH_TEST_DATABASE_URL");
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *v = o->val;

		if (user && strcmp(o->keyword, "user") == 0)
			continue;
		if (dbname && strcmp(o->keyword, "dbname") == 0)
			continue;
		if (!v)
			continue;
		n += (size_t)snprintf(out + n, cap - n, "%s='", o->keyword);
		for (const char *c = v; *c && n < cap - 4; c++) {
			if (*c == '\'' || *c == '\\')
				out[n++] = '\\';
			out[n++] = *c;
		}
		n += (size_t)snprintf(out + n, cap - n, "' ");
	}
	if (user)
		n += (size_t)snprintf(out + n, cap - n, "user=%s ", user);
	if (dbname)
		snprintf(out + n, cap - n, "dbname=%s", dbname);
	PQconninfoFree(opts);
}

int db_tests_configured(void)
{
	const char *url = getenv("HEARTH_TEST_DATABASE_URL");
	const char *root = getenv("HEARTH_TEST_MIGRATIONS_ROOT");

	if (!url || !*url)
		return 0;
	if (root && *root)
		mig_root = root;
	snprintf(admin_url, sizeof(admin_url), "%s", url);
	return 1;
}

int db_run_suite(Suite *s, const char *name)
{
	SRunner *sr;
	int failed;

	if (!db_tests_configured()) {
		printf("%s: HEARTH_TEST_DATABASE_URL is not set; skipping (run tests/dbtest/test_db.sh)\n",
		       name);
		srunner_free(srunner_create(s)); /* frees the suite */
		return 0;
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void db_use_fresh_database(const char *dbname, int migrate)
{
	char maintenance[2048], sql[256];
	PGconn *c;
	PGresult *r;

	conninfo_with(getenv("HEARTH_TEST_DATABASE_URL"), NULL, "postgres", maintenance,
		      sizeof(maintenance));
	c = PQconnectdb(maintenance);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	conninfo_with(getenv("HEARTH_TEST_DATABASE_URL"), NULL, dbname, admin_url,
		      sizeof(admin_url));
	conninfo_with(getenv("HEARTH_TEST_DATABASE_URL"), "hearth_providers", dbname, service_url,
		      sizeof(service_url));
	if (migrate)
		ck_assert_int_eq(hearthctl_migrate(admin_url, mig_root, stderr), 0);
}

int do_migrate(FILE *out)
{
	return hearthctl_migrate(admin_url, mig_root, out);
}

struct hearth_db_pool *new_pool_timed(int size, int acquire_ms, int statement_ms,
					     int connect_s, int query_ms)
{
	struct hearth_db_config cfg = {
		.conninfo = service_url, .size = size, .acquire_timeout_ms = acquire_ms,
		.statement_timeout_ms = statement_ms, .connect_timeout_s = connect_s,
		.query_timeout_ms = query_ms, .application_name = "hearth-dbtest",
		.search_path = "providers, public",
	};
	struct hearth_db_pool *pool = NULL;

	ck_assert_int_eq(hearth_db_pool_new(&cfg, stmts, &pool), 0);
	return pool;
}

struct hearth_db_pool *new_pool(int size, int acquire_ms)
{
	return new_pool_timed(size, acquire_ms, 3000, 0, 0);
}

PGconn *admin_conn(void)
{
	PGconn *c = PQconnectdb(admin_url);

	ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
	return c;
}

char *admin_value(const char *sql)
{
	PGconn *c = admin_conn();
	PGresult *r = PQexec(c, sql);
	char *v;

	ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
	v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

char *run_capture(int (*fn)(FILE *), int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	*rc = fn(out);
	fclose(out);
	return text;
}
