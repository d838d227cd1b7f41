/*
 * returns.c - the returns a provider submits about its own children's homes:
 * Reg 44 reports (one per setting and month, /v1/reg44-reports, and the list
 * of missing ones) and Reg 45 reviews (/v1/reg45-reviews, and the homes
 * whose review is overdue, /v1/reg45-reviews/missing). A provider
 * organisation submits for its own provider's settings only (403 otherwise);
 * councils, the consortium team and admins may record a return received by
 * other means.
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

static const char *const reg44_answers[] = { "yes", "no", "not_stated", NULL };
static const char *const recommendation_statuses[] = { "open", "in_progress", "done", NULL };

static const struct hearth_field_spec recommendation_fields[] = {
	{ .name = "text", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 2000 },
	{ .name = "status", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = recommendation_statuses },
	{ .name = NULL },
};

static const struct hearth_field_spec recommendation_item = {
	.name = "recommendation", .type = HJ_OBJECT, .fields = recommendation_fields,
};

static const struct hearth_field_spec reg44_fields[] = {
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "month", .type = HJ_MONTH, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "visited_on", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "visitor_name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1,
	  .max_len = 200 },
	{ .name = "received_on", .type = HJ_DATE },
	{ .name = "children_safeguarded", .type = HJ_STRING, .enum_values = reg44_answers },
	{ .name = "wellbeing_promoted", .type = HJ_STRING, .enum_values = reg44_answers },
	{ .name = "registered_manager_in_post", .type = HJ_BOOL, .flags = HJ_REQUIRED },
	{ .name = "recommendations", .type = HJ_ARRAY, .items = &recommendation_item,
	  .max_items = 100 },
	{ .name = "summary", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 8000 },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "submitted_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

static const struct hearth_field_spec reg45_fields[] = {
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "period_from", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "period_to", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "received_on", .type = HJ_DATE },
	{ .name = "summary", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 8000 },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "submitted_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* The setting is a children's home of the tenant, and a provider organisation
 * submits for its own settings only. */
static int check_submission(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	struct qa_setting setting;
	int found = qa_setting_lookup(req, json_string_value(json_object_get(doc, "setting_id")),
				      &setting, p);

	if (found < 0)
		return -1;
	if (found == 0) {
		hearth_problem_field(p, "setting_id", "names no setting of this tenant");
		return -1;
	}
	if (strcmp(setting.setting_type, "childrens_home") != 0) {
		hearth_problem_field(p, "setting_id", "must be a childrens_home setting (it is %s)",
				     setting.setting_type);
		return -1;
	}
	return qa_check_submitter(req, setting.provider_id, p);
}

static int check_reg44(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *month = json_string_value(json_object_get(doc, "month"));
	const char *visited = json_string_value(json_object_get(doc, "visited_on"));
	const char *received = json_string_value(json_object_get(doc, "received_on"));

	if (month && visited && strncmp(visited, month, 7) != 0) {
		hearth_problem_field(p, "visited_on", "must be a day of the report's month");
		return -1;
	}
	if (received && visited && strcmp(received, visited) < 0) {
		hearth_problem_field(p, "received_on", "must not be before visited_on");
		return -1;
	}
	return check_submission(doc, req, p);
}

static int check_reg45(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *from = json_string_value(json_object_get(doc, "period_from"));
	const char *to = json_string_value(json_object_get(doc, "period_to"));

	if (from && to && strcmp(to, from) < 0) {
		hearth_problem_field(p, "period_to", "must not be before period_from");
		return -1;
	}
	return check_submission(doc, req, p);
}

static void explain_reg44(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			  struct hearth_problem *p)
{
	(void)req;
	(void)tx;
	(void)doc;
	if (strcmp(p->constraint, "reg44_reports_once_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "This setting already has a Reg 44 report for this month.");
		hearth_problem_add_error(p, "month", "already has a report for the setting");
	}
}

static void explain_reg45(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			  struct hearth_problem *p)
{
	(void)req;
	(void)tx;
	(void)doc;
	if (strcmp(p->constraint, "reg45_reviews_once_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "This setting already has a Reg 45 review for this period.");
		hearth_problem_add_error(p, "period_from", "already has a review for the setting");
	}
}

static const struct hearth_filter reg44_filters[] = {
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "month", HEARTH_FILTER_TEXT, NULL },
	{ NULL, 0, NULL },
};

static const struct hearth_filter reg45_filters[] = {
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ NULL, 0, NULL },
};

static const char *const reg44_csv[] = {
	"id", "setting_id", "provider_id", "month", "visited_on", "visitor_name", "received_on",
	"children_safeguarded", "wellbeing_promoted", "registered_manager_in_post", "summary",
	"submitted_by_org_id", "version", "created_at", "updated_at", NULL,
};

static const char *const reg45_csv[] = {
	"id", "setting_id", "provider_id", "period_from", "period_to", "received_on", "summary",
	"submitted_by_org_id", "version", "created_at", "updated_at", NULL,
};

const struct hearth_resource reg44_report_resource = {
	.name = "reg44_report",
	.collection_path = "/v1/reg44-reports",
	.fields = reg44_fields,
	.stmt_insert = "reg44_report_insert",
	.stmt_get = "reg44_report_get",
	.stmt_list = "reg44_report_list",
	.filters = reg44_filters,
	.csv_columns = reg44_csv,
	.check = check_reg44,
	.explain = explain_reg44,
};

const struct hearth_resource reg45_review_resource = {
	.name = "reg45_review",
	.collection_path = "/v1/reg45-reviews",
	.fields = reg45_fields,
	.stmt_insert = "reg45_review_insert",
	.stmt_get = "reg45_review_get",
	.stmt_list = "reg45_review_list",
	.filters = reg45_filters,
	.csv_columns = reg45_csv,
	.check = check_reg45,
	.explain = explain_reg45,
};

/* The month filter is YYYY-MM: checked here, as the generic list has no
 * month filter type; a bad one is 400 naming it. */
void reg44_reports_handle_list(struct hearth_request *req)
{
	const char *month = hearth_query_param(req, "month");
	struct hearth_problem p;

	if (month && !hearth_is_month(month)) {
		hearth_problem_clear(&p);
		hearth_problem_field(&p, "month", "must be a month YYYY-MM");
		hearth_respond_problem(req, &p);
		return;
	}
	hearth_resource_list(req, &reg44_report_resource);
}

static const char *const missing_csv[] = {
	"setting_id", "provider_id", "month", "due_on", "councils", NULL,
};

void reg44_reports_handle_missing(struct hearth_request *req)
{
	qa_respond_report_page(req, HEARTH_STMT_USE("reg44_missing_page", 4), missing_csv);
}

static const char *const reg45_missing_csv[] = {
	"setting_id", "provider_id", "last_period_to", "due_on", "councils", NULL,
};

void reg45_reviews_handle_missing(struct hearth_request *req)
{
	qa_respond_report(req, HEARTH_STMT_USE("reg45_missing", 1), reg45_missing_csv);
}
