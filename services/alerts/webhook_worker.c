/*
 * webhook_worker.c - the webhook sender: a background worker that claims due
 * deliveries, attempts them in batches over libcurl (webhook_send.h), and
 * records every attempt with the next retry from the schedule, or `failed`
 * once it is spent (alerts.webhook_record disables the subscription then).
 *
 * It works for every tenant and no request, so it keeps a connection of its
 * own (not one of the pool's, which are for requests) and reaches the tables
 * only through the SECURITY DEFINER functions alerts.webhook_claim and
 * alerts.webhook_record (alerts 010). Claims are leased (SKIP LOCKED inside),
 * so two processes never attempt one delivery at once and a crashed sender's
 * claims are taken again after the lease. It sleeps on LISTEN hearth_webhooks
 * (sent when deliveries are queued, redelivered or a subscription changes
 * status) or HEARTH_WEBHOOK_POLL_MS, whichever is first.
 *
 * Logs one line per attempt (delivery, HTTP status, error, duration, outcome);
 * never the secret or the body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "hearth/log.h"
#include "webhook_send.h"
#include "webhooks.h"

enum { CLAIM_ID, CLAIM_URL, CLAIM_SECRET, CLAIM_BODY, CLAIM_ROUND_ATTEMPTS };

/* Connect and LISTEN. NULL (logged) when the database cannot be had. */
static PGconn *sender_connect(struct hearth_worker *w)
{
	const char *keys[] = { "dbname", "application_name", "options", "connect_timeout",
			       "keepalives_idle", NULL };
	const char *values[] = { hearth_worker_conninfo(w), "hearth-alerts-webhooks",
				 "-c statement_timeout=10000 -c idle_in_transaction_session_timeout=30000",
				 "5", "30", NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	PGresult *res = NULL;

	if (PQstatus(conn) != CONNECTION_OK)
		goto fail;
	res = PQexec(conn, "LISTEN hearth_webhooks");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	return conn;
fail:
	hearth_log(HEARTH_LOG_WARN, "webhooks: no database connection: %s",
		   conn ? PQerrorMessage(conn) : "out of memory");
	PQclear(res);
	PQfinish(conn);
	return NULL;
}

static void drop_notifications(PGconn *conn)
{
	PGnotify *n;

	PQconsumeInput(conn);
	while ((n = PQnotifies(conn)) != NULL)
		PQfreemem(n);
}

/* Claim up to the concurrency of due deliveries. NULL on a database failure. */
static PGresult *claim(PGconn *conn, const struct webhook_settings *cfg)
{
	char limit[16], lease[16];
	const char *params[2] = { limit, lease };
	PGresult *res;

	snprintf(limit, sizeof(limit), "%d", cfg->concurrency);
	/* Longer than an attempt can take, so a live sender keeps its claims. */
	snprintf(lease, sizeof(lease), "%d", cfg->timeout_ms / 1000 + 30);
	res = PQexecParams(conn,
			   "SELECT delivery_id, url, secret, body, round_attempts "
			   "FROM alerts.webhook_claim($1::int, $2::int)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		hearth_log(HEARTH_LOG_WARN, "webhooks: claim failed: %s", PQerrorMessage(conn));
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Record one attempt. -1 on a database failure. */
static int record(PGconn *conn, const struct webhook_settings *cfg, const struct webhook_job *job,
		  int round_attempts)
{
	char code[16], duration[24], retry[16];
	int delay = job->delivered ? -1 : webhook_schedule_next(&cfg->schedule, round_attempts + 1);
	const char *params[6] = { job->msg_id, code, job->error[0] ? job->error : NULL, duration,
				  job->delivered ? "true" : "false", delay >= 0 ? retry : NULL };
	PGresult *res;
	int rc = 0;

	snprintf(code, sizeof(code), "%d", job->status_code);
	snprintf(duration, sizeof(duration), "%ld", job->duration_ms);
	snprintf(retry, sizeof(retry), "%d", delay);
	res = PQexecParams(conn,
			   "SELECT alerts.webhook_record($1::uuid, $2::int, $3, $4::int, $5::boolean, "
			   "$6::int)",
			   6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		hearth_log(HEARTH_LOG_WARN, "webhooks: recording delivery %s failed: %s", job->msg_id,
			   PQerrorMessage(conn));
		rc = -1;
	} else {
		hearth_log(job->delivered ? HEARTH_LOG_INFO : HEARTH_LOG_WARN,
			   "webhook attempt delivery=%s status=%d error=\"%s\" duration_ms=%ld "
			   "outcome=%s",
			   job->msg_id, job->status_code, job->error, job->duration_ms,
			   PQgetisnull(res, 0, 0) ? "superseded" : PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc;
}

/* Attempt every claimed delivery and record each. -1 on a database failure. */
static int send_claimed(PGconn *conn, const struct webhook_settings *cfg,
			struct webhook_sender *sender, struct webhook_job *jobs, PGresult *claimed)
{
	int n = PQntuples(claimed), i, rc = 0;
	long long now = (long long)time(NULL);

	for (i = 0; i < n; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].msg_id = PQgetvalue(claimed, i, CLAIM_ID);
		jobs[i].url = PQgetvalue(claimed, i, CLAIM_URL);
		jobs[i].secret = PQgetvalue(claimed, i, CLAIM_SECRET);
		jobs[i].body = PQgetvalue(claimed, i, CLAIM_BODY);
		jobs[i].body_len = (size_t)PQgetlength(claimed, i, CLAIM_BODY);
		jobs[i].timestamp = now;
	}
	webhook_sender_run(sender, jobs, (size_t)n);
	for (i = 0; i < n && rc == 0; i++)
		rc = record(conn, cfg, &jobs[i],
			    (int)strtol(PQgetvalue(claimed, i, CLAIM_ROUND_ATTEMPTS), NULL, 10));
	return rc;
}

void webhook_worker_run(struct hearth_worker *w, void *arg)
{
	const struct webhook_settings *cfg = webhooks_settings();
	struct webhook_job *jobs = calloc((size_t)cfg->concurrency, sizeof(*jobs));
	struct webhook_sender *sender = NULL;
	PGconn *conn = NULL;

	(void)arg;
	if (jobs == NULL || webhook_sender_new(cfg, &sender) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "webhooks: the sender could not start");
		goto out;
	}
	while (!hearth_worker_stopping(w)) {
		PGresult *claimed;
		int failed;

		if (conn == NULL && (conn = sender_connect(w)) == NULL) {
			if (hearth_worker_wait(w, -1, 2000))
				break;
			continue;
		}
		drop_notifications(conn);
		claimed = claim(conn, cfg);
		if (claimed && PQntuples(claimed) == 0) {
			PQclear(claimed);
			if (hearth_worker_wait(w, PQsocket(conn), cfg->poll_ms))
				break;
			continue;
		}
		failed = claimed == NULL || send_claimed(conn, cfg, sender, jobs, claimed) != 0;
		PQclear(claimed);
		if (failed) {
			/* What was claimed and not recorded is taken again after its lease. */
			PQfinish(conn);
			conn = NULL;
			if (hearth_worker_wait(w, -1, 1000))
				break;
		}
	}
out:
	PQfinish(conn);
	webhook_sender_free(sender);
	free(jobs);
}
