/*
 * reports_repo.c - the statements behind the three reports. The reports are
 * computed by SQL functions (migrations/004_reports.sql) that decide the
 * caller's scope themselves. Every statement's first column, `shown`, is
 * false when the caller's organisation may not see that report.
 *
 *   JSON: one row (shown, doc): the report document, NULL when not shown.
 *   CSV:  one row per CSV line, in order: (shown, the CSV's cells...), the
 *         cells named as the CSV's columns, as text; one row (false, NULL...)
 *         when not shown, no row for a report with no lines. The lines are
 *         the report's tables flattened by report_csv_rows() (004), so no
 *         document leaves the database only to be flattened in C.
 */
#include "placements_service.h"

/* CSV rows of the report document `d` (the SQL call `report`), as the
 * columns `cells` ("\"table\" text, ..."). */
#define REPORT_CSV(report, rows_of_d, cells) \
	"SELECT s.shown, r.* " \
	"FROM (SELECT d IS NOT NULL AS shown, d FROM " report " AS d) AS s " \
	"LEFT JOIN LATERAL jsonb_array_elements(" rows_of_d ") WITH ORDINALITY AS e(line, n) " \
	"  ON true " \
	"LEFT JOIN LATERAL jsonb_to_record(e.line) AS r(" cells ") ON true " \
	"WHERE NOT s.shown OR e.n IS NOT NULL ORDER BY e.n"

#define SUFFICIENCY "placements.report_sufficiency($1::date)"
#define SPEND "placements.report_spend($1::date, $2::date, $3::text)"
#define STABILITY "placements.report_stability($1::date)"
#define SPEND_ROWS \
	"placements.report_csv_rows(s.d, ARRAY['items'], " \
	"  jsonb_build_object('from', s.d -> 'from', 'to', s.d -> 'to'))"

const struct hearth_stmt_def reports_stmts[] = {
	/* ($1 as_at) */
	{ "reports_sufficiency", "SELECT d IS NOT NULL, d FROM " SUFFICIENCY " AS d", 1 },
	{ "reports_sufficiency_csv",
	  REPORT_CSV(SUFFICIENCY,
		     "placements.report_csv_rows(s.d, ARRAY['by_type', 'by_gender', "
		     "  'by_legal_status', 'by_age_band', 'totals'], "
		     "  jsonb_build_object('as_at', s.d -> 'as_at'))",
		     "\"table\" text, \"as_at\" text, \"placement_type\" text, \"provision\" text, "
		     "\"gender\" text, \"legal_status\" text, \"age_band\" text, \"total\" text, "
		     "\"internal\" text, \"external\" text, \"internal_pct\" text, "
		     "\"external_pct\" text, \"local\" text, \"local_pct\" text, \"count\" text, "
		     "\"pct\" text"), 1 },
	/* ($1 from, $2 to, $3 group_by); one CSV statement for each group_by */
	{ "reports_spend", "SELECT d IS NOT NULL, d FROM " SPEND " AS d", 3 },
	{ "reports_spend_csv_placement_type",
	  REPORT_CSV(SPEND, SPEND_ROWS,
		     "\"from\" text, \"to\" text, \"placement_type\" text, \"placements\" text, "
		     "\"days\" text, \"spend_pence\" text, \"uncosted_placements\" text"), 3 },
	{ "reports_spend_csv_provider",
	  REPORT_CSV(SPEND, SPEND_ROWS,
		     "\"from\" text, \"to\" text, \"provider_id\" text, \"provider_name\" text, "
		     "\"placements\" text, \"days\" text, \"spend_pence\" text, "
		     "\"uncosted_placements\" text"), 3 },
	{ "reports_spend_csv_child",
	  REPORT_CSV(SPEND, SPEND_ROWS,
		     "\"from\" text, \"to\" text, \"child_id\" text, \"local_ref\" text, "
		     "\"placements\" text, \"days\" text, \"spend_pence\" text, "
		     "\"uncosted_placements\" text"), 3 },
	/* ($1 as_at) */
	{ "reports_stability", "SELECT d IS NOT NULL, d FROM " STABILITY " AS d", 1 },
	{ "reports_stability_csv",
	  REPORT_CSV(STABILITY, "placements.stability_csv_rows(s.d)",
		     "\"table\" text, \"as_at\" text, \"org_id\" text, \"org_name\" text, "
		     "\"children\" text, \"child_id\" text, \"local_ref\" text, "
		     "\"placements\" text, \"start_dates\" text, \"end_reasons\" text"), 1 },
	{ NULL, NULL, 0 },
};
