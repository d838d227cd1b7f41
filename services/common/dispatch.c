/*
 * dispatch.c - one request from the HTTP server to a handler and back.
 *
 * Order of checks, each answering problem+json: route (404/405), query string
 * (400), body size against Content-Length (413), token (401), role (403), media
 * type (415), batch slot (429/503) - all before a byte of the body is read, so
 * a refused request costs its headers only. Then the body, kept up to the
 * route's limit (413 past it), its bounds (400) and JSON (400), the handler, the
 * access log line and the metrics. The request id (a client's, if well-formed,
 * else a new one) is echoed on every answer.
 */
#include <ctype.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "hearth/json_input.h"
#include "hearth/log.h"
#include "hearth/util.h"
#include "router_internal.h"
#include "runtime_internal.h"

#define REQUEST_ID_MAX 128
/* A chunked body grows from this, doubling up to its route's limit. */
#define BODY_FIRST_CHUNK (64 * 1024)
/* After a request that held this much, idle heap goes back to the system. */
#define TRIM_AFTER_BYTES (1024 * 1024)
/* Past a route's limit a chunked body is read and dropped, to answer 413,
 * for at most this many more bytes; then the connection is closed. */
#define DISCARD_MAX_BYTES (1024 * 1024)
/* Seconds a client is asked to wait when the batch slots are taken. */
#define BATCH_RETRY_AFTER_S 2

/* Same rule as the gateway: anything else is replaced, so logs stay parseable. */
static int request_id_acceptable(const char *id)
{
	size_t n = 0;

	if (!id || !*id)
		return 0;
	for (const char *p = id; *p; p++, n++) {
		if (n >= REQUEST_ID_MAX)
			return 0;
		if (!isalnum((unsigned char)*p) && !strchr("._:-", *p))
			return 0;
	}
	return 1;
}

static void new_request_id(char *out, size_t len)
{
	unsigned char raw[16] = { 0 };
	static const char hex[] = "0123456789abcdef";

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(raw, &ts, sizeof(ts) < sizeof(raw) ? sizeof(ts) : sizeof(raw));
	}
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < len; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
		out[2 * i + 2] = '\0';
	}
}

/* "application/json; charset=utf-8" -> compares "application/json". */
static int media_type_is(const char *header, const char *type)
{
	size_t n = strlen(type);

	if (!header)
		return 0;
	while (*header == ' ')
		header++;
	if (strncasecmp(header, type, n) != 0)
		return 0;
	header += n;
	while (*header == ' ')
		header++;
	return *header == '\0' || *header == ';';
}

static int wants_csv(const char *accept)
{
	return accept && strstr(accept, "text/csv") &&
	       (!strstr(accept, "application/json") ||
		strstr(accept, "text/csv") < strstr(accept, "application/json"));
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void set_actor(struct hearth_request *req, char *roles_text, size_t roles_len)
{
	hearth_roles_format(req->principal.roles, roles_text, roles_len);
	req->actor.tenant_id = req->principal.tenant_id;
	req->actor.org_id = req->principal.org_id;
	req->actor.sub = req->principal.sub;
	req->actor.roles = roles_text;
	req->actor.request_id = req->request_id;
}

/* Everything between routing and the body. Returns 0 to read the body and
 * call the handler, -1 when a problem has been answered already. */
static int admit(struct hearth_runtime *rt, const struct hearth_exchange *ex,
		 const struct hearth_route *route, struct hearth_request *req,
		 char *roles_text, size_t roles_len, long long declared_len)
{
	long limit = ex->body_limit;
	const char *why = NULL;

	if (declared_len > limit) {
		hearth_respond_error(req, 413, "payload-too-large",
				     "The request body is larger than %ld bytes.", limit);
		return -1;
	}
	if (!(route->flags & HEARTH_ROUTE_PUBLIC)) {
		if (hearth_verify_bearer(rt->verifier, u_map_get_case(&ex->headers, "Authorization"),
					 time(NULL), &req->principal, &why) != HEARTH_AUTH_OK) {
			hearth_respond_error(req, 401, "unauthorized",
					     "A valid bearer token is required.");
			return -1;
		}
		set_actor(req, roles_text, roles_len);
		/* A route names the roles it serves (never "none"), so a token whose
		 * roles are empty or all unknown is refused everywhere. */
		if (!(req->principal.roles & route->roles)) {
			hearth_respond_error(req, 403, "forbidden",
					     req->principal.roles
						     ? "Your role does not allow this action."
						     : "Your token carries no role that Hearth knows.");
			return -1;
		}
	}
	if (route->flags & HEARTH_ROUTE_JSON_BODY) {
		const char *ctype = u_map_get_case(&ex->headers, "Content-Type");
		int ok = media_type_is(ctype, "application/json") ||
			 ((route->flags & HEARTH_ROUTE_MERGE_PATCH) &&
			  media_type_is(ctype, "application/merge-patch+json"));
		if (!ok) {
			hearth_respond_error(req, 415, "unsupported-media-type",
					     (route->flags & HEARTH_ROUTE_MERGE_PATCH)
						     ? "Send application/merge-patch+json or application/json."
						     : "Send application/json.");
			return -1;
		}
	}
	return 0;
}

/* A batch holds a large body and its parse for its whole transaction: only a
 * few run at once, per tenant and per process. */
static int claim_batch_slot(struct hearth_exchange *ex)
{
	struct hearth_problem p;

	hearth_problem_clear(&p);
	switch (hearth_batch_slot_claim(ex->rt->batch_slots, ex->req.principal.tenant_id)) {
	case HEARTH_SLOT_OK:
		ex->holds_batch_slot = 1;
		return 0;
	case HEARTH_SLOT_TENANT_BUSY:
		hearth_problem_set(&p, 429, "too-many-requests",
				   "Your organisation's tenant already runs %d batch requests; retry later.",
				   ex->rt->cfg.batch_concurrency_per_tenant);
		break;
	case HEARTH_SLOT_PROCESS_BUSY:
		hearth_problem_set(&p, 503, "unavailable",
				   "The service runs as many batch requests as it can; retry later.");
		break;
	}
	p.retry_after = BATCH_RETRY_AFTER_S;
	hearth_respond_problem(&ex->req, &p);
	return -1;
}

/* The body is whole: its bounds, then JSON. Returns 0 or -1 (answered). */
static int parse_body(struct hearth_exchange *ex)
{
	const struct hearth_route *route = ex->route;
	static const struct hearth_json_bounds defaults = { HEARTH_JSON_DEFAULT_DEPTH,
							    HEARTH_JSON_DEFAULT_VALUES, NULL, 0 };
	const struct hearth_json_bounds *bounds = route->json_bounds ? route->json_bounds : &defaults;
	struct hearth_problem p;

	if (ex->body_too_large) {
		hearth_respond_error(&ex->req, 413, "payload-too-large",
				     "The request body is larger than %ld bytes.", ex->body_limit);
		return -1;
	}
	if (!(route->flags & HEARTH_ROUTE_JSON_BODY))
		return 0;
	hearth_problem_clear(&p);
	if (route->flags & HEARTH_ROUTE_JSON_TEXT) {
		if (ex->req.body && ex->req.body_len > 0 &&
		    hearth_json_check_bounds(ex->req.body, ex->req.body_len, bounds, &p) != 0) {
			hearth_respond_problem(&ex->req, &p);
			return -1;
		}
		return 0;
	}
	if (hearth_json_parse_body_bounded(ex->req.body, ex->req.body_len, bounds, &ex->json_owned,
					   &p) != 0) {
		hearth_respond_problem(&ex->req, &p);
		return -1;
	}
	ex->req.json = ex->json_owned;
	return 0;
}

static size_t route_index(const struct hearth_runtime *rt, const struct hearth_route *route)
{
	return route ? (size_t)(route - rt->routes) : rt->n_routes;
}

struct hearth_exchange *hearth_exchange_new(struct hearth_runtime *rt, const char *raw_uri)
{
	struct hearth_exchange *ex = calloc(1, sizeof(*ex));

	if (!ex)
		return NULL;
	ex->rt = rt;
	clock_gettime(CLOCK_MONOTONIC, &ex->t0);
	ex->url = strdup(raw_uri ? raw_uri : "");
	if (!ex->url || u_map_init(&ex->headers) != U_OK) {
		free(ex->url);
		free(ex);
		return NULL;
	}
	if (ulfius_init_response(&ex->u_res) != U_OK) {
		u_map_clean(&ex->headers);
		free(ex->url);
		free(ex);
		return NULL;
	}
	ex->res.u = &ex->u_res;
	atomic_fetch_add(&rt->in_flight, 1);
	return ex;
}

int hearth_exchange_admit(struct hearth_exchange *ex, const char *method, long long declared_len)
{
	struct hearth_runtime *rt = ex->rt;
	struct hearth_request *req = &ex->req;
	const char *client_id = u_map_get_case(&ex->headers, "X-Request-Id");
	char *query = strchr(ex->url, '?');
	char allow[64];

	snprintf(ex->method, sizeof(ex->method), "%s", method);
	if (query)
		*query++ = '\0'; /* ex->url is the path from here on */
	if (request_id_acceptable(client_id))
		snprintf(ex->request_id, sizeof(ex->request_id), "%s", client_id);
	else
		new_request_id(ex->request_id, sizeof(ex->request_id));
	req->method = ex->method;
	req->path = ex->url;
	req->request_id = ex->request_id;
	req->db = rt->pool;
	req->cursor_secret = rt->cfg.cursor_secret;
	req->service = rt->def->name;
	req->res = &ex->res;
	req->u_request = &ex->headers;
	req->wants_csv = wants_csv(u_map_get_case(&ex->headers, "Accept"));
	u_map_put(ex->u_res.map_header, "X-Request-Id", ex->request_id);

	switch (hearth_route_match(rt->routes, req->method, req->path, &ex->route, req, allow,
				   sizeof(allow))) {
	case HEARTH_MATCH_NONE:
		hearth_respond_error(req, 404, "not-found", "No resource lives at this path.");
		return 1;
	case HEARTH_MATCH_WRONG_METHOD:
		u_map_put(ex->u_res.map_header, "Allow", allow);
		hearth_respond_error(req, 405, "method-not-allowed",
				     "%s is not supported here; allowed: %s.", req->method, allow);
		return 1;
	case HEARTH_MATCH_OK:
		break;
	}
	req->route = ex->route->path;
	req->route_data = ex->route->data;
	if (query && hearth_query_parse(query, req) != 0) {
		struct hearth_problem p;
		hearth_problem_clear(&p);
		hearth_problem_field(&p, "query", "is malformed (bad escape, empty or repeated name)");
		hearth_respond_problem(req, &p);
		return 1;
	}
	ex->body_limit = (ex->route->flags & HEARTH_ROUTE_LARGE_BODY) ? rt->cfg.batch_max_body_bytes
								     : rt->cfg.max_body_bytes;
	if (admit(rt, ex, ex->route, req, ex->roles_text, sizeof(ex->roles_text), declared_len) != 0)
		return 1;
	if ((ex->route->flags & HEARTH_ROUTE_LARGE_BODY) && claim_batch_slot(ex) != 0)
		return 1;
	if (declared_len > 0) {
		/* The whole body in one allocation, of the size announced. */
		ex->body = malloc((size_t)declared_len + 1);
		if (!ex->body) {
			struct hearth_problem p;

			hearth_problem_clear(&p);
			hearth_problem_out_of_memory(&p);
			hearth_respond_problem(req, &p);
			return 1;
		}
		ex->body_cap = (size_t)declared_len;
	}
	return 0;
}

int hearth_exchange_body(struct hearth_exchange *ex, const char *data, size_t n)
{
	size_t limit = (size_t)ex->body_limit;

	if (ex->body_too_large) {
		ex->body_len += n; /* counted, not kept */
		return ex->body_len > limit + DISCARD_MAX_BYTES ? -1 : 0;
	}
	if (ex->body_len + n > limit) {
		ex->body_too_large = 1;
		free(ex->body);
		ex->body = NULL;
		ex->body_cap = 0;
		ex->body_len += n;
		return 0;
	}
	if (ex->body_len + n > ex->body_cap) {
		/* Chunked, or more than announced (MHD forbids that): grow. */
		size_t cap = ex->body_cap ? ex->body_cap : BODY_FIRST_CHUNK;
		char *grown;
		while (cap < ex->body_len + n)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		grown = realloc(ex->body, cap + 1);
		if (!grown)
			return -1;
		ex->body = grown;
		ex->body_cap = cap;
	}
	memcpy(ex->body + ex->body_len, data, n);
	ex->body_len += n;
	return 0;
}

void hearth_exchange_run(struct hearth_exchange *ex)
{
	struct hearth_request *req = &ex->req;

	if (ex->body && !ex->body_too_large) {
		ex->body[ex->body_len] = '\0';
		req->body = ex->body;
		req->body_len = ex->body_len;
	}
	if (parse_body(ex) != 0)
		return;
	ex->route->handler(req);
	if (ex->res.status == 0) {
		hearth_log(HEARTH_LOG_ERROR, "handler for %s %s gave no answer", req->method,
			   ex->route->path);
		hearth_respond_error(req, 500, "internal", "The request could not be completed.");
	}
}

/* The request is answered: its batch slot, its in-flight count. Its memory
 * stays until release_memory(). */
static void release_request(struct hearth_exchange *ex)
{
	if (ex->holds_batch_slot)
		hearth_batch_slot_release(ex->rt->batch_slots, ex->req.principal.tenant_id);
	ex->holds_batch_slot = 0;
	hearth_request_params_release(&ex->req);
	atomic_fetch_sub(&ex->rt->in_flight, 1);
	ex->finished = 1;
}

/* The body and its parse, once the answer is sent: freeing a batch's tree
 * (10,000 items) took about a tenth of its answer time when it ran between
 * queueing the answer and sending it. */
static void release_memory(struct hearth_exchange *ex)
{
	size_t held = ex->body_cap;

	json_decref(ex->json_owned);
	ex->json_owned = NULL;
	ex->req.json = NULL;
	free(ex->body);
	ex->body = NULL;
	ex->req.body = NULL;
	/* glibc keeps freed heap in its arenas; a batch's parse would stay resident. */
	if (held >= TRIM_AFTER_BYTES)
		malloc_trim(0);
}

void hearth_exchange_finish(struct hearth_exchange *ex)
{
	struct hearth_runtime *rt = ex->rt;
	const struct hearth_request *req = &ex->req;
	const struct hearth_route *route = ex->route;
	double seconds = seconds_since(&ex->t0);
	struct hearth_log_request line = {
		.request_id = ex->request_id,
		.tenant = req->principal.tenant_id[0] ? req->principal.tenant_id : NULL,
		.org = req->principal.org_id[0] ? req->principal.org_id : NULL,
		.sub = req->principal.sub[0] ? req->principal.sub : NULL,
		.method = req->method ? req->method : ex->method,
		.route = route ? route->path : "unmatched",
		.status = ex->res.status,
		.latency_ms = seconds * 1000.0,
	};

	if (ex->finished)
		return;
	if (!route || !(route->flags & HEARTH_ROUTE_PUBLIC) || ex->res.status >= 400)
		hearth_log_request(&line, "request");
	hearth_metrics_observe(rt->metrics, route_index(rt, route), ex->res.status, seconds);
	release_request(ex);
}

void hearth_exchange_free(struct hearth_exchange *ex)
{
	if (!ex)
		return;
	if (!ex->finished)
		release_request(ex); /* the client went away before an answer */
	release_memory(ex);
	ulfius_clean_response(&ex->u_res);
	u_map_clean(&ex->headers);
	free(ex->url);
	free(ex);
}
