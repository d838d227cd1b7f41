/*
 * hearth-qa - quality assurance of the tenant's providers and settings:
 * inspections in each regulator's own words, placement stops and the councils'
 * acknowledgements of them (API.md §5), and the background check that
 * announces overdue action items.
 */
#include <stdio.h>

#include "hearth/service.h"
#include "qa_service.h"

int main(int argc, char **argv)
{
	static const struct hearth_service_def def = {
		.name = "qa",
		.search_path = "qa, hearth, public",
		.routes = qa_routes,
		.stmt_tables = qa_statements,
		.workers = qa_workers,
	};

	if (qa_settings_load(stderr) != 0)
		return 1;
	return hearth_service_main(&def, argc, argv);
}
