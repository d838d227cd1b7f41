/*
 * hearth-alerts - events from every service become alerts with deadlines for
 * exactly the organisations concerned (API.md §6): the alerts API, the
 * tenant's rules and working-day calendar, and the background workers that
 * consume the outboxes and run the clocks.
 */
#include <stdio.h>

#include "hearth/service.h"
#include "alerts_service.h"
#include "webhooks.h"

int main(int argc, char **argv)
{
	static const struct hearth_service_def def = {
		.name = "alerts",
		.search_path = "alerts, hearth, public",
		.routes = alerts_routes,
		.stmt_tables = alerts_statements,
		.workers = alerts_workers,
	};
	/* Every bad setting is named, the service's own and the webhook sender's. */
	int bad = alerts_settings_load(stderr) != 0;
	bad |= webhooks_configure(hearth_env_getenv, NULL, stderr) != 0;
	if (bad)
		return 1;
	return hearth_service_main(&def, argc, argv);
}
