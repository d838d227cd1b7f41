/*
 * deliveries.c - the delivery log of a subscription (each delivery with its
 * attempts, status codes and next retry) and redelivery, which starts the
 * retry schedule again from now with the same webhook-id.
 *
 * A subscription the caller's organisation does not have answers 404 for its
 * deliveries too (row-level security hides it exactly like an absent one).
 */
#include <string.h>

#include "hearth/audit.h"
#include "webhooks.h"

static const char *const delivery_statuses[] = { "pending", "delivered", "failed", NULL };

static const struct hearth_filter delivery_filters[] = {
	{ "status", HEARTH_FILTER_ENUM, delivery_statuses },
	{ NULL, 0, NULL },
};

static const char *const delivery_csv[] = {
	"id", "subscription_id", "event_id", "event_type", "status", "attempt_count",
	"next_attempt_at", "last_status_code", "last_error", "last_attempt_at", "delivered_at",
	"failed_at", "created_at", "version", NULL,
};

static const struct hearth_field_spec delivery_fields[] = {
	{ .name = NULL },
};

static const char *const delivery_path_params[] = { "id", NULL };

static const struct hearth_resource delivery_resource = {
	.name = "delivery",
	.collection_path = "/v1/subscriptions/{id}/deliveries",
	.id_param = "delivery_id",
	.path_params = delivery_path_params,
	.fields = delivery_fields,
	.stmt_get = "delivery_get",
	.stmt_list = "delivery_list",
	.filters = delivery_filters,
	.csv_columns = delivery_csv,
};

/* 0 when subscription `id` is the organisation's; otherwise the answer is sent. */
static int subscription_found(struct hearth_request *req, const char *id)
{
	const char *params[1] = { id };
	struct hearth_problem p;
	PGresult *res;
	int rc = -1;

	hearth_problem_clear(&p);
	res = hearth_db_read_statement(req->db, &req->actor, "subscription_exists", 1, params, &p);
	if (res && PQntuples(res) == 1)
		rc = 0;
	else if (res)
		hearth_problem_set(&p, 404, "not-found", "No subscription with this id.");
	if (rc != 0)
		hearth_respond_problem(req, &p);
	PQclear(res);
	return rc;
}

void deliveries_handle_list(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");

	if (id && subscription_found(req, id) == 0)
		hearth_resource_list(req, &delivery_resource);
}

void deliveries_handle_get(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_get(req, &delivery_resource);
}

void deliveries_handle_redeliver(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");
	const char *delivery_id = id ? hearth_uuid_param(req, "delivery_id") : NULL;
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	PGresult *sub = NULL, *res = NULL;

	if (!delivery_id)
		return;
	hearth_problem_clear(&p);
	if (req->json && json_object_size(req->json) > 0) {
		hearth_problem_field(&p, json_object_iter_key(json_object_iter(req->json)),
				     "is not a field of a redelivery (send {} or no body)");
		goto fail;
	}
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	const char *sub_params[1] = { id };
	sub = hearth_tx_query(tx, "subscription_exists", 1, sub_params, &p);
	if (!sub)
		goto fail;
	if (PQntuples(sub) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No subscription with this id.");
		goto fail;
	}
	if (strcmp(PQgetvalue(sub, 0, 0), "active") != 0) {
		hearth_problem_set(&p, 409, "conflict",
				   "The subscription is %s; make it active to redeliver.",
				   PQgetvalue(sub, 0, 0));
		goto fail;
	}
	const char *params[2] = { delivery_id, id };
	res = hearth_tx_query(tx, "delivery_redeliver", 2, params, &p);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No delivery with this id.");
		goto fail;
	}
	struct hearth_audit_entry audit = { req->method, req->path, "delivery", delivery_id, 202 };
	if (hearth_audit_queue(tx, &audit, &p) != 0 || hearth_tx_commit(tx, &p) != 0)
		goto fail;
	hearth_respond_doc_version(req, 202, PQgetvalue(res, 0, HEARTH_GET_COL_DOC),
				   PQgetvalue(res, 0, HEARTH_GET_COL_VERSION));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(sub);
	PQclear(res);
}
