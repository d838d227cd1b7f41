/*
 * workers.c - the alerts service's background workers (alerts_service.h):
 *   consumer    LISTENs on hearth_outbox and, on each notification, each
 *               HEARTH_ALERTS_CONSUMER_POLL_MS and at start (catching up),
 *               runs alerts.consume() on every source outbox until it is dry;
 *   escalation  every HEARTH_ALERTS_ESCALATION_CHECK_S runs alerts.escalate();
 *   reg44       every HEARTH_ALERTS_REG44_CHECK_S runs alerts.check_reg44().
 * All the logic and all the state are in the database (alerts 003): each step
 * is one statement, so one transaction, and a crash loses nothing and repeats
 * nothing. Each worker has its own connection (the pool's transactions are a
 * request's, with an organisation; a worker has none) and reconnects after a
 * failure, waiting a second between tries (hearth/worker.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "hearth/log.h"
#include "alerts_service.h"
#include "webhooks.h"

/* How soon the consumer looks again at events held back by the horizon. */
#define BACKLOG_RETRY_MS 50

static const char *const sources[] = { "providers", "placements", "qa" };

/* Pending notifications, read from the socket or already buffered by libpq
 * (it keeps those that arrive while a query runs, and then the socket is no
 * longer readable): dropped, 1 when there was any. */
static int take_notifications(PGconn *conn)
{
	PGnotify *n;
	int any = 0;

	PQconsumeInput(conn);
	while ((n = PQnotifies(conn)) != NULL) {
		PQfreemem(n);
		any = 1;
	}
	return any;
}

/* One pass over every source: 1 when a source had a full batch (more may
 * wait), 2 when a source has events held back by the horizon (look again
 * soon: no notification comes when the older transaction ends), 0 when all
 * are dry, -1 when the connection failed. */
static int consume_all(struct hearth_worker *w, PGconn *conn)
{
	char batch[24];
	int more = 0;

	snprintf(batch, sizeof(batch), "%ld", alerts_settings.consumer_batch);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		const char *params[2] = { sources[i], batch };
		long n = hearth_worker_count(w, conn, "SELECT alerts.consume($1, $2::integer)", 2, params);

		if (n < 0)
			return -1;
		if (n >= alerts_settings.consumer_batch) {
			more = 1;
			continue;
		}
		n = hearth_worker_count(w, conn, "SELECT alerts.backlog($1)::integer", 1, params);
		if (n < 0)
			return -1;
		if (n > 0 && more == 0)
			more = 2;
	}
	return more;
}

static void consumer_run(struct hearth_worker *w, void *arg)
{
	PGconn *conn = NULL;
	int state;

	(void)arg;
	while (!hearth_worker_stopping(w)) {
		if (!conn && !(conn = hearth_worker_connect(w, "LISTEN hearth_outbox"))) {
			if (hearth_worker_wait(w, -1, 1000))
				break;
			continue;
		}
		/* Every event committed before a notification taken here is read by
		 * the pass that follows it. */
		take_notifications(conn);
		state = consume_all(w, conn);
		if (state < 0 || PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			conn = NULL;
			continue;
		}
		if (state == 1 || take_notifications(conn))
			continue;
		if (hearth_worker_wait(w, PQsocket(conn),
				       state == 2 ? BACKLOG_RETRY_MS : alerts_settings.consumer_poll_ms))
			break;
	}
	PQfinish(conn);
}

static void escalation_run(struct hearth_worker *w, void *arg)
{
	char interval[32];
	const char *params[1] = { interval };

	(void)arg;
	snprintf(interval, sizeof(interval), "%ld seconds", alerts_settings.escalation_interval_s);
	hearth_worker_every(w, "SELECT alerts.escalate($1::interval, 500)", 1, params,
		     alerts_settings.escalation_check_s);
}

static void reg44_run(struct hearth_worker *w, void *arg)
{
	(void)arg;
	hearth_worker_every(w, "SELECT alerts.check_reg44(current_date)", 0, NULL,
		     alerts_settings.reg44_check_s);
}

const struct hearth_worker_def alerts_workers[] = {
	{ "consumer", consumer_run, NULL },
	{ "escalation", escalation_run, NULL },
	{ "reg44", reg44_run, NULL },
	{ "webhooks", webhook_worker_run, NULL },
	{ NULL, NULL, NULL },
};
