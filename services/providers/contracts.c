/*
 * contracts.c - contracts between the tenant and its providers (block,
 * framework call-off, spot, DPS call-off): fields, rules, the register's CSV
 * columns and the resource descriptor.
 *
 * Rules: a block contract always buys a number of places and only a block
 * contract has places; a spot purchase is by definition off-framework; a lot
 * needs its framework; a contract cannot end before it starts. framework_id is
 * optional on call-offs because councils also call off from frameworks run
 * outside this tenant (national frameworks), which Hearth does not hold.
 */
#include <string.h>

#include "providers_service.h"

static const char *const contract_kinds[] = {
	"block", "framework_call_off", "spot", "dps_call_off", "other", NULL,
};
static const char *const contract_statuses[] = {
	"draft", "active", "expired", "terminated", NULL,
};

static const struct hearth_field_spec contract_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "provider_name", .type = HJ_STRING, .flags = HJ_READONLY },
	{ .name = "framework_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "lot_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = contract_kinds },
	{ .name = "reference", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 60 },
	{ .name = "title", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "start_date", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "end_date", .type = HJ_DATE, .flags = HJ_NULLABLE },
	/* Integer pence; a real (12.5) is refused by the type check. */
	{ .name = "annual_value_pence", .type = HJ_INT, .flags = HJ_REQUIRED,
	  .min = 0, .max = 1e12, .has_range = 1 },
	{ .name = "places", .type = HJ_INT, .flags = HJ_NULLABLE, .min = 1, .max = 10000, .has_range = 1 },
	{ .name = "status", .type = HJ_STRING, .enum_values = contract_statuses },
	{ .name = NULL },
};

static int is_kind(const json_t *doc, const char *kind)
{
	const char *k = json_string_value(json_object_get(doc, "kind"));

	return k && strcmp(k, kind) == 0;
}

static int check_contract(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *start = json_string_value(json_object_get(doc, "start_date"));
	const char *end = json_string_value(json_object_get(doc, "end_date"));
	int has_places = json_is_integer(json_object_get(doc, "places"));
	int has_framework = json_is_string(json_object_get(doc, "framework_id"));
	int rc = 0;

	(void)req;
	/* ISO dates compare correctly as strings. */
	if (start && end && strcmp(end, start) < 0) {
		hearth_problem_field(p, "end_date", "must not be before start_date");
		rc = -1;
	}
	if (is_kind(doc, "block") && !has_places) {
		hearth_problem_field(p, "places", "is required for a block contract");
		rc = -1;
	} else if (!is_kind(doc, "block") && has_places) {
		hearth_problem_field(p, "places", "is only for block contracts");
		rc = -1;
	}
	if (is_kind(doc, "spot") && has_framework) {
		hearth_problem_field(p, "framework_id", "a spot purchase is not made under a framework");
		rc = -1;
	}
	if (json_is_string(json_object_get(doc, "lot_id")) && !has_framework) {
		hearth_problem_field(p, "framework_id", "is required when lot_id is given");
		rc = -1;
	}
	return rc;
}

static const struct hearth_constraint_field contract_constraints[] = {
	{ "contracts_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ "contracts_framework_fkey", "framework_id", "names no framework of this tenant" },
	{ "contracts_lot_fkey", "lot_id", "names no lot of this framework" },
	{ NULL, NULL, NULL },
};

static void explain_contract(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			     struct hearth_problem *p)
{
	(void)req;
	if (strcmp(p->constraint, "contracts_reference_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Another contract of this tenant already has reference \"%s\".",
				   json_string_value(json_object_get(doc, "reference")));
		hearth_problem_add_error(p, "reference", "is already used in this tenant");
	}
}

static const struct hearth_filter contract_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "kind", HEARTH_FILTER_ENUM, contract_kinds },
	{ "status", HEARTH_FILTER_ENUM, contract_statuses },
	{ "min_annual_value_pence", HEARTH_FILTER_INT, NULL },
	{ NULL, 0, NULL },
};

/* The register, as a commissioner reads it: who, what, how much, when. */
static const char *const contract_csv[] = {
	"id", "reference", "title", "provider_id", "provider_name", "kind", "status",
	"annual_value_pence", "places", "start_date", "end_date", "framework_id", "lot_id",
	"version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb contract_verbs[] = {
	{ "active", "activated" },
	{ "expired", "expired" },
	{ "terminated", "terminated" },
	{ NULL, NULL },
};

const struct hearth_resource contract_resource = {
	.name = "contract",
	.event_prefix = "providers.contract",
	.collection_path = "/v1/contracts",
	.fields = contract_fields,
	.stmt_insert = "contract_insert",
	.stmt_get = "contract_get",
	.stmt_lock = "contract_lock",
	.stmt_update = "contract_update",
	.stmt_list = "contract_list",
	.filters = contract_filters,
	.csv_columns = contract_csv,
	.status_verbs = contract_verbs,
	.check = check_contract,
	.constraint_fields = contract_constraints,
	.explain = explain_contract,
};
