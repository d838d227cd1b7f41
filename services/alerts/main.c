/*
 * hearth-alerts - events from every service become alerts with deadlines for
 * exactly the organisations concerned (API.md §6): the alerts API, the
 * tenant's rules and working-day calendar, and the background workers that
 * consume the outboxes and run the clocks.
 */
#include "hearth/service.h"
#include "alerts_service.h"

int main(int argc, char **argv)
{
	static const struct hearth_service_def def = {
		.name = "alerts",
		.search_path = "alerts, hearth, public",
		.routes = alerts_routes,
		.stmt_tables = alerts_statements,
		.workers = alerts_workers,
	};
	return hearth_service_main(&def, argc, argv);
}
