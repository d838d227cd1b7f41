/*
 * rules.c - the tenant's alert rules (/v1/alert-rules): every built-in kind
 * with its default, merged with what the tenant's admins changed (alerts 002,
 * rule_doc()). PATCH is a merge patch of the writable part (enabled,
 * severity, deadlines, escalation), checked whole after merging, honouring
 * If-Match (a rule never changed has version 0), audited. A rule change
 * applies to alerts made after it.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/audit.h"
#include "hearth/merge_patch.h"
#include "alerts_service.h"

static const char *const severities[] = { "critical", "high", "medium", "low", NULL };
static const char *const clocks[] = { "working_days", "hours", NULL };

static const struct hearth_field_spec escalation_fields[] = {
	{ .name = "enabled", .type = HJ_BOOL, .flags = HJ_REQUIRED },
	{ .name = "max_level", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 1, .max = 3,
	  .has_range = 1 },
	{ .name = NULL },
};

static const struct hearth_field_spec deadline_fields[] = {
	{ .name = "clock", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = clocks },
	{ .name = "amount", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 0, .max = 720,
	  .has_range = 1 },
	{ .name = NULL },
};

static const struct hearth_field_spec rule_fields[] = {
	{ .name = "enabled", .type = HJ_BOOL, .flags = HJ_REQUIRED },
	{ .name = "severity", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = severities },
	{ .name = "deadlines", .type = HJ_FREE_OBJECT, .flags = HJ_REQUIRED },
	{ .name = "escalation", .type = HJ_OBJECT, .flags = HJ_REQUIRED,
	  .fields = escalation_fields },
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_READONLY },
	{ .name = "version", .type = HJ_INT, .flags = HJ_READONLY },
	{ .name = "updated_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY },
	{ .name = NULL },
};

static int deadline_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 40 || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return 0;
	return 1;
}

/* deadlines: at most 8 names, each {clock, amount}; "hours" at most 720. */
static int check_deadlines(const json_t *deadlines, struct hearth_problem *p)
{
	const char *name;
	json_t *spec;
	char field[96];
	int rc = 0;

	if (json_object_size(deadlines) > 8) {
		hearth_problem_field(p, "deadlines", "may name at most 8 deadlines");
		return -1;
	}
	json_object_foreach((json_t *)deadlines, name, spec) {
		snprintf(field, sizeof(field), "deadlines.%.40s", name);
		if (!deadline_name_ok(name)) {
			hearth_problem_field(p, field, "must be a name of a-z, 0-9 and _ (1-40)");
			rc = -1;
			continue;
		}
		if (!json_is_object(spec)) {
			hearth_problem_field(p, field, "must be an object {clock, amount}");
			rc = -1;
			continue;
		}
		struct hearth_problem sub;

		hearth_problem_clear(&sub);
		if (hearth_json_validate(spec, deadline_fields, HEARTH_VALIDATE_CREATE, &sub) != 0) {
			hearth_problem_field(p, field, "needs clock (working_days or hours) and amount "
					     "(0-720)");
			rc = -1;
		}
	}
	return rc;
}

static int kind_known(const char *kind)
{
	for (const char *const *k = alerts_kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

void alert_rules_handle_list(struct hearth_request *req)
{
	struct hearth_problem p;
	PGresult *res;

	hearth_problem_clear(&p);
	if (req->n_query > 0) {
		hearth_problem_field(&p, req->query[0].name, "is not a parameter of this resource");
		hearth_respond_problem(req, &p);
		return;
	}
	res = hearth_db_read_statement(req->db, &req->actor, "alert_rules_list", 0, NULL, &p);
	if (!res)
		hearth_respond_problem(req, &p);
	else
		hearth_respond_json_text(req, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
}

void alert_rules_handle_get(struct hearth_request *req)
{
	struct hearth_problem p;
	const char *kind = hearth_path_param(req, "kind");
	const char *params[1] = { kind };
	PGresult *res;

	hearth_problem_clear(&p);
	if (!kind || !kind_known(kind)) {
		hearth_respond_error(req, 404, "not-found", "No alert kind of this name.");
		return;
	}
	res = hearth_db_read_statement(req->db, &req->actor, "alert_rule_get", 1, params, &p);
	if (!res)
		hearth_respond_problem(req, &p);
	else
		hearth_respond_doc(req, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
}

void alert_rules_handle_patch(struct hearth_request *req)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *kind = hearth_path_param(req, "kind");
	PGresult *locked = NULL, *stored = NULL, *res = NULL;
	json_t *current = NULL, *writable = NULL, *merged = NULL;
	char *merged_text = NULL, version[24];
	json_int_t current_version;

	hearth_problem_clear(&p);
	if (!kind || !kind_known(kind)) {
		hearth_respond_error(req, 404, "not-found", "No alert kind of this name.");
		return;
	}
	if (hearth_json_validate(req->json, rule_fields, HEARTH_VALIDATE_PATCH, &p) != 0)
		goto fail;
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	const char *lock_params[1] = { kind };
	locked = hearth_tx_query(tx, "alert_rule_lock", 1, lock_params, &p);
	if (!locked)
		goto fail;
	current = PQntuples(locked) == 1 ? json_loads(PQgetvalue(locked, 0, 0), 0, NULL) : NULL;
	if (!current) {
		hearth_problem_set(&p, 500, "internal", "The rule could not be read.");
		goto fail;
	}
	current_version = json_integer_value(json_object_get(current, "version"));
	if (hearth_check_if_match(req, "rule", (long long)current_version, &p) != 0)
		goto fail;
	writable = json_deep_copy(current);
	if (writable) {
		json_object_del(writable, "kind");
		json_object_del(writable, "version");
		json_object_del(writable, "updated_at");
	}
	merged = writable ? hearth_merge_patch(writable, req->json) : NULL;
	if (!merged) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	if (hearth_json_validate(merged, rule_fields, HEARTH_VALIDATE_CREATE, &p) != 0 ||
	    check_deadlines(json_object_get(merged, "deadlines"), &p) != 0)
		goto fail;
	merged_text = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(version, sizeof(version), "%lld", (long long)current_version);
	const char *put_params[3] = { kind, merged_text, version };
	stored = merged_text ? hearth_tx_query(tx, "alert_rule_put", 3, put_params, &p) : NULL;
	if (!stored)
		goto fail;
	if (PQntuples(stored) != 1) {
		hearth_problem_set(&p, 412, "precondition-failed",
				   "The rule has changed; fetch it and try again.");
		goto fail;
	}
	res = hearth_tx_query(tx, "alert_rule_get", 1, lock_params, &p);
	if (!res)
		goto fail;
	struct hearth_audit_entry audit = { req->method, req->path, "alert_rule", NULL, 200 };
	if (hearth_audit_queue(tx, &audit, &p) != 0 || hearth_tx_commit(tx, &p) != 0)
		goto fail;
	hearth_respond_doc(req, 200, PQgetvalue(res, 0, 0));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(locked);
	PQclear(stored);
	PQclear(res);
	json_decref(current);
	json_decref(writable);
	json_decref(merged);
	free(merged_text);
}
