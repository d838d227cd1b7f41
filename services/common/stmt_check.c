/*
 * stmt_check.c - do the C code and the SQL of a service agree? (see
 * stmt_check_internal.h). Run once at start-up, before anything connects.
 *
 * Call sites are collected by the linker: each HEARTH_STMT_USE places one
 * struct hearth_stmt_use in the section "hearth_stmt_calls", and the linker
 * provides __start_/__stop_ symbols around it. (The section must not share a
 * name with a function: the assembler would take calls to the function for
 * the section.) They are weak here, so a
 * program without any recorded call (a test, a fuzz harness) still links.
 */
#include <stdio.h>
#include <string.h>

#include "hearth/resource.h"
#include "hearth/util.h"
#include "stmt_check_internal.h"

extern const struct hearth_stmt_use __start_hearth_stmt_calls[] __attribute__((weak));
extern const struct hearth_stmt_use __stop_hearth_stmt_calls[] __attribute__((weak));

const struct hearth_stmt_use *hearth_stmt_uses(size_t *n)
{
	*n = (__start_hearth_stmt_calls && __stop_hearth_stmt_calls)
		     ? (size_t)(__stop_hearth_stmt_calls - __start_hearth_stmt_calls)
		     : 0;
	return __start_hearth_stmt_calls;
}

static const struct hearth_stmt_def *find(const struct hearth_stmt_def *stmts, const char *name)
{
	for (const struct hearth_stmt_def *s = stmts; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* 0 when `name` is in the table with `n` parameters; else -1 with why. */
static int check_one(const struct hearth_stmt_def *stmts, const char *name, int n,
		     const char *where, char *err, size_t errlen)
{
	const struct hearth_stmt_def *def = find(stmts, name);

	if (!def) {
		snprintf(err, errlen, "statement \"%s\" (used %s) is not in the statement table",
			 name, where);
		return -1;
	}
	if (def->n_params != n) {
		snprintf(err, errlen, "statement \"%s\" takes %d parameter(s) but is called with %d "
			 "(%s)", name, def->n_params, n, where);
		return -1;
	}
	return 0;
}

static int count(const char *const *list)
{
	int n = 0;

	while (list && list[n])
		n++;
	return n;
}

static int is_generic(hearth_handler h)
{
	return h == hearth_handle_create || h == hearth_handle_get || h == hearth_handle_patch ||
	       h == hearth_handle_list;
}

/* The statements of a resource, with the counts of hearth/resource.h. */
static int check_resource(const struct hearth_stmt_def *stmts, const struct hearth_resource *r,
			  const struct hearth_route *route, char *err, size_t errlen)
{
	int path = count(r->path_params), filters = 0;
	char where[192];

	for (const struct hearth_filter *f = r->filters; f && f->name; f++)
		filters++;
	snprintf(where, sizeof(where), "by resource \"%s\" of %s %s", r->name, route->method,
		 route->path);
	const struct {
		const char *name;
		int n;
	} wanted[] = {
		{ r->stmt_insert, 1 + path }, { r->stmt_get, 1 + path },  { r->stmt_lock, 1 + path },
		{ r->stmt_update, 2 + path }, { r->stmt_list, path + filters + 3 },
	};
	for (size_t i = 0; i < HEARTH_ARRAY_SIZE(wanted); i++)
		if (wanted[i].name &&
		    check_one(stmts, wanted[i].name, wanted[i].n, where, err, errlen) != 0)
			return -1;
	return 0;
}

int hearth_stmt_check(const struct hearth_stmt_def *stmts, const struct hearth_route *routes,
		      char *err, size_t errlen)
{
	const struct hearth_stmt_use *uses;
	size_t n_uses;
	char where[192];

	for (const struct hearth_stmt_def *s = stmts; s && s->name; s++)
		if (find(s + 1, s->name)) {
			snprintf(err, errlen, "statement \"%s\" is defined twice", s->name);
			return -1;
		}
	uses = hearth_stmt_uses(&n_uses);
	for (size_t i = 0; i < n_uses; i++) {
		snprintf(where, sizeof(where), "at %s:%d", uses[i].file, uses[i].line);
		if (check_one(stmts, uses[i].name, uses[i].n_params, where, err, errlen) != 0)
			return -1;
	}
	for (const struct hearth_route *r = routes; r && r->method; r++)
		if (is_generic(r->handler) && r->data &&
		    check_resource(stmts, r->data, r, err, errlen) != 0)
			return -1;
	return 0;
}
