/*
 * settings.c - the alerts service's own HEARTH_ALERTS_* settings
 * (alerts_service.h), checked at start like the shared ones: each bad one is
 * reported on its own line and the service does not start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "alerts_service.h"

struct alerts_settings alerts_settings = {
	.consumer_poll_ms = 5000,
	.consumer_batch = 500,
	.escalation_check_s = 30,
	.escalation_interval_s = 3600,
	.reg44_check_s = 3600,
};

static int read_long(const char *name, long min, long max, long *out, FILE *errors)
{
	const char *text = getenv(name);
	char *end = NULL;
	long v;

	if (!text || !*text)
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || !end || *end || v < min || v > max) {
		fprintf(errors, "config: %s must be an integer from %ld to %ld, got \"%s\"\n", name,
			min, max, text);
		return -1;
	}
	*out = v;
	return 0;
}

int alerts_settings_load(FILE *errors)
{
	struct alerts_settings *s = &alerts_settings;
	int rc = 0;

	rc |= read_long("HEARTH_ALERTS_CONSUMER_POLL_MS", 10, 3600000, &s->consumer_poll_ms, errors);
	rc |= read_long("HEARTH_ALERTS_CONSUMER_BATCH", 1, 10000, &s->consumer_batch, errors);
	rc |= read_long("HEARTH_ALERTS_ESCALATION_CHECK_S", 1, 86400, &s->escalation_check_s, errors);
	rc |= read_long("HEARTH_ALERTS_ESCALATION_INTERVAL_S", 1, 30L * 86400,
			&s->escalation_interval_s, errors);
	rc |= read_long("HEARTH_ALERTS_REG44_CHECK_S", 1, 86400 * 7, &s->reg44_check_s, errors);
	return rc ? -1 : 0;
}
