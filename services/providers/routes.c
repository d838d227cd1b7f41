/*
 * routes.c - every endpoint of the providers service, in one list (API.md §3).
 * Reads are open to every role of the tenant; writes name their roles.
 */
#include "providers.h"

#define ADMIN HEARTH_ROLE_TENANT_ADMIN
#define JSON_BODY HEARTH_ROUTE_JSON_BODY
#define PATCH_BODY (HEARTH_ROUTE_JSON_BODY | HEARTH_ROUTE_MERGE_PATCH)

const struct hearth_route providers_routes[] = {
	{ "GET", "/v1/organisations", hearth_handle_list, 0, 0, &organisation_resource },
	{ "POST", "/v1/organisations", hearth_handle_create, JSON_BODY, ADMIN, &organisation_resource },
	{ "GET", "/v1/organisations/{id}", hearth_handle_get, 0, 0, &organisation_resource },
	{ "PATCH", "/v1/organisations/{id}", hearth_handle_patch, PATCH_BODY, ADMIN,
	  &organisation_resource },
	/* == providers and settings == */
	/* == frameworks, lots, members, scores, ranking == */
	/* == contracts == */
	{ NULL, NULL, NULL, 0, 0, NULL },
};

const struct hearth_stmt_def *const providers_statements[] = {
	organisation_stmts,
	/* == providers and settings == */
	/* == frameworks, lots, members, scores, ranking == */
	/* == contracts == */
	NULL,
};
