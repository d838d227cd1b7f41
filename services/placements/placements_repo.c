/*
 * placements_repo.c - the SQL of placements. Row-level security limits every
 * statement to the caller's organisation (and, for reads by a provider's
 * staff, to the placements at their provider); the document shape, the
 * distance rule and the events are in migration 002.
 */
#include "placements_service.h"

/* Columns from the document `d`; external_ref keeps its value when absent. */
#define PLACEMENT_VALUES(ref) \
	"(d->>'child_id')::uuid, " ref ", (d->>'provider_id')::uuid, (d->>'setting_id')::uuid, " \
	"d->>'placement_type', d->>'provision', d->>'sourcing', (d->>'contract_id')::uuid, " \
	"(d->>'framework_id')::uuid, (d->>'start_date')::date, (d->>'end_date')::date, " \
	"d->>'end_reason', (d->>'weekly_cost_pence')::bigint, " \
	"(d->'contributions'->>'social_care_pence')::bigint, " \
	"(d->'contributions'->>'education_pence')::bigint, " \
	"(d->'contributions'->>'health_pence')::bigint, d->>'distance_reason'"

#define PLACEMENT_COLUMNS \
	"child_id, external_ref, provider_id, setting_id, placement_type, provision, sourcing, " \
	"contract_id, framework_id, start_date, end_date, end_reason, weekly_cost_pence, " \
	"social_care_pence, education_pence, health_pence, distance_reason"

/* The list filters, in the order of the resource's filter table, then the
 * cursor ($8 sort key, $9 id). */
#define PLACEMENT_LIST_FILTERS \
	"  AND ($1::uuid IS NULL OR p.child_id = $1) " \
	"  AND ($2::uuid IS NULL OR p.provider_id = $2) " \
	"  AND ($3::uuid IS NULL OR p.setting_id = $3) " \
	"  AND ($4::text IS NULL OR p.placement_type = $4) " \
	"  AND ($5::text IS NULL OR p.provision = $5) " \
	"  AND ($6::text IS NULL OR ($6 = 'active') = " \
	"       (p.end_date IS NULL OR p.end_date >= current_date)) " \
	"  AND ($7::date IS NULL OR placement_active_on(p, $7::date)) " \
	"  AND ($8::text IS NULL OR (p.created_at, p.id) > (hearth.from_sort_ts($8), $9::uuid)) "

const struct hearth_stmt_def placement_stmts[] = {
	/* Without an external_ref the placement's own id stands in for it. The
	 * override reason is written on create only (migration 010's trigger keeps
	 * it only where a stop is in force). */
	{ "placement_insert",
	  "INSERT INTO placements (id, tenant_id, org_id, " PLACEMENT_COLUMNS ", stop_override_reason) "
	  "SELECT new_id, hearth.current_tenant(), hearth.current_org(), "
	  PLACEMENT_VALUES("coalesce(d->>'external_ref', new_id::text)") ", d->>'stop_override_reason' "
	  "FROM (SELECT $1::jsonb AS d, gen_random_uuid() AS new_id) AS input "
	  "RETURNING placement_doc(placements)", 1 },
	{ "placement_get",
	  "SELECT " PLACEMENT_DOC ", p.version FROM placements p" PLACEMENT_DISTANCE
	  "WHERE p.id = $1", 1 },
	{ "placement_lock",
	  "SELECT placement_doc(p) FROM placements p WHERE p.id = $1 FOR UPDATE", 1 },
	{ "placement_update",
	  "UPDATE placements SET (" PLACEMENT_COLUMNS ") = ("
	  PLACEMENT_VALUES("coalesce(d->>'external_ref', placements.external_ref)") ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE placements.id = $1 "
	  "RETURNING placement_doc(placements)", 2 },
	/* status is derived from today's date; active_on is API.md's "active on D".
	 * Row-level security decides what is visible; the two explicit branches
	 * (the caller's own placements, and those at the caller's provider) only
	 * restate its two policies, because policies OR-ed together hide the
	 * ordered index from the planner: each branch walks its index in order
	 * and stops at the page size. The branches return keys only, so the
	 * organisation's branch reads placements_list_cover_idx alone (migration
	 * 018); the page's rows are read by id for their documents, built in the
	 * statement (PLACEMENT_DOC). */
	{ "placement_list",
	  "SELECT " PLACEMENT_DOC ", hearth.sort_ts(l.created_at), l.id FROM ("
	  " (SELECT p.created_at, p.id FROM placements p"
	  "  WHERE p.tenant_id = hearth.current_tenant() AND p.org_id = hearth.current_org()"
	  PLACEMENT_LIST_FILTERS " ORDER BY p.created_at, p.id LIMIT $10)"
	  " UNION ALL"
	  " (SELECT p.created_at, p.id FROM placements p"
	  "  WHERE p.tenant_id = hearth.current_tenant() AND p.provider_id = (SELECT current_provider())"
	  "    AND p.org_id <> hearth.current_org()"
	  PLACEMENT_LIST_FILTERS " ORDER BY p.created_at, p.id LIMIT $10)"
	  " ORDER BY 1, 2 LIMIT $10"
	  ") AS l JOIN placements p ON p.id = l.id" PLACEMENT_DISTANCE
	  "ORDER BY l.created_at, l.id", 10 },
	/* For the 409 of a stop in force: which stop (migration 010). */
	{ "placement_stop_in_force",
	  "SELECT placement_stop_in_force($1::uuid, $2::uuid, $3::date)", 3 },
	/* For the 409 on overlapping dates: which placement is in the way. */
	{ "placement_overlapping",
	  "SELECT p.id, p.start_date, p.end_date FROM placements p "
	  "WHERE p.org_id = hearth.current_org() AND p.child_id = $1::uuid "
	  "  AND ($4::uuid IS NULL OR p.id <> $4::uuid) "
	  "  AND daterange(p.start_date, p.end_date, '[]') && daterange($2::date, $3::date, '[]') "
	  "ORDER BY p.start_date LIMIT 1", 4 },
	{ NULL, NULL, 0 },
};
