/*
 * test_webhook_settings.c - the webhook sender's settings and its retry
 * schedule (services/alerts/webhook_settings.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_settings.h"

struct env { const char *const *pairs; };

static const char *lookup(const char *name, void *ctx)
{
	const struct env *e = ctx;
	size_t i;

	for (i = 0; e->pairs[i]; i += 2)
		if (strcmp(e->pairs[i], name) == 0)
			return e->pairs[i + 1];
	return NULL;
}

START_TEST(the_default_schedule_is_the_one_of_the_contract)
{
	static const char *const none[] = { NULL };
	struct env e = { none };
	struct webhook_settings s;
	const int expected[] = { 5, 300, 1800, 7200, 18000, 36000, 36000 };
	int i;

	ck_assert_int_eq(webhook_settings_load(&s, lookup, &e, stderr), 0);
	ck_assert_int_eq(s.schedule.n, 7);
	for (i = 0; i < 7; i++)
		ck_assert_int_eq(webhook_schedule_next(&s.schedule, i + 1), expected[i]);
	/* The eighth attempt is the last: after it the delivery has failed. */
	ck_assert_int_eq(webhook_schedule_next(&s.schedule, 8), -1);
	ck_assert_int_eq(webhook_schedule_next(&s.schedule, 0), -1);
	ck_assert_int_eq(s.concurrency, 16);
	ck_assert_int_eq(s.connect_timeout_ms, 5000);
	ck_assert_int_eq(s.timeout_ms, 15000);
	ck_assert_int_eq(s.poll_ms, 1000);
	ck_assert_uint_eq(s.allow.n, 0);
}
END_TEST

START_TEST(settings_shrink_the_schedule_and_allow_hosts)
{
	static const char *const pairs[] = {
		"HEARTH_WEBHOOK_RETRY_SCHEDULE", "1,1,1", "HEARTH_WEBHOOK_ALLOW_HOSTS",
		"127.0.0.1,localhost", "HEARTH_WEBHOOK_CONCURRENCY", "4", NULL,
	};
	struct env e = { pairs };
	struct webhook_settings s;

	ck_assert_int_eq(webhook_settings_load(&s, lookup, &e, stderr), 0);
	ck_assert_int_eq(s.schedule.n, 3);
	ck_assert_int_eq(webhook_schedule_next(&s.schedule, 3), 1);
	ck_assert_int_eq(webhook_schedule_next(&s.schedule, 4), -1);
	ck_assert_uint_eq(s.allow.n, 2);
	ck_assert_int_eq(webhook_host_allowed(&s.allow, "localhost"), 1);
	ck_assert_int_eq(s.concurrency, 4);
}
END_TEST

START_TEST(bad_settings_are_each_named)
{
	static const char *const pairs[] = {
		"HEARTH_WEBHOOK_RETRY_SCHEDULE", "1,,2", "HEARTH_WEBHOOK_ALLOW_HOSTS", "a b",
		"HEARTH_WEBHOOK_CONCURRENCY", "0", "HEARTH_WEBHOOK_TIMEOUT_MS", "abc", NULL,
	};
	struct env e = { pairs };
	struct webhook_settings s;
	char *text = NULL;
	size_t len = 0;
	FILE *errors = open_memstream(&text, &len);

	ck_assert_int_eq(webhook_settings_load(&s, lookup, &e, errors), 4);
	fclose(errors);
	ck_assert_ptr_nonnull(strstr(text, "HEARTH_WEBHOOK_RETRY_SCHEDULE must be"));
	ck_assert_ptr_nonnull(strstr(text, "HEARTH_WEBHOOK_ALLOW_HOSTS must be"));
	ck_assert_ptr_nonnull(strstr(text, "HEARTH_WEBHOOK_CONCURRENCY must be an integer from 1"));
	ck_assert_ptr_nonnull(strstr(text, "HEARTH_WEBHOOK_TIMEOUT_MS must be"));
	free(text);
}
END_TEST

START_TEST(schedules_parse_strictly)
{
	struct webhook_schedule s;
	const char *bad[] = { "", "x", "1,", ",1", "1, 2", "-1", "+1", "604801",
			      "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "99999999999999999999" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(webhook_schedule_parse(bad[i], &s) == -1, "%s passed", bad[i]);
	ck_assert_int_eq(webhook_schedule_parse(NULL, &s), -1);
	ck_assert_int_eq(webhook_schedule_parse("0", &s), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(webhook_schedule_parse("604800,0", &s), 0);
	ck_assert_int_eq(webhook_schedule_next(&s, 1), 604800);
	ck_assert_int_eq(webhook_schedule_next(&s, 2), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook_settings");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, the_default_schedule_is_the_one_of_the_contract);
	tcase_add_test(tc, settings_shrink_the_schedule_and_allow_hosts);
	tcase_add_test(tc, bad_settings_are_each_named);
	tcase_add_test(tc, schedules_parse_strictly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
