/*
 * dispatch.c - one request from Ulfius to a handler and back.
 *
 * Order of checks, each answering problem+json: route (404/405), query string
 * (400), body size (413), token (401), role (403), media type (415), JSON body
 * (400). Then the handler; then the access log line and the metrics. The request
 * id (a client's, if well-formed, else a new one) is echoed on every answer.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "hearth/json_input.h"
#include "hearth/log.h"
#include "router.h"
#include "runtime.h"

#define REQUEST_ID_MAX 128

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

/* Everything between routing and the handler. Returns 0 to call the handler,
 * -1 when a problem has been answered already. */
static int admit(struct hearth_runtime *rt, const struct _u_request *u_req,
		 const struct hearth_route *route, struct hearth_request *req,
		 char *roles_text, size_t roles_len)
{
	struct hearth_problem p;
	long limit = (route->flags & HEARTH_ROUTE_LARGE_BODY) ? rt->cfg.batch_max_body_bytes
							       : rt->cfg.max_body_bytes;
	const char *why = NULL;

	hearth_problem_clear(&p);
	if ((long)u_req->binary_body_length > limit) {
		hearth_respond_error(req, 413, "payload-too-large",
				     "The request body is larger than %ld bytes.", limit);
		return -1;
	}
	if (!(route->flags & HEARTH_ROUTE_PUBLIC)) {
		if (hearth_verify_bearer(rt->verifier, u_map_get_case(u_req->map_header, "Authorization"),
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
		const char *ctype = u_map_get_case(u_req->map_header, "Content-Type");
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
		if (hearth_json_parse_body(req->body, req->body_len, &req->json, &p) != 0) {
			hearth_respond_problem(req, &p);
			return -1;
		}
	}
	return 0;
}

static size_t route_index(const struct hearth_runtime *rt, const struct hearth_route *route)
{
	return route ? (size_t)(route - rt->routes) : rt->n_routes;
}

int hearth_dispatch(const struct _u_request *u_req, struct _u_response *u_res, void *user_data)
{
	struct hearth_runtime *rt = user_data;
	struct hearth_response res = { u_res, 0 };
	struct hearth_request req;
	const struct hearth_route *route = NULL;
	char request_id[REQUEST_ID_MAX + 1], allow[64], roles_text[128] = "";
	const char *client_id = u_map_get_case(u_req->map_header, "X-Request-Id");
	const char *query = u_req->http_url ? strchr(u_req->http_url, '?') : NULL;
	struct timespec t0;
	char *body_copy = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	atomic_fetch_add(&rt->in_flight, 1);
	memset(&req, 0, sizeof(req));
	if (request_id_acceptable(client_id))
		snprintf(request_id, sizeof(request_id), "%s", client_id);
	else
		new_request_id(request_id, sizeof(request_id));
	req.method = u_req->http_verb;
	req.path = u_req->url_path;
	req.request_id = request_id;
	req.db = rt->pool;
	req.cursor_secret = rt->cfg.cursor_secret;
	req.service = rt->def->name;
	req.res = &res;
	req.u_request = (void *)u_req;
	req.wants_csv = wants_csv(u_map_get_case(u_req->map_header, "Accept"));
	u_map_put(u_res->map_header, "X-Request-Id", request_id);

	switch (hearth_route_match(rt->routes, req.method, req.path, &route, &req, allow,
				   sizeof(allow))) {
	case HEARTH_MATCH_NONE:
		hearth_respond_error(&req, 404, "not-found", "No resource lives at this path.");
		goto out;
	case HEARTH_MATCH_WRONG_METHOD:
		u_map_put(u_res->map_header, "Allow", allow);
		hearth_respond_error(&req, 405, "method-not-allowed",
				     "%s is not supported here; allowed: %s.", req.method, allow);
		goto out;
	case HEARTH_MATCH_OK:
		break;
	}
	req.route = route->path;
	req.route_data = route->data;
	if (query && hearth_query_parse(query + 1, &req) != 0) {
		struct hearth_problem p;
		hearth_problem_clear(&p);
		hearth_problem_field(&p, "query", "is malformed (bad escape, empty or repeated name)");
		hearth_respond_problem(&req, &p);
		goto out;
	}
	if (u_req->binary_body_length > 0) {
		body_copy = malloc(u_req->binary_body_length + 1);
		if (!body_copy) {
			hearth_respond_error(&req, 503, "unavailable", "The service is short of memory.");
			goto out;
		}
		memcpy(body_copy, u_req->binary_body, u_req->binary_body_length);
		body_copy[u_req->binary_body_length] = '\0';
		req.body = body_copy;
		req.body_len = u_req->binary_body_length;
	}
	if (admit(rt, u_req, route, &req, roles_text, sizeof(roles_text)) != 0)
		goto out;
	route->handler(&req);
	if (res.status == 0) {
		hearth_log(HEARTH_LOG_ERROR, "handler for %s %s gave no answer", req.method, route->path);
		hearth_respond_error(&req, 500, "internal", "The request could not be completed.");
	}
out:
	{
		double seconds = seconds_since(&t0);
		struct hearth_log_request line = {
			.request_id = request_id,
			.tenant = req.principal.tenant_id[0] ? req.principal.tenant_id : NULL,
			.org = req.principal.org_id[0] ? req.principal.org_id : NULL,
			.sub = req.principal.sub[0] ? req.principal.sub : NULL,
			.method = req.method,
			.route = route ? route->path : "unmatched",
			.status = res.status,
			.latency_ms = seconds * 1000.0,
		};
		if (!route || !(route->flags & HEARTH_ROUTE_PUBLIC) || res.status >= 400)
			hearth_log_request(&line, "request");
		hearth_metrics_observe(rt->metrics, route_index(rt, route), res.status, seconds);
	}
	json_decref(req.json);
	free(body_copy);
	hearth_request_params_release(&req);
	atomic_fetch_sub(&rt->in_flight, 1);
	return U_CALLBACK_COMPLETE;
}
