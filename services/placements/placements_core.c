/*
 * placements_core.c - the placement resource: fields, the rules across them
 * (dates, end reasons, external provision), the explanation of constraint
 * violations, and the descriptor. Events are written by database triggers
 * (migration 002), so every write path emits the same ones.
 */
#include <stdio.h>
#include <string.h>

#include "placements.h"

static const char *const placement_types[] = {
	"fostering", "residential", "supported_accommodation", "residential_school", "other", NULL,
};
static const char *const placement_provisions[] = { "internal", "external", NULL };
static const char *const placement_sourcings[] = {
	"framework", "block", "spot", "dps", "in_house", "other", NULL,
};
static const char *const placement_end_reasons[] = {
	"planned", "breakdown_provider", "breakdown_child", "breakdown_council", "returned_home",
	"adopted", "independence", "other", NULL,
};
static const char *const placement_statuses[] = { "active", "ended", NULL };

#define PENCE(n) { .name = n, .type = HJ_INT, .flags = HJ_NULLABLE, .min = 0, \
		   .max = 9007199254740991.0, .has_range = 1 }
#define READONLY(n, t) { .name = n, .type = t, .flags = HJ_READONLY }

static const struct hearth_field_spec contribution_fields[] = {
	PENCE("social_care_pence"),
	PENCE("education_pence"),
	PENCE("health_pence"),
	{ .name = NULL },
};

static const struct hearth_field_spec placement_fields[] = {
	{ .name = "child_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "external_ref", .type = HJ_STRING, .min_len = 1, .max_len = 64 },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "placement_type", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = placement_types },
	{ .name = "provision", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = placement_provisions },
	{ .name = "sourcing", .type = HJ_STRING, .flags = HJ_NULLABLE, .enum_values = placement_sourcings },
	{ .name = "contract_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "framework_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "start_date", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "end_date", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "end_reason", .type = HJ_STRING, .flags = HJ_NULLABLE,
	  .enum_values = placement_end_reasons },
	PENCE("weekly_cost_pence"),
	{ .name = "contributions", .type = HJ_OBJECT, .flags = HJ_NULLABLE,
	  .fields = contribution_fields },
	{ .name = "distance_reason", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 500 },
	READONLY("id", HJ_UUID),
	READONLY("org_id", HJ_UUID),
	READONLY("distance_miles", HJ_NUMBER),
	READONLY("is_local", HJ_BOOL),
	READONLY("status", HJ_STRING),
	READONLY("ipa_status", HJ_STRING),
	READONLY("ipa_version", HJ_INT),
	READONLY("version", HJ_INT),
	READONLY("created_at", HJ_TIMESTAMP),
	READONLY("updated_at", HJ_TIMESTAMP),
	{ .name = NULL },
};

static const char *field_text(const json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

/* Dates are YYYY-MM-DD (validated), so text order is date order. */
static int check_placement(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *start = field_text(doc, "start_date"), *end = field_text(doc, "end_date");
	const char *reason = field_text(doc, "end_reason"), *provision = field_text(doc, "provision");
	int rc = 0;

	(void)req;
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
	if (provision && strcmp(provision, "external") == 0 && !field_text(doc, "provider_id")) {
		hearth_problem_field(p, "provider_id", "is required for external provision");
		rc = -1;
	}
	return rc;
}

/* The overlapping placement of the same child, named in the problem so the
 * client can go straight to it. The failed transaction cannot be used, so this
 * is a read of its own; if it fails the plain conflict still stands. */
static void explain_overlap(struct hearth_request *req, const json_t *doc, struct hearth_problem *p)
{
	struct hearth_problem ignored;
	const char *params[4] = {
		field_text(doc, "child_id"), field_text(doc, "start_date"), field_text(doc, "end_date"),
		strcmp(req->method, "PATCH") == 0 ? hearth_path_param(req, "id") : NULL,
	};
	PGresult *res;

	hearth_problem_clear(&ignored);
	hearth_problem_set(p, 409, "conflict",
			   "The child already has a placement whose dates overlap these.");
	res = hearth_db_read_one(req->db, &req->actor, "placement_overlapping", 4, params, &ignored);
	if (res && PQntuples(res) == 1)
		hearth_problem_set(p, 409, "conflict",
				   "The child already has placement %s (from %s to %s) overlapping "
				   "these dates.", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
				   PQgetisnull(res, 0, 2) ? "no end date" : PQgetvalue(res, 0, 2));
	PQclear(res);
	hearth_problem_add_error(p, "start_date", "overlaps another placement of the child");
	hearth_problem_add_error(p, "end_date", "overlaps another placement of the child");
}

/* A database constraint names a field: turn it into the field error. */
static const struct {
	const char *constraint, *field, *message;
} field_constraints[] = {
	{ "placements_child_fkey", "child_id", "names no child of your organisation" },
	{ "placements_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ "placements_setting_fkey", "setting_id", "names no setting of this tenant" },
	{ "placements_setting_provider_check", "setting_id",
	  "is not a setting of the placement's provider" },
	{ "placements_dates_check", "end_date", "must not be before start_date" },
	{ "placements_end_reason_required", "end_reason", "is required exactly when end_date is set" },
	{ "placements_external_provider_check", "provider_id", "is required for external provision" },
};

static void explain_placement(struct hearth_request *req, const json_t *doc,
			      struct hearth_problem *p)
{
	if (strcmp(p->constraint, "placements_no_overlap") == 0) {
		explain_overlap(req, doc, p);
		return;
	}
	if (strcmp(p->constraint, "placements_external_ref_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Your organisation already has a placement with external_ref \"%s\".",
				   field_text(doc, "external_ref"));
		hearth_problem_add_error(p, "external_ref", "is already used in your organisation");
		return;
	}
	for (size_t i = 0; i < sizeof(field_constraints) / sizeof(field_constraints[0]); i++) {
		if (strcmp(p->constraint, field_constraints[i].constraint) == 0) {
			hearth_problem_clear(p);
			hearth_problem_field(p, field_constraints[i].field, "%s",
					     field_constraints[i].message);
			return;
		}
	}
}

static const struct hearth_filter placement_filters[] = {
	{ "child_id", HEARTH_FILTER_UUID, NULL },
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "placement_type", HEARTH_FILTER_ENUM, placement_types },
	{ "provision", HEARTH_FILTER_ENUM, placement_provisions },
	{ "status", HEARTH_FILTER_ENUM, placement_statuses },
	{ "active_on", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

static const char *const placement_csv[] = {
	"id", "org_id", "child_id", "external_ref", "provider_id", "setting_id", "placement_type",
	"provision", "sourcing", "contract_id", "framework_id", "start_date", "end_date",
	"end_reason", "weekly_cost_pence", "contributions.social_care_pence",
	"contributions.education_pence", "contributions.health_pence", "distance_miles",
	"is_local", "distance_reason", "status", "ipa_status", "ipa_version", "version",
	"created_at", "updated_at", NULL,
};

const struct hearth_resource placement_resource = {
	.name = "placement",
	.event_prefix = NULL, /* started/ended/changed/reissue events: triggers (002) */
	.collection_path = "/v1/placements",
	.fields = placement_fields,
	.stmt_insert = "placement_insert",
	.stmt_get = "placement_get",
	.stmt_lock = "placement_lock",
	.stmt_update = "placement_update",
	.stmt_list = "placement_list",
	.filters = placement_filters,
	.csv_columns = placement_csv,
	.check = check_placement,
	.explain = explain_placement,
	.audit_reads = 1,
};
