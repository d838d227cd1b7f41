/*
 * scorecards.c - the provider scorecards (/v1/scorecards, one row per
 * provider of the tenant in keyset pages, and /v1/scorecards/{provider_id}):
 * for a period, the placements, like-for-like weekly costs, endings and
 * lengths the placements service publishes as aggregates (placements 012),
 * with the provider's latest inspections and their trajectory, visits, open
 * concerns, overdue action items and current RAG (scorecard_docs(), qa 009).
 *
 * The period: ?period_from= and ?period_to= (dates, both or neither; neither:
 * the 12 months to today), period_from not after period_to, at most 36
 * months, else 400 naming the field. Any role of the tenant reads.
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

/* The longest period answered, in years: the placements service answers at
 * most 36 months (placements 012). */
#define PERIOD_MAX_YEARS 3

static const struct hearth_filter period_filters[] = {
	{ "period_from", HEARTH_FILTER_DATE, NULL },
	{ "period_to", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

#define COST_COLUMNS(type)                                                              \
	"weekly_cost." type ".average_pence", "weekly_cost." type ".tenant_average_pence", \
		"weekly_cost." type ".ratio"

static const char *const scorecard_csv[] = {
	"provider_id", "period_from", "period_to", "placements.count", "placements.child_weeks",
	COST_COLUMNS("fostering"), COST_COLUMNS("residential"),
	COST_COLUMNS("supported_accommodation"), COST_COLUMNS("residential_school"),
	COST_COLUMNS("other"), "unplanned_endings", "average_length_days", "visits.count",
	"visits.last.visited_on", "visits.last.rag", "concerns.open", "action_items.overdue", "rag",
	"inspections", "as_at", NULL,
};

const struct hearth_resource scorecard_resource = {
	.name = "scorecard",
	.collection_path = "/v1/scorecards",
	.stmt_list = "scorecard_list",
	.filters = period_filters,
	.csv_columns = scorecard_csv,
};

/* `date` (a valid YYYY-MM-DD) moved `years` on, as text that compares as
 * dates do: "2026-02-29" for 2023-02-29 is later than every real day of
 * February 2026 and earlier than March, which is what a bound needs. */
static void add_years(const char *date, int years, char *out, size_t len)
{
	int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		   (date[3] - '0');

	snprintf(out, len, "%04d%s", year + years, date + 4);
}

/* The period of the request: both dates or neither (NULLs: the default the
 * SQL applies), in order, bounded. 0, or -1 with field errors on p. */
static int period_params(struct hearth_request *req, const char *const *known, const char **from,
			 const char **to, struct hearth_problem *p)
{
	char bound[16];

	if (hearth_query_names_check(req, known, "is not a parameter of this resource", p) != 0)
		return -1;
	*from = hearth_query_param(req, "period_from");
	*to = hearth_query_param(req, "period_to");
	if (*from && !hearth_is_date(*from))
		hearth_problem_field(p, "period_from", "must be a date YYYY-MM-DD");
	if (*to && !hearth_is_date(*to))
		hearth_problem_field(p, "period_to", "must be a date YYYY-MM-DD");
	if (p->status)
		return -1;
	if (!*from != !*to) {
		hearth_problem_field(p, *from ? "period_to" : "period_from",
				     "is required with %s (or give neither: the 12 months to today)",
				     *from ? "period_from" : "period_to");
		return -1;
	}
	if (!*from)
		return 0;
	if (strcmp(*to, *from) < 0) {
		hearth_problem_field(p, "period_to", "must not be before period_from");
		return -1;
	}
	add_years(*from, PERIOD_MAX_YEARS, bound, sizeof(bound));
	if (strcmp(*to, bound) > 0) {
		hearth_problem_field(p, "period_to", "must be at most 36 months after period_from");
		return -1;
	}
	return 0;
}

void scorecards_handle_list(struct hearth_request *req)
{
	static const char *const known[] = { "period_from", "period_to", "limit", "cursor", NULL };
	const char *from, *to;
	struct hearth_problem p;

	hearth_problem_clear(&p);
	if (period_params(req, known, &from, &to, &p) != 0) {
		hearth_respond_problem(req, &p);
		return;
	}
	hearth_resource_list(req, &scorecard_resource);
}

void scorecards_handle_get(struct hearth_request *req)
{
	static const char *const known[] = { "period_from", "period_to", NULL };
	const char *id = hearth_uuid_param(req, "provider_id"), *from, *to;
	struct hearth_problem p;
	PGresult *res = NULL;
	const char *doc;
	int found;

	if (!id)
		return;
	hearth_problem_clear(&p);
	if (period_params(req, known, &from, &to, &p) != 0)
		goto fail;
	found = qa_provider_lookup(req, id, &p);
	if (found < 0)
		goto fail;
	if (found == 0) {
		hearth_problem_set(&p, 404, "not-found", "The tenant has no such provider.");
		goto fail;
	}
	const char *params[3] = { from, to, id };
	res = hearth_db_read_statement(req->db, &req->actor, "scorecard_get", 3, params, &p);
	doc = qa_computed_document(res, "scorecard", &p);
	if (!doc)
		goto fail;
	hearth_respond_json_text(req, 200, doc);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}
