/*
 * children.c - pseudonymous child records of the placing organisation: fields,
 * the birth-month rule, the local_ref conflict and the resource descriptor.
 * Row-level security keeps every statement to the caller's own organisation.
 */
#include <stdio.h>
#include <string.h>

#include "placements_service.h"

static int check_child(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	(void)req;
	return child_check_birth_month(doc, "birth_month", p);
}

static void explain_child(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc, struct hearth_problem *p)
{
	(void)req;
	if (strcmp(p->constraint, "children_local_ref_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Your organisation already has a child with local_ref \"%s\".",
				   json_string_value(json_object_get(doc, "local_ref")));
		hearth_problem_add_error(p, "local_ref", "is already used in your organisation");
	} else {
		placement_explain_constraint(p);
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
