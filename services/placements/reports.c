/*
 * reports.c - GET /v1/reports/sufficiency, /spend and /stability (API.md §4):
 * query validation, one audited read, JSON or CSV. What each report counts
 * and who sees what is decided in SQL (reports_repo.c, 004_reports.sql): a
 * council sees its own placements, a consortium its tenant in aggregate, a
 * provider organisation no report (403).
 *
 * CSV: sufficiency and stability have several tables; each CSV row is one
 * line of one table, named in the `table` column, with the columns of every
 * table (empty where a table has none). Spend has one table: its items. The
 * lines and their columns come from SQL as rows (reports_repo.c), written out
 * here by the library's CSV writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/json_input.h"
#include "hearth/util.h"
#include "placements_service.h"

#define REPORT_CSV_MAX (64u << 20)

/* Every report statement's columns (reports_repo.c): `shown` first; then the
 * document (JSON) or the CSV line's cells. */
enum report_column { REPORT_COL_SHOWN = 0, REPORT_COL_DOC = 1, REPORT_COL_FIRST_CELL = 1 };

struct report_run {
	const char *resource;         /* audit resource: "report.sufficiency" */
	const char *stmt_json, *stmt_csv;
	int n_params;
	const char *params[3];
};

/* A required YYYY-MM-DD parameter; NULL with a field error when absent or bad. */
static const char *date_param(const struct hearth_request *req, const char *name,
			      struct hearth_problem *p)
{
	const char *v = hearth_query_param(req, name);

	if (!v || !hearth_is_date(v)) {
		hearth_problem_field(p, name, "is required: a date YYYY-MM-DD");
		return NULL;
	}
	return v;
}

/* A report the caller's organisation may not see is one row whose `shown`
 * is false (reports_repo.c). */
static int report_status(const PGresult *res)
{
	return PQntuples(res) >= 1 && strcmp(PQgetvalue(res, 0, REPORT_COL_SHOWN), "f") == 0 ? 403 : 200;
}

/* One audited read that records who read the report, whether they were shown
 * it (200) or refused (403). */
static void report_run(struct hearth_request *req, const struct report_run *run)
{
	const struct hearth_audited_read how = { .resource = run->resource,
						 .status_of = report_status };
	struct hearth_problem p;
	PGresult *res;

	hearth_problem_clear(&p);
	res = hearth_audited_read(req, &how, req->wants_csv ? run->stmt_csv : run->stmt_json,
				  run->n_params, run->params, &p);
	if (!res) {
		/* The definer functions' own gate; the entry points normally answer
		 * NULL before reaching it. */
		if (strcmp(p.sqlstate, "42501") == 0)
			hearth_problem_set(&p, 403, "forbidden",
					   "This organisation cannot see this report.");
		goto fail;
	}
	if (report_status(res) != 200) {
		hearth_problem_set(&p, 403, "forbidden",
				   "This organisation cannot see this report: provider organisations "
				   "see no reports, and a consortium sees aggregates only (no spend "
				   "by child).");
		goto fail;
	}
	if (req->wants_csv)
		hearth_respond_csv_result(req, res, REPORT_COL_FIRST_CELL, REPORT_CSV_MAX,
					  "The report is too large for CSV.");
	else
		hearth_respond_json_text(req, 200, PQgetvalue(res, 0, REPORT_COL_DOC));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}

/* Sufficiency and stability: one required as_at, nothing else. */
static void report_as_at(struct hearth_request *req, const char *resource, const char *stmt_json,
			 const char *stmt_csv)
{
	static const char *const allowed[] = { "as_at", NULL };
	struct hearth_problem p;
	const char *as_at;

	hearth_problem_clear(&p);
	hearth_query_names_check(req, allowed, "is not a parameter of this report", &p);
	as_at = date_param(req, "as_at", &p);
	if (p.status) {
		hearth_respond_problem(req, &p);
		return;
	}
	struct report_run run = { resource, stmt_json, stmt_csv, 1, { as_at } };
	report_run(req, &run);
}

void reports_handle_sufficiency(struct hearth_request *req)
{
	report_as_at(req, "report.sufficiency", HEARTH_STMT_USE("reports_sufficiency", 1),
		     HEARTH_STMT_USE("reports_sufficiency_csv", 1));
}

/* The period may span at most three years: `to` no later than the same day
 * three years after `from`. Both are valid YYYY-MM-DD, so text order is date
 * order. */
static int spend_period_ok(const char *from, const char *to, struct hearth_problem *p)
{
	char limit[32];
	/* hearth_is_date() accepted `from`: four digits, a real year. */
	int year = (int)strtol(from, NULL, 10) % 10000;

	if (strcmp(to, from) < 0) {
		hearth_problem_field(p, "to", "must be on or after from");
		return -1;
	}
	snprintf(limit, sizeof(limit), "%04d%s", year + 3, from + 4);
	if (year + 3 > 9999 || strcmp(to, limit) > 0) {
		hearth_problem_field(p, "to", "must be at most three years after from");
		return -1;
	}
	return 0;
}

void reports_handle_spend(struct hearth_request *req)
{
	static const char *const allowed[] = { "from", "to", "group_by", NULL };
	struct hearth_problem p;
	const char *from, *to, *group_by;
	struct report_run run = { "report.spend", HEARTH_STMT_USE("reports_spend", 3), NULL, 3,
				  { NULL } };

	hearth_problem_clear(&p);
	hearth_query_names_check(req, allowed, "is not a parameter of this report", &p);
	from = date_param(req, "from", &p);
	to = date_param(req, "to", &p);
	group_by = hearth_query_param(req, "group_by");
	if (group_by && strcmp(group_by, "placement_type") == 0)
		run.stmt_csv = HEARTH_STMT_USE("reports_spend_csv_placement_type", 3);
	else if (group_by && strcmp(group_by, "provider") == 0)
		run.stmt_csv = HEARTH_STMT_USE("reports_spend_csv_provider", 3);
	else if (group_by && strcmp(group_by, "child") == 0)
		run.stmt_csv = HEARTH_STMT_USE("reports_spend_csv_child", 3);
	else
		hearth_problem_field(&p, "group_by",
				     "is required: one of placement_type, provider, child");
	if (from && to)
		spend_period_ok(from, to, &p);
	if (p.status) {
		hearth_respond_problem(req, &p);
		return;
	}
	run.params[0] = from;
	run.params[1] = to;
	run.params[2] = group_by;
	report_run(req, &run);
}

void reports_handle_stability(struct hearth_request *req)
{
	report_as_at(req, "report.stability", HEARTH_STMT_USE("reports_stability", 1),
		     HEARTH_STMT_USE("reports_stability_csv", 1));
}
