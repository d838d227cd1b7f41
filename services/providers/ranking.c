/*
 * ranking.c - GET /v1/frameworks/{id}/ranking?lot_id=&period=: the members of
 * one lot ranked for one period, explained (each item's weighted sum written
 * out, excluded members listed with the reason). Computed on read from the
 * framework's current weights (ranking_repo.c); JSON, or the items as CSV.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/util.h"
#include "providers_service.h"

#define RANKING_CSV_MAX (16u << 20)

static const char *const ranking_csv[] = {
	"rank", "tier", "provider_id", "provider_name", "quality_score", "commercial_score",
	"weighted_score", "explanation",
};

/* lot_id and period are required; nothing else is a parameter of this report. */
static int ranking_query(const struct hearth_request *req, const char **lot, const char **period,
			 struct hearth_problem *p)
{
	static const char *const known[] = { "lot_id", "period", NULL };
	int rc = hearth_query_names_check(req, known, "is not a parameter of the ranking", p);

	*lot = hearth_query_param(req, "lot_id");
	*period = hearth_query_param(req, "period");
	if (!*lot || !hearth_is_uuid(*lot)) {
		hearth_problem_field(p, "lot_id", "is required: the UUID of a lot of this framework");
		rc = -1;
	}
	if (!scores_period_valid(*period)) {
		hearth_problem_field(p, "period",
				     "is required: a year (\"2026\") or a quarter (\"2026-Q1\")");
		rc = -1;
	}
	return rc;
}

static void respond_ranking_csv(struct hearth_request *req, const char *doc_text)
{
	json_t *doc = json_loads(doc_text, 0, NULL);

	hearth_respond_csv_rows(req, json_object_get(doc, "items"), ranking_csv,
				HEARTH_ARRAY_SIZE(ranking_csv), RANKING_CSV_MAX,
				"The ranking is too large for CSV.");
	json_decref(doc);
}

void ranking_handle_get(struct hearth_request *req)
{
	struct hearth_problem p;
	const char *fw_id = hearth_uuid_param(req, "id");
	const char *lot = NULL, *period = NULL;
	PGresult *res = NULL;

	if (!fw_id)
		return;
	hearth_problem_clear(&p);
	if (ranking_query(req, &lot, &period, &p) != 0)
		goto fail;
	const char *params[3] = { fw_id, lot, period };
	res = hearth_db_read_statement(req->db, &req->actor, "ranking_get", 3, params, &p);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, RANKING_FRAMEWORK_FOUND), "t") != 0) {
		hearth_problem_set(&p, 404, "not-found", "No framework with this id.");
		goto fail;
	}
	if (strcmp(PQgetvalue(res, 0, RANKING_LOT_FOUND), "t") != 0) {
		hearth_problem_field(&p, "lot_id", "names no lot of this framework");
		goto fail;
	}
	if (req->wants_csv)
		respond_ranking_csv(req, PQgetvalue(res, 0, RANKING_DOC));
	else
		hearth_respond_json_text(req, 200, PQgetvalue(res, 0, RANKING_DOC));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}
