/*
 * children_repo.c - the SQL of children. Row-level security limits every
 * statement to the caller's tenant and organisation; the document shape is
 * child_doc() in migration 002.
 */
#include "placements_service.h"

const struct hearth_stmt_def child_stmts[] = {
	{ "child_insert",
	  "INSERT INTO children (tenant_id, org_id, local_ref, birth_month, gender, legal_status) "
	  "SELECT hearth.current_tenant(), hearth.current_org(), d->>'local_ref', "
	  "  (d->>'birth_month' || '-01')::date, d->>'gender', d->>'legal_status' "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING child_doc(children)", 1 },
	{ "child_get", "SELECT child_doc(c), c.version FROM children c WHERE c.id = $1", 1 },
	{ "child_lock", "SELECT child_doc(c) FROM children c WHERE c.id = $1 FOR UPDATE", 1 },
	{ "child_update",
	  "UPDATE children SET local_ref = d->>'local_ref', "
	  "  birth_month = (d->>'birth_month' || '-01')::date, gender = d->>'gender', "
	  "  legal_status = d->>'legal_status' "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE children.id = $1 "
	  "RETURNING child_doc(children)", 2 },
	{ "child_list",
	  "SELECT child_doc(c), hearth.sort_ts(c.created_at), c.id FROM children c "
	  "WHERE ($1::text IS NULL OR c.local_ref = $1) "
	  "  AND ($2::text IS NULL OR c.legal_status = $2) "
	  "  AND ($3::text IS NULL OR c.gender = $3) "
	  "  AND ($4::text IS NULL OR (c.created_at, c.id) > (hearth.from_sort_ts($4), $5::uuid)) "
	  "ORDER BY c.created_at, c.id LIMIT $6", 6 },
	{ NULL, NULL, 0 },
};
