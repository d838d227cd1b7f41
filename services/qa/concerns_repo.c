/*
 * concerns_repo.c - the SQL of concerns. Row-level security limits every
 * statement to the request's tenant and hides a concern naming a child from
 * every organisation but the raising one; the document is concern_doc() and
 * qa.concern.escalated is written by a trigger (qa 003).
 */
#include "qa_service.h"

#define CONCERN_COLUMNS \
	"kind, severity, summary, lado_referral, status, escalation_level, outcome"

#define CONCERN_VALUES \
	"d->>'kind', d->>'severity', d->>'summary', coalesce((d->>'lado_referral')::boolean, false), " \
	"coalesce(d->>'status', 'open'), coalesce((d->>'escalation_level')::integer, 0), d->>'outcome'"

const struct hearth_stmt_def concern_stmts[] = {
	{ "concern_insert",
	  "INSERT INTO concerns (tenant_id, provider_id, setting_id, child_id, " CONCERN_COLUMNS ") "
	  "SELECT hearth.current_tenant(), (d->>'provider_id')::uuid, (d->>'setting_id')::uuid, "
	  "       (d->>'child_id')::uuid, " CONCERN_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING concern_doc(concerns)", 1 },
	{ "concern_get",
	  "SELECT concern_doc(c), c.version FROM concerns c WHERE c.id = $1", 1 },
	{ "concern_lock",
	  "SELECT concern_doc(c) FROM concerns c WHERE c.id = $1 FOR UPDATE", 1 },
	{ "concern_update",
	  "UPDATE concerns SET (" CONCERN_COLUMNS ") = (" CONCERN_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE concerns.id = $1 "
	  "RETURNING concern_doc(concerns)", 2 },
	{ "concern_list",
	  "SELECT concern_doc(c), hearth.sort_ts(c.created_at), c.id "
	  "FROM concerns c "
	  "WHERE ($1::uuid IS NULL OR c.provider_id = $1) "
	  "  AND ($2::uuid IS NULL OR c.setting_id = $2) "
	  "  AND ($3::text IS NULL OR c.kind = $3) "
	  "  AND ($4::text IS NULL OR c.status = $4) "
	  "  AND ($5::text IS NULL OR c.severity = $5) "
	  "  AND ($6::text IS NULL OR (c.created_at, c.id) > (hearth.from_sort_ts($6), $7::uuid)) "
	  "ORDER BY c.created_at, c.id LIMIT $8", 8 },
	{ NULL, NULL, 0 },
};
