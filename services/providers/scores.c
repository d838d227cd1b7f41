/*
 * scores.c - the quality and commercial scores of framework members, one per
 * provider, lot and period. Posting a score for a (provider, lot, period) that
 * already has one replaces it: a commissioner re-scoring a year corrects that
 * year's score rather than keeping two. The answer says which happened: 201
 * with Location for a new score, 200 for a replaced one (its version bumped
 * when anything changed). The provider must be a member of the framework in
 * that lot (any member status: a past year may be scored after a suspension).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/audit.h"
#include "hearth/idempotency.h"
#include "hearth/outbox.h"
#include "hearth/util.h"
#include "providers_service.h"

#define PERIOD_RULE "must be a year (\"2026\") or a quarter (\"2026-Q1\")"

static const struct hearth_field_spec score_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "lot_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "period", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 4, .max_len = 7 },
	{ .name = "quality_score", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = 0, .max = 100,
	  .has_range = 1, .max_decimals = 1, .has_decimals = 1 },
	{ .name = "commercial_score", .type = HJ_NUMBER, .flags = HJ_REQUIRED, .min = 0, .max = 100,
	  .has_range = 1, .max_decimals = 1, .has_decimals = 1 },
	{ .name = "inputs", .type = HJ_FREE_OBJECT },
	{ .name = NULL },
};

int scores_period_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len != 4 && len != 7)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len == 4 || (s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4');
}

static int check_score(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	(void)req;
	if (!scores_period_valid(json_string_value(json_object_get(doc, "period")))) {
		hearth_problem_field(p, "period", PERIOD_RULE);
		return -1;
	}
	return 0;
}

static const struct hearth_constraint_field score_constraints[] = {
	{ "framework_scores_lot_fkey", "lot_id", "names no lot of this framework" },
	{ "framework_scores_member_fkey", "provider_id",
	  "is not a member of this framework in lot_id" },
	{ NULL, NULL, NULL },
};

static const struct hearth_filter score_filters[] = {
	{ "lot_id", HEARTH_FILTER_UUID, NULL },
	{ "period", HEARTH_FILTER_TEXT, NULL },
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ NULL, 0, NULL },
};

static const char *const score_csv[] = {
	"id", "framework_id", "provider_id", "lot_id", "period", "quality_score",
	"commercial_score", "version", "created_at", "updated_at", NULL,
};

static const char *const score_path_params[] = { "id", NULL };

/* Create is scores_handle_create below; the descriptor serves get and list. */
const struct hearth_resource score_resource = {
	.name = "framework_score",
	.event_prefix = "providers.framework_score",
	.collection_path = "/v1/frameworks/{id}/scores",
	.id_param = "score_id",
	.path_params = score_path_params,
	.fields = score_fields,
	.stmt_get = "score_get",
	.stmt_list = "score_list",
	.filters = score_filters,
	.csv_columns = score_csv,
	.check = check_score,
	.constraint_fields = score_constraints,
};

/* Run the upsert and its effects inside `tx`. Returns 0 with *res (doc,
 * inserted, changed) or -1 with p filled. */
static int store_score(struct hearth_request *req, struct hearth_tx *tx, const char *fw_id,
		       PGresult **res, struct hearth_problem *p)
{
	char *body = json_dumps(req->json, JSON_COMPACT);
	const char *params[2] = { body, fw_id };
	int rc = -1;

	*res = body ? hearth_tx_query(tx, "score_upsert", 2, params, p) : NULL;
	if (!body)
		hearth_problem_out_of_memory(p);
	else if (!*res)
		hearth_problem_from_constraint(p, score_constraints);
	else if (PQntuples(*res) != 1)
		hearth_problem_set(p, 404, "not-found", "No framework with this id.");
	else
		rc = 0;
	free(body);
	return rc;
}

/* Audit row, outbox event and idempotency record of a stored score. */
static int record_score(struct hearth_request *req, struct hearth_tx *tx, const PGresult *res,
			int status, const char *location, struct hearth_problem *p)
{
	const char *doc_text = PQgetvalue(res, 0, SCORE_UPSERT_DOC);
	int changed = strcmp(PQgetvalue(res, 0, SCORE_UPSERT_CHANGED), "t") == 0;
	const char *key = hearth_header(req, "Idempotency-Key");
	json_t *doc = json_loads(doc_text, 0, NULL);
	const char *id = json_string_value(json_object_get(doc, "id"));
	int rc = -1;

	if (!id) {
		hearth_problem_set(p, 500, "internal", "The stored score could not be read back.");
		goto out;
	}
	struct hearth_audit_entry audit = { req->method, req->path, "framework_score", id, status };
	if (hearth_audit_queue(tx, &audit, p) != 0)
		goto out;
	if (changed && hearth_outbox_queue(tx, status == 201 ? "providers.framework_score.created"
							    : "providers.framework_score.updated",
					   "framework_score", id, doc, p) != 0)
		goto out;
	if (key && hearth_idem_store(tx, key, status, location, doc_text, p) != 0)
		goto out;
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

void scores_handle_create(struct hearth_request *req)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *fw_id = hearth_uuid_param(req, "id");
	const char *key = hearth_header(req, "Idempotency-Key");
	char location[256] = "";
	PGresult *res = NULL;
	int status, claimed;

	if (!fw_id)
		return;
	hearth_problem_clear(&p);
	hearth_idem_key_check(key, &p);
	if (p.status || hearth_json_validate(req->json, score_fields, HEARTH_VALIDATE_CREATE, &p) ||
	    check_score(req->json, req, &p) != 0 ||
	    hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	claimed = hearth_resource_idempotency(req, tx, key, &p);
	if (claimed == 1)
		goto out;
	if (claimed < 0)
		goto fail;
	if (store_score(req, tx, fw_id, &res, &p) != 0)
		goto fail;
	status = strcmp(PQgetvalue(res, 0, SCORE_UPSERT_INSERTED), "t") == 0 ? 201 : 200;
	if (status == 201)
		snprintf(location, sizeof(location), "/v1/frameworks/%s/scores/%s", fw_id,
			 PQgetvalue(res, 0, SCORE_UPSERT_ID));
	if (record_score(req, tx, res, status, status == 201 ? location : NULL, &p) != 0 ||
	    hearth_tx_commit(tx, &p) != 0)
		goto fail;
	if (status == 201)
		hearth_set_header(req, "Location", location);
	hearth_respond_doc(req, status, PQgetvalue(res, 0, SCORE_UPSERT_DOC));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(res);
}

void scores_handle_get(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_get(req, &score_resource);
}

void scores_handle_list(struct hearth_request *req)
{
	const char *period = hearth_query_param(req, "period");

	/* The generic text filter takes any text; a malformed period is a typo,
	 * not a period without scores. */
	if (period && !scores_period_valid(period)) {
		struct hearth_problem p;
		hearth_problem_clear(&p);
		hearth_problem_field(&p, "period", PERIOD_RULE);
		hearth_respond_problem(req, &p);
		return;
	}
	if (frameworks_require_visible(req) == 0)
		hearth_resource_list(req, &score_resource);
}
