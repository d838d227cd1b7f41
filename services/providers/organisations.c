/*
 * organisations.c - councils, the consortium's own team and provider
 * organisations of a tenant: fields, rules and the resource descriptor.
 */
#include <string.h>

#include "providers_service.h"

static const char *const org_kinds[] = { "local_authority", "consortium", "provider", NULL };
static const char *const org_statuses[] = { "active", "closed", NULL };

static const struct hearth_field_spec centre_fields[] = {
	{ .name = "lat", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = -90, .max = 90, .has_range = 1 },
	{ .name = "lon", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = -180, .max = 180, .has_range = 1 },
	{ .name = NULL },
};

static const struct hearth_field_spec organisation_fields[] = {
	/* What an organisation is decides what its users see (provider staff read
	 * placements at their provider, a consortium reads tenant-wide reports):
	 * fixed at creation, here and by the database (migration 007). */
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_REQUIRED | HJ_CREATE_ONLY,
	  .enum_values = org_kinds },
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "code", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 40 },
	{ .name = "centre", .type = HJ_OBJECT, .flags = HJ_NULLABLE, .fields = centre_fields },
	{ .name = "local_radius_miles", .type = HJ_NUMBER, .min = 0.1, .max = 500, .has_range = 1 },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_NULLABLE | HJ_CREATE_ONLY },
	{ .name = "status", .type = HJ_STRING, .enum_values = org_statuses },
	{ .name = NULL },
};

/* A provider organisation is a provider's staff: it must say which provider. */
static int check_organisation(const json_t *doc, struct hearth_request *req,
			      struct hearth_problem *p)
{
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const json_t *provider = json_object_get(doc, "provider_id");

	(void)req;
	if (kind && strcmp(kind, "provider") == 0 && !json_is_string(provider)) {
		hearth_problem_field(p, "provider_id", "is required for a provider organisation");
		return -1;
	}
	if (kind && strcmp(kind, "provider") != 0 && json_is_string(provider)) {
		hearth_problem_field(p, "provider_id", "is only for provider organisations");
		return -1;
	}
	return 0;
}

static const struct hearth_constraint_field organisation_constraints[] = {
	{ "organisations_kind_immutable", "kind", "cannot be changed after creation" },
	{ "organisations_provider_id_immutable", "provider_id",
	  "cannot be changed after creation" },
	{ "organisations_provider_fkey", "provider_id", "names no provider of this tenant" },
	{ NULL, NULL, NULL },
};

static void explain_organisation(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
				 struct hearth_problem *p)
{
	(void)req;
	if (strcmp(p->constraint, "organisations_code_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Another organisation of this tenant already has code \"%s\".",
				   json_string_value(json_object_get(doc, "code")));
		hearth_problem_add_error(p, "code", "is already used in this tenant");
	}
}

static const struct hearth_filter organisation_filters[] = {
	{ "kind", HEARTH_FILTER_ENUM, org_kinds },
	{ "status", HEARTH_FILTER_ENUM, org_statuses },
	{ NULL, 0, NULL },
};

static const char *const organisation_csv[] = {
	"id", "kind", "name", "code", "centre.lat", "centre.lon", "local_radius_miles",
	"provider_id", "status", "version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb organisation_verbs[] = {
	{ "closed", "closed" },
	{ "active", "reopened" },
	{ NULL, NULL },
};

const struct hearth_resource organisation_resource = {
	.name = "organisation",
	.event_prefix = "providers.organisation",
	.collection_path = "/v1/organisations",
	.fields = organisation_fields,
	.stmt_insert = "organisation_insert",
	.stmt_get = "organisation_get",
	.stmt_lock = "organisation_lock",
	.stmt_update = "organisation_update",
	.stmt_list = "organisation_list",
	.filters = organisation_filters,
	.csv_columns = organisation_csv,
	.status_verbs = organisation_verbs,
	.check = check_organisation,
	.constraint_fields = organisation_constraints,
	.explain = explain_organisation,
};
