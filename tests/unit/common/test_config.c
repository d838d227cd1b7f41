/* Unit tests for config.c: defaults, required settings, ranges, one line per problem. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/config.h"

struct env { const char *const *pairs; };

static const char *lookup(const char *name, void *ctx)
{
	const struct env *e = ctx;
	for (const char *const *p = e->pairs; *p; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static int load(const char *const *pairs, struct hearth_config *cfg, char *errors, size_t len)
{
	struct env e = { pairs };
	FILE *f = fmemopen(errors, len, "w");
	int rc = hearth_config_load(cfg, lookup, &e, f);
	fclose(f);
	return rc;
}

#define GOOD "HEARTH_PORT", "8101", "HEARTH_DATABASE_URL", "dbname=hearth", \
	"HEARTH_JWT_KEYS_FILE", "/dev/null", "HEARTH_JWT_ISSUER", "iss", \
	"HEARTH_JWT_AUDIENCE", "aud", "HEARTH_CURSOR_SECRET", "0123456789abcdef"

START_TEST(valid_settings_and_defaults)
{
	static const char *const pairs[] = { GOOD, NULL };
	struct hearth_config cfg;
	char errors[1024] = "";

	ck_assert_int_eq(load(pairs, &cfg, errors, sizeof(errors)), 0);
	ck_assert_str_eq(errors, "");
	ck_assert_int_eq(cfg.port, 8101);
	ck_assert_str_eq(cfg.listen_addr, "127.0.0.1");
	ck_assert_int_eq(cfg.db_pool_size, 8);
	ck_assert_int_eq(cfg.db_connect_timeout_s, 3);
	ck_assert_int_eq(cfg.db_query_timeout_ms, 0);
	ck_assert_int_eq(cfg.jwt_leeway_s, 30);
	ck_assert_str_eq(cfg.jwt_claim_tenant, "tenant");
	ck_assert_int_eq(cfg.max_body_bytes, 1048576);
	ck_assert_str_eq(cfg.log_level, "info");
	ck_assert_int_eq(cfg.batch_concurrency_per_tenant, 2);
	ck_assert_int_eq(cfg.batch_concurrency, 4);
}
END_TEST

START_TEST(batch_caps_must_nest)
{
	static const char *const pairs[] = { GOOD, "HEARTH_BATCH_CONCURRENCY_PER_TENANT", "3",
		"HEARTH_BATCH_CONCURRENCY", "2", NULL };
	static const char *const zero[] = { GOOD, "HEARTH_BATCH_CONCURRENCY", "0", NULL };
	struct hearth_config cfg;
	char errors[1024] = "";

	ck_assert_int_eq(load(pairs, &cfg, errors, sizeof(errors)), 1);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_BATCH_CONCURRENCY_PER_TENANT (3) must not exceed "
					     "HEARTH_BATCH_CONCURRENCY (2)"));
	ck_assert_int_eq(load(zero, &cfg, errors, sizeof(errors)), 1);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_BATCH_CONCURRENCY must be an integer from 1 to 64"));
}
END_TEST

START_TEST(every_missing_setting_is_named_on_its_own_line)
{
	static const char *const pairs[] = { NULL };
	struct hearth_config cfg;
	char errors[2048] = "";
	int lines = 0;

	ck_assert_int_eq(load(pairs, &cfg, errors, sizeof(errors)), 6);
	for (const char *p = errors; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 6);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_PORT is required"));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_DATABASE_URL is required"));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_CURSOR_SECRET is required"));
}
END_TEST

START_TEST(invalid_values_are_named_with_the_rule)
{
	static const char *const pairs[] = { "HEARTH_PORT", "70000", "HEARTH_DB_POOL_SIZE", "abc",
		"HEARTH_LOG_LEVEL", "loud", "HEARTH_CURSOR_SECRET", "short",
		"HEARTH_JWT_KEYS_FILE", "/nonexistent/keys.pem",
		"HEARTH_DATABASE_URL", "dbname=x", "HEARTH_JWT_ISSUER", "i", "HEARTH_JWT_AUDIENCE", "a",
		NULL };
	struct hearth_config cfg;
	char errors[2048] = "";

	ck_assert_int_eq(load(pairs, &cfg, errors, sizeof(errors)), 5);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_PORT must be an integer from 1 to 65535, got \"70000\""));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_DB_POOL_SIZE must be an integer from 1 to 256, got \"abc\""));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_LOG_LEVEL must be one of"));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_CURSOR_SECRET must be 16"));
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_JWT_KEYS_FILE must name a readable file"));
}
END_TEST

START_TEST(port_zero_and_trailing_garbage_are_refused)
{
	static const char *const junk[] = { "HEARTH_DRAIN_TIMEOUT_S", "5s", GOOD, NULL };
	struct hearth_config cfg;
	char errors[1024] = "";

	/* The first matching pair wins in this lookup, so overrides come first. */
	static const char *const zero_first[] = { "HEARTH_PORT", "0", GOOD, NULL };
	ck_assert_int_eq(load(zero_first, &cfg, errors, sizeof(errors)), 1);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_PORT"));
	ck_assert_int_eq(load(junk, &cfg, errors, sizeof(errors)), 1);
	ck_assert_ptr_nonnull(strstr(errors, "HEARTH_DRAIN_TIMEOUT_S"));
}
END_TEST

START_TEST(empty_optional_setting_takes_the_default)
{
	static const char *const pairs[] = { "HEARTH_DB_POOL_SIZE", "", GOOD, NULL };
	struct hearth_config cfg;
	char errors[1024] = "";

	ck_assert_int_eq(load(pairs, &cfg, errors, sizeof(errors)), 0);
	ck_assert_int_eq(cfg.db_pool_size, 8);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, valid_settings_and_defaults);
	tcase_add_test(tc, batch_caps_must_nest);
	tcase_add_test(tc, every_missing_setting_is_named_on_its_own_line);
	tcase_add_test(tc, invalid_values_are_named_with_the_rule);
	tcase_add_test(tc, port_zero_and_trailing_garbage_are_refused);
	tcase_add_test(tc, empty_optional_setting_takes_the_default);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
