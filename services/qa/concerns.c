/*
 * concerns.c - concerns, complaints, compliments, allegations, notifiable
 * events and whistleblowing: fields, rules (the subject from the register,
 * a named child the raising organisation's own, escalation and closing), and
 * the resource descriptor. A concern naming a child is a child-level record:
 * row-level security shows it to the raising organisation only, and every
 * read of concerns is audited. A provider organisation raises notifiable
 * events (Reg 40) about its own provider and sees only what it raised.
 */
#include <string.h>

#include "qa_service.h"

static const char *const concern_kinds[] = {
	"concern", "complaint", "compliment", "allegation", "notifiable_event", "whistleblowing",
	NULL,
};
static const char *const concern_severities[] = { "low", "moderate", "significant", NULL };
static const char *const concern_statuses[] = { "open", "investigating", "escalated", "closed",
						NULL };

static const struct hearth_field_spec concern_fields[] = {
	{ .name = "kind", .type = HJ_STRING, .flags = HJ_REQUIRED, .enum_values = concern_kinds },
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_NULLABLE | HJ_CREATE_ONLY },
	{ .name = "severity", .type = HJ_STRING, .flags = HJ_REQUIRED,
	  .enum_values = concern_severities },
	{ .name = "summary", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 4000 },
	{ .name = "child_id", .type = HJ_UUID, .flags = HJ_NULLABLE | HJ_CREATE_ONLY },
	{ .name = "lado_referral", .type = HJ_BOOL },
	{ .name = "status", .type = HJ_STRING, .enum_values = concern_statuses },
	{ .name = "escalation_level", .type = HJ_INT, .min = 0, .max = 3, .has_range = 1 },
	{ .name = "outcome", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 4000 },
	{ .name = "raised_by_org_id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = NULL },
};

/* A provider organisation (whatever its roles) raises notifiable events
 * about its own provider and works on no concern; everyone else who writes
 * holds a recorder role. 0, or -1 with the problem (403, a field error, or
 * the database's). Row-level security holds the same line (qa 012). */
static int check_raiser(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const char *provider_id = json_string_value(json_object_get(doc, "provider_id"));
	PGresult *res = hearth_db_read_statement(req->db, &req->actor, "qa_own_provider", 0, NULL,
						 p);
	int rc = -1;

	if (!res)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		if (strcmp(req->method, "POST") != 0)
			hearth_problem_set(p, 403, "forbidden",
					   "A provider raises notifications; it does not work on concerns.");
		else if (!provider_id || strcmp(PQgetvalue(res, 0, 0), provider_id) != 0)
			hearth_problem_set(p, 403, "forbidden",
					   "A provider raises notifications about its own provider only.");
		else if (!kind || strcmp(kind, "notifiable_event") != 0)
			hearth_problem_field(p, "kind", "must be notifiable_event when a provider "
							"organisation raises it");
		else if (json_string_value(json_object_get(doc, "child_id")))
			hearth_problem_field(p, "child_id", "is not named in a provider's notification");
		else
			rc = 0;
	} else if (req->principal.roles & QA_RECORDER_ROLES) {
		rc = 0;
	} else {
		hearth_problem_set(p, 403, "forbidden",
				   "Only a provider organisation raises notifications as a provider.");
	}
	PQclear(res);
	return rc;
}

static int check_concern(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	const char *child_id = json_string_value(json_object_get(doc, "child_id"));
	json_int_t level = json_integer_value(json_object_get(doc, "escalation_level"));
	int rc = 0, own;

	if (status && strcmp(status, "escalated") == 0 && level < 1) {
		hearth_problem_field(p, "escalation_level", "must be 1 to 3 when status is escalated");
		rc = -1;
	}
	if (status && strcmp(status, "closed") == 0 && !json_object_get(doc, "outcome")) {
		hearth_problem_field(p, "outcome", "is required to close a concern");
		rc = -1;
	}
	if (rc != 0 || check_raiser(doc, req, p) != 0 ||
	    qa_check_subject(req, json_string_value(json_object_get(doc, "provider_id")),
					json_string_value(json_object_get(doc, "setting_id")),
					p) != 0)
		return -1;
	if (!child_id)
		return 0;
	own = qa_child_is_own(req, child_id, p);
	if (own == 0)
		hearth_problem_field(p, "child_id", "names no child of your organisation");
	return own == 1 ? 0 : -1;
}

static const struct hearth_constraint_field concern_constraints[] = {
	{ "concerns_escalation_kept", "escalation_level",
	  "cannot go below the level already reached" },
	{ NULL, NULL, NULL },
};

static const struct hearth_filter concern_filters[] = {
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "kind", HEARTH_FILTER_ENUM, concern_kinds },
	{ "status", HEARTH_FILTER_ENUM, concern_statuses },
	{ "severity", HEARTH_FILTER_ENUM, concern_severities },
	{ NULL, 0, NULL },
};

static const char *const concern_csv[] = {
	"id", "kind", "provider_id", "setting_id", "raised_by_org_id", "severity", "summary",
	"child_id", "lado_referral", "status", "escalation_level", "outcome", "version",
	"created_at", "updated_at", NULL,
};

static const struct hearth_status_verb concern_verbs[] = {
	{ "closed", "closed" },
	{ NULL, NULL },
};

const struct hearth_resource concern_resource = {
	.name = "concern",
	.event_prefix = "qa.concern",
	.collection_path = "/v1/concerns",
	.fields = concern_fields,
	.stmt_insert = "concern_insert",
	.stmt_get = "concern_get",
	.stmt_lock = "concern_lock",
	.stmt_update = "concern_update",
	.stmt_list = "concern_list",
	.filters = concern_filters,
	.csv_columns = concern_csv,
	.status_verbs = concern_verbs,
	.check = check_concern,
	.constraint_fields = concern_constraints,
	.audit_reads = 1,
};
