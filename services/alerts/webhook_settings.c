/*
 * webhook_settings.c - the sender's settings and retry schedule (see
 * webhook_settings.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_settings.h"

#define MAX_DELAY_S 604800 /* a week */

/* A decimal integer from min to max, the whole of `s`. */
static int parse_int(const char *s, size_t n, long min, long max, long *out)
{
	char buf[24], *end = NULL;
	long v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int webhook_schedule_parse(const char *text, struct webhook_schedule *out)
{
	const char *p = text;

	out->n = 0;
	if (p == NULL || *p == '\0')
		return -1;
	for (;;) {
		size_t n = strcspn(p, ",");
		long v;

		if (out->n == WEBHOOK_SCHEDULE_MAX || parse_int(p, n, 0, MAX_DELAY_S, &v) < 0)
			return -1;
		out->delay_s[out->n++] = (int)v;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

int webhook_schedule_next(const struct webhook_schedule *s, int attempt)
{
	if (attempt < 1 || attempt > s->n)
		return -1;
	return s->delay_s[attempt - 1];
}

static const char *setting(hearth_env_lookup lookup, void *ctx, const char *name,
			   const char *fallback)
{
	const char *v = lookup(name, ctx);
	return v && v[0] ? v : fallback;
}

static int int_setting(hearth_env_lookup lookup, void *ctx, FILE *errors, const char *name,
		       long fallback, long min, long max, int *out)
{
	const char *v = lookup(name, ctx);
	long parsed = fallback;

	if (v && v[0] && parse_int(v, strlen(v), min, max, &parsed) < 0) {
		fprintf(errors, "config: %s must be an integer from %ld to %ld, got \"%s\"\n", name,
			min, max, v);
		return 1;
	}
	*out = (int)parsed;
	return 0;
}

int webhook_settings_load(struct webhook_settings *out, hearth_env_lookup lookup, void *ctx,
			  FILE *errors)
{
	const char *allow = setting(lookup, ctx, "HEARTH_WEBHOOK_ALLOW_HOSTS", "");
	const char *schedule =
		setting(lookup, ctx, "HEARTH_WEBHOOK_RETRY_SCHEDULE", WEBHOOK_DEFAULT_SCHEDULE);
	int bad = 0;

	memset(out, 0, sizeof(*out));
	if (webhook_allow_parse(allow, &out->allow) < 0) {
		fprintf(errors,
			"config: HEARTH_WEBHOOK_ALLOW_HOSTS must be up to %d host names or "
			"addresses separated by commas, got \"%s\"\n",
			WEBHOOK_ALLOW_MAX, allow);
		bad++;
	}
	if (webhook_schedule_parse(schedule, &out->schedule) < 0) {
		fprintf(errors,
			"config: HEARTH_WEBHOOK_RETRY_SCHEDULE must be 1 to %d delays in seconds "
			"(0-%d) separated by commas, got \"%s\"\n",
			WEBHOOK_SCHEDULE_MAX, MAX_DELAY_S, schedule);
		bad++;
	}
	bad += int_setting(lookup, ctx, errors, "HEARTH_WEBHOOK_CONCURRENCY", 16, 1, 256,
			   &out->concurrency);
	bad += int_setting(lookup, ctx, errors, "HEARTH_WEBHOOK_CONNECT_TIMEOUT_MS", 5000, 100,
			   60000, &out->connect_timeout_ms);
	bad += int_setting(lookup, ctx, errors, "HEARTH_WEBHOOK_TIMEOUT_MS", 15000, 100, 120000,
			   &out->timeout_ms);
	bad += int_setting(lookup, ctx, errors, "HEARTH_WEBHOOK_POLL_MS", 1000, 50, 60000,
			   &out->poll_ms);
	return bad;
}
