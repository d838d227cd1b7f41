/*
 * test_db_pool.c - the database layer against a real PostgreSQL: migrations,
 * roles and grants, the pool, pipelined transactions, RLS context, audit,
 * outbox and idempotency.
 *
 * Needs HEARTH_TEST_DATABASE_URL (an admin conninfo or URI of an empty database)
 * and HEARTH_TEST_MIGRATIONS_ROOT (a tree with services/common/migrations and a
 * services/providers/migrations/001_probe.sql creating the `probe` table, see
 * test_db.sh). HEARTH_TEST_PG_STOP / HEARTH_TEST_PG_START are shell commands
 * that stop and start the server, for the outage test; HEARTH_TEST_PG_PAUSE /
 * HEARTH_TEST_PG_RESUME pause and resume it (SIGSTOP/SIGCONT), for the
 * deadline test. Without the URL the
 * whole suite is skipped. Tests run in order: the first one migrates.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/audit.h"
#include "hearth/db.h"
#include "hearth/idempotency.h"
#include "hearth/outbox.h"
#include "admin.h"

#define TENANT_A "11111111-1111-4111-8111-111111111111"
#define TENANT_B "22222222-2222-4222-8222-222222222222"
#define ORG_A "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define ORG_B "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
#define ORG_CLOSED_A "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
#define ORG_TEAM_A "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"

static const char *admin_url;
static const char *mig_root;
static char service_url[2048];

static const struct hearth_stmt_def stmts[] = {
	{ "probe_insert", "INSERT INTO probe (id, val) VALUES ($1::int, $2) RETURNING id", 2 },
	{ "probe_get", "SELECT current_setting('hearth.tenant_id') AS t, $1::text AS v", 1 },
	{ "probe_count", "SELECT count(*) FROM probe", 0 },
	{ NULL, NULL, 0 },
};

static const struct hearth_db_actor actor_a = { TENANT_A, ORG_A, "user-a", "commissioner",
						"req-a" };
static const struct hearth_db_actor actor_b = { TENANT_B, ORG_B, "user-b", "viewer", "req-b" };

/* The admin conninfo with the user swapped for the service role. */
static void build_service_url(void)
{
	PQconninfoOption *opts = PQconninfoParse(admin_url, NULL);
	size_t n = 0;

	if (!opts) {
		fprintf(stderr, "test_db_pool: cannot parse HEARTH_TEST_DATABASE_URL\n");
		exit(EXIT_FAILURE);
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || strcmp(o->keyword, "user") == 0)
			continue;
		n += (size_t)snprintf(service_url + n, sizeof(service_url) - n, "%s='", o->keyword);
		for (const char *c = o->val; *c && n < sizeof(service_url) - 4; c++) {
			if (*c == '\'' || *c == '\\')
				service_url[n++] = '\\';
			service_url[n++] = *c;
		}
		n += (size_t)snprintf(service_url + n, sizeof(service_url) - n, "' ");
	}
	snprintf(service_url + n, sizeof(service_url) - n, "user=hearth_providers");
	PQconninfoFree(opts);
}

static struct hearth_db_pool *new_pool_timed(int size, int acquire_ms, int statement_ms,
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

static struct hearth_db_pool *new_pool(int size, int acquire_ms)
{
	return new_pool_timed(size, acquire_ms, 3000, 0, 0);
}

static PGconn *admin_conn(void)
{
	PGconn *c = PQconnectdb(admin_url);

	ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
	return c;
}

static char *admin_value(const char *sql)
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

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static char *run_capture(int (*fn)(FILE *), int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	*rc = fn(out);
	fclose(out);
	return text;
}

static int do_migrate(FILE *out)
{
	return hearthctl_migrate(admin_url, mig_root, out);
}

START_TEST(migrate_applies_once_then_nothing)
{
	int rc;
	char *first = run_capture(do_migrate, &rc);
	char *second, *v;

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(first, "applied global 001_core"));
	ck_assert_ptr_nonnull(strstr(first, "applied providers:common 001_outbox_idempotency"));
	ck_assert_ptr_nonnull(strstr(first, "applied providers 001_probe"));
	second = run_capture(do_migrate, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(second, "nothing to apply: the database is up to date\n");
	v = admin_value("SELECT count(*) FROM hearth.schema_migrations WHERE "
			"(scope, version, name) IN (('global', 1, '001_core'), "
			"('providers', 1, '001_probe'), "
			"('providers:common', 1, '001_outbox_idempotency')) "
			"AND checksum ~ '^[0-9a-f]{64}$'");
	ck_assert_str_eq(v, "3");
	free(v);
	/* The service role owns nothing, so it cannot alter or drop its tables. */
	v = admin_value("SELECT count(*) FROM pg_tables WHERE tableowner = 'hearth_providers'");
	ck_assert_str_eq(v, "0");
	free(v);
	free(first);
	free(second);
}
END_TEST

START_TEST(migrate_refuses_a_changed_file)
{
	char dir[4096], path[4200];
	FILE *f;
	int rc;
	char *text;

	snprintf(dir, sizeof(dir), "%s/services/zcheck/migrations", mig_root);
	ck_assert_int_eq(system(NULL) != 0, 1);
	snprintf(path, sizeof(path), "mkdir -p '%s'", dir);
	ck_assert_int_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/001_t.sql", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("CREATE TABLE t (id int);\n", f);
	fclose(f);
	text = run_capture(do_migrate, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(text, "applied zcheck 001_t"));
	free(text);
	f = fopen(path, "a");
	fputs("-- edited\n", f);
	fclose(f);
	text = run_capture(do_migrate, &rc);
	ck_assert_int_eq(rc, 1);
	free(text);
	snprintf(path, sizeof(path), "rm -r '%s/services/zcheck'", mig_root);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static int tenant_rc;
static int do_tenant(FILE *out)
{
	struct hearth_tenant_request t = { .name = "Test Consortium", .slug = "test-consortium" };

	return hearthctl_tenant_create(admin_url, &t, out);
}
static int do_tenant_fixed(FILE *out)
{
	struct hearth_tenant_request t = { .name = "Fixed", .slug = "fixed-id", .id = TENANT_A,
					   .org_id = ORG_TEAM_A, .json = 1 };

	return hearthctl_tenant_create(admin_url, &t, out);
}

START_TEST(tenant_create_makes_the_tenant_and_its_team_and_refuses_a_taken_slug)
{
	struct hearth_tenant_request bad = { .name = "Bad", .slug = "Bad_Slug" };
	char *text = run_capture(do_tenant, &tenant_rc), *v;

	ck_assert_int_eq(tenant_rc, 0);
	/* "tenant <uuid>\norganisation <uuid> (consortium team)\n" */
	ck_assert_int_eq(strncmp(text, "tenant ", 7), 0);
	ck_assert_int_eq(strncmp(text + 7 + 36, "\norganisation ", 14), 0);
	free(text);
	text = run_capture(do_tenant, &tenant_rc);
	ck_assert_int_eq(tenant_rc, 1);
	ck_assert_str_eq(text, "");
	free(text);
	text = run_capture(do_tenant_fixed, &tenant_rc);
	ck_assert_int_eq(tenant_rc, 0);
	ck_assert_str_eq(text, "{\"tenant_id\": \"" TENANT_A "\", \"organisation_id\": \"" ORG_TEAM_A
			       "\"}\n");
	free(text);
	v = admin_value("SELECT kind || ' ' || name FROM providers.organisations "
			"WHERE id = '" ORG_TEAM_A "'");
	ck_assert_str_eq(v, "consortium Fixed");
	free(v);
	/* A refused tenant leaves nothing behind: no team organisation either. */
	v = admin_value("SELECT count(*) FROM providers.organisations o "
			"LEFT JOIN hearth.tenants t ON t.id = o.tenant_id WHERE t.id IS NULL "
			"AND o.kind = 'consortium'");
	ck_assert_str_eq(v, "0");
	free(v);
	ck_assert_int_eq(hearthctl_tenant_create(admin_url, &bad, stdout), 1);
}
END_TEST

/* The request context names an organisation; only an active organisation of
 * the request's tenant opens a transaction, checked in the same round trip. */
START_TEST(context_refuses_an_organisation_that_is_absent_foreign_or_closed)
{
	static const struct hearth_db_actor strangers[] = {
		{ TENANT_A, "dddddddd-dddd-4ddd-8ddd-dddddddddddd", "u", "commissioner", "r" },
		{ TENANT_A, ORG_B, "u", "commissioner", "r" },             /* another tenant's */
		{ TENANT_A, ORG_CLOSED_A, "u", "commissioner", "r" },      /* closed */
	};
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	PGresult *r;

	for (size_t i = 0; i < sizeof(strangers) / sizeof(strangers[0]); i++) {
		hearth_problem_clear(&p);
		r = hearth_db_read_statement(pool, &strangers[i], "probe_count", 0, NULL, &p);
		ck_assert_msg(r == NULL, "actor %zu was served", i);
		ck_assert_int_eq(p.status, 403);
		ck_assert_str_eq(p.sqlstate, "28000");
	}
	/* The refusal leaves the connection usable for the next request. */
	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(audit_rows_insert_but_never_change)
{
	struct hearth_db_pool *pool = new_pool(2, 1000);
	struct hearth_audit_entry e = { "POST", "/v1/providers", "provider", NULL, 201 };
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGconn *admin;
	PGresult *r;
	char *v;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_audit_queue(tx, &e, &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	v = admin_value("SELECT service || ' ' || tenant_id || ' ' || sub || ' ' || status "
			"FROM audit.events WHERE request_id = 'req-a'");
	ck_assert_str_eq(v, "hearth_providers " TENANT_A " user-a 201");
	free(v);

	static const char *const changes[] = { "UPDATE audit.events SET status = 500",
					       "DELETE FROM audit.events",
					       "TRUNCATE audit.events" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
		ck_assert_ptr_null(hearth_tx_query_sql(tx, changes[i], 0, NULL, &p));
		ck_assert_str_eq(p.sqlstate, "42501");
		ck_assert_int_eq(p.status, 500);
		ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
		hearth_tx_end(tx);
	}
	/* Even the owner is stopped by the triggers. */
	admin = admin_conn();
	for (size_t i = 0; i < 3; i++) {
		r = PQexec(admin, changes[i]);
		ck_assert_int_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
		PQclear(r);
	}
	PQfinish(admin);
	/* A service writes the trail of the request it serves only: not another
	 * tenant's, not another organisation's, not as another service. */
	static const char *const forged[] = {
		"INSERT INTO audit.events (tenant_id, org_id, method, path, status) "
		"VALUES ('" TENANT_B "', '" ORG_B "', 'GET', '/x', 200)",
		"INSERT INTO audit.events (tenant_id, org_id, method, path, status) "
		"VALUES ('" TENANT_A "', '" ORG_CLOSED_A "', 'GET', '/x', 200)",
		"INSERT INTO audit.events (service, tenant_id, org_id, method, path, status) "
		"VALUES ('hearth_placements', '" TENANT_A "', '" ORG_A "', 'GET', '/x', 200)",
		"SELECT count(*) FROM audit.events",
	};
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
		ck_assert_msg(hearth_tx_query_sql(tx, forged[i], 0, NULL, &p) == NULL,
			      "accepted: %s", forged[i]);
		ck_assert_str_eq(p.sqlstate, "42501");
		hearth_tx_end(tx);
	}
	v = admin_value("SELECT count(*) FROM audit.events WHERE request_id = 'req-a'");
	ck_assert_str_eq(v, "1");
	free(v);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(context_is_set_inside_the_transaction)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGresult *r;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &tx, &p), 0);
	r = hearth_tx_query_sql(tx, "SELECT current_setting('hearth.tenant_id'), "
				"current_setting('hearth.org_id'), current_setting('hearth.sub'), "
				"current_setting('hearth.roles'), current_setting('hearth.request_id'), "
				"current_user, current_setting('search_path'), "
				"current_setting('statement_timeout'), "
				"current_setting('application_name'), "
				"current_setting('transaction_read_only')", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_A);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), ORG_A);
	ck_assert_str_eq(PQgetvalue(r, 0, 2), "user-a");
	ck_assert_str_eq(PQgetvalue(r, 0, 3), "commissioner");
	ck_assert_str_eq(PQgetvalue(r, 0, 4), "req-a");
	ck_assert_str_eq(PQgetvalue(r, 0, 5), "hearth_providers");
	ck_assert_str_eq(PQgetvalue(r, 0, 6), "providers, public");
	ck_assert_str_eq(PQgetvalue(r, 0, 7), "3s");
	ck_assert_str_eq(PQgetvalue(r, 0, 8), "hearth-dbtest");
	ck_assert_str_eq(PQgetvalue(r, 0, 9), "on");
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);

	/* Same connection, next request: the settings were transaction-local. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_b, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query_sql(tx, "SELECT current_setting('hearth.tenant_id'), "
				"current_setting('transaction_read_only')", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_B);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "off");
	PQclear(r);
	hearth_tx_end(tx); /* uncommitted: the pool rolls back */
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(outbox_rows_are_tenant_scoped_and_notify_on_commit)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGconn *listener = admin_conn();
	PGnotify *n;
	json_t *payload = json_pack("{s:i}", "version", 3);
	const char *pid = "33333333-3333-4333-8333-333333333333";

	PQclear(PQexec(listener, "LISTEN hearth_outbox"));
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_outbox_queue(tx, "providers.provider.created", "provider", pid,
					     payload, &p), 0);
	ck_assert_int_eq(hearth_outbox_queue(tx, "providers.provider.noted", "provider", NULL,
					     NULL, &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	json_decref(payload);

	usleep(100 * 1000);
	ck_assert_int_eq(PQconsumeInput(listener), 1);
	n = PQnotifies(listener);
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->relname, "hearth_outbox");
	ck_assert_str_eq(n->extra, "providers");
	PQfreemem(n);
	PQfinish(listener);

	/* The service writes its outbox but cannot read it, not even its own
	 * tenant's rows: events carry child-level documents. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "SELECT count(*) FROM outbox", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "UPDATE outbox SET type = 'x'", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	/* The event reader role reads every tenant's events. */
	{
		PGconn *admin = admin_conn();
		PGresult *rr = PQexec(admin, "BEGIN; SET LOCAL ROLE hearth_event_reader; "
				      "SELECT type, payload->>'version', org_id FROM providers.outbox "
				      "ORDER BY seq");

		ck_assert_msg(PQresultStatus(rr) == PGRES_TUPLES_OK, "%s", PQerrorMessage(admin));
		ck_assert_int_eq(PQntuples(rr), 2);
		ck_assert_str_eq(PQgetvalue(rr, 0, 0), "providers.provider.created");
		ck_assert_str_eq(PQgetvalue(rr, 0, 1), "3");
		ck_assert_str_eq(PQgetvalue(rr, 0, 2), ORG_A);
		ck_assert_int_eq(PQgetisnull(rr, 1, 1), 1);
		PQclear(rr);
		PQfinish(admin);
	}
	/* Another tenant's event cannot be written either (policy WITH CHECK). */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "INSERT INTO outbox (tenant_id, type, "
					       "subject_type) VALUES ('" TENANT_B "', 't', 's')",
					       0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(read_one_is_one_pipelined_read)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	const char *params[2] = { "hello", NULL };
	struct hearth_db_stats st;
	PGresult *r;

	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_b, "probe_get", 1, params, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_B);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "hello");
	PQclear(r);
	/* Writing in a read-only transaction fails, and the pool stays usable. */
	params[0] = "7";
	params[1] = "x";
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_b, "probe_insert", 2, params, &p));
	ck_assert_str_eq(p.sqlstate, "25006");
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_b, "no_such_stmt", 0, NULL, &p));
	ck_assert_int_eq(p.status, 500);
	r = hearth_db_read_statement(pool, &actor_b, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(st.open, 1);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(unique_violation_is_409_and_pool_stays_usable)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	const char *one[2] = { "1", "first" };
	const char *two[2] = { "2", "second" };
	PGresult *r;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_insert", 2, one, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);

	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_insert", 2, one, &p));
	ck_assert_int_eq(p.status, 409);
	ck_assert_str_eq(p.type, "conflict");
	ck_assert_str_eq(p.sqlstate, "23505");
	ck_assert_str_eq(p.constraint, "probe_pkey");
	hearth_problem_clear(&p);
	/* The tx stays failed: later calls repeat the first problem. */
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_insert", 2, two, &p));
	ck_assert_int_eq(p.status, 409);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "SELECT 1", 0, NULL, &p), -1);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
	hearth_tx_end(tx);

	/* A failing queued statement fails the call that sends it. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "INSERT INTO probe (id, val) VALUES (1, 'dup')",
					     0, NULL, &p), 0);
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_count", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "23505");
	hearth_tx_end(tx);

	/* A queued statement left unsent by an abandoned tx is discarded. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_tx_queue_sql(tx, "INSERT INTO probe (id, val) VALUES (9, 'x')",
					     0, NULL, &p), 0);
	hearth_tx_end(tx);

	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query(tx, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	/* Wrong parameter count for a table statement: 500, no server call. */
	ck_assert_ptr_null(hearth_tx_query(tx, "probe_count", 1, one, &p));
	ck_assert_int_eq(p.status, 500);
	hearth_tx_end(tx);
	/* RLS: tenant B sees none of tenant A's rows. */
	r = hearth_db_read_statement(pool, &actor_b, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
	hearth_db_pool_free(pool);
}
END_TEST

struct releaser {
	struct hearth_tx *tx;
	int delay_ms;
};

static void *release_later(void *arg)
{
	struct releaser *rl = arg;

	usleep((useconds_t)rl->delay_ms * 1000);
	hearth_tx_end(rl->tx);
	return NULL;
}

START_TEST(exhausted_pool_waits_then_503)
{
	struct hearth_db_pool *pool = new_pool(1, 300);
	struct hearth_problem p;
	struct hearth_tx *tx1, *tx2 = NULL;
	struct hearth_db_stats st;
	struct releaser rl;
	pthread_t th;
	double t0, waited;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx1, &p), 0);
	t0 = now_ms();
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx2, &p), -1);
	waited = now_ms() - t0;
	ck_assert_ptr_null(tx2);
	ck_assert_int_eq(p.status, 503);
	ck_assert_str_eq(p.type, "unavailable");
	ck_assert_int_gt(p.retry_after, 0);
	ck_assert_msg(waited >= 280 && waited < 2000, "waited %.0f ms", waited);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.timeouts, 1);
	ck_assert_int_eq(st.in_use, 1);
	ck_assert_int_eq(st.waiting, 0);

	/* A waiter gets the connection as soon as it is released. */
	rl.tx = tx1;
	rl.delay_ms = 100;
	ck_assert_int_eq(pthread_create(&th, NULL, release_later, &rl), 0);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx2, &p), 0);
	pthread_join(th, NULL);
	hearth_tx_end(tx2);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(st.acquired, 2);
	hearth_db_pool_free(pool);
}
END_TEST

struct claimer {
	struct hearth_db_pool *pool;
	enum hearth_idem_outcome outcome;
	struct hearth_idem_replay replay;
};

static void *claim_concurrently(void *arg)
{
	struct claimer *c = arg;
	struct hearth_problem p;
	struct hearth_tx *tx;

	hearth_problem_clear(&p);
	c->outcome = HEARTH_IDEM_ERROR;
	if (hearth_tx_begin(c->pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		return NULL;
	c->outcome = hearth_idem_claim(tx, "k-conc", "POST", "/v1/x", "{}", 2, &c->replay, &p);
	hearth_tx_end(tx);
	return NULL;
}

static enum hearth_idem_outcome claim_once(struct hearth_db_pool *pool,
					   const struct hearth_db_actor *actor, const char *key,
					   const char *body, struct hearth_idem_replay *rep,
					   struct hearth_problem *p, int store)
{
	struct hearth_tx *tx;
	enum hearth_idem_outcome o;

	ck_assert_int_eq(hearth_tx_begin(pool, actor, HEARTH_TX_READ_WRITE, &tx, p), 0);
	o = hearth_idem_claim(tx, key, "POST", "/v1/providers", body, strlen(body), rep, p);
	if (o == HEARTH_IDEM_NEW && store) {
		ck_assert_int_eq(hearth_idem_store(tx, key, 201, "/v1/providers/1",
						   "{\"id\":1}", p), 0);
		ck_assert_int_eq(hearth_tx_commit(tx, p), 0);
	}
	hearth_tx_end(tx);
	return o;
}

START_TEST(idempotency_claim_replay_mismatch)
{
	struct hearth_db_pool *pool = new_pool(2, 2000);
	struct hearth_idem_replay rep;
	struct hearth_problem p;
	struct hearth_tx *tx;
	struct claimer c = { .pool = pool };
	pthread_t th;
	PGconn *admin;

	hearth_problem_clear(&p);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":1}", &rep, &p, 1),
			 HEARTH_IDEM_NEW);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":1}", &rep, &p, 1),
			 HEARTH_IDEM_REPLAY);
	ck_assert_int_eq(rep.status, 201);
	ck_assert_str_eq(rep.location, "/v1/providers/1");
	ck_assert_str_eq(rep.body, "{\"id\":1}");
	hearth_idem_replay_release(&rep);

	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":2}", &rep, &p, 1),
			 HEARTH_IDEM_MISMATCH);
	ck_assert_int_eq(p.status, 422);
	ck_assert_str_eq(p.type, "idempotency-key-reused");
	ck_assert_uint_eq(p.n_errors, 1);
	ck_assert_str_eq(p.errors[0].field, "Idempotency-Key");
	ck_assert_ptr_null(rep.body);

	/* Keys are per tenant and organisation. */
	ck_assert_int_eq(claim_once(pool, &actor_b, "k1", "{\"a\":2}", &rep, &p, 0),
			 HEARTH_IDEM_NEW);

	/* Past 24 hours a key is free again. */
	admin = admin_conn();
	PQclear(PQexec(admin, "UPDATE providers.idempotency_keys SET created_at = now() - "
		       "interval '25 hours' WHERE key = 'k1'"));
	PQfinish(admin);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":2}", &rep, &p, 1),
			 HEARTH_IDEM_NEW);

	/* A concurrent claim waits for the first and then replays it. */
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_idem_claim(tx, "k-conc", "POST", "/v1/x", "{}", 2, &rep, &p),
			 HEARTH_IDEM_NEW);
	ck_assert_int_eq(pthread_create(&th, NULL, claim_concurrently, &c), 0);
	usleep(200 * 1000);
	ck_assert_int_eq(hearth_idem_store(tx, "k-conc", 202, NULL, "{}", &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	pthread_join(th, NULL);
	ck_assert_int_eq(c.outcome, HEARTH_IDEM_REPLAY);
	ck_assert_int_eq(c.replay.status, 202);
	ck_assert_ptr_null(c.replay.location);
	hearth_idem_replay_release(&c.replay);

	ck_assert_int_eq(hearth_idem_key_valid("abc-123"), 1);
	ck_assert_int_eq(hearth_idem_key_valid(""), 0);
	ck_assert_int_eq(hearth_idem_key_valid("tab\there"), 0);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(outage_gives_503_and_recovers)
{
	const char *stop = getenv("HEARTH_TEST_PG_STOP");
	const char *start = getenv("HEARTH_TEST_PG_START");
	struct hearth_db_pool *pool;
	struct hearth_problem p;
	struct hearth_tx *tx = NULL, *held;
	struct hearth_db_stats st;
	double t0;

	if (!stop || !start) {
		fprintf(stderr, "outage test skipped: HEARTH_TEST_PG_STOP/START not set\n");
		return;
	}
	pool = new_pool(2, 500);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &held, &p), 0);
	ck_assert_int_eq(system(stop), 0);

	t0 = now_ms();
	ck_assert_int_ne(hearth_db_ping(pool), 0);
	ck_assert_ptr_null(hearth_tx_query(held, "probe_count", 0, NULL, &p));
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	hearth_tx_end(held);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), -1);
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	hearth_problem_clear(&p);
	ck_assert_ptr_null(hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p));
	ck_assert_int_eq(p.status, 503);
	ck_assert_msg(now_ms() - t0 < 10000, "outage handling took %.0f ms", now_ms() - t0);

	ck_assert_int_eq(system(start), 0);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_uint_gt(st.resets, 0);
	/* Every pooled connection works again, with its statements re-prepared. */
	for (int i = 0; i < 3; i++) {
		PGresult *r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);

		ck_assert_msg(r != NULL, "read %d after restart: %d", i, p.status);
		PQclear(r);
	}
	hearth_db_pool_free(pool);
}
END_TEST

/* The server answers, but later than the client's deadline (its own
 * statement_timeout is longer): the call must give up at the deadline with a
 * 503, and the connection, whose state is then unknown, must be reset before
 * it is lent again. */
START_TEST(answer_past_the_query_deadline_is_503_and_the_connection_is_reset)
{
	struct hearth_db_pool *pool = new_pool_timed(1, 500, 10000, 2, 300);
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	struct hearth_db_stats st;
	PGresult *r;
	double t0, took;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	t0 = now_ms();
	r = hearth_tx_query_sql(tx, "SELECT pg_sleep(3)", 0, NULL, &p);
	took = now_ms() - t0;
	ck_assert_ptr_null(r);
	ck_assert_int_eq(p.status, 503);
	ck_assert_int_gt(p.retry_after, 0);
	ck_assert_str_eq(p.detail, "The database did not answer in time.");
	ck_assert_msg(took >= 250 && took < 2000, "gave up after %.0f ms, not at 300 ms", took);
	/* Later calls of the failed tx answer the same, without waiting again. */
	t0 = now_ms();
	ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
	ck_assert_int_eq(p.status, 503);
	ck_assert_msg(now_ms() - t0 < 100, "commit of a failed tx waited %.0f ms", now_ms() - t0);
	hearth_tx_end(tx);

	/* The only connection is reset, not lent with a result still due. */
	r = hearth_db_read_statement(pool, &actor_a, "probe_get", 1, (const char *[]){ "after" }, &p);
	ck_assert_msg(r != NULL, "read after the deadline: %d %s", p.status, p.detail);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "after");
	PQclear(r);
	hearth_db_pool_stats(pool, &st);
	ck_assert_uint_eq(st.resets, 1);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	hearth_db_pool_free(pool);
}
END_TEST

struct paused_outcome {
	int ping_rc, query_status, begin_rc, begin_status, read_status;
	double ping_ms, query_ms, end_ms, begin_ms, read_ms;
};

/* A server that stops answering without closing anything (SIGSTOP of the
 * postmaster and every backend: the kernel still accepts the connections and
 * our bytes, so neither keepalives nor TCP timeouts help). Every call must fail
 * with a 503 within its own bound, and all must work again once it resumes.
 * Nothing is asserted while the server is paused, so a failure cannot leave
 * it paused for the tests after this one. */
START_TEST(paused_server_gives_503_within_the_deadlines_and_recovers)
{
	const char *pause_cmd = getenv("HEARTH_TEST_PG_PAUSE");
	const char *resume_cmd = getenv("HEARTH_TEST_PG_RESUME");
	struct hearth_db_pool *pool;
	struct hearth_problem p;
	struct hearth_tx *held = NULL, *tx = NULL;
	struct paused_outcome o = { 0 };
	struct hearth_db_stats st;
	PGresult *r;
	double t0;
	int paused;

	if (!pause_cmd || !resume_cmd) {
		fprintf(stderr, "pause test skipped: HEARTH_TEST_PG_PAUSE/RESUME not set\n");
		return;
	}
	/* Connect within 2 s, every answer within 1.5 s. */
	pool = new_pool_timed(2, 500, 1000, 2, 1500);
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &held, &p), 0);

	paused = system(pause_cmd);
	if (paused == 0) {
		/* An open connection: no answer to a query. */
		t0 = now_ms();
		r = hearth_tx_query(held, "probe_count", 0, NULL, &p);
		o.query_ms = now_ms() - t0;
		o.query_status = r ? 200 : p.status;
		PQclear(r);
		t0 = now_ms();
		hearth_tx_end(held);
		o.end_ms = now_ms() - t0;
		/* A new connection: no answer to the startup packet. */
		t0 = now_ms();
		o.ping_rc = hearth_db_ping(pool);
		o.ping_ms = now_ms() - t0;
		/* The timed-out connection's reset: same. */
		hearth_problem_clear(&p);
		t0 = now_ms();
		o.begin_rc = hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p);
		o.begin_ms = now_ms() - t0;
		o.begin_status = p.status;
		if (o.begin_rc == 0)
			hearth_tx_end(tx);
		hearth_problem_clear(&p);
		t0 = now_ms();
		r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
		o.read_ms = now_ms() - t0;
		o.read_status = r ? 200 : p.status;
		PQclear(r);
	} else
		hearth_tx_end(held);
	ck_assert_int_eq(system(resume_cmd), 0);
	ck_assert_int_eq(paused, 0);

	ck_assert_int_eq(o.query_status, 503);
	ck_assert_msg(o.query_ms >= 1400 && o.query_ms < 3000, "query gave up after %.0f ms",
		      o.query_ms);
	ck_assert_msg(o.end_ms < 100, "ending the timed-out tx took %.0f ms", o.end_ms);
	ck_assert_int_ne(o.ping_rc, 0);
	ck_assert_msg(o.ping_ms < 4000, "ping gave up after %.0f ms", o.ping_ms);
	ck_assert_int_eq(o.begin_rc, -1);
	ck_assert_int_eq(o.begin_status, 503);
	ck_assert_msg(o.begin_ms < 4000, "begin gave up after %.0f ms", o.begin_ms);
	ck_assert_int_eq(o.read_status, 503);
	ck_assert_msg(o.read_ms < 4000, "read gave up after %.0f ms", o.read_ms);

	/* Resumed: both connections work again, statements re-prepared. */
	ck_assert_int_eq(hearth_db_ping(pool), 0);
	for (int i = 0; i < 3; i++) {
		r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
		ck_assert_msg(r != NULL, "read %d after resume: %d", i, p.status);
		PQclear(r);
	}
	hearth_db_pool_stats(pool, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_uint_gt(st.resets, 0);
	hearth_db_pool_free(pool);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, migrate_applies_once_then_nothing);
	tcase_add_test(tc, migrate_refuses_a_changed_file);
	tcase_add_test(tc, tenant_create_makes_the_tenant_and_its_team_and_refuses_a_taken_slug);
	tcase_add_test(tc, context_refuses_an_organisation_that_is_absent_foreign_or_closed);
	tcase_add_test(tc, audit_rows_insert_but_never_change);
	tcase_add_test(tc, context_is_set_inside_the_transaction);
	tcase_add_test(tc, outbox_rows_are_tenant_scoped_and_notify_on_commit);
	tcase_add_test(tc, read_one_is_one_pipelined_read);
	tcase_add_test(tc, unique_violation_is_409_and_pool_stays_usable);
	tcase_add_test(tc, exhausted_pool_waits_then_503);
	tcase_add_test(tc, idempotency_claim_replay_mismatch);
	tcase_add_test(tc, outage_gives_503_and_recovers);
	tcase_add_test(tc, answer_past_the_query_deadline_is_503_and_the_connection_is_reset);
	tcase_add_test(tc, paused_server_gives_503_within_the_deadlines_and_recovers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	admin_url = getenv("HEARTH_TEST_DATABASE_URL");
	mig_root = getenv("HEARTH_TEST_MIGRATIONS_ROOT");
	if (!admin_url || !*admin_url) {
		printf("test_db_pool: HEARTH_TEST_DATABASE_URL is not set; skipping the "
		       "database tests (run tests/dbtest/test_db.sh)\n");
		return 0;
	}
	if (!mig_root)
		mig_root = ".";
	build_service_url();
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
