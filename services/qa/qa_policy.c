/*
 * qa_policy.c - the tenant's QA thresholds and intervals (/v1/qa-policy): GET
 * answers the stored policy or the defaults (version 0); PUT replaces it
 * whole, honouring If-Match, with an audit row in the same transaction.
 * Every reader of a threshold takes it from qa_policy_doc() (qa 004), so the
 * defaults live in one place.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/audit.h"
#include "qa_service.h"

#define MONTHS(label) \
	{ .name = label, .type = HJ_INT, .flags = HJ_REQUIRED, .min = 1, .max = 36, .has_range = 1 }

static const struct hearth_field_spec interval_fields[] = {
	MONTHS("red"),
	MONTHS("amber"),
	MONTHS("green"),
	{ .name = NULL },
};

static const struct hearth_field_spec policy_fields[] = {
	{ .name = "visit_interval_months", .type = HJ_OBJECT, .flags = HJ_REQUIRED,
	  .fields = interval_fields },
	{ .name = "reg44_due_days", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 0, .max = 60,
	  .has_range = 1 },
	{ .name = "instability_endings", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 1, .max = 100,
	  .has_range = 1 },
	{ .name = "reg45_max_months", .type = HJ_INT, .flags = HJ_REQUIRED, .min = 1, .max = 24,
	  .has_range = 1 },
	{ .name = "version", .type = HJ_INT, .flags = HJ_READONLY },
	{ .name = "updated_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* A stricter visit for a worse RAG: red no longer apart than amber, amber no
 * longer than green. */
static int check_policy(const json_t *doc, struct hearth_problem *p)
{
	const json_t *iv = json_object_get(doc, "visit_interval_months");
	json_int_t red = json_integer_value(json_object_get(iv, "red"));
	json_int_t amber = json_integer_value(json_object_get(iv, "amber"));
	json_int_t green = json_integer_value(json_object_get(iv, "green"));
	int rc = 0;

	if (red > amber) {
		hearth_problem_field(p, "visit_interval_months.red", "must not exceed amber");
		rc = -1;
	}
	if (amber > green) {
		hearth_problem_field(p, "visit_interval_months.amber", "must not exceed green");
		rc = -1;
	}
	return rc;
}

void qa_policy_handle_get(struct hearth_request *req)
{
	struct hearth_problem p;
	PGresult *res;

	hearth_problem_clear(&p);
	if (req->n_query > 0) {
		hearth_problem_field(&p, req->query[0].name, "is not a parameter of this resource");
		hearth_respond_problem(req, &p);
		return;
	}
	res = hearth_db_read_statement(req->db, &req->actor, "qa_policy_get", 0, NULL, &p);
	if (res && PQntuples(res) != 1)
		hearth_problem_set(&p, 500, "internal", "The policy could not be read.");
	if (p.status)
		hearth_respond_problem(req, &p);
	else
		hearth_respond_doc(req, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
}

void qa_policy_handle_put(struct hearth_request *req)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	PGresult *locked = NULL, *stored = NULL, *res = NULL;
	json_t *current = NULL;
	char *body_text = NULL;

	hearth_problem_clear(&p);
	if (hearth_json_validate(req->json, policy_fields, HEARTH_VALIDATE_CREATE, &p) != 0 ||
	    check_policy(req->json, &p) != 0)
		goto fail;
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	/* Locks the tenant's row when there is one; two first PUTs meet at the
	 * primary key of the upsert instead. */
	locked = hearth_tx_query(tx, "qa_policy_lock", 0, NULL, &p);
	if (!locked)
		goto fail;
	current = PQntuples(locked) == 1 ? json_loads(PQgetvalue(locked, 0, 0), 0, NULL) : NULL;
	if (!current) {
		hearth_problem_set(&p, 500, "internal", "The stored policy could not be read.");
		goto fail;
	}
	if (hearth_check_if_match(req, "policy",
				  (long long)json_integer_value(json_object_get(current, "version")),
				  &p) != 0)
		goto fail;
	body_text = json_dumps(req->json, JSON_COMPACT);
	const char *params[1] = { body_text };
	stored = body_text ? hearth_tx_query(tx, "qa_policy_put", 1, params, &p) : NULL;
	res = stored ? hearth_tx_query(tx, "qa_policy_get", 0, NULL, &p) : NULL;
	if (!res || PQntuples(res) != 1) {
		if (!p.status)
			hearth_problem_set(&p, 500, "internal", "The policy could not be stored.");
		goto fail;
	}
	struct hearth_audit_entry audit = { req->method, req->path, "qa_policy", NULL, 200 };
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
	free(body_text);
}
