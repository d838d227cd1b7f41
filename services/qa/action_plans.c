/*
 * action_plans.c - action plans: fields (items with their status and
 * evidence), rules (the subject from the register, done and not_done with
 * evidence, a provider organisation answering its own plans only) and the
 * resource descriptor. The database gives items their ids and updated_at,
 * keeps every item once written and keeps a provider's users to items'
 * status and evidence (qa 007); explain_plan names the field it refused.
 *
 * qa.action_item.overdue is not written here: an item becomes overdue by the
 * passing of time, not by a write, so a periodic check announces it
 * (qa.announce_overdue_action_items(), qa 012, once per item and due day).
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

static const char *const plan_sources[] = { "inspection", "visit", "concern", "reg44", "other",
					    NULL };
static const char *const plan_statuses[] = { "open", "closed", NULL };
static const char *const item_statuses[] = { "open", "done", "not_done", NULL };
static const char *const booleans[] = { "true", "false", NULL };

static const struct hearth_field_spec item_fields[] = {
	/* id and updated_at are the server's: an id names an existing item,
	 * updated_at is echoed back from a read and ignored. */
	{ .name = "id", .type = HJ_UUID },
	{ .name = "action", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 2000 },
	{ .name = "owner", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "due_on", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "status", .type = HJ_STRING, .enum_values = item_statuses },
	{ .name = "evidence", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 4000 },
	{ .name = "updated_at", .type = HJ_TIMESTAMP },
	{ .name = NULL },
};

static const struct hearth_field_spec item_spec = {
	.name = "item", .type = HJ_OBJECT, .fields = item_fields,
};

static const struct hearth_field_spec plan_fields[] = {
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_NULLABLE | HJ_CREATE_ONLY },
	{ .name = "source", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = plan_sources },
	{ .name = "source_id", .type = HJ_UUID, .flags = HJ_NULLABLE },
	{ .name = "items", .type = HJ_ARRAY, .flags = HJ_REQUIRED, .items = &item_spec,
	  .min_items = 1, .max_items = 200 },
	{ .name = "status", .type = HJ_STRING, .enum_values = plan_statuses },
	{ .name = "overdue_items", .type = HJ_INT, .flags = HJ_READONLY },
	{ .name = "created_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* A provider organisation answers its own provider's plans only, and opens
 * none; everyone else who writes holds a recorder role. 0, or -1 with a 403 (or the
 * database problem). */
static int check_writer(struct hearth_request *req, const char *provider_id,
			struct hearth_problem *p)
{
	PGresult *res = hearth_db_read_statement(req->db, &req->actor, "qa_own_provider", 0, NULL,
						 p);
	int rc = -1;

	if (!res)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		/* Whatever its roles: row-level security refuses the insert too. */
		if (strcmp(req->method, "POST") == 0)
			hearth_problem_set(p, 403, "forbidden",
					   "A provider answers action plans; it does not open them.");
		else if (provider_id && strcmp(PQgetvalue(res, 0, 0), provider_id) == 0)
			rc = 0;
		else
			hearth_problem_set(p, 403, "forbidden",
					   "A provider answers its own action plans only.");
	} else if (req->principal.roles & QA_RECORDER_ROLES) {
		rc = 0;
	} else {
		hearth_problem_set(p, 403, "forbidden",
				   "Only a provider organisation answers action items as a provider.");
	}
	PQclear(res);
	return rc;
}

static int check_plan(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *source = json_string_value(json_object_get(doc, "source"));
	const json_t *items = json_object_get(doc, "items"), *item;
	char field[48];
	size_t i;
	int rc = 0;

	if (source && strcmp(source, "other") != 0 && !json_string_value(json_object_get(doc,
								"source_id"))) {
		hearth_problem_field(p, "source_id", "is required unless source is other");
		rc = -1;
	}
	json_array_foreach(items, i, item) {
		const char *status = json_string_value(json_object_get(item, "status"));

		if (status && strcmp(status, "open") != 0 &&
		    !json_string_value(json_object_get(item, "evidence"))) {
			snprintf(field, sizeof(field), "items[%zu].evidence", i);
			hearth_problem_field(p, field, "is required when an item is done or not_done");
			rc = -1;
		}
	}
	if (rc != 0)
		return -1;
	if (check_writer(req, json_string_value(json_object_get(doc, "provider_id")), p) != 0)
		return -1;
	return qa_check_subject(req, json_string_value(json_object_get(doc, "provider_id")),
				json_string_value(json_object_get(doc, "setting_id")), p);
}

static void explain_plan(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			 struct hearth_problem *p)
{
	(void)req;
	(void)tx;
	(void)doc;
	if (strcmp(p->constraint, "action_plans_provider_answers") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 403, "forbidden",
				   "A provider changes its action items' status and evidence only.");
	} else if (strcmp(p->constraint, "action_plans_items_kept") == 0) {
		hearth_problem_clear(p);
		hearth_problem_field(p, "items", "must keep every item already in the plan");
	} else if (strcmp(p->constraint, "action_plans_item_known") == 0) {
		hearth_problem_clear(p);
		hearth_problem_field(p, "items", "names an item id not in this plan, or twice");
	}
}

static const struct hearth_filter plan_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "status", HEARTH_FILTER_ENUM, plan_statuses },
	{ "overdue", HEARTH_FILTER_ENUM, booleans },
	{ NULL, 0, NULL },
};

static const char *const plan_csv[] = {
	"id", "provider_id", "setting_id", "source", "source_id", "status", "overdue_items",
	"created_by_org_id", "version", "created_at", "updated_at", NULL,
};

const struct hearth_resource action_plan_resource = {
	.name = "action_plan",
	.collection_path = "/v1/action-plans",
	.fields = plan_fields,
	.stmt_insert = "action_plan_insert",
	.stmt_get = "action_plan_get",
	.stmt_lock = "action_plan_lock",
	.stmt_update = "action_plan_update",
	.stmt_list = "action_plan_list",
	.filters = plan_filters,
	.csv_columns = plan_csv,
	.check = check_plan,
	.explain = explain_plan,
};
