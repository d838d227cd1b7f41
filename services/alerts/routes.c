/*
 * routes.c - every endpoint of the alerts service, in one list (API.md §6).
 * An alert is its organisation's own: every role reads its organisation's.
 */
#include "alerts_service.h"
#include "webhooks.h"

#define ANY HEARTH_ROLES_ANY
#define JSON_BODY HEARTH_ROUTE_JSON_BODY
#define PATCH_BODY (HEARTH_ROUTE_JSON_BODY | HEARTH_ROUTE_MERGE_PATCH)
/* Who acts on an alert of their organisation: everyone but viewers and providers. */
#define ACTORS (HEARTH_ROLE_TENANT_ADMIN | HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_QA_OFFICER | \
		HEARTH_ROLE_INTEGRATION)
/* Organisation administrators and commissioners manage webhooks. */
#define MANAGERS WEBHOOK_MANAGER_ROLES

const struct hearth_route alerts_routes[] = {
	/* == alerts == */
	{ "GET", "/v1/alerts", hearth_handle_list, 0, ANY, &alert_resource, NULL },
	{ "GET", "/v1/alerts/{id}", hearth_handle_get, 0, ANY, &alert_resource, NULL },
	{ "POST", "/v1/alerts/{id}/acknowledge", alerts_handle_acknowledge, JSON_BODY, ACTORS, NULL,
	  NULL },
	{ "POST", "/v1/alerts/{id}/deadlines/{name}/met", alerts_handle_deadline_met, JSON_BODY,
	  ACTORS, NULL, NULL },
	{ "POST", "/v1/alerts/{id}/resolve", alerts_handle_resolve, JSON_BODY, ACTORS, NULL, NULL },
	/* == rules: the tenant's admins change them == */
	{ "GET", "/v1/alert-rules", alert_rules_handle_list, 0, ANY, NULL, NULL },
	{ "GET", "/v1/alert-rules/{kind}", alert_rules_handle_get, 0, ANY, NULL, NULL },
	{ "PATCH", "/v1/alert-rules/{kind}", alert_rules_handle_patch, PATCH_BODY,
	  HEARTH_ROLE_TENANT_ADMIN, NULL, NULL },
	/* == the calendar == */
	{ "GET", "/v1/calendar/holidays", hearth_handle_list, 0, ANY, &holiday_resource, NULL },
	{ "POST", "/v1/calendar/holidays", hearth_handle_create, JSON_BODY, HEARTH_ROLE_TENANT_ADMIN,
	  &holiday_resource, NULL },
	{ "GET", "/v1/calendar/holidays/{id}", hearth_handle_get, 0, ANY, &holiday_resource, NULL },
	/* == webhooks: the organisation's subscriptions and their deliveries == */
	{ "GET", "/v1/subscriptions", hearth_handle_list, 0, ANY, &subscription_resource, NULL },
	{ "POST", "/v1/subscriptions", subscriptions_handle_create, JSON_BODY, MANAGERS, NULL, NULL },
	{ "GET", "/v1/subscriptions/{id}", hearth_handle_get, 0, ANY, &subscription_resource, NULL },
	{ "PATCH", "/v1/subscriptions/{id}", subscriptions_handle_patch, PATCH_BODY, MANAGERS, NULL,
	  NULL },
	{ "GET", "/v1/subscriptions/{id}/deliveries", deliveries_handle_list, 0, ANY, NULL, NULL },
	{ "GET", "/v1/subscriptions/{id}/deliveries/{delivery_id}", deliveries_handle_get, 0, ANY,
	  NULL, NULL },
	{ "POST", "/v1/subscriptions/{id}/deliveries/{delivery_id}/redeliver",
	  deliveries_handle_redeliver, 0, MANAGERS, NULL, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

const struct hearth_stmt_def *const alerts_statements[] = {
	alert_stmts,
	rule_stmts,
	holiday_stmts,
	webhook_stmts,
	NULL,
};
