/*
 * rules_repo.c - the SQL of the alert rules and the calendar. Row-level
 * security limits the rules to the request's tenant and the holidays to the
 * nation's and the tenant's (alerts 002).
 */
#include "alerts_service.h"

const struct hearth_stmt_def rule_stmts[] = {
	{ "alert_rules_list",
	  "SELECT jsonb_build_object('items', jsonb_agg(rule_doc(d.kind) ORDER BY d.kind), "
	  "                          'next_cursor', NULL) "
	  "FROM rule_defaults() d", 0 },
	{ "alert_rule_get", "SELECT rule_doc($1)", 1 },
	/* Locks the tenant's stored rule when there is one; two first PATCHes meet
	 * at the primary key of the upsert. */
	{ "alert_rule_lock",
	  "SELECT rule_doc($1) FROM (SELECT 1) AS one "
	  "LEFT JOIN (SELECT 1 FROM alert_rules r WHERE r.tenant_id = hearth.current_tenant() "
	  "           AND r.kind = $1 FOR UPDATE) AS locked ON true", 1 },
	/* No row back: someone else changed the rule since it was read. */
	{ "alert_rule_put",
	  "WITH put AS ("
	  "  INSERT INTO alert_rules AS r (tenant_id, kind, doc) "
	  "  SELECT hearth.current_tenant(), $1, $2::jsonb WHERE $3::bigint = 0 "
	  "  ON CONFLICT (tenant_id, kind) DO NOTHING RETURNING r.kind "
	  "), upd AS ("
	  "  UPDATE alert_rules r SET doc = $2::jsonb, updated_at = now() "
	  "  WHERE r.tenant_id = hearth.current_tenant() AND r.kind = $1 AND r.version = $3::bigint "
	  "    AND $3::bigint > 0 RETURNING r.kind "
	  ") "
	  "SELECT kind FROM put UNION ALL SELECT kind FROM upd", 3 },
	{ NULL, NULL, 0 },
};

const struct hearth_stmt_def holiday_stmts[] = {
	{ "holiday_insert",
	  "INSERT INTO holidays (tenant_id, day, name) "
	  "SELECT hearth.current_tenant(), (d->>'date')::date, d->>'name' "
	  "FROM (SELECT $1::jsonb AS d) AS input RETURNING holiday_doc(holidays)", 1 },
	{ "holiday_get", "SELECT holiday_doc(h), NULL::bigint FROM holidays h WHERE h.id = $1", 1 },
	{ "holiday_list",
	  "SELECT holiday_doc(h), h.day::text, h.id FROM holidays h "
	  "WHERE ($1::date IS NULL OR h.day >= $1::date) AND ($2::date IS NULL OR h.day <= $2::date) "
	  "  AND ($3::text IS NULL OR (h.day, h.id) > ($3::date, $4::uuid)) "
	  "ORDER BY h.day, h.id LIMIT $5", 5 },
	{ NULL, NULL, 0 },
};
