/*
 * ranking_repo.c - the ranking of a framework's lot for a period, computed in
 * one statement from the framework's current weights and tier sizes:
 *   weighted_score = quality_score * quality_pct / 100
 *                  + commercial_score * commercial_pct / 100, rounded to 2 places;
 *   order: weighted_score desc, quality_score desc, provider name (case-blind),
 *   then provider id so equal names still order the same way every time;
 *   tier: the first tier_sizes[0] ranks are tier 1, the next tier_sizes[1]
 *   tier 2, ..., the rest tier cardinality + 1; null without tier_sizes.
 * Only active members of the lot with a score for the period are ranked;
 * suspended members and active members without a score are listed in
 * `excluded` with the reason. Removed members are no longer members: absent.
 */
#include "providers_service.h"

const struct hearth_stmt_def ranking_stmts[] = {
	/* ($1 framework id, $2 lot id, $3 period) -> one row:
	 * (framework visible, lot of that framework, doc) */
	{ "ranking_get",
	  "WITH f AS (SELECT * FROM frameworks WHERE id = $1::uuid), "
	  "lot AS (SELECT l.id FROM framework_lots l JOIN f ON l.framework_id = f.id "
	  "  WHERE l.id = $2::uuid), "
	  "m AS (SELECT m.provider_id, p.name, m.status, s.quality_score, s.commercial_score, "
	  "    round(s.quality_score * f.quality_pct / 100.0 "
	  "      + s.commercial_score * f.commercial_pct / 100.0, 2) AS weighted "
	  "  FROM f JOIN lot ON true "
	  "  JOIN framework_members m ON m.framework_id = f.id AND m.lot_id = lot.id "
	  "  JOIN providers p ON p.tenant_id = m.tenant_id AND p.id = m.provider_id "
	  "  LEFT JOIN framework_scores s ON s.framework_id = f.id AND s.lot_id = lot.id "
	  "    AND s.provider_id = m.provider_id AND s.period = $3 "
	  "  WHERE m.status <> 'removed'), "
	  "ranked AS (SELECT m.*, row_number() OVER (ORDER BY weighted DESC, quality_score DESC, "
	  "    lower(name), name, provider_id) AS rank "
	  "  FROM m WHERE status = 'active' AND quality_score IS NOT NULL), "
	  "items AS (SELECT r.rank, jsonb_build_object("
	  "    'rank', r.rank, "
	  "    'tier', CASE WHEN f.tier_sizes IS NULL THEN NULL ELSE coalesce("
	  "      (SELECT min(k) FROM generate_subscripts(f.tier_sizes, 1) AS k "
	  "       WHERE r.rank <= (SELECT sum(x) FROM unnest(f.tier_sizes[1:k]) AS x)), "
	  "      cardinality(f.tier_sizes) + 1) END, "
	  "    'provider_id', r.provider_id, 'provider_name', r.name, "
	  "    'quality_score', r.quality_score, 'commercial_score', r.commercial_score, "
	  "    'weighted_score', r.weighted, "
	  "    'explanation', format('%s × %s + %s × %s = %s', "
	  "      to_char(f.quality_pct / 100.0, 'FM0.00'), to_char(r.quality_score, 'FM990.0'), "
	  "      to_char(f.commercial_pct / 100.0, 'FM0.00'), "
	  "      to_char(r.commercial_score, 'FM990.0'), to_char(r.weighted, 'FM990.00'))) AS item "
	  "  FROM ranked r, f), "
	  "excluded AS (SELECT jsonb_build_object('provider_id', provider_id, "
	  "    'provider_name', name, 'reason', CASE WHEN status = 'suspended' THEN 'suspended' "
	  "      ELSE 'no score for period' END) AS item, lower(name) AS k1, name AS k2, "
	  "    provider_id AS k3 "
	  "  FROM m WHERE status = 'suspended' OR quality_score IS NULL) "
	"SELECT EXISTS (SELECT 1 FROM f), EXISTS (SELECT 1 FROM lot), "
	  "  (SELECT jsonb_build_object('framework_id', f.id, 'lot_id', $2::uuid, 'period', $3::text, "
	  "    'weights', jsonb_build_object('quality_pct', f.quality_pct, "
	  "      'commercial_pct', f.commercial_pct), "
	  "    'tier_sizes', to_jsonb(f.tier_sizes), "
	  "    'items', coalesce((SELECT jsonb_agg(item ORDER BY rank) FROM items), '[]'::jsonb), "
	  "    'excluded', coalesce((SELECT jsonb_agg(item ORDER BY k1, k2, k3) FROM excluded), "
	  "      '[]'::jsonb)) FROM f)", 3 },
	{ NULL, NULL, 0 },
};
