/*
 * routes.c - every endpoint of the providers service, in one list (API.md §3).
 * Reads are open to every role of the tenant; writes name their roles.
 */
#include "providers_service.h"

#define ADMIN HEARTH_ROLE_TENANT_ADMIN
#define ANY HEARTH_ROLES_ANY
#define JSON_BODY HEARTH_ROUTE_JSON_BODY
#define PATCH_BODY (HEARTH_ROUTE_JSON_BODY | HEARTH_ROUTE_MERGE_PATCH)

const struct hearth_route providers_routes[] = {
	{ "GET", "/v1/organisations", hearth_handle_list, 0, ANY, &organisation_resource, NULL },
	{ "POST", "/v1/organisations", hearth_handle_create, JSON_BODY, ADMIN, &organisation_resource, NULL },
	{ "GET", "/v1/organisations/{id}", hearth_handle_get, 0, ANY, &organisation_resource, NULL },
	{ "PATCH", "/v1/organisations/{id}", hearth_handle_patch, PATCH_BODY, ADMIN,
	  &organisation_resource, NULL },
	/* == providers and settings == */
	{ "GET", "/v1/providers", providers_handle_list, 0, ANY, &provider_resource, NULL },
	{ "POST", "/v1/providers", hearth_handle_create, JSON_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &provider_resource, NULL },
	{ "GET", "/v1/providers/{id}", hearth_handle_get, 0, ANY, &provider_resource, NULL },
	{ "PATCH", "/v1/providers/{id}", hearth_handle_patch, PATCH_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &provider_resource, NULL },
	{ "GET", "/v1/settings", hearth_handle_list, 0, ANY, &setting_resource, NULL },
	{ "POST", "/v1/settings", hearth_handle_create, JSON_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &setting_resource, NULL },
	{ "GET", "/v1/settings/{id}", hearth_handle_get, 0, ANY, &setting_resource, NULL },
	{ "PATCH", "/v1/settings/{id}", hearth_handle_patch, PATCH_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &setting_resource, NULL },
	/* == frameworks, lots, members, scores, ranking == */
	{ "GET", "/v1/frameworks", hearth_handle_list, 0, ANY, &framework_resource, NULL },
	{ "POST", "/v1/frameworks", hearth_handle_create, JSON_BODY, ADMIN, &framework_resource, NULL },
	{ "GET", "/v1/frameworks/{id}", hearth_handle_get, 0, ANY, &framework_resource, NULL },
	{ "PATCH", "/v1/frameworks/{id}", hearth_handle_patch, PATCH_BODY, ADMIN,
	  &framework_resource, NULL },
	{ "GET", "/v1/frameworks/{id}/members", members_handle_list, 0, ANY, NULL, NULL },
	{ "POST", "/v1/frameworks/{id}/members", members_handle_create, JSON_BODY, ADMIN, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}/members/{provider_id}", members_handle_get, 0, ANY, NULL, NULL },
	{ "PATCH", "/v1/frameworks/{id}/members/{provider_id}", members_handle_patch, PATCH_BODY,
	  ADMIN, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}/scores", scores_handle_list, 0, ANY, NULL, NULL },
	{ "POST", "/v1/frameworks/{id}/scores", scores_handle_create, JSON_BODY, ADMIN, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}/scores/{score_id}", scores_handle_get, 0, ANY, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}/ranking", ranking_handle_get, 0, ANY, NULL, NULL },
	/* == contracts == */
	{ "GET", "/v1/contracts", hearth_handle_list, 0, ANY, &contract_resource, NULL },
	{ "POST", "/v1/contracts", hearth_handle_create, JSON_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &contract_resource, NULL },
	{ "GET", "/v1/contracts/{id}", hearth_handle_get, 0, ANY, &contract_resource, NULL },
	{ "PATCH", "/v1/contracts/{id}", hearth_handle_patch, PATCH_BODY,
	  HEARTH_ROLE_COMMISSIONER | ADMIN, &contract_resource, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

const struct hearth_stmt_def *const providers_statements[] = {
	organisation_stmts,
	/* == providers and settings == */
	provider_stmts,
	setting_stmts,
	/* == frameworks, lots, members, scores, ranking == */
	framework_stmts,
	member_stmts,
	score_stmts,
	ranking_stmts,
	/* == contracts == */
	contract_stmts,
	NULL,
};
