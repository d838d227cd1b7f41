/*
 * routes.c - every endpoint of the placements service, in one list (API.md §4).
 * Child-level records belong to the placing organisation (row-level security);
 * writes by the organisation's commissioners and its integration clients.
 */
#include "placements_service.h"

#define ANY HEARTH_ROLES_ANY
#define JSON_BODY HEARTH_ROUTE_JSON_BODY
#define PATCH_BODY (HEARTH_ROUTE_JSON_BODY | HEARTH_ROUTE_MERGE_PATCH)
#define WRITERS (HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_INTEGRATION)

const struct hearth_route placements_routes[] = {
	/* == children, placements, ipas == */
	{ "GET", "/v1/children", hearth_handle_list, 0, ANY, &child_resource, NULL },
	{ "POST", "/v1/children", hearth_handle_create, JSON_BODY, WRITERS, &child_resource, NULL },
	{ "GET", "/v1/children/{id}", hearth_handle_get, 0, ANY, &child_resource, NULL },
	{ "PATCH", "/v1/children/{id}", hearth_handle_patch, PATCH_BODY, WRITERS, &child_resource, NULL },
	{ "GET", "/v1/placements", hearth_handle_list, 0, ANY, &placement_resource, NULL },
	{ "POST", "/v1/placements", hearth_handle_create, JSON_BODY, WRITERS, &placement_resource, NULL },
	{ "GET", "/v1/placements/{id}", hearth_handle_get, 0, ANY, &placement_resource, NULL },
	{ "PATCH", "/v1/placements/{id}", hearth_handle_patch, PATCH_BODY, WRITERS,
	  &placement_resource, NULL },
	{ "GET", "/v1/placements/{id}/ipas", ipas_handle_list, 0, ANY, &ipa_resource, NULL },
	{ "POST", "/v1/placements/{id}/ipas", hearth_handle_create, JSON_BODY, WRITERS, &ipa_resource, NULL },
	{ "GET", "/v1/placements/{id}/ipas/{ipa_id}", hearth_handle_get, 0, ANY, &ipa_resource, NULL },
	/* == by-ref and batch pushes == */
	{ "GET", "/v1/placements/by-ref/{external_ref}", pushes_handle_get, 0, ANY, NULL, NULL },
	{ "PUT", "/v1/placements/by-ref/{external_ref}", pushes_handle_put, JSON_BODY, WRITERS, NULL, NULL },
	{ "POST", "/v1/placements/batch", pushes_handle_batch,
	  JSON_BODY | HEARTH_ROUTE_LARGE_BODY | HEARTH_ROUTE_JSON_TEXT, WRITERS, NULL,
	  &push_batch_bounds },
	/* == reports == */
	{ "GET", "/v1/reports/sufficiency", reports_handle_sufficiency, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/reports/spend", reports_handle_spend, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/reports/stability", reports_handle_stability, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

const struct hearth_stmt_def *const placements_statements[] = {
	/* == children, placements, ipas == */
	child_stmts,
	placement_stmts,
	ipa_stmts,
	/* == by-ref and batch pushes == */
	push_stmts,
	/* == reports == */
	reports_stmts,
	NULL,
};
