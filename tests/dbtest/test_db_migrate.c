/*
 * test_db_migrate.c - migrations, the ledger, roles and tenants (hearthctl migrate, tenant create), against a real PostgreSQL (see support_db.h; run by
 * tests/dbtest/test_db.sh).
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
#include "support_db.h"

START_TEST(migrate_applies_once_then_nothing)
{
	int rc;

	db_use_fresh_database("hearth_test_migrate_once", 0);
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

	db_use_fresh_database("hearth_test_migrate_changed", 1);
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
	char *text, *v;

	db_use_fresh_database("hearth_test_tenants", 1);
	text = run_capture(do_tenant, &tenant_rc);
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


static Suite *suite(void)
{
	Suite *s = suite_create("db_migrate");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, migrate_applies_once_then_nothing);
	tcase_add_test(tc, migrate_refuses_a_changed_file);
	tcase_add_test(tc, tenant_create_makes_the_tenant_and_its_team_and_refuses_a_taken_slug);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return db_run_suite(suite(), "test_db_migrate");
}
