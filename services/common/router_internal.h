/*
 * router_internal.h - private to the runtime: matching paths against route templates and
 * decoding the query string. Kept apart from Ulfius so it can be unit-tested and
 * fuzzed on its own.
 */
#ifndef HEARTH_ROUTER_INTERNAL_H
#define HEARTH_ROUTER_INTERNAL_H

#include <stddef.h>
#include "hearth/http.h"

enum hearth_match {
	HEARTH_MATCH_NONE,            /* no template has this path: 404 */
	HEARTH_MATCH_WRONG_METHOD,    /* the path exists with other methods: 405 */
	HEARTH_MATCH_OK,
};

/* Find the route for method + path. On OK, *route is set and the path params are
 * decoded into req->path_params (strings owned by req: free with
 * hearth_request_params_release). On WRONG_METHOD, `allow` receives the allowed
 * methods ("GET, POST"). A path with a bad percent-escape or a NUL matches nothing. */
enum hearth_match hearth_route_match(const struct hearth_route *routes, const char *method,
				     const char *path, const struct hearth_route **route,
				     struct hearth_request *req, char *allow, size_t allow_len);

/* Decode "a=1&b=x%20y" into req->query (owned by req). Returns 0, or -1 when
 * the query is malformed (bad escape, too many parameters, a repeated name). */
int hearth_query_parse(const char *query, struct hearth_request *req);

/* Free decoded path and query parameters; NULL is a no-op. */
void hearth_request_params_release(struct hearth_request *req);

/* Percent-decode src[0..n) into a new string; '+' becomes space when `plus`.
 * NULL on a bad escape, an encoded NUL, or no memory. */
char *hearth_percent_decode(const char *src, size_t n, int plus);

#endif
