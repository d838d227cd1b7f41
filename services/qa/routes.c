/*
 * routes.c - every endpoint of the quality-assurance service, in one list
 * (API.md §5). Provider intelligence: reads are open to every role of the
 * tenant; writes name their roles.
 */
#include "qa_service.h"

const struct hearth_route qa_routes[] = {
	{ NULL, NULL, NULL, 0, 0, NULL },
};

const struct hearth_stmt_def *const qa_statements[] = {
	NULL,
};
