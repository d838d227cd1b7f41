/*
 * settings.c - registered settings (children's homes, fostering services,
 * supported-accommodation services, ...) of the tenant's providers: fields,
 * rules, the URN conflict explanation and the resource descriptor.
 */
#include <stdio.h>
#include <string.h>

#include "providers_service.h"

static const char *const setting_regulators[] = { "ofsted", "ciw", "cqc", "cis", "none", NULL };
static const char *const setting_types[] = {
	"childrens_home", "fostering_service", "supported_accommodation", "residential_school",
	"secure_childrens_home", "other", NULL,
};
static const char *const setting_statuses[] = { "active", "suspended", "closed", NULL };

static const struct hearth_field_spec setting_location_fields[] = {
	{ .name = "lat", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = -90, .max = 90, .has_range = 1 },
	{ .name = "lon", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = -180, .max = 180, .has_range = 1 },
	{ .name = NULL },
};

static const struct hearth_field_spec setting_manager_fields[] = {
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "in_post_since", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "absent_since", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = NULL },
};

static const struct hearth_field_spec setting_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "regulator", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = setting_regulators },
	{ .name = "urn", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 40 },
	{ .name = "setting_type", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = setting_types },
	{ .name = "registered_places", .type = HJ_INT, .flags = HJ_NULLABLE, .min = 0, .max = 10000,
	  .has_range = 1 },
	{ .name = "address", .type = HJ_OBJECT, .flags = HJ_NULLABLE, .fields = providers_address_fields },
	{ .name = "location", .type = HJ_OBJECT, .flags = HJ_NULLABLE, .fields = setting_location_fields },
	{ .name = "host_authority_code", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 40 },
	{ .name = "registered_manager", .type = HJ_OBJECT, .flags = HJ_NULLABLE,
	  .fields = setting_manager_fields },
	{ .name = "status", .type = HJ_STRING, .enum_values = setting_statuses },
	{ .name = NULL },
};

/* Rules across fields. An unregulated setting has no registration, so a URN
 * there would be a number nobody issued; a manager cannot be absent from a post
 * before holding it (both dates are YYYY-MM-DD, so text order is date order). */
static int check_setting(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *regulator = json_string_value(json_object_get(doc, "regulator"));
	const json_t *manager = json_object_get(doc, "registered_manager");
	const char *since = json_string_value(json_object_get(manager, "in_post_since"));
	const char *absent = json_string_value(json_object_get(manager, "absent_since"));
	int rc = 0;

	(void)req;
	if (regulator && strcmp(regulator, "none") == 0 && json_is_string(json_object_get(doc, "urn"))) {
		hearth_problem_field(p, "urn", "must be null when regulator is none");
		rc = -1;
	}
	if (since && absent && strcmp(absent, since) < 0) {
		hearth_problem_field(p, "registered_manager.absent_since",
				     "must not be before registered_manager.in_post_since");
		rc = -1;
	}
	return rc;
}

/* The URN is taken: name the setting that holds it, so the client can go
 * straight to it. The failed transaction is restarted on its own connection
 * for the read (no second connection); if that read fails, the plain
 * conflict stands. */
static void explain_urn_conflict(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
				 struct hearth_problem *p)
{
	const char *regulator = json_string_value(json_object_get(doc, "regulator"));
	const char *urn = json_string_value(json_object_get(doc, "urn"));
	const char *params[2] = { regulator, urn };
	struct hearth_problem lookup;
	char message[192];
	PGresult *res;

	hearth_problem_clear(&lookup);
	res = tx && hearth_tx_restart(tx, HEARTH_TX_READ_ONLY, &lookup) == 0
		      ? hearth_tx_query(tx, "setting_by_urn", 2, params, &lookup) : NULL;
	if (res && PQntuples(res) == 1) {
		hearth_problem_set(p, 409, "conflict",
				   "Setting %s is already registered with %s under urn \"%s\".",
				   PQgetvalue(res, 0, 0), regulator, urn);
		snprintf(message, sizeof(message), "is already used by setting %s",
			 PQgetvalue(res, 0, 0));
	} else {
		hearth_problem_set(p, 409, "conflict",
				   "Another setting is already registered with %s under urn \"%s\".",
				   regulator, urn);
		snprintf(message, sizeof(message), "is already used by another setting");
	}
	hearth_problem_add_error(p, "urn", message);
	PQclear(res);
}

static const struct hearth_constraint_field setting_constraints[] = {
	{ "settings_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ NULL, NULL, NULL },
};

static void explain_setting(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			    struct hearth_problem *p)
{
	if (strcmp(p->constraint, "settings_urn_key") == 0) {
		explain_urn_conflict(req, tx, doc, p);
	}
}

static const struct hearth_filter setting_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "regulator", HEARTH_FILTER_ENUM, setting_regulators },
	{ "urn", HEARTH_FILTER_TEXT, NULL },
	{ "setting_type", HEARTH_FILTER_ENUM, setting_types },
	{ "status", HEARTH_FILTER_ENUM, setting_statuses },
	{ NULL, 0, NULL },
};

static const char *const setting_csv[] = {
	"id", "provider_id", "name", "regulator", "urn", "setting_type", "registered_places",
	"address.line1", "address.line2", "address.town", "address.postcode",
	"location.lat", "location.lon", "host_authority_code", "registered_manager.name",
	"registered_manager.in_post_since", "registered_manager.absent_since", "status",
	"version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb setting_verbs[] = {
	{ "suspended", "suspended" },
	{ "closed", "closed" },
	{ "active", "reactivated" },
	{ NULL, NULL },
};

const struct hearth_resource setting_resource = {
	.name = "setting",
	.event_prefix = "providers.setting",
	.collection_path = "/v1/settings",
	.fields = setting_fields,
	.stmt_insert = "setting_insert",
	.stmt_get = "setting_get",
	.stmt_lock = "setting_lock",
	.stmt_update = "setting_update",
	.stmt_list = "setting_list",
	.filters = setting_filters,
	.csv_columns = setting_csv,
	.status_verbs = setting_verbs,
	.check = check_setting,
	.constraint_fields = setting_constraints,
	.explain = explain_setting,
};
