/*
 * audited_read.c - one read of audited records in a transaction of its own
 * that also writes the audit row (hearth/resource.h): the row says who read
 * what and what they were answered, and commits with the read or not at all.
 */
#include <string.h>

#include "hearth/audit.h"
#include "hearth/resource.h"

/* The default outcome: one row with a value is the record (200), anything
 * else names nothing (404). */
static int found_or_missing(const PGresult *res)
{
	return PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? 200 : 404;
}

PGresult *hearth_audited_read(struct hearth_request *req, const struct hearth_audited_read *how,
			      const char *stmt, int n_params, const char *const *params,
			      struct hearth_problem *p)
{
	struct hearth_tx *tx = NULL;
	PGresult *res = NULL;

	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, p) != 0)
		goto fail;
	if (how->generic_plan && hearth_tx_use_generic_plans(tx, p) != 0)
		goto fail;
	res = hearth_tx_query_named(tx, stmt, n_params, params, p);
	if (!res)
		goto fail;
	const char *subject = how->subject;
	if (!subject && how->subject_column > 0 && PQntuples(res) >= 1 &&
	    PQnfields(res) > how->subject_column &&
	    !PQgetisnull(res, 0, how->subject_column))
		subject = PQgetvalue(res, 0, how->subject_column);
	struct hearth_audit_entry audit = {
		req->method, req->path, how->resource, subject,
		how->status_of ? how->status_of(res) : found_or_missing(res),
	};
	if (hearth_audit_queue(tx, &audit, p) != 0 || hearth_tx_commit(tx, p) != 0)
		goto fail;
	goto out;
fail:
	PQclear(res);
	res = NULL;
out:
	hearth_tx_end(tx);
	return res;
}
