/*
 * webhook_send.h - sending a batch of webhook deliveries at once with libcurl's
 * multi interface (API.md §6).
 *
 * Each job is one attempt: a POST of `body` to `url` with content-type JSON and
 * the Standard Webhooks headers (webhook-id, webhook-timestamp,
 * webhook-signature signed with `secret`, see webhook_sign.h). The URL is
 * checked again against the current rules (webhook_url.h), and the address
 * each connection is opened to must be public unless the host is allowed, so
 * a name re-pointed at an internal address after the subscription was saved
 * is refused at connect time. No redirect is followed and no proxy used; only
 * http and https are spoken. Connect and total timeouts bound every attempt;
 * at most WEBHOOK_RESPONSE_MAX_BYTES of a response body are read, then
 * dropped; at most `concurrency` attempts are in flight.
 *
 * Outcome per job: `delivered` (any 2xx), the HTTP status (0 when none came),
 * an error sentence (empty when an answer came), and the duration.
 *
 * Threads: a sender belongs to one thread at a time (the worker that made it).
 * Ownership: the caller owns the jobs and their strings; the sender owns its
 * curl handles.
 */
#ifndef HEARTH_ALERTS_WEBHOOK_SEND_H
#define HEARTH_ALERTS_WEBHOOK_SEND_H

#include <stddef.h>

#include "webhook_settings.h"

#define WEBHOOK_ERROR_MAX 160

struct webhook_job {
	/* in */
	const char *msg_id;        /* webhook-id: stable across retries */
	const char *url;
	const char *secret;        /* "whsec_..." */
	const char *body;          /* {type, timestamp, data} */
	size_t body_len;
	long long timestamp;       /* webhook-timestamp: seconds, this attempt */
	/* out */
	int delivered;
	int status_code;
	char error[WEBHOOK_ERROR_MAX];
	long duration_ms;
};

struct webhook_sender;

/* Make a sender for `settings` (kept by pointer: it must outlive the
 * sender). Initialises libcurl once per process. Returns 0 or -1 (out of
 * memory, libcurl failed to start). */
__attribute__((warn_unused_result))
int webhook_sender_new(const struct webhook_settings *settings, struct webhook_sender **out);
/* NULL is a no-op. */
void webhook_sender_free(struct webhook_sender *s);

/* Attempt every job, at most settings->concurrency at once, and return when
 * all have an outcome (each within the timeouts). A job whose URL fails the
 * rules, whose secret is unusable or whose transfer fails gets its error
 * filled; none is left without an outcome. Returns 0, or -1 when the multi
 * handle itself failed (the jobs not yet finished then carry that error). */
int webhook_sender_run(struct webhook_sender *s, struct webhook_job *jobs, size_t n);

#endif
