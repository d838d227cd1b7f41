-- 009_scorecards_reg45: provider scorecards (API.md §5, /v1/scorecards) and
-- the missing Reg 45 reviews (/v1/reg45-reviews/missing), computed on each
-- read.

-- ---- scorecards ------------------------------------------------------------
-- green 3, amber 2, red 1; none (no judgement) and NULL: not comparable.
CREATE FUNCTION scorecard_band_rank(p_band text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE p_band WHEN 'green' THEN 3 WHEN 'amber' THEN 2 WHEN 'red' THEN 1 END
    $$;

-- One document per provider of the tenant for the period p_from..p_to:
--   placements        {count, child_weeks}: placements at the provider with a
--                     day in the period, and their days in it / 7 (1 decimal)
--   weekly_cost       {<placement_type>: {average_pence, tenant_average_pence,
--                     ratio}} for each type the provider had placed: the
--                     average weekly cost weighted by the days each cost
--                     applied (placements_api.provider_scorecard_aggregates,
--                     placements 012), against the same average over every
--                     provider of the tenant for that type and period; ratio
--                     average / tenant average, 2 decimals; null without costs
--   unplanned_endings placements there that ended in the period breakdown_*
--   average_length_days  the mean whole length of the placements there that
--                     ended in the period (1 decimal; null when none did)
--   inspections       the latest inspection on or before p_to of each setting,
--                     with the one before it and the trajectory of the risk
--                     band (green > amber > red): improving, declining or
--                     stable; null with no earlier one or no judgement
--   visits            {count, last}: completed visits in the period, and the
--                     latest completed on or before p_to
--   concerns          {open}: concerns about the provider not closed, today
--   action_items      {overdue}: items of its open plans open past due, today
--   rag               its risk today (risk_docs(), 008: green when nothing fired)
-- Runs as the caller: a concern naming a child counts only for its raising
-- organisation, exactly as it is shown. p_provider NULL: every provider with
-- an id after p_after (NULL: from the first), by id, at most p_limit.
CREATE FUNCTION scorecard_docs(p_from date, p_to date, p_provider uuid, p_after uuid,
                               p_limit integer)
    RETURNS TABLE (provider_id uuid, doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH agg AS MATERIALIZED (
        SELECT a.* FROM placements_api.provider_scorecard_aggregates(hearth.current_tenant(),
                                                                     p_from, p_to) a
    ), tenant_type AS (
        SELECT a.placement_type,
               CASE WHEN sum(a.costed_days) > 0
                    THEN round(sum(a.cost_pence_days) / sum(a.costed_days)) END AS average
        FROM agg a WHERE a.placement_type IS NOT NULL
        GROUP BY a.placement_type
    ), wanted AS (
        SELECT DISTINCT a.provider_id FROM agg a
        WHERE (p_provider IS NULL OR a.provider_id = p_provider)
          AND (p_after IS NULL OR a.provider_id > p_after)
        ORDER BY a.provider_id
        LIMIT p_limit
    ), totals AS (
        SELECT a.provider_id, sum(a.placements) AS placements, sum(a.child_days) AS child_days,
               sum(a.unplanned_endings) AS unplanned_endings, sum(a.ended) AS ended,
               sum(a.ended_days) AS ended_days,
               coalesce(jsonb_object_agg(a.placement_type, jsonb_build_object(
                   'average_pence', c.average::bigint,
                   'tenant_average_pence', t.average::bigint,
                   'ratio', round(c.average / nullif(t.average, 0), 2)))
                   FILTER (WHERE a.placement_type IS NOT NULL), '{}'::jsonb) AS weekly_cost
        FROM agg a
        JOIN wanted w ON w.provider_id = a.provider_id
        LEFT JOIN tenant_type t ON t.placement_type = a.placement_type
        CROSS JOIN LATERAL (SELECT CASE WHEN a.costed_days > 0
                                        THEN round(a.cost_pence_days / a.costed_days) END
                                   AS average) c
        GROUP BY a.provider_id
    ), ranked AS (
        SELECT i.*, row_number() OVER (PARTITION BY i.setting_id
                                       ORDER BY i.inspected_on DESC, i.created_at DESC) AS n
        FROM qa.inspections i JOIN wanted w ON w.provider_id = i.provider_id
        WHERE i.tenant_id = hearth.current_tenant() AND i.inspected_on <= p_to
    ), inspections AS (
        SELECT l.provider_id,
               jsonb_agg(jsonb_build_object(
                   'setting_id', l.setting_id, 'inspection_id', l.id,
                   'regulator', l.regulator, 'inspection_type', l.inspection_type,
                   'inspected_on', l.inspected_on, 'risk_band', l.risk_band,
                   'previous', CASE WHEN b.id IS NULL THEN NULL ELSE jsonb_build_object(
                       'inspection_id', b.id, 'inspected_on', b.inspected_on,
                       'risk_band', b.risk_band) END,
                   'trajectory', CASE
                       WHEN qa.scorecard_band_rank(l.risk_band) > qa.scorecard_band_rank(b.risk_band)
                           THEN 'improving'
                       WHEN qa.scorecard_band_rank(l.risk_band) < qa.scorecard_band_rank(b.risk_band)
                           THEN 'declining'
                       WHEN qa.scorecard_band_rank(l.risk_band) = qa.scorecard_band_rank(b.risk_band)
                           THEN 'stable' END)
                   ORDER BY l.setting_id) AS items
        FROM ranked l
        LEFT JOIN ranked b ON b.setting_id = l.setting_id AND b.n = 2
        WHERE l.n = 1
        GROUP BY l.provider_id
    ), visits AS (
        SELECT v.provider_id,
               count(*) FILTER (WHERE v.visited_on >= p_from) AS n,
               (array_agg(jsonb_build_object('visit_id', v.id, 'setting_id', v.setting_id,
                                             'visited_on', v.visited_on, 'rag', v.rag)
                          ORDER BY v.visited_on DESC, v.created_at DESC))[1] AS last
        FROM qa.visits v JOIN wanted w ON w.provider_id = v.provider_id
        WHERE v.tenant_id = hearth.current_tenant() AND v.status = 'completed'
          AND v.visited_on <= p_to
        GROUP BY v.provider_id
    ), concerns AS (
        SELECT c.provider_id, count(*) AS open
        FROM qa.concerns c JOIN wanted w ON w.provider_id = c.provider_id
        WHERE c.tenant_id = hearth.current_tenant() AND c.status <> 'closed'
        GROUP BY c.provider_id
    ), overdue AS (
        SELECT a.provider_id, sum(qa.action_plan_overdue_items(a.items, current_date)) AS n
        FROM qa.action_plans a JOIN wanted w ON w.provider_id = a.provider_id
        WHERE a.tenant_id = hearth.current_tenant() AND a.status = 'open'
        GROUP BY a.provider_id
    ), risk AS (
        SELECT (r.doc ->> 'subject_id')::uuid AS provider_id, r.doc ->> 'rag' AS rag
        FROM qa.risk_docs(current_date, 'provider', p_provider, p_provider) r
    )
    SELECT t.provider_id, jsonb_build_object(
               'provider_id', t.provider_id, 'period_from', p_from, 'period_to', p_to,
               'placements', jsonb_build_object('count', t.placements,
                                                'child_weeks', round(t.child_days / 7.0, 1)),
               'weekly_cost', t.weekly_cost,
               'unplanned_endings', t.unplanned_endings,
               'average_length_days', round(t.ended_days::numeric / nullif(t.ended, 0), 1),
               'inspections', coalesce(i.items, '[]'::jsonb),
               'visits', jsonb_build_object('count', coalesce(v.n, 0), 'last', v.last),
               'concerns', jsonb_build_object('open', coalesce(c.open, 0)),
               'action_items', jsonb_build_object('overdue', coalesce(o.n, 0)),
               'rag', coalesce(r.rag, 'green'), 'as_at', current_date)
    FROM totals t
    LEFT JOIN inspections i ON i.provider_id = t.provider_id
    LEFT JOIN visits v ON v.provider_id = t.provider_id
    LEFT JOIN concerns c ON c.provider_id = t.provider_id
    LEFT JOIN overdue o ON o.provider_id = t.provider_id
    LEFT JOIN risk r ON r.provider_id = t.provider_id
    ORDER BY t.provider_id
    $$;

-- ---- missing Reg 45 reviews --------------------------------------------------
-- As known on p_day: each childrens_home setting with a child placed by any
-- organisation of the tenant on p_day whose latest Reg 45 review received by
-- p_day has a period_to more than reg45_max_months (qa_policy_doc()) before
-- p_day, or that has none while a child placed there on p_day has been there
-- longer than that (since the earliest start among the placements there on
-- p_day). due_on is the day the next review was due: that period_to, or that
-- start, plus reg45_max_months. councils: the local authorities with a child
-- there on p_day, and how many placements each. Runs as the caller; the
-- published functions check the tenant.
CREATE FUNCTION reg45_missing(p_day date) RETURNS TABLE (doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS (
        SELECT make_interval(months => (qa.qa_policy_doc() ->> 'reg45_max_months')::integer)
                   AS max_gap
    ), placed AS (
        SELECT s.setting_id, s.provider_id, s.first_start
        FROM placements_api.settings_with_children(hearth.current_tenant(), NULL, p_day) s
    ), judged AS (
        SELECT p.setting_id, p.provider_id, last.period_to AS last_period_to,
               (coalesce(last.period_to, p.first_start) + policy.max_gap)::date AS due_on
        FROM placed p
        CROSS JOIN policy
        LEFT JOIN LATERAL (
            SELECT max(r.period_to) AS period_to FROM qa.reg45_reviews r
            WHERE r.tenant_id = hearth.current_tenant() AND r.setting_id = p.setting_id
              AND r.received_on <= p_day) last ON true
    )
    SELECT jsonb_build_object(
               'setting_id', j.setting_id, 'provider_id', j.provider_id,
               'last_period_to', j.last_period_to, 'due_on', j.due_on,
               'councils', coalesce((
                   SELECT jsonb_agg(jsonb_build_object('org_id', c.org_id,
                                                       'placements', c.placements)
                                    ORDER BY c.org_id)
                   FROM placements_api.councils_with_child_at(hearth.current_tenant(),
                                                              j.provider_id, j.setting_id,
                                                              p_day) c), '[]'::jsonb))
    FROM judged j
    CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), j.setting_id) s
    WHERE j.due_on < p_day AND s.setting_type = 'childrens_home'
    ORDER BY j.due_on, j.setting_id
    $$;

CREATE INDEX reg45_reviews_setting_idx ON reg45_reviews (tenant_id, setting_id, period_to);
