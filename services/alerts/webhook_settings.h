/*
 * webhook_settings.h - how the webhook sender behaves, from the environment,
 * and the retry schedule (API.md §6).
 *
 * Settings (default in brackets):
 *   HEARTH_WEBHOOK_ALLOW_HOSTS [empty]  hosts that may be reached over http and
 *     at private addresses (e.g. "127.0.0.1,localhost" for tests and make run)
 *   HEARTH_WEBHOOK_RETRY_SCHEDULE [5,300,1800,7200,18000,36000,36000]  seconds
 *     to wait before each retry after a failed attempt (1-16 entries, each
 *     0-604800); a delivery is `failed` once all are spent
 *   HEARTH_WEBHOOK_CONCURRENCY [16]  deliveries in flight at once (1-256)
 *   HEARTH_WEBHOOK_CONNECT_TIMEOUT_MS [5000]  (100-60000)
 *   HEARTH_WEBHOOK_TIMEOUT_MS [15000]  whole request, connect included (100-120000)
 *   HEARTH_WEBHOOK_POLL_MS [1000]  how often the sender looks for due
 *     deliveries when nothing woke it (50-60000)
 *
 * Pure: parsing only. Thread-safe.
 */
#ifndef HEARTH_ALERTS_WEBHOOK_SETTINGS_H
#define HEARTH_ALERTS_WEBHOOK_SETTINGS_H

#include <stdio.h>

#include "hearth/config.h"
#include "webhook_url.h"

#define WEBHOOK_SCHEDULE_MAX 16
#define WEBHOOK_DEFAULT_SCHEDULE "5,300,1800,7200,18000,36000,36000"
/* Response bodies are read up to this much, then dropped. */
#define WEBHOOK_RESPONSE_MAX_BYTES 4096

struct webhook_schedule {
	int n;                              /* retries after the first attempt */
	int delay_s[WEBHOOK_SCHEDULE_MAX];
};

struct webhook_settings {
	struct webhook_allow allow;
	struct webhook_schedule schedule;
	int concurrency;
	int connect_timeout_ms;
	int timeout_ms;
	int poll_ms;
};

/* Parse "5,300,..." (decimal seconds, commas, no spaces). Returns 0, or -1
 * on an empty list, a bad number, one out of range or too many. */
int webhook_schedule_parse(const char *text, struct webhook_schedule *out);

/* The wait before the next attempt of a delivery whose attempt number
 * `attempt` (1 = the first) of its current round has just failed: seconds,
 * or -1 when the schedule is spent and the delivery has failed. */
int webhook_schedule_next(const struct webhook_schedule *s, int attempt);

/* Load every setting. Returns 0, or the number of problems found, each
 * printed as one line on `errors` naming the variable. */
int webhook_settings_load(struct webhook_settings *out, hearth_env_lookup lookup, void *ctx,
			  FILE *errors);

#endif
