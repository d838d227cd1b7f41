/*
 * routes.c - every endpoint of the alerts service, in one list (API.md §6).
 * An alert is its organisation's own: every role reads its organisation's.
 */
#include "alerts_service.h"

#define ANY HEARTH_ROLES_ANY

const struct hearth_route alerts_routes[] = {
	/* == alerts == */
	{ "GET", "/v1/alerts", hearth_handle_list, 0, ANY, &alert_resource, NULL },
	{ "GET", "/v1/alerts/{id}", hearth_handle_get, 0, ANY, &alert_resource, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

const struct hearth_stmt_def *const alerts_statements[] = {
	alert_stmts,
	NULL,
};

const struct hearth_worker_def alerts_workers[] = {
	{ NULL, NULL, NULL },
};
