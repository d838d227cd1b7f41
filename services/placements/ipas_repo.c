/*
 * ipas_repo.c - the SQL of IPA versions. The next version number is read from
 * the placement row while it is locked FOR UPDATE (the IPA trigger keeps
 * placements.ipa_version), so two concurrent posts get 1 and 2, never 1 twice:
 * the second waits for the lock and then reads the first one's number.
 */
#include "placements_service.h"

const struct hearth_stmt_def ipa_stmts[] = {
	{ "ipa_insert",
	  "WITH p AS (SELECT tenant_id, org_id, id, ipa_version FROM placements "
	  "           WHERE id = $2::uuid AND org_id = hearth.current_org() FOR UPDATE) "
	  "INSERT INTO ipas (tenant_id, org_id, placement_id, version_no, issued_on, "
	  "  effective_from, weekly_fee_pence, outcomes, review_due) "
	  "SELECT p.tenant_id, p.org_id, p.id, coalesce(p.ipa_version, 0) + 1, "
	  "  (d->>'issued_on')::date, (d->>'effective_from')::date, "
	  "  (d->>'weekly_fee_pence')::bigint, coalesce(d->'outcomes', '[]'), "
	  "  (d->>'review_due')::date "
	  "FROM p, (SELECT $1::jsonb AS d) AS input "
	  "RETURNING ipa_doc(ipas)", 2 },
	/* IPA versions are immutable: no version, so no ETag. */
	{ "ipa_get",
	  "SELECT ipa_doc(i), NULL::bigint FROM ipas i WHERE i.id = $1 AND i.placement_id = $2", 2 },
	/* Oldest version first: the list reads as the agreement's history. */
	{ "ipa_list",
	  "SELECT ipa_doc(i), i.version_no::text, i.id FROM ipas i "
	  "WHERE i.placement_id = $1 "
	  "  AND ($2::text IS NULL OR (i.version_no, i.id) > ($2::int, $3::uuid)) "
	  "ORDER BY i.version_no LIMIT $4", 4 },
	{ "ipa_parent",
	  "SELECT 1 FROM placements p WHERE p.id = $1 AND p.org_id = hearth.current_org()", 1 },
	{ NULL, NULL, 0 },
};
