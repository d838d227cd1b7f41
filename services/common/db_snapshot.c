/*
 * db_snapshot.c - two transactions that see one snapshot (hearth/db.h): a
 * REPEATABLE READ transaction that exports it, and one on another pooled
 * connection that imports it with SET TRANSACTION SNAPSHOT, both read only.
 *
 * SET TRANSACTION SNAPSHOT takes a literal, not a parameter, so the
 * identifier is checked to be what the server makes of one (hex digits and
 * dashes) before it is written into the statement. It must come before any
 * query of the transaction, so it is queued between BEGIN and the context.
 */
#include <stdio.h>
#include <string.h>

#include "hearth/db.h"
#include "db_internal.h"

#define SNAPSHOT_ID_MAX 64

static const char begin_repeatable_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

int hearth_tx_begin_repeatable(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
			       struct hearth_tx **out, struct hearth_problem *p)
{
	const char *opening[] = { begin_repeatable_sql };
	struct hearth_db_slot *slot;

	*out = NULL;
	if (hearth_db_checkout(pool, &slot, p) != 0)
		return -1;
	return hearth_tx_open(pool, slot, actor, HEARTH_TX_READ_ONLY, opening, 1, out, p);
}

/* Whether `id` can be what pg_export_snapshot() answered. */
static int snapshot_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	return n > 0 && n < SNAPSHOT_ID_MAX && strspn(id, "0123456789ABCDEFabcdef-") == n;
}

int hearth_tx_try_begin_on_snapshot(struct hearth_db_pool *pool,
				    const struct hearth_db_actor *actor, const char *snapshot,
				    struct hearth_tx **out, struct hearth_problem *p)
{
	char import_sql[sizeof("SET TRANSACTION SNAPSHOT ''") + SNAPSHOT_ID_MAX];
	const char *opening[] = { begin_repeatable_sql, import_sql };
	struct hearth_db_slot *slot;
	int got;

	*out = NULL;
	if (!snapshot_id_ok(snapshot)) {
		hearth_problem_set(p, 500, "internal", "Internal error.");
		return -1;
	}
	snprintf(import_sql, sizeof(import_sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	got = hearth_db_try_checkout(pool, &slot, p);
	if (got != 1)
		return got;
	return hearth_tx_open(pool, slot, actor, HEARTH_TX_READ_ONLY, opening, 2, out, p) == 0 ? 1
												: -1;
}
