/*
 * outbox.c - queues one domain event into the service schema's outbox on the
 * request's transaction (hearth/outbox.h). The table is found through the
 * connection's search_path (the service schema first); its statement trigger
 * sends the NOTIFY, which PostgreSQL delivers only on commit.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/outbox.h"

static const char outbox_sql[] =
	"INSERT INTO outbox (tenant_id, org_id, type, subject_type, subject_id, payload) "
	"VALUES ($1::uuid, $2::uuid, $3, $4, $5::uuid, $6::jsonb)";

int hearth_outbox_queue(struct hearth_tx *tx, const char *type, const char *subject_type,
			const char *subject_id, const json_t *payload, struct hearth_problem *p)
{
	const struct hearth_db_actor *a = hearth_tx_actor(tx);
	char *text = NULL;
	const char *params[6];
	int rc = -1;

	text = payload ? json_dumps(payload, JSON_COMPACT) : strdup("{}");
	if (!text) {
		hearth_problem_set(p, 500, "internal", "Internal error.");
		goto out;
	}
	params[0] = a->tenant_id;
	params[1] = a->org_id;
	params[2] = type;
	params[3] = subject_type;
	params[4] = subject_id;
	params[5] = text;
	/* libpq copies the parameters into its output buffer, so `text` can go. */
	rc = hearth_tx_queue_sql(tx, outbox_sql, 6, params, p);
out:
	free(text);
	return rc;
}
