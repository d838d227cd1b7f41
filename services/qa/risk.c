/*
 * risk.c - the explained RAG of the tenant's providers and settings
 * (/v1/risk, /v1/risk/{subject_type}/{id}) and the overrides that set one by
 * judgement until they expire (/v1/risk/overrides). The rules are SQL
 * (qa 008, 010, 014, 016, 017), evaluated on each read, set-based, a row
 * per subject and per fact: for the whole tenant its two halves at once, on
 * two connections sharing one snapshot; risk_document.c makes the documents.
 * Nothing is cached. Overrides are a resource: audited like every write.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

#define RISK_CSV_MAX (16u * 1024u * 1024u)

static const char *const subject_types[] = { "provider", "setting", NULL };
static const char *const rags[] = { "red", "amber", "green", NULL };

static int is_one_of(const char *value, const char *const *values)
{
	for (size_t i = 0; values[i]; i++)
		if (strcmp(values[i], value) == 0)
			return 1;
	return 0;
}

/* ?as_at= and, on the list, ?subject_type=: 0, or -1 with field errors. */
static int risk_params(struct hearth_request *req, int with_type, const char **as_at,
		       const char **type, struct hearth_problem *p)
{
	static const char *const list_names[] = { "as_at", "subject_type", NULL };
	static const char *const one_names[] = { "as_at", NULL };

	if (hearth_query_names_check(req, with_type ? list_names : one_names,
				     "is not a parameter of this resource", p) != 0)
		return -1;
	*as_at = hearth_query_param(req, "as_at");
	if (*as_at && !hearth_is_date(*as_at))
		hearth_problem_field(p, "as_at", "must be a date YYYY-MM-DD");
	if (with_type) {
		*type = hearth_query_param(req, "subject_type");
		if (*type && !is_one_of(*type, subject_types))
			hearth_problem_field(p, "subject_type", "must be provider or setting");
	}
	return p->status ? -1 : 0;
}

/* The whole list's rows, into results[0, *n): its two halves at once on
 * two connections that share one snapshot, each answering from a warm
 * backend; or, when the pool has no second connection free now, both in
 * one statement on the first (risk_list: the halves in parallel workers
 * when the server has them free). `day` gets the day answered (as_at, or
 * the first transaction's today, which the second then uses too). 0, or
 * -1 with the problem. */
static int risk_list_rows(struct hearth_request *req, const char *as_at, const char *type,
			  PGresult **results, int *n, char *day, size_t day_len,
			  struct hearth_problem *p)
{
	struct hearth_tx *first = NULL, *second = NULL;
	const char *snapshot_params[1] = { as_at };
	const char *params[2] = { day, type };
	PGresult *snapshot = NULL;
	int got, rc = -1;

	*n = 0;
	if (hearth_tx_begin_repeatable(req->db, &req->actor, &first, p) != 0)
		return -1;
	snapshot = hearth_tx_query(first, "risk_snapshot", 1, snapshot_params, p);
	if (!snapshot)
		goto out;
	snprintf(day, day_len, "%s", PQgetvalue(snapshot, 0, 1));
	got = hearth_tx_try_begin_on_snapshot(req->db, &req->actor, PQgetvalue(snapshot, 0, 0),
					      &second, p);
	if (got < 0)
		goto out;
	if (got == 0) {
		results[0] = hearth_tx_query(first, "risk_list", 2, params, p);
		*n = results[0] != NULL;
		rc = results[0] ? 0 : -1;
		goto out;
	}
	/* The records half answers first and five times the rows: read while
	 * the placed half is still being computed. */
	if (hearth_tx_query_start(first, "risk_list_placed", 2, params, p) != 0 ||
	    hearth_tx_query_start(second, "risk_list_records", 2, params, p) != 0)
		goto out;
	results[(*n)++] = hearth_tx_query_wait(second, p);
	if (!results[0])
		goto out;
	results[(*n)++] = hearth_tx_query_wait(first, p);
	rc = results[1] ? 0 : -1;
out:
	/* The second imported the first's snapshot: it ends first. */
	hearth_tx_end(second);
	hearth_tx_end(first);
	PQclear(snapshot);
	return rc;
}

void risk_handle_list(struct hearth_request *req)
{
	static const char *const columns[] = {
		"subject_type", "subject_id", "rag", "computed_rag", "reasons", "override.rag",
		"override.reason", "override.expires_on", "as_at", NULL,
	};
	const char *as_at = NULL, *type = NULL;
	struct hearth_problem p;
	PGresult *results[2] = { NULL, NULL };
	char day[16] = "";
	char *text = NULL;
	json_t *doc = NULL;
	int n = 0;

	hearth_problem_clear(&p);
	if (risk_params(req, 1, &as_at, &type, &p) != 0 ||
	    risk_list_rows(req, as_at, type, results, &n, day, sizeof(day), &p) != 0)
		goto fail;
	text = qa_risk_list_document(results, n, day, &p);
	if (!text)
		goto fail;
	if (!req->wants_csv) {
		hearth_respond_json_text(req, 200, text);
		goto out;
	}
	doc = json_loads(text, 0, NULL);
	if (!doc) {
		hearth_problem_set(&p, 503, "unavailable", "The risk is too large for CSV.");
		goto fail;
	}
	hearth_respond_csv_rows(req, json_object_get(doc, "items"), columns,
				sizeof(columns) / sizeof(columns[0]) - 1, RISK_CSV_MAX,
				"The risk is too large for CSV.");
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	json_decref(doc);
	free(text);
	PQclear(results[0]);
	PQclear(results[1]);
}

/* The provider whose records decide subject `id` of `type`: the provider
 * itself, or the setting's. 1 when the tenant has the subject, 0 when not,
 * -1 with the problem filled. */
static int subject_provider(struct hearth_request *req, const char *type, const char *id,
			    char *provider, size_t len, struct hearth_problem *p)
{
	struct qa_setting setting;
	int found;

	if (strcmp(type, "setting") == 0) {
		found = qa_setting_lookup(req, id, &setting, p);
		if (found == 1)
			snprintf(provider, len, "%s", setting.provider_id);
		return found;
	}
	found = qa_provider_lookup(req, id, p);
	if (found == 1)
		snprintf(provider, len, "%s", id);
	return found;
}

void risk_handle_get(struct hearth_request *req)
{
	const char *type = hearth_path_param(req, "subject_type");
	const char *id = hearth_uuid_param(req, "id"), *as_at = NULL;
	char provider[40];
	struct hearth_problem p;
	PGresult *res = NULL;
	char *doc = NULL;
	int found;

	if (!id)
		return;
	hearth_problem_clear(&p);
	if (!type || !is_one_of(type, subject_types)) {
		hearth_respond_error(req, 404, "not-found", "No such subject type.");
		return;
	}
	if (risk_params(req, 0, &as_at, NULL, &p) != 0)
		goto fail;
	found = subject_provider(req, type, id, provider, sizeof(provider), &p);
	if (found < 0)
		goto fail;
	if (found == 0) {
		hearth_problem_set(&p, 404, "not-found", "The tenant has no such subject.");
		goto fail;
	}
	const char *params[4] = { as_at, type, provider, id };
	res = hearth_db_read_statement(req->db, &req->actor, "risk_get", 4, params, &p);
	doc = qa_risk_subject_document(res, type, id, &p);
	if (!doc)
		goto fail;
	hearth_respond_json_text(req, 200, doc);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	free(doc);
	PQclear(res);
}

/* == overrides == */

static const struct hearth_field_spec override_fields[] = {
	{ .name = "subject_type", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = subject_types },
	{ .name = "subject_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "rag", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = rags },
	{ .name = "reason", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 2000 },
	{ .name = "expires_on", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "created_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

static int check_override(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *type = json_string_value(json_object_get(doc, "subject_type"));
	const char *id = json_string_value(json_object_get(doc, "subject_id"));
	char provider[40];
	int found = subject_provider(req, type, id, provider, sizeof(provider), p);

	if (found == 0)
		hearth_problem_field(p, "subject_id", "names no subject of this type in the tenant");
	return found == 1 ? 0 : -1;
}

static void explain_override(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			     struct hearth_problem *p)
{
	(void)req;
	(void)tx;
	(void)doc;
	if (strcmp(p->constraint, "risk_overrides_expiry_check") == 0) {
		hearth_problem_clear(p);
		hearth_problem_field(p, "expires_on", "must be after today");
	}
}

static const struct hearth_filter override_filters[] = {
	{ "subject_type", HEARTH_FILTER_ENUM, subject_types },
	{ "subject_id", HEARTH_FILTER_UUID, NULL },
	{ NULL, 0, NULL },
};

static const char *const override_csv[] = {
	"id", "subject_type", "subject_id", "rag", "reason", "expires_on", "created_by_org_id",
	"version", "created_at", "updated_at", NULL,
};

const struct hearth_resource risk_override_resource = {
	.name = "risk_override",
	.collection_path = "/v1/risk/overrides",
	.fields = override_fields,
	.stmt_insert = "risk_override_insert",
	.stmt_get = "risk_override_get",
	.stmt_list = "risk_override_list",
	.filters = override_filters,
	.csv_columns = override_csv,
	.check = check_override,
	.explain = explain_override,
};
