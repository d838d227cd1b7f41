/* test_log.c - the JSON lines of log.c: every value escaped, a long value cut
 * without breaking the line, one line per call. Lines are read back from
 * stderr redirected into a pipe and parsed with Jansson. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"

static int saved_stderr = -1;
static int pipe_read = -1;

static void capture(void)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fds[1], STDERR_FILENO), 0);
	close(fds[1]);
	pipe_read = fds[0];
}

/* Restores stderr and returns what was written, NUL-terminated (caller frees). */
static char *captured(void)
{
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	ssize_t n;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	while ((n = read(pipe_read, text + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(pipe_read);
	text[len] = '\0';
	return text;
}

static json_t *only_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	json_error_t err;
	json_t *line;

	ck_assert_ptr_nonnull(nl);
	ck_assert_str_eq(nl + 1, "");
	line = json_loadb(text, (size_t)(nl - text), 0, &err);
	ck_assert_msg(line != NULL, "not JSON (%s): %s", err.text, text);
	return line;
}

START_TEST(request_line_escapes_every_value)
{
	const char *odd = "a\"b\\c\nd\te\x01" "f\x1f" "g é";
	struct hearth_log_request r = { "req-1", "tenant\"x", odd, "sub\\y", "GET", "/v1/x",
					404, 1.5 };
	char *text;
	json_t *line;

	hearth_log_init("logtest", "info");
	capture();
	hearth_log_request(&r, NULL);
	text = captured();
	line = only_line(text);
	ck_assert_str_eq(json_string_value(json_object_get(line, "service")), "logtest");
	ck_assert_str_eq(json_string_value(json_object_get(line, "level")), "info");
	ck_assert_str_eq(json_string_value(json_object_get(line, "msg")), "request");
	ck_assert_str_eq(json_string_value(json_object_get(line, "tenant")), "tenant\"x");
	ck_assert_str_eq(json_string_value(json_object_get(line, "org")), odd);
	ck_assert_str_eq(json_string_value(json_object_get(line, "sub")), "sub\\y");
	ck_assert_str_eq(json_string_value(json_object_get(line, "route")), "/v1/x");
	ck_assert_int_eq(json_integer_value(json_object_get(line, "status")), 404);
	ck_assert(json_real_value(json_object_get(line, "latency_ms")) == 1.5);
	ck_assert_ptr_nonnull(strstr(text, ",\"status\":404,\"latency_ms\":1.500}"));
	/* RFC 3339 in UTC with milliseconds: 2026-01-31T09:00:00.123Z */
	const char *ts = json_string_value(json_object_get(line, "ts"));
	ck_assert_uint_eq(strlen(ts), 24);
	ck_assert(ts[4] == '-' && ts[7] == '-' && ts[10] == 'T' && ts[13] == ':' && ts[16] == ':' &&
		  ts[19] == '.' && ts[23] == 'Z');
	/* Control characters as \u00XX, lower-case hex. */
	ck_assert_ptr_nonnull(strstr(text, "\\u0001f\\u001fg"));
	json_decref(line);
	free(text);
}
END_TEST

START_TEST(long_value_is_cut_and_the_line_stays_json)
{
	size_t n = 10000;
	char *big = malloc(n + 1);
	char *text;
	json_t *line;

	ck_assert_ptr_nonnull(big);
	/* Quotes throughout: each takes two characters, the cut must not split one. */
	for (size_t i = 0; i < n; i++)
		big[i] = i % 3 ? 'x' : '"';
	big[n] = '\0';
	hearth_log_init("logtest", "info");
	capture();
	hearth_log(HEARTH_LOG_WARN, "%s", big);
	text = captured();
	line = only_line(text);
	ck_assert_str_eq(json_string_value(json_object_get(line, "level")), "warn");
	ck_assert_uint_gt(strlen(json_string_value(json_object_get(line, "msg"))), 1000);
	ck_assert_uint_lt(strlen(text), 2048);
	json_decref(line);
	free(text);
	free(big);
}
END_TEST

START_TEST(below_the_level_nothing_is_written)
{
	struct hearth_log_request ok = { "r", "t", "o", "s", "GET", "/", 200, 0.1 };
	struct hearth_log_request failed = { "r", "t", "o", "s", "GET", "/", 500, 1234.0004 };
	char *text;
	json_t *line;

	hearth_log_init("logtest", "error");
	capture();
	hearth_log(HEARTH_LOG_INFO, "quiet");
	hearth_log_request(&ok, NULL);
	hearth_log_request(&failed, "failed");
	text = captured();
	line = only_line(text);
	ck_assert_str_eq(json_string_value(json_object_get(line, "level")), "error");
	ck_assert_str_eq(json_string_value(json_object_get(line, "msg")), "failed");
	ck_assert_ptr_nonnull(strstr(text, ",\"status\":500,\"latency_ms\":1234.000}"));
	json_decref(line);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, request_line_escapes_every_value);
	tcase_add_test(tc, long_value_is_cut_and_the_line_stays_json);
	tcase_add_test(tc, below_the_level_nothing_is_written);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* The captured stderr is this process's: no fork between capture and read. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
