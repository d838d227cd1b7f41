/*
 * reports.c - the QA reports computed on each read (/v1/visits/due,
 * /v1/reg45-reviews/missing, /v1/reg44-reports/missing): one query
 * parameter, ?as_at= (a date; absent: today), one statement answering the
 * items of one document {as_at, items, next_cursor} a row each (the whole
 * list: one row per setting, or per setting and month, never per child), as
 * JSON or, with Accept: text/csv, its items as CSV. A report that can be
 * long is a list: keyset pages of it (qa_respond_report_page).
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/csv.h"
#include "hearth/cursor.h"
#include "qa_service.h"

#define REPORT_CSV_MAX (16u * 1024u * 1024u)
#define REPORT_PAGE_MAX (64u << 20)

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

/* Columns of a computed list's rows. */
enum { ITEMS_DAY, ITEMS_DOC };

char *qa_items_document(PGresult *res, const char *what, struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(REPORT_PAGE_MAX);
	int n = res ? PQntuples(res) : 0, rc = 0;
	char *text = NULL;

	if (!res)
		return NULL;
	if (n < 1 || PQnfields(res) != 2) {
		hearth_problem_set(p, 500, "internal", "The %s could not be computed.", what);
		return NULL;
	}
	rc |= hearth_buf_printf(&out, "{\"as_at\":\"%s\",\"items\":[", PQgetvalue(res, 0, ITEMS_DAY));
	for (int i = 0; i < n && !PQgetisnull(res, i, ITEMS_DOC); i++) {
		if (i)
			rc |= hearth_buf_addstr(&out, ",");
		rc |= hearth_buf_add(&out, PQgetvalue(res, i, ITEMS_DOC),
				     (size_t)PQgetlength(res, i, ITEMS_DOC));
	}
	rc |= hearth_buf_addstr(&out, "],\"next_cursor\":null}");
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	if (!text)
		hearth_problem_set(p, 503, "unavailable", "The %s is too large to answer.", what);
	return text;
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

/* A report's document as JSON, or its items as CSV when asked for. */
static void respond_document(struct hearth_request *req, const char *doc,
			     const char *const *columns)
{
	if (req->wants_csv)
		respond_csv(req, doc, columns);
	else
		hearth_respond_json_text(req, 200, doc);
}

void qa_respond_report(struct hearth_request *req, const char *stmt, const char *const *columns)
{
	const char *as_at = NULL;
	struct hearth_problem p;
	PGresult *res = NULL;
	char *doc = NULL;

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
	doc = qa_items_document(res, "report", &p);
	if (!doc)
		goto fail;
	respond_document(req, doc, columns);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	free(doc);
	PQclear(res);
}

/* Columns of a page statement's one row. */
enum { PAGE_DAY, PAGE_ITEMS, PAGE_LAST_SORT_KEY, PAGE_LAST_ID };

static const struct hearth_filter page_scope[] = {
	{ "as_at", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

/* {"as_at": day, "items": [...], "next_cursor": ...} from the page's row:
 * malloc'd text, or NULL when the cursor cannot be made or it is too large. */
static char *page_document(struct hearth_request *req, PGresult *res, const char *scope)
{
	struct hearth_buf out = HEARTH_BUF_INIT(REPORT_PAGE_MAX);
	char cursor_text[HEARTH_CURSOR_TEXT_MAX];
	struct hearth_cursor next;
	char *text = NULL;
	int rc = 0;

	rc |= hearth_buf_printf(&out, "{\"as_at\":\"%s\",\"items\":", PQgetvalue(res, 0, PAGE_DAY));
	rc |= hearth_buf_addstr(&out, PQgetvalue(res, 0, PAGE_ITEMS));
	rc |= hearth_buf_addstr(&out, ",\"next_cursor\":");
	if (PQgetisnull(res, 0, PAGE_LAST_ID)) {
		rc |= hearth_buf_addstr(&out, "null}");
	} else {
		memset(&next, 0, sizeof(next));
		snprintf(next.sort_key, sizeof(next.sort_key), "%s",
			 PQgetvalue(res, 0, PAGE_LAST_SORT_KEY));
		snprintf(next.id, sizeof(next.id), "%s", PQgetvalue(res, 0, PAGE_LAST_ID));
		if (hearth_cursor_encode(req->cursor_secret, scope, &next, cursor_text,
					 sizeof(cursor_text)) != 0)
			rc = -1;
		else
			rc |= hearth_buf_printf(&out, "\"%s\"}", cursor_text);
	}
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	return text;
}

void qa_respond_report_page(struct hearth_request *req, const char *stmt,
			    const char *const *columns)
{
	static const char *const names[] = { "as_at", "limit", "cursor", NULL };
	const char *as_at = hearth_query_param(req, "as_at");
	const char *cursor_text = hearth_query_param(req, "cursor");
	struct hearth_cursor cursor;
	struct hearth_problem p;
	char scope[256], limit_text[16];
	PGresult *res = NULL;
	char *doc = NULL;
	int limit;

	hearth_problem_clear(&p);
	memset(&cursor, 0, sizeof(cursor));
	if (hearth_query_names_check(req, names, "is not a parameter of this report", &p) != 0 ||
	    hearth_list_limit(req, &limit, &p) != 0)
		goto fail;
	if (as_at && !hearth_is_date(as_at))
		hearth_problem_field(&p, "as_at", "must be one date YYYY-MM-DD");
	hearth_list_scope(req, page_scope, scope, sizeof(scope));
	if (cursor_text && hearth_cursor_decode(req->cursor_secret, scope, cursor_text, &cursor) != 0)
		hearth_problem_field(&p, "cursor", "is not a cursor of this report (it may belong "
						   "to another report or as_at)");
	if (p.status)
		goto fail;
	snprintf(limit_text, sizeof(limit_text), "%d", limit);
	const char *params[4] = { as_at, cursor_text ? cursor.sort_key : NULL,
				  cursor_text ? cursor.id : NULL, limit_text };
	res = hearth_db_read_statement_named(req->db, &req->actor, stmt, 4, params, &p);
	if (!qa_computed_document(res, "report", &p))
		goto fail;
	doc = page_document(req, res, scope);
	if (!doc) {
		hearth_problem_set(&p, 503, "unavailable", "The report page is too large to answer.");
		goto fail;
	}
	respond_document(req, doc, columns);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	free(doc);
	PQclear(res);
}
