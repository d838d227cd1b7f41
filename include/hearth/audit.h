/*
 * audit.h - the insert-only audit trail (audit.events).
 *
 * Every write, and every read of a child-level record, leaves one row: time,
 * tenant, org, sub, method, path, resource, resource id, status, request id. The
 * row is queued on the request's transaction, so it commits with the change it
 * records or not at all. Service database roles may INSERT into audit.events but
 * never UPDATE or DELETE (privileges plus a trigger that refuses both).
 */
#ifndef HEARTH_AUDIT_H
#define HEARTH_AUDIT_H

#include "hearth/db.h"
#include "hearth/util.h"

struct hearth_audit_entry {
	const char *method;      /* "GET", "POST", ... */
	const char *path;        /* request path without the query string */
	const char *resource;    /* "provider", "child", ... */
	const char *resource_id; /* UUID text or NULL (lists) */
	int status;              /* HTTP status being answered */
};

/* Queue the audit row on `tx` (actor taken from the tx). 0 or -1 with problem. */
HEARTH_MUST_CHECK
int hearth_audit_queue(struct hearth_tx *tx, const struct hearth_audit_entry *e,
		       struct hearth_problem *p);

#endif
