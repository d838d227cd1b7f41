/*
 * hearth-placements - children (pseudonymous), placements and their IPAs,
 * council pushes by reference and in batches, and the sufficiency, spend and
 * stability reports.
 */
#include "hearth/service.h"
#include "placements_service.h"

int main(int argc, char **argv)
{
	static const struct hearth_service_def def = {
		.name = "placements",
		.search_path = "placements, hearth, public",
		.routes = placements_routes,
		.stmt_tables = placements_statements,
	};
	return hearth_service_main(&def, argc, argv);
}
