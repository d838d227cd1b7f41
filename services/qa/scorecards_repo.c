/*
 * scorecards_repo.c - the SQL of the provider scorecards: scorecard_docs()
 * (qa 009) over the aggregates of placements_api (placements 012). A period
 * not given is the 12 months to today; the service has checked the rest.
 */
#include "qa_service.h"

#define PERIOD \
	"FROM (SELECT coalesce($1::date, (current_date - interval '12 months')::date + 1) AS d_from, " \
	"             coalesce($2::date, current_date) AS d_to) AS period "

const struct hearth_stmt_def scorecard_stmts[] = {
	/* ($1 period_from, $2 period_to, $3 cursor sort key, $4 cursor id, $5 limit+1)
	 * -> rows (doc, sort key, id), by provider id. */
	{ "scorecard_list",
	  "SELECT s.doc, s.provider_id::text, s.provider_id "
	  PERIOD
	  "CROSS JOIN LATERAL scorecard_docs(period.d_from, period.d_to, NULL, "
	  "                                  CASE WHEN $3::text IS NULL THEN NULL "
	  "                                       ELSE $4::uuid END, $5::integer) s "
	  "ORDER BY s.provider_id", 5 },
	/* ($1 period_from, $2 period_to, $3 provider id) -> one doc. */
	{ "scorecard_get",
	  "SELECT s.doc "
	  PERIOD
	  "CROSS JOIN LATERAL scorecard_docs(period.d_from, period.d_to, $3::uuid, NULL, 1) s", 3 },
	{ NULL, NULL, 0 },
};
