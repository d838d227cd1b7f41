/*
 * holidays.c - the tenant's non-working days (/v1/calendar/holidays): the
 * nation's bank holidays (England and Wales, seeded) and the tenant's own,
 * which its admins add. The deadline clocks skip them (alerts 002).
 */
#include "alerts_service.h"

static const struct hearth_field_spec holiday_fields[] = {
	{ .name = "date", .type = HJ_DATE, .flags = HJ_REQUIRED | HJ_CREATE_ONLY },
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "scope", .type = HJ_STRING, .flags = HJ_READONLY },
	{ .name = NULL },
};

static const struct hearth_filter holiday_filters[] = {
	{ "from", HEARTH_FILTER_DATE, NULL },
	{ "to", HEARTH_FILTER_DATE, NULL },
	{ NULL, 0, NULL },
};

static const char *const holiday_csv[] = { "id", "date", "name", "scope", "created_at", NULL };

static const struct hearth_constraint_field holiday_constraints[] = {
	{ NULL, NULL, NULL },
};

const struct hearth_resource holiday_resource = {
	.name = "holiday",
	.collection_path = "/v1/calendar/holidays",
	.fields = holiday_fields,
	.stmt_insert = "holiday_insert",
	.stmt_get = "holiday_get",
	.stmt_list = "holiday_list",
	.filters = holiday_filters,
	.csv_columns = holiday_csv,
	.constraint_fields = holiday_constraints,
};
