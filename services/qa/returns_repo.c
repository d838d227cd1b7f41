/*
 * returns_repo.c - the SQL of Reg 44 reports and Reg 45 reviews. Row-level
 * security limits every statement to the request's tenant; the setting's
 * provider comes from providers_api.setting_profile() (providers 010); the
 * documents are reg44_report_doc(), reg45_review_doc() and reg44_missing()
 * (qa 006), and reg45_missing() (qa 009).
 */
#include "qa_service.h"

#define FROM_SETTING \
	"FROM (SELECT $1::jsonb AS d) AS input " \
	"CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), " \
	"                                                 (d->>'setting_id')::uuid) s "

const struct hearth_stmt_def returns_stmts[] = {
	{ "reg44_report_insert",
	  "INSERT INTO reg44_reports (tenant_id, setting_id, provider_id, month, visited_on, "
	  "    visitor_name, received_on, children_safeguarded, wellbeing_promoted, "
	  "    registered_manager_in_post, recommendations, summary) "
	  "SELECT hearth.current_tenant(), (d->>'setting_id')::uuid, s.provider_id, "
	  "       ((d->>'month') || '-01')::date, (d->>'visited_on')::date, d->>'visitor_name', "
	  "       coalesce((d->>'received_on')::date, current_date), "
	  "       coalesce(d->>'children_safeguarded', 'not_stated'), "
	  "       coalesce(d->>'wellbeing_promoted', 'not_stated'), "
	  "       (d->>'registered_manager_in_post')::boolean, "
	  "       coalesce(d->'recommendations', '[]'::jsonb), d->>'summary' "
	  FROM_SETTING
	  "RETURNING reg44_report_doc(reg44_reports)", 1 },
	{ "reg44_report_get", "SELECT reg44_report_doc(r), r.version FROM reg44_reports r WHERE r.id = $1", 1 },
	{ "reg44_report_list",
	  "SELECT reg44_report_doc(r), hearth.sort_ts(r.created_at), r.id "
	  "FROM reg44_reports r "
	  "WHERE ($1::uuid IS NULL OR r.setting_id = $1) "
	  "  AND ($2::text IS NULL OR r.month = ($2 || '-01')::date) "
	  "  AND ($3::text IS NULL OR (r.created_at, r.id) > (hearth.from_sort_ts($3), $4::uuid)) "
	  "ORDER BY r.created_at, r.id LIMIT $5", 5 },
	/* ($1 as_at or NULL: today, $2 the last page's month YYYY-MM-DD and $3 its
	 * setting, or NULL: the first page, $4 limit) -> the day, the page's items
	 * and, when more follow, its last item's month and setting. One more than
	 * the page is asked for, to know whether more follow. */
	{ "reg44_missing_page",
	  "WITH input AS (SELECT coalesce($1::date, current_date) AS day), "
	  "page AS MATERIALIZED ( "
	  "    SELECT m.doc, m.month, m.setting_id, "
	  "           row_number() OVER (ORDER BY m.month, m.setting_id) AS n "
	  "    FROM input, reg44_missing_page(input.day, $2::date, $3::uuid, $4::integer + 1) m) "
	  "SELECT input.day, "
	  "       coalesce((SELECT json_agg(p.doc ORDER BY p.n) FROM page p "
	  "                 WHERE p.n <= $4::integer), '[]'::json), "
	  "       (SELECT p.month FROM page p WHERE p.n = $4::integer "
	  "          AND EXISTS (SELECT 1 FROM page q WHERE q.n > $4::integer)), "
	  "       (SELECT p.setting_id FROM page p WHERE p.n = $4::integer "
	  "          AND EXISTS (SELECT 1 FROM page q WHERE q.n > $4::integer)) "
	  "FROM input", 4 },
	/* ($1 as_at or NULL: today) -> rows (day, doc) in order; one, doc NULL, when none. */
	{ "reg45_missing",
	  "SELECT input.day, m.doc "
	  "FROM (SELECT coalesce($1::date, current_date) AS day) AS input "
	  "LEFT JOIN LATERAL (SELECT m.doc FROM reg45_missing(input.day) m) m ON true", 1 },
	{ "reg45_review_insert",
	  "INSERT INTO reg45_reviews (tenant_id, setting_id, provider_id, period_from, period_to, "
	  "    received_on, summary) "
	  "SELECT hearth.current_tenant(), (d->>'setting_id')::uuid, s.provider_id, "
	  "       (d->>'period_from')::date, (d->>'period_to')::date, "
	  "       coalesce((d->>'received_on')::date, current_date), d->>'summary' "
	  FROM_SETTING
	  "RETURNING reg45_review_doc(reg45_reviews)", 1 },
	{ "reg45_review_get", "SELECT reg45_review_doc(r), r.version FROM reg45_reviews r WHERE r.id = $1", 1 },
	{ "reg45_review_list",
	  "SELECT reg45_review_doc(r), hearth.sort_ts(r.created_at), r.id "
	  "FROM reg45_reviews r "
	  "WHERE ($1::uuid IS NULL OR r.setting_id = $1) "
	  "  AND ($2::text IS NULL OR (r.created_at, r.id) > (hearth.from_sort_ts($2), $3::uuid)) "
	  "ORDER BY r.created_at, r.id LIMIT $4", 4 },
	{ NULL, NULL, 0 },
};
