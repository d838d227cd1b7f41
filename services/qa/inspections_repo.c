/*
 * inspections_repo.c - the SQL of inspections. Row-level security limits every
 * statement to the request's tenant; the setting and its provider come from
 * providers_api.setting_profile() (providers 010); the document shape is
 * inspection_doc() and the risk band inspection_risk_band() (qa 001).
 */
#include "qa_service.h"

#define INSPECTION_COLUMNS \
	"inspection_type, inspected_on, published_on, judgements, report_url, source"

#define INSPECTION_VALUES \
	"d->>'inspection_type', (d->>'inspected_on')::date, (d->>'published_on')::date, " \
	"coalesce(d->'judgements', '{}'::jsonb), d->>'report_url', coalesce(d->>'source', 'manual')"

const struct hearth_stmt_def inspection_stmts[] = {
	{ "inspection_insert",
	  "INSERT INTO inspections (tenant_id, setting_id, provider_id, regulator, "
	  INSPECTION_COLUMNS ") "
	  "SELECT hearth.current_tenant(), (d->>'setting_id')::uuid, s.provider_id, d->>'regulator', "
	  INSPECTION_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), "
	  "                                                 (d->>'setting_id')::uuid) s "
	  "RETURNING inspection_doc(inspections)", 1 },
	{ "inspection_get",
	  "SELECT inspection_doc(i), i.version FROM inspections i WHERE i.id = $1", 1 },
	{ "inspection_lock",
	  "SELECT inspection_doc(i) FROM inspections i WHERE i.id = $1 FOR UPDATE", 1 },
	{ "inspection_update",
	  "UPDATE inspections SET (" INSPECTION_COLUMNS ") = (" INSPECTION_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE inspections.id = $1 "
	  "RETURNING inspection_doc(inspections)", 2 },
	{ "inspection_list",
	  "SELECT inspection_doc(i), hearth.sort_ts(i.created_at), i.id "
	  "FROM inspections i "
	  "WHERE ($1::uuid IS NULL OR i.provider_id = $1) "
	  "  AND ($2::uuid IS NULL OR i.setting_id = $2) "
	  "  AND ($3::text IS NULL OR i.regulator = $3) "
	  "  AND ($4::text IS NULL OR i.risk_band = $4) "
	  "  AND ($5::date IS NULL OR i.inspected_on >= $5) "
	  "  AND ($6::date IS NULL OR i.inspected_on <= $6) "
	  "  AND ($7::text IS NULL OR (i.created_at, i.id) > (hearth.from_sort_ts($7), $8::uuid)) "
	  "ORDER BY i.created_at, i.id LIMIT $9", 9 },
	{ NULL, NULL, 0 },
};
