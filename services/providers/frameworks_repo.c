/*
 * frameworks_repo.c - the SQL of frameworks and their lots. A framework's lots
 * are written in the same statement as the framework (data-modifying CTEs):
 * frameworks.lots is the document's list, framework_lots the rows that
 * members, scores and contracts reference. Lots are matched by code: a listed
 * code keeps its lot id, a new code gets a new id, and a code left out is
 * deleted, which a member, score or contract still naming it refuses (23503).
 */
#include "providers_service.h"

/* The request's lots as rows (lot jsonb, position), from `input`'s d. */
#define LOTS_IN \
	"SELECT l.value AS v, (l.ordinality - 1)::int AS pos " \
	"FROM input, jsonb_array_elements(CASE WHEN jsonb_typeof(d->'lots') = 'array' " \
	"  THEN d->'lots' ELSE '[]'::jsonb END) WITH ORDINALITY AS l"

#define LOTS_DOC \
	"coalesce((SELECT jsonb_agg(jsonb_build_object('id', n.id, 'code', n.v->>'code', " \
	"  'title', n.v->>'title', 'service_type', n.v->>'service_type') ORDER BY n.pos) " \
	"  FROM lots_new n), '[]'::jsonb)"

#define TIER_SIZES \
	"CASE WHEN jsonb_typeof(d->'tier_sizes') = 'array' THEN ARRAY(SELECT t.x::int " \
	"  FROM jsonb_array_elements_text(d->'tier_sizes') WITH ORDINALITY AS t(x, o) " \
	"  ORDER BY t.o) END"

#define FW_VALUES \
	"d->>'name', d->>'vehicle', (d->>'lead_org_id')::uuid, (d->>'start_date')::date, " \
	"(d->>'end_date')::date, (d->'weights'->>'quality_pct')::int, " \
	"(d->'weights'->>'commercial_pct')::int, " TIER_SIZES ", " LOTS_DOC ", " \
	"coalesce(d->>'status', 'draft')"

const struct hearth_stmt_def framework_stmts[] = {
	{ "framework_insert",
	  "WITH input AS (SELECT $1::jsonb AS d), "
	  "lots_new AS MATERIALIZED (SELECT gen_random_uuid() AS id, li.* FROM (" LOTS_IN ") li), "
	  "fw AS (INSERT INTO frameworks (tenant_id, name, vehicle, lead_org_id, start_date, "
	  "    end_date, quality_pct, commercial_pct, tier_sizes, lots, status) "
	  "  SELECT hearth.current_tenant(), " FW_VALUES " FROM input "
	  "  RETURNING framework_doc(frameworks) AS doc, id, tenant_id), "
	  "lot_rows AS (INSERT INTO framework_lots (id, tenant_id, framework_id, code, title, "
	  "    service_type, position) "
	  "  SELECT n.id, fw.tenant_id, fw.id, n.v->>'code', n.v->>'title', n.v->>'service_type', "
	  "    n.pos FROM lots_new n, fw RETURNING 1) "
	  "SELECT doc FROM fw", 1 },
	{ "framework_get",
	  "SELECT framework_doc(f), f.version FROM frameworks f WHERE f.id = $1", 1 },
	{ "framework_lock",
	  "SELECT framework_doc(f) FROM frameworks f WHERE f.id = $1 FOR UPDATE", 1 },
	/* A lot sent with an id must name the lot that has its code:
	 * framework_lot_id_mismatch() raises otherwise. */
	{ "framework_update",
	  "WITH input AS (SELECT $2::jsonb AS d), "
	  "cur AS (SELECT l.id, l.code FROM framework_lots l WHERE l.framework_id = $1::uuid), "
	  "lots_new AS MATERIALIZED (SELECT coalesce(c.id, gen_random_uuid()) AS id, li.v, li.pos, "
	  "    CASE WHEN li.v ? 'id' AND (li.v->>'id')::uuid IS DISTINCT FROM c.id "
	  "      THEN framework_lot_id_mismatch(li.pos) END AS bad "
	  "  FROM (" LOTS_IN ") li LEFT JOIN cur c ON c.code = li.v->>'code'), "
	  "fw AS (UPDATE frameworks f SET (name, vehicle, lead_org_id, start_date, end_date, "
	  "    quality_pct, commercial_pct, tier_sizes, lots, status) = (SELECT " FW_VALUES ") "
	  "  FROM input WHERE f.id = $1::uuid AND NOT EXISTS (SELECT 1 FROM lots_new WHERE bad) "
	  "  RETURNING framework_doc(f) AS doc, f.id, f.tenant_id), "
	  "lot_rows AS (INSERT INTO framework_lots (id, tenant_id, framework_id, code, title, "
	  "    service_type, position) "
	  "  SELECT n.id, fw.tenant_id, fw.id, n.v->>'code', n.v->>'title', n.v->>'service_type', "
	  "    n.pos FROM lots_new n, fw "
	  "  ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
	  "    service_type = excluded.service_type, position = excluded.position RETURNING 1), "
	  "dropped AS (DELETE FROM framework_lots l USING fw WHERE l.framework_id = fw.id "
	  "  AND l.id NOT IN (SELECT id FROM lots_new) RETURNING 1) "
	  "SELECT doc FROM fw", 2 },
	{ "framework_list",
	  "SELECT framework_doc(f), hearth.sort_ts(f.created_at), f.id FROM frameworks f "
	  "WHERE ($1::text IS NULL OR f.status = $1) AND ($2::text IS NULL OR f.vehicle = $2) "
	  "  AND ($3::text IS NULL OR (f.created_at, f.id) > (hearth.from_sort_ts($3), $4::uuid)) "
	  "ORDER BY f.created_at, f.id LIMIT $5", 5 },
	/* Whether a framework is visible to the request (404 for sub-resources). */
	{ "framework_exists",
	  "SELECT 1 FROM frameworks f WHERE f.id = $1", 1 },
	{ NULL, NULL, 0 },
};
