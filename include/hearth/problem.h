/*
 * problem.h - RFC 9457 problem details, the only error shape Hearth answers with.
 *
 * A struct hearth_problem is filled by any layer that fails (validation, database,
 * authentication) and rendered once by the HTTP glue. It owns no heap memory: it is
 * safe to put on the stack and to copy. Messages are truncated, never overflowed.
 *
 * `type` is a slug from API.md §1 (`validation`, `not-found`, ...); it is rendered as
 * the relative URI `/problems/<slug>`, and the title comes from the slug.
 * Field names and messages must never contain SQL text or library messages.
 */
#ifndef HEARTH_PROBLEM_H
#define HEARTH_PROBLEM_H

#include <stddef.h>
#include <jansson.h>

#define HEARTH_PROBLEM_MAX_ERRORS 16

struct hearth_field_error {
	char field[128];   /* dotted path: "address.postcode", "lots[2].code" */
	char message[192];
};

struct hearth_problem {
	int status;                /* HTTP status; 0 means "no problem recorded" */
	const char *type;          /* static slug, e.g. "validation" */
	char detail[384];
	int retry_after;           /* seconds; rendered as Retry-After when > 0 */
	size_t n_errors;
	struct hearth_field_error errors[HEARTH_PROBLEM_MAX_ERRORS];
	/* Internal context for the caller, never rendered. */
	char sqlstate[6];
	char constraint[64];
};

/* Reset to "no problem". */
void hearth_problem_clear(struct hearth_problem *p);

/* Record status, type slug and a printf-style detail. Overwrites what was there
 * except the field errors. Never fails (detail is truncated). */
void hearth_problem_set(struct hearth_problem *p, int status, const char *type,
			const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Shorthand for a 400 validation problem with one field error appended.
 * Sets status 400/type "validation" if no status is recorded yet. */
void hearth_problem_field(struct hearth_problem *p, const char *field,
			  const char *message_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append a field error; extra errors past HEARTH_PROBLEM_MAX_ERRORS are dropped
 * (the first ones are the useful ones). */
void hearth_problem_add_error(struct hearth_problem *p, const char *field,
			      const char *message);

/* Standard title for a slug ("Validation failed", "Not found", ...);
 * "Error" for an unknown slug. */
const char *hearth_problem_title(const char *type);

/* Render as a new JSON object: type, title, status, detail, instance, request_id
 * and, when present, errors[]. `instance` and `request_id` may be NULL.
 * Returns NULL only on allocation failure. */
json_t *hearth_problem_to_json(const struct hearth_problem *p, const char *instance,
			       const char *request_id);

#endif
