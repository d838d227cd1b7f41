/*
 * support_db.h - what the database suites (test_db_*.c) share: the test
 * cluster's URLs, a fresh database per suite, pools over the probe table of
 * test_db.sh, the actors of two tenants, and small admin helpers.
 *
 * Needs HEARTH_TEST_DATABASE_URL (an admin conninfo of the cluster) and
 * HEARTH_TEST_MIGRATIONS_ROOT (a tree with services/common/migrations and the
 * probe migration, see test_db.sh). Without the URL a suite is skipped.
 * Every suite works in a database of its own, made afresh by
 * db_use_fresh_database(), so suites and their tests depend on no order.
 */
#ifndef HEARTH_TEST_SUPPORT_DB_H
#define HEARTH_TEST_SUPPORT_DB_H

#include <stdio.h>
#include <libpq-fe.h>

#include "hearth/db.h"

#define TENANT_A "11111111-1111-4111-8111-111111111111"
#define TENANT_B "22222222-2222-4222-8222-222222222222"
#define ORG_A "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define ORG_B "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
#define ORG_CLOSED_A "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
#define ORG_TEAM_A "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"

extern char admin_url[2048];   /* the suite's database, as the admin role */
extern char service_url[2048]; /* the same, as hearth_providers */
extern const char *mig_root;
extern const struct hearth_stmt_def stmts[]; /* probe_insert, probe_get, probe_count,
					       * probe_snapshot, probe_plan_mode,
					       * probe_plans */
extern const struct hearth_db_actor actor_a, actor_b;

/* 1 when the environment names a test cluster (else the suite is skipped). */
int db_tests_configured(void);
/* main() of a database suite: skip (0) without a test cluster, else run `s`
 * and return the process status. */
struct Suite;
int db_run_suite(struct Suite *s, const char *name);
/* Drop and create `dbname`, point admin_url and service_url at it, and apply
 * the migrations when `migrate` is set. Fails the test on any error. */
void db_use_fresh_database(const char *dbname, int migrate);

struct hearth_db_pool *new_pool_timed(int size, int acquire_ms, int statement_ms, int connect_s,
				      int query_ms);
struct hearth_db_pool *new_pool(int size, int acquire_ms);
PGconn *admin_conn(void);
/* The first value of `sql` run as the admin role; malloc'd. */
char *admin_value(const char *sql);
double now_ms(void);
/* What `fn` printed on its stream, malloc'd; its return value in *rc. */
char *run_capture(int (*fn)(FILE *), int *rc);
/* hearthctl migrate on the suite's database. */
int do_migrate(FILE *out);

#endif
