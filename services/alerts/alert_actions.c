/*
 * alert_actions.c - POST /v1/alerts/{id}/acknowledge, .../deadlines/{name}/met
 * and .../resolve: the body checked, then one SQL function (alerts 004) in
 * the request's transaction with the audit row, answering the alert with its
 * ETag. The functions announce the change in the alerts outbox.
 */
#include <string.h>

#include "hearth/audit.h"
#include "alerts_service.h"

static const struct hearth_field_spec ack_fields[] = {
	{ .name = "note", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 4000 },
	{ .name = NULL },
};

static const struct hearth_field_spec met_fields[] = {
	{ .name = "met_at", .type = HJ_TIMESTAMP, .flags = HJ_NULLABLE },
	{ .name = "note", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 4000 },
	{ .name = NULL },
};

static const struct hearth_field_spec resolve_fields[] = {
	{ .name = "resolution", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1,
	  .max_len = 4000 },
	{ .name = NULL },
};

enum { ACTION_COL_OUTCOME = 0, ACTION_COL_DOC = 1, ACTION_COL_VERSION = 2 };

/* Run action statement `stmt` (params[0] is the alert id) and answer. */
static void run_action(struct hearth_request *req, const struct hearth_field_spec *fields,
		       const char *stmt, int n, const char *const *params)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	PGresult *res = NULL;
	const char *outcome;
	json_t *info = NULL;

	hearth_problem_clear(&p);
	if (!req->json || !json_is_object(req->json)) {
		hearth_problem_field(&p, "body", "must be a JSON object");
		goto fail;
	}
	if (hearth_json_validate(req->json, fields, HEARTH_VALIDATE_CREATE, &p) != 0)
		goto fail;
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	res = hearth_tx_query_named(tx, stmt, n, params, &p);
	if (!res)
		goto fail;
	outcome = PQntuples(res) == 1 ? PQgetvalue(res, 0, ACTION_COL_OUTCOME) : "";
	if (strcmp(outcome, "absent") == 0) {
		hearth_problem_set(&p, 404, "not-found", "No alert (or deadline) with this id.");
		goto fail;
	}
	if (strcmp(outcome, "done") != 0) {
		info = json_loads(PQgetvalue(res, 0, ACTION_COL_DOC), 0, NULL);
		if (strcmp(outcome, "conflict") == 0)
			hearth_problem_set(&p, 409, "conflict", "%s",
					   hearth_json_text(info, "detail") ? hearth_json_text(info, "detail")
									   : "Conflict.");
		else if (strcmp(outcome, "invalid") == 0)
			hearth_problem_field(&p, hearth_json_text(info, "field"), "%s",
					     hearth_json_text(info, "message"));
		else
			hearth_problem_set(&p, 500, "internal", "The alert could not be changed.");
		goto fail;
	}
	struct hearth_audit_entry audit = { req->method, req->path, "alert", params[0], 200 };
	if (hearth_audit_queue(tx, &audit, &p) != 0 || hearth_tx_commit(tx, &p) != 0)
		goto fail;
	hearth_respond_doc_version(req, 200, PQgetvalue(res, 0, ACTION_COL_DOC),
				   PQgetvalue(res, 0, ACTION_COL_VERSION));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(res);
	json_decref(info);
}

void alerts_handle_acknowledge(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");
	const char *params[2];

	if (!id)
		return;
	params[0] = id;
	params[1] = hearth_json_text(req->json, "note");
	run_action(req, ack_fields, HEARTH_STMT_USE("alert_acknowledge", 2), 2, params);
}

void alerts_handle_deadline_met(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");
	const char *name = hearth_path_param(req, "name");
	const char *params[4];

	if (!id)
		return;
	params[0] = id;
	params[1] = name;
	params[2] = hearth_json_text(req->json, "met_at");
	params[3] = hearth_json_text(req->json, "note");
	run_action(req, met_fields, HEARTH_STMT_USE("alert_deadline_met", 4), 4, params);
}

void alerts_handle_resolve(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");
	const char *params[2];

	if (!id)
		return;
	params[0] = id;
	params[1] = hearth_json_text(req->json, "resolution");
	run_action(req, resolve_fields, HEARTH_STMT_USE("alert_resolve", 2), 2, params);
}
