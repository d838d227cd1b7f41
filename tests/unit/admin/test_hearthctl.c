/*
 * test_hearthctl.c - the pure parts of hearthctl: migration file names, service
 * names, tenant slugs, flag parsing, and the order services migrate in (from
 * migrations/AFTER files in a scratch tree).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "migrate.h"
#include "tenant.h"

START_TEST(migration_file_names_give_their_version)
{
	ck_assert_int_eq(hearth_migration_version("001_core.sql"), 1);
	ck_assert_int_eq(hearth_migration_version("120_a.sql"), 120);
	ck_assert_int_eq(hearth_migration_version("999999_x.sql"), 999999);
	ck_assert_int_eq(hearth_migration_version("1000000_x.sql"), -1);
	ck_assert_int_eq(hearth_migration_version("core.sql"), -1);
	ck_assert_int_eq(hearth_migration_version("001core.sql"), -1);
	ck_assert_int_eq(hearth_migration_version("001_.sql"), -1);
	ck_assert_int_eq(hearth_migration_version("001_core.txt"), -1);
}
END_TEST

START_TEST(service_names_are_plain_identifiers)
{
	ck_assert_int_eq(hearth_migration_service_name_ok("providers"), 1);
	ck_assert_int_eq(hearth_migration_service_name_ok("qa"), 1);
	ck_assert_int_eq(hearth_migration_service_name_ok("a_1"), 1);
	ck_assert_int_eq(hearth_migration_service_name_ok("Providers"), 0);
	ck_assert_int_eq(hearth_migration_service_name_ok("1qa"), 0);
	ck_assert_int_eq(hearth_migration_service_name_ok("qa-x"), 0);
	ck_assert_int_eq(hearth_migration_service_name_ok(""), 0);
	ck_assert_int_eq(hearth_migration_service_name_ok(NULL), 0);
	ck_assert_int_eq(hearth_migration_service_name_ok(
				 "a23456789012345678901234567890123456789012345678"), 1);
	ck_assert_int_eq(hearth_migration_service_name_ok(
				 "a234567890123456789012345678901234567890123456789"), 0);
}
END_TEST

START_TEST(tenant_slugs_follow_the_table_rule)
{
	ck_assert_int_eq(hearth_tenant_slug_valid("west-midlands"), 1);
	ck_assert_int_eq(hearth_tenant_slug_valid("ab"), 1);
	ck_assert_int_eq(hearth_tenant_slug_valid("a"), 0);
	ck_assert_int_eq(hearth_tenant_slug_valid("West"), 0);
	ck_assert_int_eq(hearth_tenant_slug_valid("a_b"), 0);
	ck_assert_int_eq(hearth_tenant_slug_valid(NULL), 0);
}
END_TEST

START_TEST(flags_pair_names_with_values_and_refuse_strangers)
{
	static const char *const names[] = { "--name", "--slug", NULL };
	const char *values[2] = { NULL, NULL };
	char *good[] = { "--slug", "s", "--name", "N" };
	char *unknown[] = { "--nmae", "N" };
	char *dangling[] = { "--name" };

	ck_assert_int_eq(hearthctl_parse_flags(4, good, names, values), 0);
	ck_assert_str_eq(values[0], "N");
	ck_assert_str_eq(values[1], "s");
	ck_assert_int_eq(hearthctl_parse_flags(2, unknown, names, values), -1);
	ck_assert_int_eq(hearthctl_parse_flags(1, dangling, names, values), -1);
}
END_TEST

/* A scratch tree: services/<name>/migrations with an optional AFTER file. */
static char root[64];

static void add_service(const char *name, const char *after)
{
	char path[256];

	char cmd[320];

	snprintf(path, sizeof(path), "%s/services/%s/migrations", root, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
	if (after) {
		FILE *f;

		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/AFTER");
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(after, f);
		fclose(f);
	}
}

static void setup_tree(void)
{
	snprintf(root, sizeof(root), "/tmp/hearthctl-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static char *order_of(void)
{
	static char text[256];
	char **names = NULL;
	int n = 0;

	text[0] = '\0';
	if (hearthctl_services_in_order(root, &names, &n) != 0)
		return NULL;
	for (int i = 0; i < n; i++) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", i ? " " : "",
			 names[i]);
		free(names[i]);
	}
	free(names);
	return text;
}

START_TEST(services_migrate_after_the_ones_they_name)
{
	setup_tree();
	add_service("providers", NULL);
	add_service("placements", "providers\n");
	add_service("qa", "providers placements");
	add_service("alerts", "qa\nplacements\nproviders\n");
	add_service("common", NULL); /* the shared library: never a service */
	add_service("admin", NULL);
	ck_assert_str_eq(order_of(), "providers placements qa alerts");
	remove_tree();
}
END_TEST

START_TEST(a_cycle_or_a_missing_dependency_is_refused)
{
	setup_tree();
	add_service("a", "b");
	add_service("b", "a");
	ck_assert_ptr_null(order_of());
	remove_tree();
	setup_tree();
	add_service("a", "nowhere");
	ck_assert_ptr_null(order_of());
	remove_tree();
}
END_TEST

START_TEST(a_badly_named_service_directory_is_refused)
{
	setup_tree();
	add_service("Bad-Name", NULL);
	ck_assert_ptr_null(order_of());
	remove_tree();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hearthctl");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, migration_file_names_give_their_version);
	tcase_add_test(tc, service_names_are_plain_identifiers);
	tcase_add_test(tc, tenant_slugs_follow_the_table_rule);
	tcase_add_test(tc, flags_pair_names_with_values_and_refuse_strangers);
	tcase_add_test(tc, services_migrate_after_the_ones_they_name);
	tcase_add_test(tc, a_cycle_or_a_missing_dependency_is_refused);
	tcase_add_test(tc, a_badly_named_service_directory_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
