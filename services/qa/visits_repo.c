/*
 * visits_repo.c - the SQL of visits and the due list. Row-level security
 * limits every statement to the request's tenant (and an update to the
 * visiting organisation's own visits); the setting's provider comes from
 * providers_api.setting_profile() (providers 010); the documents are
 * visit_doc() and visits_due() (qa 005).
 */
#include "qa_service.h"

#define VISIT_COLUMNS \
	"kind, notice, scheduled_for, visited_on, visited_by, findings, rag, status"

#define VISIT_VALUES \
	"d->>'kind', d->>'notice', (d->>'scheduled_for')::date, (d->>'visited_on')::date, " \
	"d->>'visited_by', d->>'findings', d->>'rag', coalesce(d->>'status', 'scheduled')"

const struct hearth_stmt_def visit_stmts[] = {
	{ "visit_insert",
	  "INSERT INTO visits (tenant_id, setting_id, provider_id, " VISIT_COLUMNS ") "
	  "SELECT hearth.current_tenant(), (d->>'setting_id')::uuid, s.provider_id, "
	  VISIT_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), "
	  "                                                 (d->>'setting_id')::uuid) s "
	  "RETURNING visit_doc(visits)", 1 },
	{ "visit_get", "SELECT visit_doc(v), v.version FROM visits v WHERE v.id = $1", 1 },
	{ "visit_lock", "SELECT visit_doc(v) FROM visits v WHERE v.id = $1 FOR UPDATE", 1 },
	{ "visit_update",
	  "UPDATE visits SET (" VISIT_COLUMNS ") = (" VISIT_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE visits.id = $1 "
	  "RETURNING visit_doc(visits)", 2 },
	/* from/to bound the day of the visit: visited_on, or scheduled_for
	 * while it has not happened. */
	{ "visit_list",
	  "SELECT visit_doc(v), hearth.sort_ts(v.created_at), v.id "
	  "FROM visits v "
	  "WHERE ($1::uuid IS NULL OR v.setting_id = $1) "
	  "  AND ($2::uuid IS NULL OR v.provider_id = $2) "
	  "  AND ($3::text IS NULL OR v.kind = $3) "
	  "  AND ($4::date IS NULL OR coalesce(v.visited_on, v.scheduled_for) >= $4) "
	  "  AND ($5::date IS NULL OR coalesce(v.visited_on, v.scheduled_for) <= $5) "
	  "  AND ($6::uuid IS NULL OR v.org_id = $6) "
	  "  AND ($7::text IS NULL OR (v.created_at, v.id) > (hearth.from_sort_ts($7), $8::uuid)) "
	  "ORDER BY v.created_at, v.id LIMIT $9", 9 },
	/* ($1 as_at or NULL: today) -> rows (day, doc) in order; one, doc NULL, when none. */
	{ "visits_due",
	  "SELECT input.day, d.doc "
	  "FROM (SELECT coalesce($1::date, current_date) AS day) AS input "
	  "LEFT JOIN LATERAL (SELECT d.doc FROM visits_due(input.day) d) d ON true", 1 },
	{ NULL, NULL, 0 },
};
