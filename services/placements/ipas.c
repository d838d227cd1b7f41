/*
 * ipas.c - individual placement agreements: immutable, numbered versions of a
 * placement's agreement. Posting a version clears the placement's
 * reissue_required flag (database trigger). There is no update route and the
 * service role may not UPDATE or DELETE ipas at all.
 */
#include <string.h>

#include "hearth/audit.h"
#include "placements_service.h"

static const struct hearth_field_spec outcome_fields[] = {
	{ .name = "description", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 1000 },
	{ .name = "measure", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 1000 },
	{ .name = "target_date", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = NULL },
};

static const struct hearth_field_spec outcome_item = {
	.name = "outcome", .type = HJ_OBJECT, .fields = outcome_fields,
};

static const struct hearth_field_spec ipa_fields[] = {
	{ .name = "issued_on", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "effective_from", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "weekly_fee_pence", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 0,
	  .max = 9007199254740991.0, .has_range = 1 },
	{ .name = "outcomes", .type = HJ_ARRAY, .items = &outcome_item, .max_items = 100 },
	{ .name = "review_due", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "placement_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "version_no", .type = HJ_INT, .flags = HJ_READONLY },
	{ .name = "created_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* Dates are YYYY-MM-DD (validated), so text order is date order. */
static int check_ipa(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *issued = json_string_value(json_object_get(doc, "issued_on"));
	const char *review = json_string_value(json_object_get(doc, "review_due"));

	(void)req;
	if (issued && review && strcmp(review, issued) < 0) {
		hearth_problem_field(p, "review_due", "must not be before issued_on");
		return -1;
	}
	return 0;
}

static const char *const ipa_path_params[] = { "id", NULL };

static const char *const ipa_csv[] = {
	"id", "placement_id", "version_no", "issued_on", "effective_from", "weekly_fee_pence",
	"review_due", "created_at", NULL,
};

const struct hearth_resource ipa_resource = {
	.name = "ipa",
	.event_prefix = NULL, /* placements.ipa.issued: trigger (002) */
	.collection_path = "/v1/placements/{id}/ipas",
	.id_param = "ipa_id",
	.path_params = ipa_path_params,
	.fields = ipa_fields,
	.stmt_insert = "ipa_insert",
	.stmt_get = "ipa_get",
	.stmt_list = "ipa_list",
	.csv_columns = ipa_csv,
	.check = check_ipa,
	.audit_reads = 1,
};

/* The IPAs of a placement of another organisation (or of none) are a 404, not
 * an empty list: a provider's staff may see the placement, never its IPAs. */
void ipas_handle_list(struct hearth_request *req)
{
	struct hearth_problem p;
	const char *id = hearth_uuid_param(req, "id");
	PGresult *res = NULL;

	if (!id)
		return;
	hearth_problem_clear(&p);
	res = hearth_db_read_statement(req->db, &req->actor, "ipa_parent", 1, &id, &p);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No placement with this id.");
		goto fail;
	}
	hearth_resource_list(req, &ipa_resource);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}
