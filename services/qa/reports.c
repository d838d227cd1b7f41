/*
 * reports.c - the QA reports computed on each read (/v1/visits/due,
 * /v1/reg44-reports/missing): one query parameter, ?as_at= (a date; absent:
 * today), one statement answering one document {as_at, items, next_cursor}
 * (the whole list: one row per setting, or per setting and month, never per
 * child), as JSON or, with Accept: text/csv, its items as CSV.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/csv.h"
#include "qa_service.h"

#define REPORT_CSV_MAX (16u * 1024u * 1024u)

const char *qa_computed_document(PGresult *res, const char *what, struct hearth_problem *p)
{
	if (!res)
		return NULL;
	if (PQntuples(res) != 1) {
		hearth_problem_set(p, 500, "internal", "The %s could not be computed.", what);
		return NULL;
	}
	return PQgetvalue(res, 0, 0);
}

static void respond_csv(struct hearth_request *req, const char *doc_text,
			const char *const *columns)
{
	json_t *doc = json_loads(doc_text, 0, NULL);
	size_t n_columns = 0, len = 0;
	char *csv = NULL;

	while (columns[n_columns])
		n_columns++;
	if (doc)
		csv = hearth_csv_render(json_object_get(doc, "items"), columns, n_columns,
					REPORT_CSV_MAX, &len);
	if (csv)
		hearth_respond_csv(req, 200, csv, len);
	else
		hearth_respond_error(req, 503, "unavailable", "The report is too large for CSV.");
	free(csv);
	json_decref(doc);
}

void qa_respond_report(struct hearth_request *req, const char *stmt, const char *const *columns)
{
	const char *as_at = NULL;
	struct hearth_problem p;
	PGresult *res = NULL;
	const char *doc;

	hearth_problem_clear(&p);
	for (size_t i = 0; i < req->n_query; i++) {
		if (strcmp(req->query[i].name, "as_at") != 0)
			hearth_problem_field(&p, req->query[i].name, "is not a parameter of this report");
		else if (as_at || !hearth_is_date(req->query[i].value))
			hearth_problem_field(&p, "as_at", "must be one date YYYY-MM-DD");
		else
			as_at = req->query[i].value;
	}
	if (p.status)
		goto fail;
	const char *params[1] = { as_at };
	res = hearth_db_read_statement_named(req->db, &req->actor, stmt, 1, params, &p);
	doc = qa_computed_document(res, "report", &p);
	if (!doc)
		goto fail;
	if (req->wants_csv)
		respond_csv(req, doc, columns);
	else
		hearth_respond_json_text(req, 200, doc);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}
