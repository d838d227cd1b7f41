/*
 * action_plans_repo.c - the SQL of action plans. Row-level security limits
 * every statement to the request's tenant (a provider organisation: its own
 * provider's plans); the items trigger and action_plan_doc() are qa 007.
 */
#include "qa_service.h"

#define PLAN_COLUMNS "source, source_id, items, status"

#define PLAN_VALUES \
	"d->>'source', (d->>'source_id')::uuid, d->'items', coalesce(d->>'status', 'open')"

const struct hearth_stmt_def action_plan_stmts[] = {
	{ "action_plan_insert",
	  "INSERT INTO action_plans (tenant_id, provider_id, setting_id, " PLAN_COLUMNS ") "
	  "SELECT hearth.current_tenant(), (d->>'provider_id')::uuid, (d->>'setting_id')::uuid, "
	  PLAN_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING action_plan_doc(action_plans)", 1 },
	{ "action_plan_get",
	  "SELECT action_plan_doc(a), a.version FROM action_plans a WHERE a.id = $1", 1 },
	{ "action_plan_lock",
	  "SELECT action_plan_doc(a) FROM action_plans a WHERE a.id = $1 FOR UPDATE", 1 },
	{ "action_plan_update",
	  "UPDATE action_plans SET (" PLAN_COLUMNS ") = (" PLAN_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE action_plans.id = $1 "
	  "RETURNING action_plan_doc(action_plans)", 2 },
	{ "action_plan_list",
	  "SELECT action_plan_doc(a), hearth.sort_ts(a.created_at), a.id "
	  "FROM action_plans a "
	  "WHERE ($1::uuid IS NULL OR a.provider_id = $1) "
	  "  AND ($2::uuid IS NULL OR a.setting_id = $2) "
	  "  AND ($3::text IS NULL OR a.status = $3) "
	  "  AND ($4::boolean IS NULL "
	  "       OR (action_plan_overdue_items(a.items, current_date) > 0) = $4) "
	  "  AND ($5::text IS NULL OR (a.created_at, a.id) > (hearth.from_sort_ts($5), $6::uuid)) "
	  "ORDER BY a.created_at, a.id LIMIT $7", 7 },
	{ NULL, NULL, 0 },
};
