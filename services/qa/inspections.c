/*
 * inspections.c - regulators' inspections of the tenant's settings: fields,
 * the check of the judgements against the regulator's vocabulary for the
 * setting, and the resource descriptor.
 */
#include <stdio.h>
#include <string.h>

#include "judgements.h"
#include "qa_service.h"

const char *const qa_regulators[] = { "ofsted", "ciw", "cqc", NULL };
const char *const qa_inspection_types[] = {
	"full", "interim", "monitoring", "assurance", "focused", "registration", NULL,
};
const char *const qa_risk_bands[] = { "red", "amber", "green", "none", NULL };
static const char *const inspection_sources[] = { "manual", "regulator_feed", NULL };

static const struct hearth_field_spec inspection_fields[] = {
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "regulator", .type = HJ_STRING, .flags = HJ_REQUIRED | HJ_CREATE_ONLY,
	  .enum_values = qa_regulators },
	{ .name = "inspection_type", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = qa_inspection_types },
	{ .name = "inspected_on", .type = HJ_DATE, .flags = HJ_REQUIRED },
	{ .name = "published_on", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "judgements", .type = HJ_FREE_OBJECT },
	{ .name = "report_url", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,
	  .max_len = 2000 },
	{ .name = "source", .type = HJ_STRING, .enum_values = inspection_sources },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "risk_band", .type = HJ_STRING, .flags = HJ_READONLY },
	{ .name = NULL },
};

static int url_ok(const char *url)
{
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

/* The setting names the vocabulary: its regulator must be the inspection's,
 * and its type with the inspection's type decides which judgements exist. */
static int check_inspection(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *setting_id = json_string_value(json_object_get(doc, "setting_id"));
	const char *regulator = json_string_value(json_object_get(doc, "regulator"));
	const char *type = json_string_value(json_object_get(doc, "inspection_type"));
	const char *inspected = json_string_value(json_object_get(doc, "inspected_on"));
	const char *published = json_string_value(json_object_get(doc, "published_on"));
	const char *url = json_string_value(json_object_get(doc, "report_url"));
	const json_t *judgements = json_object_get(doc, "judgements");
	struct qa_setting setting;
	int found, rc = 0;

	if (inspected && published && strcmp(published, inspected) < 0) {
		hearth_problem_field(p, "published_on", "must not be before inspected_on");
		rc = -1;
	}
	if (url && !url_ok(url)) {
		hearth_problem_field(p, "report_url", "must be an http:// or https:// address");
		rc = -1;
	}
	found = qa_setting_lookup(req, setting_id, &setting, p);
	if (found < 0)
		return -1;
	if (found == 0) {
		hearth_problem_field(p, "setting_id", "names no setting of this tenant");
		return -1;
	}
	if (strcmp(setting.regulator, regulator) != 0) {
		hearth_problem_field(p, "regulator", "must be the setting's regulator (%s)",
				     setting.regulator);
		return -1;
	}
	if (judgements &&
	    qa_judgements_check(judgements, qa_vocabulary_for(regulator, setting.setting_type, type),
				regulator, setting.setting_type, type, p) != 0)
		rc = -1;
	return rc;
}

static void explain_inspection(struct hearth_request *req, struct hearth_tx *tx,
			 const json_t *doc, struct hearth_problem *p)
{
	(void)req;
	(void)doc;
	if (strcmp(p->constraint, "inspections_once_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "This setting already has an inspection of this type on this day.");
		hearth_problem_add_error(p, "inspected_on",
					 "already has an inspection of this type for the setting");
	}
}

static const struct hearth_filter inspection_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "regulator", HEARTH_FILTER_ENUM, qa_regulators },
	{ "risk_band", HEARTH_FILTER_ENUM, qa_risk_bands },
	{ "from", HEARTH_FILTER_DATE, NULL },
	{ "to", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

static const char *const inspection_csv[] = {
	"id", "setting_id", "provider_id", "regulator", "inspection_type", "inspected_on",
	"published_on", "risk_band", "report_url", "source", "version", "created_at",
	"updated_at", NULL,
};

const struct hearth_resource inspection_resource = {
	.name = "inspection",
	.event_prefix = "qa.inspection",
	.create_verb = "recorded",
	.collection_path = "/v1/inspections",
	.fields = inspection_fields,
	.stmt_insert = "inspection_insert",
	.stmt_get = "inspection_get",
	.stmt_lock = "inspection_lock",
	.stmt_update = "inspection_update",
	.stmt_list = "inspection_list",
	.filters = inspection_filters,
	.csv_columns = inspection_csv,
	.check = check_inspection,
	.explain = explain_inspection,
};
