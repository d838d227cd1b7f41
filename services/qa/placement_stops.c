/*
 * placement_stops.c - placement stops: fields, the rules of issuing and
 * lifting one (its provider and setting from the register, lifted_on and
 * lift_reason only on a lifted stop), and the resource descriptor.
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

const char *const qa_stop_statuses[] = { "in_force", "lifted", NULL };

static const struct hearth_field_spec stop_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_NULLABLE | HJ_CREATE_ONLY },
	{ .name = "reason", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 2000 },
	{ .name = "effective_from", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "lifted_on", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "lift_reason", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 2000 },
	{ .name = "status", .type = HJ_STRING, .enum_values = qa_stop_statuses },
	{ .name = "issued_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* A stop is against a provider of the tenant, or one of that provider's
 * settings. Lifting says when (not before the stop took effect) and why. */
static int check_stop(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *provider_id = json_string_value(json_object_get(doc, "provider_id"));
	const char *setting_id = json_string_value(json_object_get(doc, "setting_id"));
	const char *effective = json_string_value(json_object_get(doc, "effective_from"));
	const char *lifted_on = json_string_value(json_object_get(doc, "lifted_on"));
	const char *lift_reason = json_string_value(json_object_get(doc, "lift_reason"));
	const char *status = json_string_value(json_object_get(doc, "status"));
	int lifted = status && strcmp(status, "lifted") == 0, rc = 0;

	if (lifted && !lifted_on) {
		hearth_problem_field(p, "lifted_on", "is required to lift a stop");
		rc = -1;
	}
	if (lifted && !lift_reason) {
		hearth_problem_field(p, "lift_reason", "is required to lift a stop");
		rc = -1;
	}
	if (!lifted && lifted_on) {
		hearth_problem_field(p, "lifted_on", "is only set when status is lifted");
		rc = -1;
	}
	if (!lifted && lift_reason) {
		hearth_problem_field(p, "lift_reason", "is only set when status is lifted");
		rc = -1;
	}
	if (lifted_on && effective && strcmp(lifted_on, effective) < 0) {
		hearth_problem_field(p, "lifted_on", "must not be before effective_from");
		rc = -1;
	}
	if (rc != 0)
		return rc;
	return qa_check_subject(req, provider_id, setting_id, p);
}

static const struct hearth_constraint_field stop_constraints[] = {
	{ "placement_stops_lift_is_final", "status",
	  "a lifted stop stays lifted; issue a new stop instead" },
	{ NULL, NULL, NULL },
};

static const struct hearth_filter stop_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "status", HEARTH_FILTER_ENUM, qa_stop_statuses },
	{ NULL, 0, NULL },
};

static const char *const stop_csv[] = {
	"id", "provider_id", "setting_id", "reason", "effective_from", "lifted_on", "lift_reason",
	"issued_by_org_id", "status", "version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb stop_verbs[] = {
	{ "lifted", "lifted" },
	{ NULL, NULL },
};

const struct hearth_resource placement_stop_resource = {
	.name = "placement_stop",
	.event_prefix = "qa.placement_stop",
	.create_verb = "issued",
	.collection_path = "/v1/placement-stops",
	.fields = stop_fields,
	.stmt_insert = "placement_stop_insert",
	.stmt_get = "placement_stop_get",
	.stmt_lock = "placement_stop_lock",
	.stmt_update = "placement_stop_update",
	.stmt_list = "placement_stop_list",
	.filters = stop_filters,
	.csv_columns = stop_csv,
	.status_verbs = stop_verbs,
	.check = check_stop,
	.constraint_fields = stop_constraints,
};
