/*
 * resource_list.c - list endpoints: limit, filters, keyset cursors, JSON or CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/cursor.h"
#include "hearth/resource.h"

#define LIST_MAX_PARAMS 24
#define LIST_BODY_MAX (64u << 20)

int hearth_list_limit(const struct hearth_request *req, int *limit, struct hearth_problem *p)
{
	const char *text = hearth_query_param(req, "limit");
	char *end = NULL;
	long v;

	*limit = 50;
	if (!text)
		return 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || v < 1 || v > 500) {
		hearth_problem_field(p, "limit", "must be an integer from 1 to 500");
		return -1;
	}
	*limit = (int)v;
	return 0;
}

void hearth_list_scope(const struct hearth_request *req, const struct hearth_filter *filters,
		       char *out, size_t len)
{
	size_t used = 0;
	int n = snprintf(out, len, "%s", req->route);

	used = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < req->n_path_params && used < len; i++) {
		n = snprintf(out + used, len - used, "|%s", req->path_params[i].value);
		used += n > 0 ? (size_t)n : 0;
	}
	for (const struct hearth_filter *f = filters; f && f->name && used < len; f++) {
		const char *v = hearth_query_param(req, f->name);
		n = snprintf(out + used, len - used, "|%s=%s", f->name, v ? v : "");
		used += n > 0 ? (size_t)n : 0;
	}
}

/* Whether `name` is in the NULL-terminated `list` (none when list is NULL). */
static int name_listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

static int filter_value_ok(const struct hearth_filter *f, const char *v)
{
	switch (f->type) {
	case HEARTH_FILTER_TEXT:
		return strlen(v) <= 200;
	case HEARTH_FILTER_UUID:
		return hearth_is_uuid(v);
	case HEARTH_FILTER_DATE:
		return hearth_is_date(v);
	case HEARTH_FILTER_INT:
		if (!*v || strlen(v) > 18)
			return 0;
		for (const char *c = v; *c; c++)
			if (*c < '0' || *c > '9')
				return 0;
		return 1;
	case HEARTH_FILTER_ENUM:
		return name_listed(f->enum_values, v);
	}
	return 0;
}

static const char *filter_expectation(const struct hearth_filter *f)
{
	switch (f->type) {
	case HEARTH_FILTER_UUID: return "must be a UUID";
	case HEARTH_FILTER_DATE: return "must be a date YYYY-MM-DD";
	case HEARTH_FILTER_INT: return "must be a non-negative integer";
	case HEARTH_FILTER_ENUM: return "is not one of the allowed values";
	case HEARTH_FILTER_TEXT: break;
	}
	return "must be at most 200 characters";
}

/* Only limit, cursor and the list's filters are parameters of a list. */
static int check_query_names(const struct hearth_request *req, const struct hearth_filter *filters,
			     struct hearth_problem *p)
{
	const char *known[LIST_MAX_PARAMS + 3] = { "limit", "cursor" };
	size_t n = 2;

	for (const struct hearth_filter *f = filters; f && f->name && n < LIST_MAX_PARAMS + 2; f++)
		known[n++] = f->name;
	return hearth_query_names_check(req, known, "is not a filter of this list", p);
}

static void append_enum_list(const struct hearth_filter *f, char *msg, size_t len)
{
	size_t used = strlen(msg);
	for (const char *const *e = f->enum_values; e && *e && used < len; e++) {
		int n = snprintf(msg + used, len - used, "%s%s", e == f->enum_values ? ": " : ", ", *e);
		used += n > 0 ? (size_t)n : 0;
	}
}

/* A list is answered 200 whatever it holds. */
static int list_status(const PGresult *res)
{
	(void)res;
	return 200;
}

void hearth_resource_list(struct hearth_request *req, const struct hearth_resource *r)
{
	struct hearth_problem p;
	struct hearth_cursor cursor;
	const char *params[LIST_MAX_PARAMS];
	char scope[1024], limit_text[16];
	int n = 0, limit;
	/* The page runs on the list statement's generic plan when every filter
	 * given is one of r's broad filters (hearth/resource.h). */
	int generic_plan = r->broad_filters != NULL;
	const char *cursor_text = hearth_query_param(req, "cursor");
	PGresult *rows = NULL;

	hearth_problem_clear(&p);
	memset(&cursor, 0, sizeof(cursor));
	if (check_query_names(req, r->filters, &p) != 0 || hearth_list_limit(req, &limit, &p) != 0)
		goto fail;
	for (const char *const *pp = r->path_params; pp && *pp; pp++)
		params[n++] = hearth_path_param(req, *pp);
	for (const struct hearth_filter *f = r->filters; f && f->name; f++) {
		const char *v = hearth_query_param(req, f->name);
		if (v && !filter_value_ok(f, v)) {
			char msg[192];
			snprintf(msg, sizeof(msg), "%s", filter_expectation(f));
			if (f->type == HEARTH_FILTER_ENUM)
				append_enum_list(f, msg, sizeof(msg));
			hearth_problem_field(&p, f->name, "%s", msg);
		}
		if (v && !name_listed(r->broad_filters, f->name))
			generic_plan = 0;
		params[n++] = v;
	}
	hearth_list_scope(req, r->filters, scope, sizeof(scope));
	if (cursor_text && hearth_cursor_decode(req->cursor_secret, scope, cursor_text, &cursor) != 0)
		hearth_problem_field(&p, "cursor", "is not a cursor of this list (it may belong to "
						   "another list or filter)");
	if (p.status)
		goto fail;
	params[n++] = cursor_text ? cursor.sort_key : NULL;
	params[n++] = cursor_text ? cursor.id : NULL;
	snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
	params[n++] = limit_text;

	if (r->audit_reads) {
		const struct hearth_audited_read how = { .resource = r->name,
							 .status_of = list_status,
							 .generic_plan = generic_plan };
		rows = hearth_audited_read(req, &how, r->stmt_list, n, params, &p);
	} else if (generic_plan) {
		rows = hearth_db_read_generic_statement_named(req->db, &req->actor, r->stmt_list, n,
							      params, &p);
	} else {
		rows = hearth_db_read_statement_named(req->db, &req->actor, r->stmt_list, n, params, &p);
	}
	if (!rows)
		goto fail;
	hearth_respond_list(req, rows, limit, scope, r->csv_columns);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(rows);
}

static void respond_csv_rows(struct hearth_request *req, PGresult *rows, int count,
			     const char *const *columns)
{
	json_t *items = json_array();
	size_t n_columns = 0;

	while (columns && columns[n_columns])
		n_columns++;
	for (int i = 0; items && i < count; i++)
		json_array_append_new(items, json_loads(PQgetvalue(rows, i, HEARTH_LIST_COL_DOC), 0, NULL));
	hearth_respond_csv_rows(req, items, columns, n_columns, LIST_BODY_MAX,
				"The list is too large for one CSV page.");
	json_decref(items);
}

void hearth_respond_list(struct hearth_request *req, PGresult *rows, int limit,
			 const char *scope, const char *const *columns)
{
	struct hearth_buf out = HEARTH_BUF_INIT(LIST_BODY_MAX);
	int total = PQntuples(rows), count = total > limit ? limit : total, rc = 0;
	char cursor_text[HEARTH_CURSOR_TEXT_MAX];
	struct hearth_cursor next;
	char *text;

	if (req->wants_csv && columns) {
		respond_csv_rows(req, rows, count, columns);
		return;
	}
	rc |= hearth_buf_addstr(&out, "{\"items\":[");
	for (int i = 0; i < count; i++) {
		if (i)
			rc |= hearth_buf_addstr(&out, ",");
		rc |= hearth_buf_addstr(&out, PQgetvalue(rows, i, HEARTH_LIST_COL_DOC));
	}
	rc |= hearth_buf_addstr(&out, "],\"next_cursor\":");
	if (total > limit && count > 0) {
		memset(&next, 0, sizeof(next));
		snprintf(next.sort_key, sizeof(next.sort_key), "%s", PQgetvalue(rows, count - 1, HEARTH_LIST_COL_SORT_KEY));
		snprintf(next.id, sizeof(next.id), "%s", PQgetvalue(rows, count - 1, HEARTH_LIST_COL_ID));
		if (hearth_cursor_encode(req->cursor_secret, scope, &next, cursor_text,
					 sizeof(cursor_text)) != 0)
			rc = -1;
		rc |= hearth_buf_printf(&out, "\"%s\"}", cursor_text);
	} else {
		rc |= hearth_buf_addstr(&out, "null}");
	}
	text = rc ? NULL : hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	if (!text) {
		hearth_respond_error(req, 503, "unavailable", "The list is too large to answer.");
		return;
	}
	hearth_respond_json_text(req, 200, text);
	free(text);
}

void hearth_handle_list(struct hearth_request *req)
{
	hearth_resource_list(req, req->route_data);
}
