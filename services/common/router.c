/*
 * router.c - route templates ("/v1/providers/{id}") matched segment by segment.
 *
 * Why not Ulfius' own router: we need 405 with Allow for a known path with the
 * wrong method, and problem+json for everything unmatched, and route variables
 * kept apart from query parameters (Ulfius mixes both in one map).
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/json_input.h"
#include "router_internal.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *hearth_percent_decode(const char *src, size_t n, int plus)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (src[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				goto bad;
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (plus && src[i] == '+') {
			out[o++] = ' ';
		} else if (src[i] == '\0') {
			goto bad;
		} else {
			out[o++] = src[i];
		}
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* {id} and {<anything>_id} name records by UUID: a segment that is not one
 * names nothing, so the template does not match it (404 like any unknown path,
 * before a handler or the database sees it). */
static int param_is_uuid(const char *name, size_t len)
{
	return (len == 2 && memcmp(name, "id", 2) == 0) ||
	       (len > 3 && memcmp(name + len - 3, "_id", 3) == 0);
}

/* Compare one template against a path. Returns 1 on a match and, when `req` is
 * given, records the decoded {name} segments. */
static int template_matches(const char *tpl, const char *path, struct hearth_request *req)
{
	const char *t = tpl, *p = path;

	while (*t && *p) {
		if (*t != '/' || *p != '/')
			return 0;
		t++, p++;
		const char *t_end = strchr(t, '/');
		const char *p_end = strchr(p, '/');
		size_t tl = t_end ? (size_t)(t_end - t) : strlen(t);
		size_t pl = p_end ? (size_t)(p_end - p) : strlen(p);

		if (tl > 2 && t[0] == '{' && t[tl - 1] == '}') {
			if (pl == 0)
				return 0;
			if (param_is_uuid(t + 1, tl - 2)) {
				char *value = hearth_percent_decode(p, pl, 0);
				int ok = value && hearth_is_uuid(value);
				free(value);
				if (!ok)
					return 0;
			}
			if (req) {
				if (req->n_path_params >= HEARTH_MAX_PATH_PARAMS)
					return 0;
				char *value = hearth_percent_decode(p, pl, 0);
				char *name = strndup(t + 1, tl - 2);
				if (!value || !name) {
					free(value);
					free(name);
					return 0;
				}
				req->path_params[req->n_path_params].name = name;
				req->path_params[req->n_path_params].value = value;
				req->n_path_params++;
			}
		} else if (tl != pl || memcmp(t, p, tl) != 0) {
			return 0;
		}
		t += tl;
		p += pl;
	}
	return *t == '\0' && *p == '\0';
}

enum hearth_match hearth_route_match(const struct hearth_route *routes, const char *method,
				     const char *path, const struct hearth_route **route,
				     struct hearth_request *req, char *allow, size_t allow_len)
{
	int path_known = 0;
	size_t used = 0;

	if (allow_len)
		allow[0] = '\0';
	*route = NULL;
	for (const struct hearth_route *r = routes; r->method; r++) {
		if (!template_matches(r->path, path, NULL))
			continue;
		if (strcmp(r->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
			if (!template_matches(r->path, path, req)) {
				hearth_request_params_release(req);
				return HEARTH_MATCH_NONE; /* undecodable segment */
			}
			*route = r;
			return HEARTH_MATCH_OK;
		}
		path_known = 1;
		if (allow_len && !strstr(allow, r->method)) {
			int n = snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", r->method);
			if (n > 0 && (size_t)n < allow_len - used)
				used += (size_t)n;
		}
	}
	return path_known ? HEARTH_MATCH_WRONG_METHOD : HEARTH_MATCH_NONE;
}

int hearth_query_parse(const char *query, struct hearth_request *req)
{
	const char *p = query;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t name_len = eq ? (size_t)(eq - p) : len;

		if (len > 0) {
			if (req->n_query >= HEARTH_MAX_QUERY_PARAMS || name_len == 0)
				return -1;
			char *name = hearth_percent_decode(p, name_len, 1);
			char *value = eq ? hearth_percent_decode(eq + 1, len - name_len - 1, 1)
					 : strdup("");
			if (!name || !value) {
				free(name);
				free(value);
				return -1;
			}
			for (size_t i = 0; i < req->n_query; i++) {
				if (strcmp(req->query[i].name, name) == 0) {
					free(name);
					free(value);
					return -1;
				}
			}
			req->query[req->n_query].name = name;
			req->query[req->n_query].value = value;
			req->n_query++;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

void hearth_request_params_release(struct hearth_request *req)
{
	if (!req)
		return;
	for (size_t i = 0; i < req->n_path_params; i++) {
		free((char *)req->path_params[i].name);
		free(req->path_params[i].value);
	}
	for (size_t i = 0; i < req->n_query; i++) {
		free((char *)req->query[i].name);
		free(req->query[i].value);
	}
	req->n_path_params = 0;
	req->n_query = 0;
}
