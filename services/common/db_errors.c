/*
 * db_errors.c - SQLSTATE to problem mapping (the table in hearth/db.h).
 *
 * Connection-level failures (class 08, server shutting down 57P01-57P03, too many
 * connections 53300, or a result with no SQLSTATE on a dead connection) are 503:
 * the request may succeed once the database is back, so they carry Retry-After.
 */
#include <stdio.h>
#include <string.h>

#include "hearth/db.h"
#include "hearth/log.h"
#include "db_internal.h"

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int is_connection_state(const char *s)
{
	return starts_with(s, "08") || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
	       strcmp(s, "57P03") == 0 || strcmp(s, "53300") == 0;
}

void hearth_db_problem_from_sqlstate(const char *sqlstate, const char *constraint,
				     struct hearth_problem *p)
{
	const char *s = sqlstate ? sqlstate : "";

	p->retry_after = 0; /* hearth_problem_set keeps it; only 503s carry one */
	if (strcmp(s, "23505") == 0 || strcmp(s, "23P01") == 0)
		hearth_problem_set(p, 409, "conflict",
				   "The request conflicts with an existing record.");
	else if (strcmp(s, "23503") == 0)
		hearth_problem_set(p, 409, "conflict",
				   "A referenced record does not exist, or the record is still referenced.");
	else if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
		hearth_problem_set(p, 409, "conflict",
				   "The request collided with a concurrent change; retry it.");
	else if (strcmp(s, "23514") == 0 || starts_with(s, "22"))
		hearth_problem_set(p, 400, "validation",
				   "A value is invalid or out of range.");
	else if (strcmp(s, "28000") == 0)
		/* Raised by hearth.begin_request(): the token's organisation is not an
		 * active organisation of its tenant. */
		hearth_problem_set(p, 403, "forbidden",
				   "Your organisation is not an active organisation of this tenant.");
	else if (strcmp(s, "57014") == 0) {
		hearth_problem_set(p, 503, "unavailable",
				   "The database took too long to answer.");
		p->retry_after = 1;
	} else if (s[0] == '\0' || is_connection_state(s)) {
		hearth_problem_set(p, 503, "unavailable", "The database is unavailable.");
		p->retry_after = 2;
	} else
		hearth_problem_set(p, 500, "internal", "Internal error.");

	snprintf(p->sqlstate, sizeof(p->sqlstate), "%s", s);
	snprintf(p->constraint, sizeof(p->constraint), "%s", constraint ? constraint : "");
}

void hearth_db_problem_timeout(struct hearth_problem *p)
{
	p->retry_after = 0;
	hearth_problem_set(p, 503, "unavailable", "The database did not answer in time.");
	p->retry_after = 2;
	p->sqlstate[0] = '\0';
	p->constraint[0] = '\0';
}

void hearth_db_problem_from_result(PGconn *conn, const PGresult *res, struct hearth_problem *p)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;

	/* No SQLSTATE means libpq itself failed: the connection is the problem. */
	if (!state || (conn && PQstatus(conn) == CONNECTION_BAD))
		state = is_connection_state(state ? state : "") ? state : "08006";
	if (!msg || !*msg)
		msg = conn ? PQerrorMessage(conn) : "no connection";
	hearth_db_problem_from_sqlstate(state, cons, p);
	/* Client-caused failures are routine; server-side ones deserve attention. */
	hearth_log(p->status >= 500 ? HEARTH_LOG_WARN : HEARTH_LOG_INFO, "db: %s %.*s", state,
		   (int)strcspn(msg, "\n"), msg);
}
