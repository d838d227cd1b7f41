/*
 * http.h - the request/response surface handlers see.
 *
 * Handlers receive a struct hearth_request that is already authenticated (unless
 * the route is public), has its path parameters and query parameters decoded, its
 * JSON body (if the route takes one) bounded in depth and values on its text and
 * then parsed strictly, and its role checked against the route's write roles. The
 * body limit, the token, the role and the media type are checked from the headers,
 * before any of the body is read. A handler answers through the hearth_respond_* calls
 * exactly once and returns; it never sees Ulfius or MHD.
 *
 * Threads: a request is served on one thread from admission to answer; the
 * struct hearth_request, everything reachable from it and the hearth_respond_*
 * calls on it belong to that thread. Handlers of different requests run at the
 * same time, so they share nothing but what the runtime makes thread-safe (the
 * pool, the verifier, metrics, logs).
 *
 * Ownership: everything reachable from the request is owned by the runtime and
 * valid until the handler returns. Bodies passed to hearth_respond_json are
 * stolen (the caller's reference is consumed).
 */
#ifndef HEARTH_HTTP_H
#define HEARTH_HTTP_H

#include <stddef.h>
#include <jansson.h>
#include "hearth/auth.h"
#include "hearth/db.h"
#include "hearth/json_input.h"
#include "hearth/problem.h"

#define HEARTH_MAX_PATH_PARAMS 4
#define HEARTH_MAX_QUERY_PARAMS 32

struct hearth_param {
	const char *name;
	char *value; /* percent-decoded, NUL-terminated */
};

struct hearth_response; /* opaque: the runtime's answer being built */

struct hearth_request {
	const char *method;
	const char *path;          /* without the query string */
	const char *route;         /* the route template that matched, e.g. "/v1/providers/{id}" */
	const void *route_data;    /* the matched route's `data` */
	const char *request_id;
	struct hearth_principal principal; /* zeroed on public routes */
	struct hearth_db_actor actor;      /* principal as the database sees it */
	struct hearth_param path_params[HEARTH_MAX_PATH_PARAMS];
	size_t n_path_params;
	struct hearth_param query[HEARTH_MAX_QUERY_PARAMS];
	size_t n_query;
	const char *body;          /* raw body (NUL-terminated copy) or NULL */
	size_t body_len;
	json_t *json;              /* parsed body when the route takes JSON, else NULL */
	int wants_csv;             /* Accept prefers text/csv */
	struct hearth_db_pool *db;
	const char *cursor_secret;
	const char *service;
	struct hearth_response *res;
	void *u_request;           /* the runtime's own; handlers do not touch it */
};

typedef void (*hearth_handler)(struct hearth_request *req);

enum {
	HEARTH_ROUTE_PUBLIC      = 1u << 0, /* no token needed (/healthz, /readyz) */
	HEARTH_ROUTE_JSON_BODY   = 1u << 1, /* requires application/json, parsed into req->json */
	HEARTH_ROUTE_MERGE_PATCH = 1u << 2, /* also accepts application/merge-patch+json */
	/* A batch: HEARTH_BATCH_MAX_BODY_BYTES instead of MAX_BODY, a body
	 * {"items": [...]} bounded on its text (depth 8, 10,000 items, 64 values
	 * an item) before it is parsed, and a slot of the per-tenant and
	 * per-process batch caps held while it runs (429 / 503 past them). */
	HEARTH_ROUTE_LARGE_BODY  = 1u << 3,
	/* Slow by design (a whole-tenant report): its handler runs on the slow
	 * lane's threads (HEARTH_SLOW_THREADS), so it never holds up the HTTP
	 * workers' other connections. Every LARGE_BODY route runs there too. */
	HEARTH_ROUTE_SLOW        = 1u << 4,
	/* With JSON_BODY: the body's bounds are checked on its text as always,
	 * but it is not parsed: req->json is NULL and the handler parses
	 * req->body itself (a batch, item by item), answering what
	 * hearth_json_parse_body() would for a body that does not parse. */
	HEARTH_ROUTE_JSON_TEXT   = 1u << 5,
};

struct hearth_route {
	const char *method;   /* "GET", "POST", "PATCH", "PUT", "DELETE"; NULL ends a table */
	const char *path;     /* template with {name} segments: "/v1/providers/{id}"; a
			       * segment {id} or {..._id} matches only a UUID (anything
			       * else is a 404, like a path no route has) */
	hearth_handler handler;
	unsigned flags;
	unsigned roles;       /* roles allowed (HEARTH_ROLES_ANY for every known role);
	                       * a non-public route with 0 is refused at start-up */
	const void *data;     /* handed to the handler as req->route_data (e.g. a resource) */
	/* Bounds checked on a JSON body's text before it is parsed; NULL: the
	 * defaults (HEARTH_JSON_DEFAULT_DEPTH and _VALUES, no array bound). A
	 * route taking a large body states how many items it takes. */
	const struct hearth_json_bounds *json_bounds;
};

/* Request accessors. NULL when absent. */
const char *hearth_path_param(const struct hearth_request *req, const char *name);
const char *hearth_query_param(const struct hearth_request *req, const char *name);
const char *hearth_header(const struct hearth_request *req, const char *name);

/* Refuse query parameters whose names are not in `known` (NULL-terminated; NULL
 * knows none): a typo in a filter must not silently widen the answer. Records
 * the field error `detail` ("is not a filter of this list") on p for each
 * unknown name and returns -1; 0 when all are known. A repeated name never
 * reaches a handler: the runtime refuses it before (400 "query"). */
int hearth_query_names_check(const struct hearth_request *req, const char *const *known,
			     const char *detail, struct hearth_problem *p);

/* Answer with JSON (stolen), status and extra headers set before. */
void hearth_respond_json(struct hearth_request *req, int status, json_t *body);
/* Answer with pre-serialised JSON text (copied). */
void hearth_respond_json_text(struct hearth_request *req, int status, const char *text);
/* Answer with any content type (body copied). */
void hearth_respond_body(struct hearth_request *req, int status, const char *content_type,
			 const char *body, size_t len);
/* Answer with text/csv (copied). */
void hearth_respond_csv(struct hearth_request *req, int status, const char *csv, size_t len);
/* Answer 200 with `rows` (a JSON array of objects) as text/csv in `columns`
 * (dotted paths, the rules of hearth/csv.h). When the CSV would pass
 * `max_bytes` or memory runs out, 503 with `too_large_detail` instead
 * ("The ranking is too large for CSV."). Consumes nothing. */
void hearth_respond_csv_rows(struct hearth_request *req, const json_t *rows,
			     const char *const *columns, size_t n_columns, size_t max_bytes,
			     const char *too_large_detail);
/* The same for SQL rows: `res` from column `first_column` on, the header row
 * its column names (hearth_csv_render_result). Consumes nothing. */
void hearth_respond_csv_result(struct hearth_request *req, const PGresult *res, int first_column,
			       size_t max_bytes, const char *too_large_detail);
/* Answer with application/problem+json rendered from `p` (Retry-After,
 * WWW-Authenticate and Allow set as the status requires). */
void hearth_respond_problem(struct hearth_request *req, const struct hearth_problem *p);
/* Shorthand: hearth_problem_set + hearth_respond_problem. */
__attribute__((format(printf, 4, 5)))
void hearth_respond_error(struct hearth_request *req, int status, const char *type,
			  const char *detail_fmt, ...);
/* Add a response header (before one of the respond calls). */
void hearth_set_header(struct hearth_request *req, const char *name, const char *value);
/* Set ETag: "<version>". */
void hearth_set_etag(struct hearth_request *req, long long version);

#endif
