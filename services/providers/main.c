/*
 * hearth-providers - the register of providers and settings, frameworks with
 * lots, members, scores and rankings, contracts, and the tenant's organisations.
 */
#include "hearth/service.h"
#include "providers_service.h"

int main(int argc, char **argv)
{
	static const struct hearth_service_def def = {
		.name = "providers",
		.search_path = "providers, hearth, public",
		.routes = providers_routes,
		.stmt_tables = providers_statements,
	};
	return hearth_service_main(&def, argc, argv);
}
