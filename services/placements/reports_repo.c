/*
 * reports_repo.c - the statements behind the three reports. The reports are
 * computed by SQL functions (migrations/004_reports.sql) that decide the
 * caller's scope themselves; each statement returns one row: the report
 * document, or its CSV rows when $n (the last parameter) is true, or NULL when
 * the caller's organisation may not see that report.
 */
#include "placements_service.h"

const struct hearth_stmt_def reports_stmts[] = {
	/* ($1 as_at, $2 csv) */
	{ "reports_sufficiency",
	  "SELECT CASE WHEN $2::boolean THEN placements.report_csv_rows(d, "
	  "  ARRAY['by_type', 'by_gender', 'by_legal_status', 'by_age_band', 'totals'], "
	  "  jsonb_build_object('as_at', d -> 'as_at')) ELSE d END "
	  "FROM placements.report_sufficiency($1::date) AS d", 2 },
	/* ($1 from, $2 to, $3 group_by, $4 csv) */
	{ "reports_spend",
	  "SELECT CASE WHEN $4::boolean THEN placements.report_csv_rows(d, ARRAY['items'], "
	  "  jsonb_build_object('from', d -> 'from', 'to', d -> 'to')) ELSE d END "
	  "FROM placements.report_spend($1::date, $2::date, $3::text) AS d", 4 },
	/* ($1 as_at, $2 csv) */
	{ "reports_stability",
	  "SELECT CASE WHEN $2::boolean THEN placements.stability_csv_rows(d) ELSE d END "
	  "FROM placements.report_stability($1::date) AS d", 2 },
	{ NULL, NULL, 0 },
};
