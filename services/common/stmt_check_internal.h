/*
 * stmt_check_internal.h - private to the runtime: the start-up check that the
 * C code and the SQL of a service agree on statement names and parameter
 * counts (see HEARTH_STMT_USE in hearth/db.h).
 */
#ifndef HEARTH_STMT_CHECK_INTERNAL_H
#define HEARTH_STMT_CHECK_INTERNAL_H

#include <stddef.h>

#include "hearth/db.h"
#include "hearth/http.h"

/* Check, against the statement table `stmts` (ending with a NULL name):
 *   - every call site recorded in this program (hearth_stmt_uses());
 *   - every statement of each resource that a generic handler serves in
 *     `routes` (ending with a NULL method), with the parameter count the
 *     resource contract gives it (hearth/resource.h);
 *   - that no two statements of the table share a name.
 * Returns 0, or -1 with the first mismatch in `err`, naming the statement and
 * where it is used. Pure: reads only its arguments and the program's image. */
int hearth_stmt_check(const struct hearth_stmt_def *stmts, const struct hearth_route *routes,
		      char *err, size_t errlen);

#endif
