/*
 * audit.c - queues one audit.events row on the request's transaction
 * (hearth/audit.h). The row rides along with the next query or COMMIT, so it
 * costs no round trip and commits exactly when the change it records does.
 */
#include <stdio.h>

#include "db_internal.h"
#include "hearth/audit.h"

/* Prepared on every pooled connection (db_pool.c) as HEARTH_DB_AUDIT_STMT. */
const char hearth_audit_sql[] =
	"INSERT INTO audit.events (tenant_id, org_id, sub, method, path, resource, resource_id, "
	"status, request_id) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::int, $9)";

int hearth_audit_queue(struct hearth_tx *tx, const struct hearth_audit_entry *e,
		       struct hearth_problem *p)
{
	const struct hearth_db_actor *a = hearth_tx_actor(tx);
	char status[16];
	const char *params[HEARTH_DB_AUDIT_PARAMS];

	snprintf(status, sizeof(status), "%d", e->status);
	params[0] = a->tenant_id;
	params[1] = a->org_id;
	params[2] = a->sub;
	params[3] = e->method;
	params[4] = e->path;
	params[5] = e->resource;
	params[6] = e->resource_id;
	params[7] = status;
	params[8] = a->request_id;
	return hearth_tx_queue_prepared(tx, HEARTH_DB_AUDIT_STMT, HEARTH_DB_AUDIT_PARAMS, params, p);
}
