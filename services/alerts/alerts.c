/*
 * alerts.c - the alert resource: read-only through the generic handlers (the
 * workers make alerts; the organisation acknowledges, meets deadlines and
 * resolves them through their own endpoints), with its filters and CSV.
 */
#include "alerts_service.h"

static const char *const alert_statuses[] = { "open", "acknowledged", "resolved", NULL };
const char *const alerts_kinds[] = {
	"inadequate_judgement", "placement_stop", "placement_stop_overridden", "reg44_missing",
	"ipa_reissue_required", "placement_instability", "action_overdue", "concern_escalated",
	"registration_changed", NULL,
};
static const char *const booleans[] = { "true", "false", NULL };

static const struct hearth_filter alert_filters[] = {
	{ "status", HEARTH_FILTER_ENUM, alert_statuses },
	{ "kind", HEARTH_FILTER_ENUM, alerts_kinds },
	{ "subject_type", HEARTH_FILTER_TEXT, NULL },
	{ "subject_id", HEARTH_FILTER_UUID, NULL },
	{ "overdue", HEARTH_FILTER_ENUM, booleans },
	{ "from", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

static const char *const alert_csv[] = {
	"id", "org_id", "kind", "subject_type", "subject_id", "source_event_id", "title", "detail",
	"severity", "status", "escalation_level", "created_at", "acknowledged_at", "resolved_at",
	"version", NULL,
};

static const struct hearth_field_spec alert_fields[] = {
	{ .name = NULL },
};

const struct hearth_resource alert_resource = {
	.name = "alert",
	.collection_path = "/v1/alerts",
	.fields = alert_fields,
	.stmt_get = "alert_get",
	.stmt_list = "alert_list",
	.filters = alert_filters,
	.csv_columns = alert_csv,
};
