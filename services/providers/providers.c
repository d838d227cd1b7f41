/*
 * providers.c - the register of providers (fostering agencies,
 * children's homes groups, supported-accommodation providers, ...): fields,
 * rules and the resource descriptor.
 */
#include <string.h>

#include "providers_service.h"

static const char *const provider_types[] = {
	"fostering_agency", "childrens_home", "supported_accommodation", "residential_school",
	"secure_home", "other", NULL,
};
static const char *const provider_ownerships[] = {
	"private", "voluntary", "local_authority", "other", NULL,
};
static const char *const provider_statuses[] = { "active", "suspended", "closed", NULL };

/* The postal address of a provider or a setting (common.yaml Address). */
const struct hearth_field_spec providers_address_fields[] = {
	{ .name = "line1", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "line2", .type = HJ_STRING, .flags = HJ_NULLABLE, .max_len = 200 },
	{ .name = "town", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 100 },
	{ .name = "postcode", .type = HJ_POSTCODE, .flags = HJ_REQUIRED },
	{ .name = NULL },
};

static const struct hearth_field_spec provider_type_item = {
	.name = "provider_type", .type = HJ_STRING, .enum_values = provider_types,
};

static const struct hearth_field_spec provider_contact_fields[] = {
	{ .name = "name", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 200 },
	{ .name = "email", .type = HJ_EMAIL, .flags = HJ_NULLABLE, .max_len = 254 },
	{ .name = "phone", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 40 },
	{ .name = NULL },
};

static const struct hearth_field_spec provider_fields[] = {
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "legal_name", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 200 },
	{ .name = "company_number", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 8,
	  .max_len = 8 },
	{ .name = "charity_number", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 20 },
	{ .name = "provider_types", .type = HJ_ARRAY, .flags = HJ_REQUIRED | HJ_UNIQUE,
	  .items = &provider_type_item, .min_items = 1, .max_items = 6 },
	{ .name = "ownership", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = provider_ownerships },
	{ .name = "status", .type = HJ_STRING, .enum_values = provider_statuses },
	{ .name = "address", .type = HJ_OBJECT, .flags = HJ_NULLABLE, .fields = providers_address_fields },
	{ .name = "contact", .type = HJ_OBJECT, .flags = HJ_NULLABLE, .fields = provider_contact_fields },
	{ .name = "lead_org_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = NULL },
};

/* Companies House numbers: eight digits (England and Wales), or two capital
 * letters and six digits (SC Scotland, NI Northern Ireland, OC LLPs, ...). */
static int company_number_ok(const char *s)
{
	size_t i, letters = 0;

	if (strlen(s) != 8)
		return 0;
	while (letters < 2 && s[letters] >= 'A' && s[letters] <= 'Z')
		letters++;
	if (letters == 1)
		return 0;
	for (i = letters; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int check_provider(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *company = json_string_value(json_object_get(doc, "company_number"));

	(void)req;
	if (company && !company_number_ok(company)) {
		hearth_problem_field(p, "company_number",
				     "must be a Companies House number: 8 digits, or 2 capital "
				     "letters and 6 digits (e.g. 01234567, SC123456)");
		return -1;
	}
	return 0;
}

static const struct hearth_constraint_field provider_constraints[] = {
	{ "providers_lead_org_fkey", "lead_org_id", "names no organisation of this tenant" },
	{ NULL, NULL, NULL },
};

static const struct hearth_filter provider_filters[] = {
	{ "q", HEARTH_FILTER_TEXT, NULL },
	{ "status", HEARTH_FILTER_ENUM, provider_statuses },
	{ "provider_type", HEARTH_FILTER_ENUM, provider_types },
	/* Active members of that framework (framework_members, 003_frameworks.sql). */
	{ "framework_id", HEARTH_FILTER_UUID, NULL },
	{ NULL, 0, NULL },
};

static const char *const provider_csv[] = {
	"id", "name", "legal_name", "company_number", "charity_number", "provider_types",
	"ownership", "status", "address.line1", "address.line2", "address.town",
	"address.postcode", "contact.name", "contact.email", "contact.phone", "lead_org_id",
	"version", "created_at", "updated_at", NULL,
};

static const struct hearth_status_verb provider_verbs[] = {
	{ "suspended", "suspended" },
	{ "closed", "closed" },
	{ "active", "reactivated" },
	{ NULL, NULL },
};

/* Most of a register is active: a page walks providers_list_idx in its
 * order whatever the status asked for. */
static const char *const provider_broad_filters[] = { "status", NULL };
/* provider_search hands every filter to provider_search_page() (013), which
 * plans its query for the values each call; the statement around it reads
 * the page's ids, one plan for any value. */
static const char *const search_broad_filters[] = { "q", "status", "provider_type", "framework_id",
						    NULL };

const struct hearth_resource provider_resource = {
	.name = "provider",
	.event_prefix = "providers.provider",
	.collection_path = "/v1/providers",
	.fields = provider_fields,
	.stmt_insert = "provider_insert",
	.stmt_get = "provider_get",
	.stmt_lock = "provider_lock",
	.stmt_update = "provider_update",
	.stmt_list = "provider_list",
	.filters = provider_filters,
	.broad_filters = provider_broad_filters,
	.csv_columns = provider_csv,
	.status_verbs = provider_verbs,
	.check = check_provider,
	.constraint_fields = provider_constraints,
};

/* GET /v1/providers: with q, the same list through its own statement
 * (provider_search, served by the name's trigram index); the filters, and so
 * the cursors, are the same either way. */
void providers_handle_list(struct hearth_request *req)
{
	struct hearth_resource search = provider_resource;

	if (!hearth_query_param(req, "q")) {
		hearth_resource_list(req, &provider_resource);
		return;
	}
	search.stmt_list = HEARTH_STMT_USE("provider_search", 7);
	search.broad_filters = search_broad_filters;
	hearth_resource_list(req, &search);
}
