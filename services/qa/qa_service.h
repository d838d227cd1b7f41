/*
 * qa_service.h - what the quality-assurance service's files share: the route
 * table and the statement tables of each repo file.
 */
#ifndef HEARTH_QA_SERVICE_H
#define HEARTH_QA_SERVICE_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route qa_routes[];
extern const struct hearth_stmt_def *const qa_statements[];

#endif
