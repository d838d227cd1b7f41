/*
 * placement_rules.c - the vocabulary and the rules of children and placements,
 * shared by the resources (children.c, placements.c) and the council
 * pushes (pushes.c), so a push is checked exactly as a create is.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hearth/util.h"
#include "placements_service.h"

/* A looked-after child is under 18; care leavers stay in view up to 25. */
#define AGE_LIMIT_YEARS 26

const char *const placement_types[] = {
	"fostering", "residential", "supported_accommodation", "residential_school", "other", NULL,
};
const char *const placement_provisions[] = { "internal", "external", NULL };
const char *const placement_sourcings[] = {
	"framework", "block", "spot", "dps", "in_house", "other", NULL,
};
const char *const placement_end_reasons[] = {
	"planned", "breakdown_provider", "breakdown_child", "breakdown_council", "returned_home",
	"adopted", "independence", "other", NULL,
};
const char *const child_genders[] = { "female", "male", "other", "unknown", NULL };
const char *const child_legal_statuses[] = {
	"s20", "full_care_order", "interim_care_order", "placement_order", "remand", "other", NULL,
};

const struct hearth_field_spec child_fields[] = {
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

const struct hearth_field_spec placement_contribution_fields[] = {
	PLACEMENT_PENCE("social_care_pence"),
	PLACEMENT_PENCE("education_pence"),
	PLACEMENT_PENCE("health_pence"),
	{ .name = NULL },
};

/* Months since year 0 of "YYYY-MM" (format already checked), or -1. */
static long month_index(const char *month)
{
	int y, m;

	if (!month || sscanf(month, "%4d-%2d", &y, &m) != 2)
		return -1;
	return (long)y * 12 + (m - 1);
}

int child_check_birth_month(const json_t *child, const char *field, struct hearth_problem *p)
{
	long born = month_index(hearth_json_text(child, "birth_month"));
	time_t now = time(NULL);
	struct tm today;
	long current;

	if (born < 0 || !gmtime_r(&now, &today))
		return 0; /* format errors are the validator's */
	current = (long)(today.tm_year + 1900) * 12 + today.tm_mon;
	if (born > current) {
		hearth_problem_field(p, field, "must not be in the future");
		return -1;
	}
	return 0;
}

/* Age in completed years from the first of the birth month, as the reports
 * count it: whole months from the birth month to start_date's month, div 12
 * (start_date's day is never before the 1st). */
int placement_check_child_age(const json_t *child, const json_t *doc, const char *field,
			      struct hearth_problem *p)
{
	long born = month_index(hearth_json_text(child, "birth_month"));
	long start = month_index(hearth_json_text(doc, "start_date"));

	if (born < 0 || start < 0)
		return 0;
	if (start - born >= AGE_LIMIT_YEARS * 12) {
		hearth_problem_field(p, field, "must be before the child's %dth birthday (born %s)",
				     AGE_LIMIT_YEARS, hearth_json_text(child, "birth_month"));
		return -1;
	}
	return 0;
}

/* Dates are validated YYYY-MM-DD, so text order is date order. */
int placement_check_rules(const json_t *doc, struct hearth_problem *p)
{
	const char *start = hearth_json_text(doc, "start_date"), *end = hearth_json_text(doc, "end_date");
	const char *reason = hearth_json_text(doc, "end_reason"), *provision = hearth_json_text(doc, "provision");
	int rc = 0;

	if (start && end && strcmp(end, start) < 0) {
		hearth_problem_field(p, "end_date", "must not be before start_date");
		rc = -1;
	}
	if (end && !reason) {
		hearth_problem_field(p, "end_reason", "is required when end_date is set");
		rc = -1;
	} else if (!end && reason) {
		hearth_problem_field(p, "end_reason", "must be null while the placement has no end_date");
		rc = -1;
	}
	if (provision && strcmp(provision, "external") == 0 && !hearth_json_text(doc, "provider_id")) {
		hearth_problem_field(p, "provider_id", "is required for external provision");
		rc = -1;
	}
	return rc;
}

/* Database constraints that name one field of a placement or a child. */
static const struct hearth_constraint_field field_constraints[] = {
	{ "placements_child_fkey", "child_id", "names no child of your organisation" },
	{ "placements_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ "placements_setting_fkey", "setting_id", "names no setting of this tenant" },
	{ "placements_setting_provider_check", "setting_id",
	  "is not a setting of the placement's provider" },
	{ "placements_dates_check", "end_date", "must not be before start_date" },
	{ "placements_end_reason_required", "end_reason", "is required exactly when end_date is set" },
	{ "placements_external_provider_check", "provider_id", "is required for external provision" },
	{ "placements_child_age_check", "start_date", "must be before the child's 26th birthday" },
	{ "children_birth_month_future_check", "birth_month", "must not be in the future" },
	{ "children_placement_age_check", "birth_month",
	  "would make the child 26 or over when one of its placements starts" },
	{ NULL, NULL, NULL },
};

int placement_explain_constraint(struct hearth_problem *p)
{
	if (strcmp(p->constraint, "placements_no_overlap") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "The child already has a placement whose dates overlap these.");
		hearth_problem_add_error(p, "start_date", "overlaps another placement of the child");
		hearth_problem_add_error(p, "end_date", "overlaps another placement of the child");
		return 1;
	}
	if (strcmp(p->constraint, "children_placing_org_check") == 0 ||
	    strcmp(p->constraint, "children_org_fkey") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 403, "forbidden",
				   "Only a local authority of this tenant records children.");
		return 1;
	}
	return hearth_problem_from_constraint(p, field_constraints);
}

void placement_explain_stop(struct hearth_tx *tx, const json_t *doc, struct hearth_problem *p)
{
	struct hearth_problem ignored;
	const char *params[3] = { hearth_json_text(doc, "provider_id"), hearth_json_text(doc, "setting_id"),
				  hearth_json_text(doc, "start_date") };
	PGresult *res;

	hearth_problem_clear(p);
	hearth_problem_set(p, 409, "placement-stop-in-force",
			   "A placement stop is in force at this provider or setting on start_date; "
			   "a new placement there needs stop_override_reason.");
	hearth_problem_add_error(p, "stop_override_reason",
				 "is required while a placement stop is in force");
	hearth_problem_clear(&ignored);
	res = tx ? hearth_tx_query(tx, "placement_stop_in_force", 3, params, &ignored) : NULL;
	if (res && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		char message[sizeof(p->errors[0].message)];

		hearth_problem_set(p, 409, "placement-stop-in-force",
				   "Placement stop %s is in force at this provider or setting on "
				   "start_date; a new placement there needs stop_override_reason.",
				   PQgetvalue(res, 0, 0));
		snprintf(message, sizeof(message), "is required while placement stop %s is in force",
			 PQgetvalue(res, 0, 0));
		p->n_errors = 0;
		hearth_problem_add_error(p, "stop_override_reason", message);
	}
	PQclear(res);
}
