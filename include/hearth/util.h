/*
 * util.h - the few small things every Hearth file may need: an array's length,
 * the must-check attribute, a JSON member read as text, and the one answer to
 * running out of memory. Header only; no state.
 */
#ifndef HEARTH_UTIL_H
#define HEARTH_UTIL_H

#include <jansson.h>

#include "hearth/problem.h"

/* Elements of a true array (not a pointer). */
#define HEARTH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* On calls whose failure must be acted on (transactions, audit, outbox,
 * idempotency): dropping the result is a compile error under -Werror. */
#define HEARTH_MUST_CHECK __attribute__((warn_unused_result))

/* The string value of member `name` of `obj`, or NULL when absent or not a
 * string. Borrowed from `obj`. */
static inline const char *hearth_json_text(const json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

/* The problem for an allocation that failed while serving a request: 503 with
 * Retry-After, since the next attempt may well succeed. */
static inline void hearth_problem_out_of_memory(struct hearth_problem *p)
{
	hearth_problem_set(p, 503, "unavailable", "The service is short of memory.");
	p->retry_after = 1;
}

#endif
