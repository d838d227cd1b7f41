/*
 * scores_repo.c - the SQL of framework scores. The upsert answers whether the
 * row was inserted (xmax = 0 only for a fresh insert) and whether anything
 * changed (hearth.bump_version() moves updated_at to now() only on a change).
 */
#include "providers_service.h"

const struct hearth_stmt_def score_stmts[] = {
	/* ($1 body, $2 framework id) -> (doc, inserted, changed, id); zero rows when
	 * the framework is not visible. */
	{ "score_upsert",
	  "INSERT INTO framework_scores AS s (tenant_id, framework_id, provider_id, lot_id, period, "
	  "  quality_score, commercial_score, inputs) "
	  "SELECT f.tenant_id, f.id, (d->>'provider_id')::uuid, (d->>'lot_id')::uuid, d->>'period', "
	  "  (d->>'quality_score')::numeric, (d->>'commercial_score')::numeric, "
	  "  coalesce(d->'inputs', '{}'::jsonb) "
	  "FROM (SELECT $1::jsonb AS d) AS input, frameworks f WHERE f.id = $2::uuid "
	  "ON CONFLICT ON CONSTRAINT framework_scores_key DO UPDATE SET "
	  "  quality_score = excluded.quality_score, commercial_score = excluded.commercial_score, "
	  "  inputs = excluded.inputs "
	  "RETURNING framework_score_doc(s), s.xmax = 0, s.updated_at = now(), s.id", 2 },
	{ "score_get",
	  "SELECT framework_score_doc(s), s.version FROM framework_scores s "
	  "WHERE s.id = $1 AND s.framework_id = $2", 2 },
	{ "score_list",
	  "SELECT framework_score_doc(s), hearth.sort_ts(s.created_at), s.id "
	  "FROM framework_scores s WHERE s.framework_id = $1 "
	  "  AND ($2::uuid IS NULL OR s.lot_id = $2) AND ($3::text IS NULL OR s.period = $3) "
	  "  AND ($4::uuid IS NULL OR s.provider_id = $4) "
	  "  AND ($5::text IS NULL OR (s.created_at, s.id) > (hearth.from_sort_ts($5), $6::uuid)) "
	  "ORDER BY s.created_at, s.id LIMIT $7", 7 },
	{ NULL, NULL, 0 },
};
