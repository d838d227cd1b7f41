/*
 * frameworks.c - frameworks (and DPS, approved lists, ...) with their weights,
 * tiers and lots: fields, rules and the resource descriptor. Lots live inside
 * the framework document; the SQL in frameworks_repo.c keeps the lot rows that
 * members, scores and contracts reference in step with it.
 */
#include <stdio.h>
#include <string.h>

#include "providers_service.h"

static const char *const fw_vehicles[] = {
	"framework", "flexible_framework", "open_framework", "dps", "pseudo_dps",
	"approved_list", NULL,
};
static const char *const fw_statuses[] = { "draft", "active", "closed", NULL };

/* What a lot buys, in the words of placements (placement_type) plus secure. */
static const char *const lot_service_types[] = {
	"fostering", "residential", "supported_accommodation", "residential_school", "secure",
	"other", NULL,
};

static const struct hearth_field_spec weights_fields[] = {
	{ .name = "quality_pct", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 0, .max = 100,
	  .has_range = 1 },
	{ .name = "commercial_pct", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 0, .max = 100,
	  .has_range = 1 },
	{ .name = NULL },
};

static const struct hearth_field_spec tier_size_item = {
	.name = "tier_size", .type = HJ_INT, .min = 1, .max = 1000, .has_range = 1,
};

/* `id` is accepted so a client may send back the lots it read; see check. */
static const struct hearth_field_spec lot_fields[] = {
	{ .name = "id", .type = HJ_UUID },
	{ .name = "code", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 40 },
	{ .name = "title", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "service_type", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = lot_service_types },
	{ .name = NULL },
};

static const struct hearth_field_spec lot_item = {
	.name = "lot", .type = HJ_OBJECT, .fields = lot_fields,
};

static const struct hearth_field_spec framework_fields[] = {
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "vehicle", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = fw_vehicles },
	{ .name = "lead_org_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "start_date", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "end_date", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "weights", .type = HJ_OBJECT, .flags = HJ_REQUIRED, .fields = weights_fields },
	{ .name = "tier_sizes", .type = HJ_ARRAY, .flags = HJ_NULLABLE, .items = &tier_size_item,
	  .min_items = 1, .max_items = 10 },
	{ .name = "lots", .type = HJ_ARRAY, .items = &lot_item, .max_items = 100 },
	{ .name = "status", .type = HJ_STRING, .enum_values = fw_statuses },
	{ .name = NULL },
};

/* Lot codes are unique within a framework; on create the server names lots. */
static int check_lots(const json_t *lots, int creating, struct hearth_problem *p)
{
	size_t i, j;
	json_t *lot;
	char field[48];
	int rc = 0;

	json_array_foreach(lots, i, lot) {
		const char *code = json_string_value(json_object_get(lot, "code"));
		if (creating && json_object_get(lot, "id")) {
			snprintf(field, sizeof(field), "lots[%zu].id", i);
			hearth_problem_field(p, field, "is assigned by the server");
			rc = -1;
		}
		for (j = 0; code && j < i; j++) {
			const char *other = json_string_value(
				json_object_get(json_array_get(lots, j), "code"));
			if (other && strcmp(other, code) == 0) {
				snprintf(field, sizeof(field), "lots[%zu].code", i);
				hearth_problem_field(p, field, "repeats the code of lots[%zu]", j);
				rc = -1;
				break;
			}
		}
	}
	return rc;
}

static int check_framework(const json_t *doc, struct hearth_request *req,
			   struct hearth_problem *p)
{
	const char *start = json_string_value(json_object_get(doc, "start_date"));
	const char *end = json_string_value(json_object_get(doc, "end_date"));
	const json_t *weights = json_object_get(doc, "weights");
	json_int_t quality = json_integer_value(json_object_get(weights, "quality_pct"));
	json_int_t commercial = json_integer_value(json_object_get(weights, "commercial_pct"));
	int rc = 0;

	/* Dates are YYYY-MM-DD, so text order is calendar order. */
	if (start && end && strcmp(end, start) < 0) {
		hearth_problem_field(p, "end_date", "must not be before start_date");
		rc = -1;
	}
	if (quality + commercial != 100) {
		hearth_problem_field(p, "weights", "quality_pct and commercial_pct must add up to 100");
		rc = -1;
	}
	if (check_lots(json_object_get(doc, "lots"), strcmp(req->method, "POST") == 0, p) != 0)
		rc = -1;
	return rc;
}

static const struct hearth_constraint_field framework_constraints[] = {
	{ "frameworks_lead_org_fkey", "lead_org_id", "names no organisation of this tenant" },
	{ NULL, NULL, NULL },
};

static void explain_framework(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			      struct hearth_problem *p)
{
	(void)req;
	(void)doc;
	if (strcmp(p->constraint, "framework_lots_id_matches_code") == 0) {
		hearth_problem_clear(p);
		hearth_problem_field(p, "lots", "a lot's id must be the id of the lot with its code "
						"(lots are matched by code)");
	} else if (strcmp(p->sqlstate, "23503") == 0) {
		/* The only other reference that can fail here is a dropped lot still
		 * named by a member, score or contract (their foreign keys). */
		hearth_problem_set(p, 409, "conflict",
				   "A lot left out of lots is still referenced by a member, score "
				   "or contract of this framework; keep it in the list.");
		hearth_problem_add_error(p, "lots", "drops a lot that is still referenced");
	}
}

static const struct hearth_filter framework_filters[] = {
	{ "status", HEARTH_FILTER_ENUM, fw_statuses },
	{ "vehicle", HEARTH_FILTER_ENUM, fw_vehicles },
	{ NULL, 0, NULL },
};

/* Lots do not fit a flat row; the CSV carries the framework's own fields. */
static const char *const framework_csv[] = {
	"id", "name", "vehicle", "lead_org_id", "start_date", "end_date", "weights.quality_pct",
	"weights.commercial_pct", "status", "version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb framework_verbs[] = {
	{ "active", "activated" },
	{ "closed", "closed" },
	{ NULL, NULL },
};

const struct hearth_resource framework_resource = {
	.name = "framework",
	.event_prefix = "providers.framework",
	.collection_path = "/v1/frameworks",
	.fields = framework_fields,
	.stmt_insert = "framework_insert",
	.stmt_get = "framework_get",
	.stmt_lock = "framework_lock",
	.stmt_update = "framework_update",
	.stmt_list = "framework_list",
	.filters = framework_filters,
	.csv_columns = framework_csv,
	.status_verbs = framework_verbs,
	.check = check_framework,
	.constraint_fields = framework_constraints,
	.explain = explain_framework,
};

/* Sub-resources (members, scores) answer 404 for a framework the request cannot
 * see, even where an empty list would otherwise do: another tenant's framework
 * must look exactly like an absent one. */
int frameworks_require_visible(struct hearth_request *req)
{
	struct hearth_problem p;
	const char *id = hearth_uuid_param(req, "id");
	const char *params[1] = { id };
	PGresult *res;
	int rc = -1;

	if (!id)
		return -1;
	hearth_problem_clear(&p);
	res = hearth_db_read_statement(req->db, &req->actor, "framework_exists", 1, params, &p);
	if (res && PQntuples(res) == 1)
		rc = 0;
	else if (res)
		hearth_problem_set(&p, 404, "not-found", "No framework with this id.");
	if (rc != 0)
		hearth_respond_problem(req, &p);
	PQclear(res);
	return rc;
}
