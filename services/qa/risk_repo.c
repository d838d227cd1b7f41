/*
 * risk_repo.c - the SQL of risk and its overrides. Row-level security limits
 * every statement to the request's tenant; the rules are risk_facts_masked()
 * and risk_parts() (qa 008, 010, 014, 016, 017).
 */
#include "qa_service.h"

const struct hearth_stmt_def risk_stmts[] = {
	/* ($1 as_at or NULL: today, $2 subject_type or NULL: both) -> rows (day,
	 * risk_parts() columns), in no order, from the two halves at once
	 * (risk_parts_apart(), qa 017: a subject may come twice); one row, its
	 * risk_parts() columns NULL, when there is neither subject nor fact.
	 * The day is written out for the halves rather than taken from
	 * `input`: a lateral reference would keep them out of the parallel
	 * workers. */
	{ "risk_list",
	  "SELECT input.day, r.* "
	  "FROM (SELECT coalesce($1::date, current_date) AS day) AS input "
	  "LEFT JOIN risk_parts_apart(coalesce($1::date, current_date), $2, NULL, NULL) r ON true",
	  2 },
	/* ($1 as_at or NULL) -> (the snapshot of this REPEATABLE READ
	 * transaction, for the other half's, and the day), the first question
	 * of the whole list on two connections (risk.c). */
	{ "risk_snapshot", "SELECT pg_export_snapshot(), coalesce($1::date, current_date)", 1 },
	/* ($1 day, $2 subject_type or NULL) -> (day, risk_parts() columns) of
	 * one half (qa 017), each read on its own connection. */
	{ "risk_list_placed", "SELECT $1::date, r.* FROM risk_parts_placed($1::date, $2, NULL, NULL) r",
	  2 },
	{ "risk_list_records",
	  "SELECT $1::date, r.* FROM risk_parts_records($1::date, $2, NULL, NULL) r", 2 },
	/* ($1 as_at or NULL, $2 subject_type, $3 its provider, $4 subject id) ->
	 * the parts of that one subject, as risk_list. */
	{ "risk_get",
	  "SELECT input.day, r.* "
	  "FROM (SELECT coalesce($1::date, current_date) AS day) AS input "
	  "LEFT JOIN LATERAL (SELECT r.* FROM risk_parts(input.day, $2, $3::uuid, $4::uuid) r) r "
	  "ON true",
	  4 },
	{ "risk_override_insert",
	  "INSERT INTO risk_overrides (tenant_id, subject_type, subject_id, rag, reason, expires_on) "
	  "SELECT hearth.current_tenant(), d->>'subject_type', (d->>'subject_id')::uuid, d->>'rag', "
	  "       d->>'reason', (d->>'expires_on')::date "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING risk_override_doc(risk_overrides)", 1 },
	{ "risk_override_get",
	  "SELECT risk_override_doc(o), o.version FROM risk_overrides o WHERE o.id = $1", 1 },
	{ "risk_override_list",
	  "SELECT risk_override_doc(o), hearth.sort_ts(o.created_at), o.id "
	  "FROM risk_overrides o "
	  "WHERE ($1::text IS NULL OR o.subject_type = $1) "
	  "  AND ($2::uuid IS NULL OR o.subject_id = $2) "
	  "  AND ($3::text IS NULL OR (o.created_at, o.id) > (hearth.from_sort_ts($3), $4::uuid)) "
	  "ORDER BY o.created_at, o.id LIMIT $5", 5 },
	{ NULL, NULL, 0 },
};
