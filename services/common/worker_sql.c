/*
 * worker_sql.c - what a background worker needs to run SQL on a connection of
 * its own (worker.h): connect, run one counting statement, and run one
 * statement periodically, reconnecting after a failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "hearth/log.h"
#include "hearth/worker.h"

/* A worker's statements are its own transactions; none may run for ever. */
#define WORKER_STATEMENT_TIMEOUT "SET statement_timeout = '60s'"

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

struct pg_conn *hearth_worker_connect(struct hearth_worker *w, const char *setup_sql)
{
	char app[64];
	const char *keys[] = { "dbname", "application_name", "connect_timeout", NULL };
	const char *vals[] = { hearth_worker_conninfo(w), app, "5", NULL };
	PGconn *conn;
	PGresult *res = NULL;

	snprintf(app, sizeof(app), "%s-%s", hearth_worker_service(w), hearth_worker_name(w));
	conn = PQconnectdbParams(keys, vals, 1);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		hearth_log(HEARTH_LOG_WARN, "worker %s: cannot connect: %s", hearth_worker_name(w),
			   conn ? PQerrorMessage(conn) : "out of memory");
		goto fail;
	}
	PQsetNoticeProcessor(conn, quiet_notices, NULL);
	res = PQexec(conn, WORKER_STATEMENT_TIMEOUT);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail_sql;
	PQclear(res);
	res = NULL;
	if (setup_sql) {
		res = PQexec(conn, setup_sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			goto fail_sql;
		PQclear(res);
	}
	return conn;
fail_sql:
	hearth_log(HEARTH_LOG_WARN, "worker %s: %s", hearth_worker_name(w), PQerrorMessage(conn));
fail:
	PQclear(res);
	PQfinish(conn);
	return NULL;
}

long hearth_worker_count(struct hearth_worker *w, struct pg_conn *conn, const char *sql, int n_params,
			 const char *const *params)
{
	PGresult *res = PQexecParams(conn, sql, n_params, NULL, params, NULL, NULL, 0);
	long v = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else
		hearth_log(HEARTH_LOG_ERROR, "worker %s: %s", hearth_worker_name(w),
			   PQerrorMessage(conn));
	PQclear(res);
	return v;
}

void hearth_worker_every(struct hearth_worker *w, const char *sql, int n_params,
			 const char *const *params, long period_s)
{
	PGconn *conn = NULL;

	while (!hearth_worker_stopping(w)) {
		if (!conn && !(conn = hearth_worker_connect(w, NULL))) {
			if (hearth_worker_wait(w, -1, 1000))
				break;
			continue;
		}
		if (hearth_worker_count(w, conn, sql, n_params, params) < 0 &&
		    PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			conn = NULL;
			continue;
		}
		if (hearth_worker_wait(w, -1, period_s * 1000))
			break;
	}
	PQfinish(conn);
}
