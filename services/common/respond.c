/*
 * respond.c - the only place responses are written: JSON, CSV and problem+json.
 * Each call answers once; a second answer to the same request is ignored and
 * logged, because two writers means a handler bug, not a client's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/csv.h"
#include "hearth/etag.h"
#include "hearth/log.h"
#include "runtime_internal.h"

static int claim_answer(struct hearth_request *req, int status)
{
	if (req->res->status != 0) {
		hearth_log(HEARTH_LOG_ERROR, "second response to %s %s ignored", req->method, req->path);
		return -1;
	}
	req->res->status = status;
	return 0;
}

void hearth_set_header(struct hearth_request *req, const char *name, const char *value)
{
	u_map_put(req->res->u->map_header, name, value);
}

void hearth_set_etag(struct hearth_request *req, long long version)
{
	char tag[32];

	if (hearth_etag_format(version, tag, sizeof(tag)) == 0)
		hearth_set_header(req, "ETag", tag);
}

static void set_body(struct hearth_request *req, int status, const char *type, const char *body,
		     size_t len)
{
	u_map_put(req->res->u->map_header, "Content-Type", type);
	if (strcmp(req->method, "HEAD") == 0)
		len = 0;
	ulfius_set_binary_body_response(req->res->u, (unsigned)status, body, len);
}

void hearth_respond_json_text(struct hearth_request *req, int status, const char *text)
{
	if (claim_answer(req, status) != 0)
		return;
	set_body(req, status, "application/json", text, strlen(text));
}

void hearth_respond_json(struct hearth_request *req, int status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!text) {
		hearth_respond_error(req, 500, "internal", "The response could not be rendered.");
		return;
	}
	hearth_respond_json_text(req, status, text);
	free(text);
}

void hearth_respond_body(struct hearth_request *req, int status, const char *content_type,
			 const char *body, size_t len)
{
	if (claim_answer(req, status) != 0)
		return;
	set_body(req, status, content_type, body, len);
}

void hearth_respond_csv(struct hearth_request *req, int status, const char *csv, size_t len)
{
	hearth_respond_body(req, status, "text/csv; charset=utf-8", csv, len);
}

void hearth_respond_csv_rows(struct hearth_request *req, const json_t *rows,
			     const char *const *columns, size_t n_columns, size_t max_bytes,
			     const char *too_large_detail)
{
	size_t len = 0;
	char *csv = hearth_csv_render(rows, columns, n_columns, max_bytes, &len);

	if (csv)
		hearth_respond_csv(req, 200, csv, len);
	else
		hearth_respond_error(req, 503, "unavailable", "%s", too_large_detail);
	free(csv);
}

void hearth_respond_csv_result(struct hearth_request *req, const PGresult *res, int first_column,
			       size_t max_bytes, const char *too_large_detail)
{
	size_t len = 0;
	char *csv = hearth_csv_render_result(res, first_column, max_bytes, &len);

	if (csv)
		hearth_respond_csv(req, 200, csv, len);
	else
		hearth_respond_error(req, 503, "unavailable", "%s", too_large_detail);
	free(csv);
}

void hearth_respond_problem(struct hearth_request *req, const struct hearth_problem *p)
{
	int status = p->status ? p->status : 500;
	json_t *doc;
	char *text = NULL;
	char retry[16];

	if (claim_answer(req, status) != 0)
		return;
	if (status == 401)
		u_map_put(req->res->u->map_header, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	if (p->retry_after > 0) {
		snprintf(retry, sizeof(retry), "%d", p->retry_after);
		u_map_put(req->res->u->map_header, "Retry-After", retry);
	}
	doc = hearth_problem_to_json(p, req->path, req->request_id);
	if (doc)
		text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!text) {
		static const char fallback[] =
			"{\"type\":\"/problems/internal\",\"title\":\"Internal error\",\"status\":500}";
		set_body(req, 500, "application/problem+json", fallback, sizeof(fallback) - 1);
		return;
	}
	set_body(req, status, "application/problem+json", text, strlen(text));
	free(text);
}

void hearth_respond_error(struct hearth_request *req, int status, const char *type,
			  const char *detail_fmt, ...)
{
	struct hearth_problem p;
	char detail[sizeof(p.detail)];
	va_list ap;

	va_start(ap, detail_fmt);
	vsnprintf(detail, sizeof(detail), detail_fmt, ap);
	va_end(ap);
	hearth_problem_clear(&p);
	hearth_problem_set(&p, status, type, "%s", detail);
	hearth_respond_problem(req, &p);
}

const char *hearth_path_param(const struct hearth_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_path_params; i++)
		if (strcmp(req->path_params[i].name, name) == 0)
			return req->path_params[i].value;
	return NULL;
}

const char *hearth_query_param(const struct hearth_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_query; i++)
		if (strcmp(req->query[i].name, name) == 0)
			return req->query[i].value;
	return NULL;
}

int hearth_query_names_check(const struct hearth_request *req, const char *const *known,
			     const char *detail, struct hearth_problem *p)
{
	int rc = 0;

	for (size_t i = 0; i < req->n_query; i++) {
		const char *name = req->query[i].name;
		int is_known = 0;

		for (const char *const *k = known; k && *k && !is_known; k++)
			is_known = strcmp(*k, name) == 0;
		if (!is_known) {
			hearth_problem_field(p, name, "%s", detail);
			rc = -1;
		}
	}
	return rc;
}

const char *hearth_header(const struct hearth_request *req, const char *name)
{
	/* The runtime's header map (struct hearth_exchange). */
	return u_map_get_case((const struct _u_map *)req->u_request, name);
}
