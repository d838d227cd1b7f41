/*
 * members.c - the providers admitted to a framework, one per provider, each in
 * one lot of that framework: fields, status rules, handlers and the resource
 * descriptor. A member is named by its provider_id under the framework's path.
 *
 * Status: active, suspended (reason required), removed (reason required;
 * left_on defaults to the day of removal). Any status may follow any other:
 * reinstating (back to active) from suspended or removed is allowed and clears
 * left_on. Every change of status is kept in the member's `history`.
 */
#include <string.h>

#include "providers_service.h"

static const char *const member_statuses[] = { "active", "suspended", "removed", NULL };

static const struct hearth_field_spec member_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "lot_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "joined_on", .type = HJ_DATE },
	{ .name = "status", .type = HJ_STRING, .enum_values = member_statuses },
	{ .name = "reason", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 1000 },
	{ .name = "left_on", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = NULL },
};

static int check_member(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	const char *provider = json_string_value(json_object_get(doc, "provider_id"));
	const char *path_provider = hearth_path_param(req, "provider_id");
	const char *joined = json_string_value(json_object_get(doc, "joined_on"));
	const char *left = json_string_value(json_object_get(doc, "left_on"));
	int rc = 0;

	if (!status)
		status = "active";
	if (path_provider && provider && strcmp(provider, path_provider) != 0) {
		hearth_problem_field(p, "provider_id", "cannot be changed: it names the member");
		rc = -1;
	}
	if (strcmp(status, "active") != 0 && !json_is_string(json_object_get(doc, "reason"))) {
		hearth_problem_field(p, "reason", "is required to make a member %s", status);
		rc = -1;
	}
	if (left && strcmp(status, "removed") != 0) {
		hearth_problem_field(p, "left_on", "is only for removed members");
		rc = -1;
	}
	/* Dates are YYYY-MM-DD, so text order is calendar order. */
	if (left && joined && strcmp(left, joined) < 0) {
		hearth_problem_field(p, "left_on", "must not be before joined_on");
		rc = -1;
	}
	return rc;
}

static const struct hearth_constraint_field member_constraints[] = {
	{ "framework_members_lot_fkey", "lot_id", "names no lot of this framework" },
	{ "framework_members_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ "framework_members_left_on_check", "left_on", "must not be before joined_on" },
	{ NULL, NULL, NULL },
};

static void explain_member(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			   struct hearth_problem *p)
{
	(void)req;
	if (strcmp(p->constraint, "framework_members_pkey") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Provider %s is already a member of this framework.",
				   json_string_value(json_object_get(doc, "provider_id")));
		hearth_problem_add_error(p, "provider_id", "is already a member of this framework");
	} else if (strcmp(p->constraint, "framework_scores_member_fkey") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "The member has scores in its current lot; it cannot move lot.");
		hearth_problem_add_error(p, "lot_id", "cannot change while scores name the lot");
	} else if (strcmp(p->constraint, "framework_members_framework_open_check") == 0) {
		hearth_problem_set(p, 409, "conflict", "The framework is closed: it admits no new members.");
	}
}

static const struct hearth_filter member_filters[] = {
	{ "lot_id", HEARTH_FILTER_UUID, NULL },
	{ "status", HEARTH_FILTER_ENUM, member_statuses },
	{ NULL, 0, NULL },
};

static const char *const member_csv[] = {
	"framework_id", "provider_id", "lot_id", "status", "joined_on", "left_on", "reason",
	"version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb member_verbs[] = {
	{ "suspended", "suspended" },
	{ "active", "reinstated" },
	{ "removed", "removed" },
	{ NULL, NULL },
};

static const char *const member_path_params[] = { "id", NULL };

const struct hearth_resource member_resource = {
	.name = "framework_member",
	.event_prefix = "providers.framework_member",
	.collection_path = "/v1/frameworks/{id}/members",
	.id_param = "provider_id",
	.doc_id_field = "provider_id",
	.path_params = member_path_params,
	.fields = member_fields,
	.stmt_insert = "member_insert",
	.stmt_get = "member_get",
	.stmt_lock = "member_lock",
	.stmt_update = "member_update",
	.stmt_list = "member_list",
	.filters = member_filters,
	.csv_columns = member_csv,
	.status_verbs = member_verbs,
	.check = check_member,
	.constraint_fields = member_constraints,
	.explain = explain_member,
};

/* A reason and a leaving date belong to one change of status: a patch that
 * changes the status without them clears the old ones (a reinstated member
 * keeps no suspension reason), instead of merging them forward. */
void members_handle_patch(struct hearth_request *req)
{
	json_t *patch = req->json;

	if (!hearth_uuid_param(req, "id"))
		return;
	if (json_is_object(patch) && json_object_get(patch, "status")) {
		if (!json_object_get(patch, "reason"))
			json_object_set_new(patch, "reason", json_null());
		if (!json_object_get(patch, "left_on"))
			json_object_set_new(patch, "left_on", json_null());
	}
	hearth_resource_patch(req, &member_resource);
}

/* The generic handlers check the member's provider_id; the framework id in the
 * path must be a UUID too (a malformed one names nothing: 404). */
void members_handle_create(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_create(req, &member_resource);
}

void members_handle_get(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_get(req, &member_resource);
}

void members_handle_list(struct hearth_request *req)
{
	if (frameworks_require_visible(req) == 0)
		hearth_resource_list(req, &member_resource);
}
