/*
 * qa_policy_repo.c - the SQL of the tenant's QA policy: the document (stored
 * or the defaults) is qa_policy_doc() (qa 004); row-level security limits
 * every statement to the request's tenant.
 */
#include "qa_service.h"

const struct hearth_stmt_def qa_policy_stmts[] = {
	{ "qa_policy_get", "SELECT qa_policy_doc()", 0 },
	{ "qa_policy_lock",
	  "SELECT qa_policy_doc() FROM (SELECT 1) AS one "
	  "LEFT JOIN (SELECT 1 FROM qa_policies p WHERE p.tenant_id = hearth.current_tenant() "
	  "           FOR UPDATE) AS locked ON true", 0 },
	{ "qa_policy_put",
	  "WITH input AS (SELECT $1::jsonb AS d) "
	  "INSERT INTO qa_policies AS p (tenant_id, visit_interval_red, visit_interval_amber, "
	  "         visit_interval_green, reg44_due_days, instability_endings, reg45_max_months) "
	  "  SELECT hearth.current_tenant(), (d #>> '{visit_interval_months,red}')::integer, "
	  "         (d #>> '{visit_interval_months,amber}')::integer, "
	  "         (d #>> '{visit_interval_months,green}')::integer, "
	  "         (d->>'reg44_due_days')::integer, (d->>'instability_endings')::integer, "
	  "         (d->>'reg45_max_months')::integer FROM input "
	  "  ON CONFLICT (tenant_id) DO UPDATE SET "
	  "    visit_interval_red = excluded.visit_interval_red, "
	  "    visit_interval_amber = excluded.visit_interval_amber, "
	  "    visit_interval_green = excluded.visit_interval_green, "
	  "    reg44_due_days = excluded.reg44_due_days, "
	  "    instability_endings = excluded.instability_endings, "
	  "    reg45_max_months = excluded.reg45_max_months "
	  "  RETURNING p.version", 1 },
	{ NULL, NULL, 0 },
};
