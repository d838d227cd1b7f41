/*
 * routes.c - every endpoint of the quality-assurance service, in one list
 * (API.md §5). Provider intelligence: reads are open to every role of the
 * tenant; writes name their roles.
 */
#include "qa_service.h"

#define ANY HEARTH_ROLES_ANY
#define JSON_BODY HEARTH_ROUTE_JSON_BODY
#define PATCH_BODY (HEARTH_ROUTE_JSON_BODY | HEARTH_ROUTE_MERGE_PATCH)
/* Who records quality work (API.md §5). */
#define RECORDERS QA_RECORDER_ROLES

const struct hearth_route qa_routes[] = {
	/* == inspections: regulator feeds (integration) record them too == */
	{ "GET", "/v1/inspections", hearth_handle_list, 0, ANY, &inspection_resource, NULL },
	{ "POST", "/v1/inspections", hearth_handle_create, JSON_BODY,
	  RECORDERS | HEARTH_ROLE_INTEGRATION, &inspection_resource, NULL },
	{ "GET", "/v1/inspections/{id}", hearth_handle_get, 0, ANY, &inspection_resource, NULL },
	{ "PATCH", "/v1/inspections/{id}", hearth_handle_patch, PATCH_BODY,
	  RECORDERS | HEARTH_ROLE_INTEGRATION, &inspection_resource, NULL },
	/* == placement stops and acknowledgements == */
	{ "GET", "/v1/placement-stops", hearth_handle_list, 0, ANY, &placement_stop_resource, NULL },
	{ "POST", "/v1/placement-stops", hearth_handle_create, JSON_BODY, RECORDERS,
	  &placement_stop_resource, NULL },
	{ "GET", "/v1/placement-stops/{id}", hearth_handle_get, 0, ANY, &placement_stop_resource, NULL },
	{ "PATCH", "/v1/placement-stops/{id}", hearth_handle_patch, PATCH_BODY, RECORDERS,
	  &placement_stop_resource, NULL },
	{ "GET", "/v1/placement-stops/{id}/acknowledgements", acknowledgements_handle_list, 0, ANY,
	  NULL, NULL },
	{ "POST", "/v1/placement-stops/{id}/acknowledgements", acknowledgements_handle_create,
	  JSON_BODY, RECORDERS, NULL, NULL },
	{ "GET", "/v1/placement-stops/{id}/acknowledgements/{org_id}", acknowledgements_handle_get,
	  0, ANY, NULL, NULL },
	/* == concerns: one naming a child is its raising organisation's only;
	 *    providers raise their own notifications == */
	{ "GET", "/v1/concerns", hearth_handle_list, 0, ANY, &concern_resource, NULL },
	{ "POST", "/v1/concerns", hearth_handle_create, JSON_BODY,
	  RECORDERS | HEARTH_ROLE_PROVIDER, &concern_resource, NULL },
	{ "GET", "/v1/concerns/{id}", hearth_handle_get, 0, ANY, &concern_resource, NULL },
	{ "PATCH", "/v1/concerns/{id}", hearth_handle_patch, PATCH_BODY, RECORDERS,
	  &concern_resource, NULL },
	/* == QA policy: the tenant's admins set it == */
	{ "GET", "/v1/qa-policy", qa_policy_handle_get, 0, ANY, NULL, NULL },
	{ "PUT", "/v1/qa-policy", qa_policy_handle_put, JSON_BODY, HEARTH_ROLE_TENANT_ADMIN, NULL,
	  NULL },
	/* == visits and the due list == */
	{ "GET", "/v1/visits", hearth_handle_list, 0, ANY, &visit_resource, NULL },
	{ "POST", "/v1/visits", hearth_handle_create, JSON_BODY, RECORDERS, &visit_resource, NULL },
	{ "GET", "/v1/visits/due", visits_handle_due, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/visits/{id}", hearth_handle_get, 0, ANY, &visit_resource, NULL },
	{ "PATCH", "/v1/visits/{id}", hearth_handle_patch, PATCH_BODY, RECORDERS, &visit_resource,
	  NULL },
	/* == Reg 44 and Reg 45: providers submit their own == */
	{ "GET", "/v1/reg44-reports", reg44_reports_handle_list, 0, ANY, &reg44_report_resource,
	  NULL },
	{ "POST", "/v1/reg44-reports", hearth_handle_create, JSON_BODY,
	  RECORDERS | HEARTH_ROLE_PROVIDER, &reg44_report_resource, NULL },
	{ "GET", "/v1/reg44-reports/missing", reg44_reports_handle_missing, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/reg44-reports/{id}", hearth_handle_get, 0, ANY, &reg44_report_resource, NULL },
	{ "GET", "/v1/reg45-reviews", hearth_handle_list, 0, ANY, &reg45_review_resource, NULL },
	{ "POST", "/v1/reg45-reviews", hearth_handle_create, JSON_BODY,
	  RECORDERS | HEARTH_ROLE_PROVIDER, &reg45_review_resource, NULL },
	{ "GET", "/v1/reg45-reviews/missing", reg45_reviews_handle_missing, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/reg45-reviews/{id}", hearth_handle_get, 0, ANY, &reg45_review_resource, NULL },
	/* == action plans: providers answer their own items == */
	{ "GET", "/v1/action-plans", hearth_handle_list, 0, ANY, &action_plan_resource, NULL },
	{ "POST", "/v1/action-plans", hearth_handle_create, JSON_BODY, RECORDERS,
	  &action_plan_resource, NULL },
	{ "GET", "/v1/action-plans/{id}", hearth_handle_get, 0, ANY, &action_plan_resource, NULL },
	{ "PATCH", "/v1/action-plans/{id}", hearth_handle_patch, PATCH_BODY,
	  RECORDERS | HEARTH_ROLE_PROVIDER, &action_plan_resource, NULL },
	/* == risk: computed on each read; overrides by those who record == */
	{ "GET", "/v1/risk", risk_handle_list, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ "GET", "/v1/risk/overrides", hearth_handle_list, 0, ANY, &risk_override_resource, NULL },
	{ "POST", "/v1/risk/overrides", hearth_handle_create, JSON_BODY, RECORDERS,
	  &risk_override_resource, NULL },
	{ "GET", "/v1/risk/overrides/{id}", hearth_handle_get, 0, ANY, &risk_override_resource,
	  NULL },
	{ "GET", "/v1/risk/{subject_type}/{id}", risk_handle_get, 0, ANY, NULL, NULL },
	/* == provider scorecards: computed on each read == */
	{ "GET", "/v1/scorecards", scorecards_handle_list, HEARTH_ROUTE_SLOW, ANY, &scorecard_resource, NULL },
	{ "GET", "/v1/scorecards/{provider_id}", scorecards_handle_get, HEARTH_ROUTE_SLOW, ANY, NULL, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

const struct hearth_stmt_def *const qa_statements[] = {
	subject_stmts,
	/* == inspections == */
	inspection_stmts,
	/* == placement stops and acknowledgements == */
	placement_stop_stmts,
	/* == concerns == */
	concern_stmts,
	/* == QA policy, visits, Reg 44 and Reg 45 == */
	qa_policy_stmts,
	visit_stmts,
	returns_stmts,
	/* == action plans and risk == */
	action_plan_stmts,
	risk_stmts,
	/* == scorecards == */
	scorecard_stmts,
	NULL,
};
