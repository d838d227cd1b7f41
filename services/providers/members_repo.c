/*
 * members_repo.c - the SQL of framework members. Path parameters: the member's
 * provider_id ($1 on get/lock/update) and the framework id (last). Each write
 * also writes the member's history row in the same statement; the document it
 * returns appends that row itself, because a statement cannot read back rows
 * its own CTEs inserted.
 */
#include "providers_service.h"

#define HISTORY_OF(rows) \
	"coalesce((SELECT jsonb_agg(jsonb_build_object('status', h.to_status, " \
	"  'reason', h.reason, 'at', hearth.ts(h.at)) ORDER BY h.id) FROM " rows " h), '[]'::jsonb)"

#define SUB "nullif(current_setting('hearth.sub', true), '')"

const struct hearth_stmt_def member_stmts[] = {
	/* Joining a framework the request cannot see inserts nothing: the generic
	 * create answers 404 for zero rows. */
	{ "member_insert",
	  "WITH input AS (SELECT $1::jsonb AS d), "
	  "m AS (INSERT INTO framework_members (tenant_id, framework_id, provider_id, lot_id, "
	  "    status, joined_on, left_on, reason) "
	  "  SELECT f.tenant_id, f.id, (d->>'provider_id')::uuid, (d->>'lot_id')::uuid, "
	  "    coalesce(d->>'status', 'active'), coalesce((d->>'joined_on')::date, current_date), "
	  "    CASE WHEN d->>'status' = 'removed' "
	  "      THEN coalesce((d->>'left_on')::date, current_date) END, d->>'reason' "
	  "  FROM input, frameworks f WHERE f.id = $2::uuid "
	  "  RETURNING framework_members AS row), "
	  "h AS (INSERT INTO framework_member_history (tenant_id, framework_id, provider_id, "
	  "    from_status, to_status, reason, sub) "
	  "  SELECT (m.row).tenant_id, (m.row).framework_id, (m.row).provider_id, NULL, "
	  "    (m.row).status, (m.row).reason, " SUB " FROM m "
	  "  RETURNING id, to_status, reason, at) "
	  "SELECT framework_member_doc(m.row, " HISTORY_OF("h") ") FROM m", 2 },
	{ "member_get",
	  "SELECT framework_member_doc(m, framework_member_history_doc(m.tenant_id, "
	  "  m.framework_id, m.provider_id)), m.version "
	  "FROM framework_members m WHERE m.provider_id = $1 AND m.framework_id = $2", 2 },
	{ "member_lock",
	  "SELECT framework_member_doc(m, framework_member_history_doc(m.tenant_id, "
	  "  m.framework_id, m.provider_id)) "
	  "FROM framework_members m WHERE m.provider_id = $1 AND m.framework_id = $2 FOR UPDATE", 2 },
	/* The row is locked by member_lock first, so `old` is the status it had. */
	{ "member_update",
	  "WITH input AS (SELECT $2::jsonb AS d), "
	  "old AS (SELECT m.status FROM framework_members m "
	  "  WHERE m.provider_id = $1::uuid AND m.framework_id = $3::uuid), "
	  "m AS (UPDATE framework_members fm SET lot_id = (d->>'lot_id')::uuid, "
	  "    status = d->>'status', joined_on = (d->>'joined_on')::date, "
	  "    left_on = CASE WHEN d->>'status' = 'removed' "
	  "      THEN coalesce((d->>'left_on')::date, current_date) END, "
	  "    reason = d->>'reason' "
	  "  FROM input WHERE fm.provider_id = $1::uuid AND fm.framework_id = $3::uuid "
	  "  RETURNING fm AS row), "
	  "h AS (INSERT INTO framework_member_history (tenant_id, framework_id, provider_id, "
	  "    from_status, to_status, reason, sub) "
	  "  SELECT (m.row).tenant_id, (m.row).framework_id, (m.row).provider_id, old.status, "
	  "    (m.row).status, (m.row).reason, " SUB " FROM m, old "
	  "  WHERE (m.row).status IS DISTINCT FROM old.status "
	  "  RETURNING id, to_status, reason, at) "
	  "SELECT framework_member_doc(m.row, framework_member_history_doc((m.row).tenant_id, "
	  "  (m.row).framework_id, (m.row).provider_id) || " HISTORY_OF("h") ") FROM m", 3 },
	{ "member_list",
	  "SELECT framework_member_doc(m, framework_member_history_doc(m.tenant_id, "
	  "  m.framework_id, m.provider_id)), hearth.sort_ts(m.created_at), m.provider_id "
	  "FROM framework_members m WHERE m.framework_id = $1 "
	  "  AND ($2::uuid IS NULL OR m.lot_id = $2) AND ($3::text IS NULL OR m.status = $3) "
	  "  AND ($4::text IS NULL OR (m.created_at, m.provider_id) > "
	  "    (hearth.from_sort_ts($4), $5::uuid)) "
	  "ORDER BY m.created_at, m.provider_id LIMIT $6", 6 },
	{ NULL, NULL, 0 },
};
