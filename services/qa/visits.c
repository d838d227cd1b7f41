/*
 * visits.c - monitoring visits to the tenant's settings: fields, the status
 * rules (a scheduled visit has a date; a completed one says when it happened
 * and what RAG it gave; only a completed visit has a RAG), the resource
 * descriptor, and the due list (/v1/visits/due).
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

static const char *const visit_kinds[] = { "planned", "responsive", NULL };
static const char *const visit_notices[] = { "announced", "unannounced", NULL };
static const char *const visit_rags[] = { "red", "amber", "green", NULL };
static const char *const visit_statuses[] = { "scheduled", "completed", "cancelled", NULL };

static const struct hearth_field_spec visit_fields[] = {
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = visit_kinds },
	{ .name = "notice", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = visit_notices },
	{ .name = "scheduled_for", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "visited_on", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "visited_by", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 200 },
	{ .name = "findings", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 8000 },
	{ .name = "rag", .type = HJ_STRING, .flags = HJ_NULLABLE, .enum_values = visit_rags },
	{ .name = "status", .type = HJ_STRING, .enum_values = visit_statuses },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

static int check_visit(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	int completed = status && strcmp(status, "completed") == 0;
	int scheduled = !status || strcmp(status, "scheduled") == 0;
	struct qa_setting setting;
	int found, rc = 0;

	if (completed && !json_object_get(doc, "visited_on")) {
		hearth_problem_field(p, "visited_on", "is required when status is completed");
		rc = -1;
	}
	if (completed && !json_object_get(doc, "rag")) {
		hearth_problem_field(p, "rag", "is required when status is completed");
		rc = -1;
	}
	if (!completed && json_object_get(doc, "rag")) {
		hearth_problem_field(p, "rag", "is only given when status is completed");
		rc = -1;
	}
	if (scheduled && !json_object_get(doc, "scheduled_for")) {
		hearth_problem_field(p, "scheduled_for", "is required when status is scheduled");
		rc = -1;
	}
	if (rc != 0)
		return rc;
	found = qa_setting_lookup(req, json_string_value(json_object_get(doc, "setting_id")),
				  &setting, p);
	if (found == 0)
		hearth_problem_field(p, "setting_id", "names no setting of this tenant");
	return found == 1 ? 0 : -1;
}

static const struct hearth_filter visit_filters[] = {
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "kind", HEARTH_FILTER_ENUM, visit_kinds },
	{ "from", HEARTH_FILTER_DATE, NULL },
	{ "to", HEARTH_FILTER_DATE, NULL },
	{ "org_id", HEARTH_FILTER_UUID, NULL },
	{ NULL, 0, NULL },
};

static const char *const visit_csv[] = {
	"id", "setting_id", "provider_id", "org_id", "kind", "notice", "scheduled_for",
	"visited_on", "visited_by", "findings", "rag", "status", "version", "created_at",
	"updated_at", NULL,
};

const struct hearth_resource visit_resource = {
	.name = "visit",
	.collection_path = "/v1/visits",
	.fields = visit_fields,
	.stmt_insert = "visit_insert",
	.stmt_get = "visit_get",
	.stmt_lock = "visit_lock",
	.stmt_update = "visit_update",
	.stmt_list = "visit_list",
	.filters = visit_filters,
	.csv_columns = visit_csv,
	.check = check_visit,
};

static const char *const due_csv[] = {
	"setting_id", "provider_id", "placements", "current_rag", "last_visit_on",
	"interval_months", "due_on", "overdue", NULL,
};

void visits_handle_due(struct hearth_request *req)
{
	qa_respond_report(req, HEARTH_STMT_USE("visits_due", 1), due_csv);
}
