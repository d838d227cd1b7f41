/*
 * test_stmt_check.c - the start-up check that C call sites and resources name
 * statements of the table with the right parameter counts, and that a service
 * whose code misspells one refuses to start.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/resource.h"
#include "hearth/service.h"
#include "stmt_check_internal.h"

/* Never called: the call sites are recorded at build time all the same. */
void recorded_call_sites(struct hearth_tx *tx);
void recorded_call_sites(struct hearth_tx *tx)
{
	struct hearth_problem p;
	const char *one[1] = { "x" };

	PQclear(hearth_tx_query(tx, "probe_get", 1, one, &p));
	PQclear(hearth_tx_query(tx, "probe_misspelt", 0, NULL, &p));
}

static const char *const path_params[] = { "id", NULL };
static const struct hearth_filter filters[] = {
	{ "status", HEARTH_FILTER_TEXT, NULL },
	{ NULL, 0, NULL },
};
static const struct hearth_resource widget = {
	.name = "widget", .path_params = path_params, .filters = filters,
	.stmt_get = "widget_get", .stmt_list = "widget_list",
};
static const struct hearth_route routes[] = {
	{ "GET", "/v1/things/{id}/widgets", hearth_handle_list, 0, HEARTH_ROLES_ANY, &widget, NULL },
	{ "GET", "/v1/things/{id}/widgets/{wid}", hearth_handle_get, 0, HEARTH_ROLES_ANY, &widget,
	  NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

/* The table that matches everything above: probe_get/1, probe_misspelt/0,
 * widget_get (id + path id = 2), widget_list (path id + 1 filter + 3 = 5). */
static struct hearth_stmt_def table[] = {
	{ "probe_get", "SELECT $1", 1 },
	{ "probe_misspelt", "SELECT 1", 0 },
	{ "widget_get", "SELECT $1, $2", 2 },
	{ "widget_list", "SELECT $1, $2, $3, $4, $5", 5 },
	{ NULL, NULL, 0 },
};

static char err[512];

START_TEST(call_sites_are_recorded_with_their_file_and_line)
{
	size_t n = 0, found = 0;
	const struct hearth_stmt_use *uses = hearth_stmt_uses(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(uses[i].name, "probe_misspelt") == 0) {
			found++;
			ck_assert_int_eq(uses[i].n_params, 0);
			ck_assert_ptr_nonnull(strstr(uses[i].file, "test_stmt_check.c"));
			ck_assert_int_gt(uses[i].line, 0);
		}
	ck_assert_uint_eq(found, 1);
}
END_TEST

START_TEST(a_table_that_agrees_passes)
{
	ck_assert_int_eq(hearth_stmt_check(table, routes, err, sizeof(err)), 0);
}
END_TEST

START_TEST(a_call_site_naming_no_statement_is_refused_with_where_it_is)
{
	struct hearth_stmt_def t[5];

	memcpy(t, table, sizeof(t));
	t[1].name = "probe_missspelt";
	ck_assert_int_eq(hearth_stmt_check(t, routes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"probe_misspelt\""));
	ck_assert_ptr_nonnull(strstr(err, "test_stmt_check.c:"));
	ck_assert_ptr_nonnull(strstr(err, "is not in the statement table"));
}
END_TEST

START_TEST(a_call_with_another_parameter_count_is_refused)
{
	struct hearth_stmt_def t[5];

	memcpy(t, table, sizeof(t));
	t[0].n_params = 2;
	ck_assert_int_eq(hearth_stmt_check(t, routes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"probe_get\" takes 2 parameter(s) but is called with 1"));
}
END_TEST

START_TEST(resource_statements_are_checked_with_the_resource_contract)
{
	struct hearth_stmt_def t[5];

	memcpy(t, table, sizeof(t));
	t[3].n_params = 4; /* the list takes path, filters, cursor key and id, limit */
	ck_assert_int_eq(hearth_stmt_check(t, routes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"widget_list\" takes 4"));
	ck_assert_ptr_nonnull(strstr(err, "resource \"widget\""));
	memcpy(t, table, sizeof(t));
	t[2].name = "widget_fetch";
	ck_assert_int_eq(hearth_stmt_check(t, routes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"widget_get\""));
}
END_TEST

START_TEST(a_name_defined_twice_is_refused)
{
	struct hearth_stmt_def t[6];

	memcpy(t, table, sizeof(table));
	t[4] = t[0];
	t[5] = (struct hearth_stmt_def){ NULL, NULL, 0 };
	ck_assert_int_eq(hearth_stmt_check(t, routes, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"probe_get\" is defined twice"));
}
END_TEST

/* The whole start: the service exits 1 naming the statement, before it reads
 * any configuration or opens a connection. */
START_TEST(a_service_with_a_misspelt_statement_exits_1_naming_it)
{
	static struct hearth_stmt_def misspelt[5];
	static const struct hearth_stmt_def *const tables[] = { misspelt, NULL };
	static const struct hearth_service_def def = {
		.name = "stmtcheck", .search_path = "public", .routes = routes, .stmt_tables = tables,
	};
	char path[] = "/tmp/test_stmt_check.XXXXXX", line[1024], log[4096] = "";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO), rc;
	FILE *f;

	memcpy(misspelt, table, sizeof(misspelt));
	misspelt[1].name = "probe_mispelt";
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	rc = hearth_service_main(&def, 0, NULL);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	while (fgets(line, sizeof(line), f))
		strncat(log, line, sizeof(log) - strlen(log) - 1);
	fclose(f);
	unlink(path);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(log, "probe_misspelt") && strstr(log, "is not in the statement table"),
		      "log: %s", log);
	ck_assert_msg(!strstr(log, "HEARTH_DATABASE_URL"), "read configuration first: %s", log);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("stmt_check");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, call_sites_are_recorded_with_their_file_and_line);
	tcase_add_test(tc, a_table_that_agrees_passes);
	tcase_add_test(tc, a_call_site_naming_no_statement_is_refused_with_where_it_is);
	tcase_add_test(tc, a_call_with_another_parameter_count_is_refused);
	tcase_add_test(tc, resource_statements_are_checked_with_the_resource_contract);
	tcase_add_test(tc, a_name_defined_twice_is_refused);
	tcase_add_test(tc, a_service_with_a_misspelt_statement_exits_1_naming_it);
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
