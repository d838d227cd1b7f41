/*
 * outbox.h - the transactional outbox of a service (API.md §6).
 *
 * An event {id, tenant_id, org_id, type, subject_type, subject_id, occurred_at,
 * payload} is inserted into the service schema's `outbox` table on the request's
 * transaction; a statement trigger on that table NOTIFYs channel `hearth_outbox`
 * with the schema name, delivered by PostgreSQL only when the transaction commits.
 * Consumers catch up by reading `outbox` by its monotonically increasing `seq`.
 */
#ifndef HEARTH_OUTBOX_H
#define HEARTH_OUTBOX_H

#include <jansson.h>
#include "hearth/db.h"
#include "hearth/util.h"

/* Queue an event. `type` is "<service>.<noun>.<verb>"; payload may be NULL ({}).
 * Returns 0 or -1 with problem. The payload is not stolen. */
HEARTH_MUST_CHECK
int hearth_outbox_queue(struct hearth_tx *tx, const char *type, const char *subject_type,
			const char *subject_id, const json_t *payload, struct hearth_problem *p);

#endif
