/*
 * children.c - pseudonymous child records of the placing organisation: fields,
 * the birth-month rule, the local_ref conflict and the resource descriptor.
 * Row-level security keeps every statement to the caller's own organisation.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "placements.h"

/* A looked-after child is under 18; care leavers stay in view up to 25. */
#define MAX_AGE_YEARS 25

static const char *const child_genders[] = { "female", "male", "other", "unknown", NULL };
static const char *const child_legal_statuses[] = {
	"s20", "full_care_order", "interim_care_order", "placement_order", "remand", "other", NULL,
};

static const struct hearth_field_spec child_fields[] = {
	{ .name = "local_ref", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 64 },
	{ .name = "birth_month", .type = HJ_MONTH, .flags = HJ_REQUIRED },
	{ .name = "gender", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = child_genders },
	{ .name = "legal_status", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = child_legal_statuses },
	{ .name = "id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "version", .type = HJ_INT, .flags = HJ_READONLY },
	{ .name = "created_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY },
	{ .name = "updated_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* Months since year 0 of a "YYYY-MM" text (already format-checked), or -1. */
static long month_index(const char *month)
{
	int y, m;

	if (!month || sscanf(month, "%4d-%2d", &y, &m) != 2)
		return -1;
	return (long)y * 12 + (m - 1);
}

static int check_child(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	long born = month_index(json_string_value(json_object_get(doc, "birth_month")));
	time_t now = time(NULL);
	struct tm today;
	long current;

	(void)req;
	if (born < 0 || !gmtime_r(&now, &today))
		return 0; /* format errors are the validator's */
	current = (long)(today.tm_year + 1900) * 12 + today.tm_mon;
	if (born > current) {
		hearth_problem_field(p, "birth_month", "must not be in the future");
		return -1;
	}
	if (current - born > MAX_AGE_YEARS * 12) {
		hearth_problem_field(p, "birth_month", "must be within the last %d years",
				     MAX_AGE_YEARS);
		return -1;
	}
	return 0;
}

static void explain_child(struct hearth_request *req, const json_t *doc, struct hearth_problem *p)
{
	(void)req;
	if (strcmp(p->constraint, "children_local_ref_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Your organisation already has a child with local_ref \"%s\".",
				   json_string_value(json_object_get(doc, "local_ref")));
		hearth_problem_add_error(p, "local_ref", "is already used in your organisation");
	} else if (strcmp(p->constraint, "children_placing_org_check") == 0 ||
		   strcmp(p->constraint, "children_org_fkey") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 403, "forbidden",
				   "Only a local authority of this tenant records children.");
	}
}

static const struct hearth_filter child_filters[] = {
	{ "local_ref", HEARTH_FILTER_TEXT, NULL },
	{ "legal_status", HEARTH_FILTER_ENUM, child_legal_statuses },
	{ "gender", HEARTH_FILTER_ENUM, child_genders },
	{ NULL, 0, NULL },
};

static const char *const child_csv[] = {
	"id", "org_id", "local_ref", "birth_month", "gender", "legal_status", "version",
	"created_at", "updated_at", NULL,
};

/* Child events come from here; placement events come from database triggers. */
const struct hearth_resource child_resource = {
	.name = "child",
	.event_prefix = "placements.child",
	.collection_path = "/v1/children",
	.fields = child_fields,
	.stmt_insert = "child_insert",
	.stmt_get = "child_get",
	.stmt_lock = "child_lock",
	.stmt_update = "child_update",
	.stmt_list = "child_list",
	.filters = child_filters,
	.csv_columns = child_csv,
	.check = check_child,
	.explain = explain_child,
	.audit_reads = 1,
};
