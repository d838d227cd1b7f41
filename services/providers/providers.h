/*
 * providers.h - what the providers service's files share: the route table, the
 * statement tables of each repo file, and the resource descriptors.
 */
#ifndef HEARTH_PROVIDERS_H
#define HEARTH_PROVIDERS_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route providers_routes[];
extern const struct hearth_stmt_def *const providers_statements[];

/* organisations.c / organisations_repo.c */
extern const struct hearth_resource organisation_resource;
extern const struct hearth_stmt_def organisation_stmts[];

/* == providers and settings == */

/* == frameworks, lots, members, scores, ranking == */

/* == contracts == */

#endif
