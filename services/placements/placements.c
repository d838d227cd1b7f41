/*
 * placements.c - the placement resource: fields, the rules across them
 * (dates, end reasons, external provision), the explanation of constraint
 * violations, and the descriptor. Events are written by database triggers
 * (migration 002), so every write path emits the same ones.
 */
#include <stdio.h>
#include <string.h>

#include "hearth/util.h"
#include "placements_service.h"

static const char *const placement_statuses[] = { "active", "ended", NULL };

static const struct hearth_field_spec placement_fields[] = {
	{ .name = "child_id", .type = HJ_UUID, .flags = HJ_REQUIRED },
	{ .name = "external_ref", .type = HJ_STRING, .min_len = 1, .max_len = 64 },
	PLACEMENT_FIELDS_COMMON,
	{ .name = NULL },
};

/* stop_override_reason is for a new placement only: an update is never
 * refused for a placement stop, so a reason on a PATCH would be kept nowhere. */
static int check_placement(const json_t *doc, struct hearth_request *req, struct hearth_problem *p)
{
	int rc = placement_check_rules(doc, p);

	if (strcmp(req->method, "PATCH") == 0 && json_object_get(doc, "stop_override_reason")) {
		hearth_problem_field(p, "stop_override_reason",
				     "applies only to a new placement; an update is never refused for a stop");
		rc = -1;
	}
	return rc;
}

/* The overlapping placement of the same child, named in the problem so the
 * client can go straight to it. The failed transaction is restarted on its own
 * connection for the read (never a second connection from the pool); if the
 * read fails the plain conflict still stands. */
static void explain_overlap(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc, struct hearth_problem *p)
{
	struct hearth_problem ignored;
	const char *params[4] = {
		hearth_json_text(doc, "child_id"), hearth_json_text(doc, "start_date"), hearth_json_text(doc, "end_date"),
		strcmp(req->method, "PATCH") == 0 ? hearth_path_param(req, "id") : NULL,
	};
	PGresult *res;

	placement_explain_constraint(p);
	hearth_problem_clear(&ignored);
	res = tx && hearth_tx_restart(tx, HEARTH_TX_READ_ONLY, &ignored) == 0
		      ? hearth_tx_query(tx, "placement_overlapping", 4, params, &ignored) : NULL;
	if (res && PQntuples(res) == 1)
		snprintf(p->detail, sizeof(p->detail),
			 "The child already has placement %s (from %s to %s) overlapping these dates.",
			 PQgetvalue(res, 0, OVERLAPPING_ID), PQgetvalue(res, 0, OVERLAPPING_START),
			 PQgetisnull(res, 0, OVERLAPPING_END) ? "no end date"
								: PQgetvalue(res, 0, OVERLAPPING_END));
	PQclear(res);
}

static void explain_placement(struct hearth_request *req, struct hearth_tx *tx, const json_t *doc,
			      struct hearth_problem *p)
{
	if (strcmp(p->constraint, "placements_no_overlap") == 0) {
		explain_overlap(req, tx, doc, p);
		return;
	}
	if (strcmp(p->constraint, PLACEMENT_STOP_CONSTRAINT) == 0) {
		struct hearth_problem ignored;

		hearth_problem_clear(&ignored);
		placement_explain_stop(tx && hearth_tx_restart(tx, HEARTH_TX_READ_ONLY, &ignored) == 0
					       ? tx : NULL, doc, p);
		return;
	}
	if (strcmp(p->constraint, "placements_external_ref_key") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Your organisation already has a placement with external_ref \"%s\".",
				   hearth_json_text(doc, "external_ref"));
		hearth_problem_add_error(p, "external_ref", "is already used in your organisation");
		return;
	}
	placement_explain_constraint(p);
}

static const struct hearth_filter placement_filters[] = {
	{ "child_id", HEARTH_FILTER_UUID, NULL },
	{ "provider_id", HEARTH_FILTER_UUID, NULL },
	{ "setting_id", HEARTH_FILTER_UUID, NULL },
	{ "placement_type", HEARTH_FILTER_ENUM, placement_types },
	{ "provision", HEARTH_FILTER_ENUM, placement_provisions },
	{ "status", HEARTH_FILTER_ENUM, placement_statuses },
	{ "active_on", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

/* A council's active or ended placements are most of its placements: the
 * page walks placements_list_cover_idx in its order, whatever the value. */
static const char *const placement_broad_filters[] = { "status", NULL };

static const char *const placement_csv[] = {
	"id", "org_id", "child_id", "external_ref", "provider_id", "setting_id", "placement_type",
	"provision", "sourcing", "contract_id", "framework_id", "start_date", "end_date",
	"end_reason", "weekly_cost_pence", "contributions.social_care_pence",
	"contributions.education_pence", "contributions.health_pence", "distance_miles",
	"is_local", "distance_reason", "status", "ipa_status", "ipa_version", "version",
	"created_at", "updated_at", NULL,
};

const struct hearth_resource placement_resource = {
	.name = "placement",
	.event_prefix = NULL, /* started/ended/changed/reissue events: triggers (002) */
	.collection_path = "/v1/placements",
	.fields = placement_fields,
	.stmt_insert = "placement_insert",
	.stmt_get = "placement_get",
	.stmt_lock = "placement_lock",
	.stmt_update = "placement_update",
	.stmt_list = "placement_list",
	.filters = placement_filters,
	.broad_filters = placement_broad_filters,
	.csv_columns = placement_csv,
	.check = check_placement,
	.explain = explain_placement,
	.audit_reads = 1,
};
