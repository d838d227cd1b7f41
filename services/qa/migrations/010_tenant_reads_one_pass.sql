-- 010_tenant_reads_one_pass: risk (008), the visits due (005) and the missing
-- Reg 44 reports (006) of a whole tenant, same answers, each read making one
-- pass over the tenant's placements and asking the register once.
--
-- What they cost before, over 1,000,000 placements at 10,000 settings: the
-- placements aggregates answered a row per month, setting and council
-- (settings_with_children_by_month, 009: 2.6 million rows for twelve months),
-- most of them grouped again and dropped here; the register was asked once
-- per row (providers_api.setting_profile, a SECURITY DEFINER call each); risk
-- read the placements twice (the months of its Reg 44 rule, and the settings
-- with a child on the day). Now:
--   * placements_api.settings_placed (placements 013) answers, per setting,
--     the placements active on the day, the earliest start among them and
--     the months a child was placed there, in one index range;
--   * the councils of a missing Reg 44 report are asked only for the pairs
--     that are missing (placements_api.councils_at_settings_by_month);
--   * settings' types come from providers_api.setting_profiles (providers
--     011), one call with every id;
--   * the latest inspection, Reg 44 report and completed visit of each
--     setting are read in index order (the indexes below), not sorted.
-- Every function keeps its name, arguments and result columns (other parts
-- of the service and other services call them); only bodies change.

-- The latest of each setting's records, read from the index alone.
CREATE INDEX inspections_latest_idx ON inspections
    (tenant_id, setting_id, inspected_on DESC, created_at DESC)
    INCLUDE (id, provider_id, regulator, inspection_type, risk_band);
CREATE INDEX reg44_reports_latest_idx ON reg44_reports
    (tenant_id, setting_id, month DESC, created_at DESC)
    INCLUDE (id, provider_id, received_on, registered_manager_in_post);
-- The Reg 44 reports that say no registered manager is in post.
CREATE INDEX reg44_reports_no_manager_idx ON reg44_reports (tenant_id, setting_id, month)
    WHERE NOT registered_manager_in_post;
CREATE INDEX visits_latest_completed_idx ON visits
    (tenant_id, setting_id, visited_on DESC, created_at DESC)
    INCLUDE (rag) WHERE status = 'completed';

-- The rules of risk_facts (008) on p_day, given where children were placed:
-- the triples (p_settings[i], p_providers[i], p_months[i]) of the settings,
-- their providers and the months among the 3 before p_day's month in which
-- a child was placed there (what settings_placed answers). risk_facts() and
-- risk_docs() share it, so risk_docs reads the placements once.
-- PL/pgSQL planned on each call with the arrays' values (force_custom_plan),
-- so the planner knows how many pairs there are (unnest of a known array) and
-- joins them to the Reg 44 reports by hash, not by a probe per pair.
CREATE FUNCTION risk_facts_placed(p_day date, p_provider uuid, p_settings uuid[],
                                  p_providers uuid[], p_months date[])
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_custom_plan
    AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH latest_inspection AS (
        -- The latest inspection on or before p_day of each setting, when its
        -- band is red or amber: such an inspection with no later one (by
        -- inspected_on, created_at, then id), a probe each in index order
        -- rather than every inspection sorted.
        SELECT i.setting_id, i.provider_id, i.id, i.regulator, i.inspection_type,
               i.inspected_on, i.risk_band
        FROM qa.inspections i
        WHERE i.tenant_id = hearth.current_tenant() AND i.inspected_on <= p_day
          AND i.risk_band IN ('red', 'amber')
          AND (p_provider IS NULL OR i.provider_id = p_provider)
          AND NOT EXISTS (
              SELECT 1 FROM qa.inspections l
              WHERE l.tenant_id = i.tenant_id AND l.setting_id = i.setting_id
                AND l.inspected_on <= p_day
                AND (l.inspected_on, l.created_at, l.id) > (i.inspected_on, i.created_at, i.id))
    ), latest_reg44 AS (
        -- The latest Reg 44 report received by p_day of each setting, when it
        -- says no registered manager is in post (one report per month: the
        -- latest month's is the latest).
        SELECT r.setting_id, r.provider_id, r.id, r.month
        FROM qa.reg44_reports r
        WHERE r.tenant_id = hearth.current_tenant() AND r.received_on <= p_day
          AND NOT r.registered_manager_in_post
          AND (p_provider IS NULL OR r.provider_id = p_provider)
          AND NOT EXISTS (
              SELECT 1 FROM qa.reg44_reports l
              WHERE l.tenant_id = r.tenant_id AND l.setting_id = r.setting_id
                AND l.received_on <= p_day
                AND (l.month, l.created_at) > (r.month, r.created_at))
    ), endings AS (
        SELECT e.provider_id, e.setting_id, e.endings
        FROM placements_api.unplanned_endings(hearth.current_tenant(),
                                              (p_day - interval '12 months')::date + 1, p_day) e
        WHERE p_provider IS NULL OR e.provider_id = p_provider
    ), policy AS MATERIALIZED (
        -- Once per request (inlined, qa_policy_doc() would run once a row).
        SELECT (d ->> 'instability_endings')::integer AS endings,
               (d ->> 'reg44_due_days')::integer AS due_days
        FROM qa.qa_policy_doc() AS d
    ), threshold AS (
        SELECT p.endings FROM policy p
    ), unreported AS (
        -- The pairs with a child placed and no report received by p_day for
        -- their month: the pairs and the window's reports grouped together
        -- (a hash, whatever the planner guesses of the pairs), the provider
        -- from the pair (a setting has one).
        SELECT x.setting_id, x.month,
               (array_agg(x.provider_id) FILTER (WHERE NOT x.reported))[1] AS provider_id
        FROM (SELECT m.setting_id, m.provider_id, m.month, false AS reported
              FROM unnest(p_settings, p_providers, p_months) AS m(setting_id, provider_id, month)
              WHERE p_provider IS NULL OR m.provider_id = p_provider
              UNION ALL
              SELECT r.setting_id, NULL, r.month, true
              FROM qa.reg44_reports r
              WHERE r.tenant_id = hearth.current_tenant() AND r.received_on <= p_day
                AND r.month >= (date_trunc('month', p_day) - interval '3 months')::date
                AND r.month < date_trunc('month', p_day)::date) x
        GROUP BY x.setting_id, x.month
        HAVING NOT bool_or(x.reported)
    ), due AS MATERIALIZED (
        -- reg44_missing() for the 3 months before p_day's month: due, and
        -- no report received by p_day.
        SELECT u.month, u.setting_id, u.provider_id,
               (u.month + interval '1 month')::date - 1 + d.due_days AS due_on
        FROM unreported u CROSS JOIN policy d
        WHERE u.month >= (date_trunc('month', p_day) - interval '3 months')::date
          AND u.month < date_trunc('month', p_day)::date
          AND (u.month + interval '1 month')::date - 1 + d.due_days < p_day
    ), homes AS MATERIALIZED (
        -- One question to the register for every setting concerned.
        SELECT s.setting_id
        FROM providers_api.setting_profiles(hearth.current_tenant(),
                                            ARRAY(SELECT DISTINCT d.setting_id FROM due d)) s
        WHERE s.setting_type = 'childrens_home'
    ), reg44_missing_recent AS (
        SELECT d.* FROM due d JOIN homes h ON h.setting_id = d.setting_id
    )
    SELECT 'setting', i.provider_id, i.setting_id, 'inspection_' || i.risk_band, i.risk_band,
           format('Latest inspection (%s %s, %s) is rated %s', i.regulator, i.inspection_type,
                  i.inspected_on, i.risk_band),
           'inspection', i.id
    FROM latest_inspection i WHERE i.risk_band IN ('red', 'amber')
    UNION ALL
    SELECT CASE WHEN s.setting_id IS NULL THEN 'provider' ELSE 'setting' END,
           s.provider_id, s.setting_id, 'placement_stop', 'red',
           format('Placement stop in force since %s%s', s.effective_from,
                  CASE WHEN s.setting_id IS NULL THEN ' against the whole provider' ELSE '' END),
           'placement_stop', s.id
    FROM qa.placement_stops s
    WHERE s.tenant_id = hearth.current_tenant() AND s.status = 'in_force'
      AND s.effective_from <= p_day AND (p_provider IS NULL OR s.provider_id = p_provider)
    UNION ALL
    SELECT CASE WHEN c.setting_id IS NULL THEN 'provider' ELSE 'setting' END,
           c.provider_id, c.setting_id, r.rule, r.rag,
           format('%s %s (%s), %s', initcap(replace(c.kind, '_', ' ')), c.status, c.severity,
                  CASE WHEN c.lado_referral THEN 'referred to the LADO' ELSE 'not referred' END),
           'concern', c.id
    FROM qa.concerns c
    CROSS JOIN LATERAL (VALUES
        ('allegation_open', 'red', c.kind = 'allegation'),
        ('significant_concern_open', 'red', c.severity = 'significant'),
        ('moderate_concern_open', 'amber', c.severity = 'moderate')) AS r(rule, rag, fired)
    WHERE c.tenant_id = hearth.current_tenant() AND c.status <> 'closed' AND r.fired
      AND (p_provider IS NULL OR c.provider_id = p_provider)
    UNION ALL
    SELECT 'setting', m.provider_id, m.setting_id, 'reg44_missing', 'amber',
           format('No Reg 44 report for %s (due %s)', to_char(m.month, 'YYYY-MM'), m.due_on),
           NULL, NULL
    FROM reg44_missing_recent m
    UNION ALL
    SELECT 'setting', r.provider_id, r.setting_id, 'reg44_no_registered_manager', 'amber',
           format('Latest Reg 44 report (%s) says no registered manager is in post',
                  to_char(r.month, 'YYYY-MM')),
           'reg44_report', r.id
    FROM latest_reg44 r
    UNION ALL
    SELECT CASE WHEN a.setting_id IS NULL THEN 'provider' ELSE 'setting' END,
           a.provider_id, a.setting_id, 'action_items_overdue', 'amber',
           format('%s action item(s) open past their due day', o.n),
           'action_plan', a.id
    FROM qa.action_plans a
    -- action_plan_overdue_items(a.items, p_day) (007), written out: a call
    -- per plan costs more than the count.
    CROSS JOIN LATERAL (SELECT count(*)::integer AS n FROM jsonb_array_elements(a.items) i
                        WHERE i ->> 'status' = 'open' AND (i ->> 'due_on')::date < p_day) o
    WHERE a.tenant_id = hearth.current_tenant() AND a.status = 'open' AND o.n > 0
      AND (p_provider IS NULL OR a.provider_id = p_provider)
    UNION ALL
    -- Summed: per setting (scope 'setting_endings') and per provider.
    SELECT x.scope, x.provider_id, x.setting_id, 'unplanned_endings', 'amber',
           format('%s unplanned endings in the 12 months to %s (threshold %s)', x.n, p_day,
                  t.endings),
           NULL, NULL
    FROM (SELECT CASE WHEN grouping(e.setting_id) = 1 THEN 'provider_endings'
                      ELSE 'setting_endings' END AS scope,
                 e.provider_id, e.setting_id, sum(e.endings) AS n
          FROM endings e
          GROUP BY GROUPING SETS ((e.provider_id, e.setting_id), (e.provider_id))) x
    CROSS JOIN threshold t
    WHERE x.n >= t.endings AND (x.scope = 'provider_endings' OR x.setting_id IS NOT NULL);
END
$$;

-- The months of the Reg 44 rule and the day itself, from one pass.
CREATE OR REPLACE FUNCTION risk_facts(p_day date, p_provider uuid)
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        SELECT s.setting_id, s.provider_id, m.month
        FROM placements_api.settings_placed(
                 hearth.current_tenant(), NULL, p_provider, p_day,
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
        CROSS JOIN LATERAL unnest(s.months) AS m(month)
    )
    SELECT f.*
    FROM qa.risk_facts_placed(p_day, p_provider,
                              ARRAY(SELECT p.setting_id FROM placed p),
                              ARRAY(SELECT p.provider_id FROM placed p),
                              ARRAY(SELECT p.month FROM placed p)) f
    $$;

CREATE OR REPLACE FUNCTION risk_docs(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        -- One pass: the settings with a child placed on p_day (subjects) and
        -- the months of the Reg 44 rule (facts).
        SELECT s.setting_id, s.provider_id, s.placements, s.months
        FROM placements_api.settings_placed(
                 hearth.current_tenant(), NULL, p_provider, p_day,
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
    ), placed_months AS MATERIALIZED (
        SELECT p.setting_id, p.provider_id, m.month
        FROM placed p CROSS JOIN LATERAL unnest(p.months) AS m(month)
    ), facts AS MATERIALIZED (
        SELECT f.*
        FROM qa.risk_facts_placed(p_day, p_provider,
                                  ARRAY(SELECT p.setting_id FROM placed_months p),
                                  ARRAY(SELECT p.provider_id FROM placed_months p),
                                  ARRAY(SELECT p.month FROM placed_months p)) f
    ), overridden AS MATERIALIZED (
        -- The overridden settings and their providers, from one question.
        SELECT s.setting_id, s.provider_id
        FROM providers_api.setting_profiles(
                 hearth.current_tenant(),
                 ARRAY(SELECT o.subject_id FROM qa.risk_overrides o
                       WHERE o.tenant_id = hearth.current_tenant()
                         AND o.subject_type = 'setting')) s
        WHERE p_provider IS NULL OR s.provider_id = p_provider
    ), subjects AS (
        SELECT 'setting' AS subject_type, f.setting_id AS subject_id, f.provider_id
        FROM facts f WHERE f.setting_id IS NOT NULL AND f.scope <> 'provider_endings'
        UNION
        SELECT 'setting', s.setting_id, s.provider_id
        FROM placed s WHERE s.placements > 0
        UNION
        SELECT 'setting', i.setting_id, i.provider_id FROM qa.inspections i
        WHERE i.tenant_id = hearth.current_tenant()
          AND (p_provider IS NULL OR i.provider_id = p_provider)
        UNION
        SELECT 'setting', v.setting_id, v.provider_id FROM qa.visits v
        WHERE v.tenant_id = hearth.current_tenant()
          AND (p_provider IS NULL OR v.provider_id = p_provider)
        UNION
        SELECT 'setting', s.setting_id, s.provider_id FROM overridden s
    ), all_subjects AS (
        SELECT s.subject_type, s.subject_id, s.provider_id FROM subjects s
        UNION
        SELECT 'provider', s.provider_id, s.provider_id FROM subjects s
        UNION
        SELECT 'provider', f.provider_id, f.provider_id FROM facts f
        UNION
        SELECT 'provider', o.subject_id, o.subject_id FROM qa.risk_overrides o
        WHERE o.tenant_id = hearth.current_tenant() AND o.subject_type = 'provider'
          AND (p_provider IS NULL OR o.subject_id = p_provider)
    ), wanted AS (
        SELECT * FROM all_subjects a
        WHERE (p_type IS NULL OR a.subject_type = p_type)
          AND (p_subject IS NULL OR a.subject_id = p_subject)
    ), reasons AS (
        -- A setting: its own facts and endings, and stops against its whole
        -- provider (equality joins each, so the tenant's answer stays linear).
        SELECT w.subject_type, w.subject_id, f.*
        FROM wanted w JOIN facts f
          ON w.subject_type = 'setting' AND f.setting_id = w.subject_id
         AND f.scope IN ('setting', 'setting_endings')
        UNION ALL
        SELECT w.subject_type, w.subject_id, f.*
        FROM wanted w JOIN facts f
          ON w.subject_type = 'setting' AND f.provider_id = w.provider_id
         AND f.scope = 'provider' AND f.rule = 'placement_stop'
        UNION ALL
        -- A provider: every fact of it and its settings, endings summed over it.
        SELECT w.subject_type, w.subject_id, f.*
        FROM wanted w JOIN facts f
          ON w.subject_type = 'provider' AND f.provider_id = w.subject_id
         AND f.scope IN ('setting', 'provider', 'provider_endings')
    ), judged AS (
        SELECT w.subject_type, w.subject_id,
               coalesce(jsonb_agg(jsonb_build_object(
                            'rule', r.rule, 'rag', r.rag, 'detail', r.detail,
                            'source_type', r.source_type, 'source_id', r.source_id)
                        ORDER BY r.rag = 'amber', r.rule, r.source_id)
                        FILTER (WHERE r.rule IS NOT NULL), '[]'::jsonb) AS reasons,
               CASE WHEN bool_or(r.rag = 'red') THEN 'red'
                    WHEN bool_or(r.rag = 'amber') THEN 'amber'
                    ELSE 'green' END AS computed_rag
        FROM wanted w
        LEFT JOIN reasons r ON r.subject_type = w.subject_type AND r.subject_id = w.subject_id
        GROUP BY w.subject_type, w.subject_id
    ), current_override AS (
        -- Each subject's latest override unexpired on p_day.
        SELECT DISTINCT ON (o.subject_type, o.subject_id) o.*
        FROM qa.risk_overrides o
        WHERE o.tenant_id = hearth.current_tenant() AND o.created_at::date <= p_day
          AND o.expires_on > p_day
          AND (p_type IS NULL OR o.subject_type = p_type)
          AND (p_subject IS NULL OR o.subject_id = p_subject)
        ORDER BY o.subject_type, o.subject_id, o.created_at DESC, o.id DESC
    )
    SELECT jsonb_build_object(
               'subject_type', j.subject_type, 'subject_id', j.subject_id,
               'rag', coalesce(o.rag, j.computed_rag), 'computed_rag', j.computed_rag,
               'reasons', j.reasons,
               'override', CASE WHEN o.id IS NULL THEN NULL ELSE jsonb_build_object(
                   'id', o.id, 'rag', o.rag, 'reason', o.reason, 'expires_on', o.expires_on,
                   'created_by_org_id', o.created_by_org_id,
                   'created_at', hearth.ts(o.created_at)) END,
               'as_at', p_day)
    FROM judged j
    LEFT JOIN current_override o
      ON o.subject_type = j.subject_type AND o.subject_id = j.subject_id
    ORDER BY array_position(ARRAY['red', 'amber', 'green'], coalesce(o.rag, j.computed_rag)),
             j.subject_type, j.subject_id
    $$;

-- The due list (005): the settings with a child placed on p_day from one
-- pass, each one's latest completed visit from one ordered read.
CREATE OR REPLACE FUNCTION visits_due(p_day date) RETURNS TABLE (doc jsonb, setting_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS MATERIALIZED (
        -- The intervals once per request; qa_policy_visit_interval() (004)
        -- per setting is a function call each (its SET clause keeps it from
        -- being inlined).
        SELECT (d -> 'visit_interval_months' ->> 'red')::integer AS red,
               (d -> 'visit_interval_months' ->> 'amber')::integer AS amber,
               (d -> 'visit_interval_months' ->> 'green')::integer AS green
        FROM qa.qa_policy_doc() AS d
    ), placed AS (
        SELECT s.setting_id, s.provider_id, s.placements, s.first_start
        FROM placements_api.settings_placed(
                 hearth.current_tenant(),
                 CASE WHEN current_setting('hearth.org_kind', true) = 'consortium' THEN NULL
                      ELSE hearth.current_org() END,
                 NULL, p_day, p_day, p_day) s
        WHERE s.placements > 0
    ), latest_visit AS (
        SELECT DISTINCT ON (v.setting_id) v.setting_id, v.visited_on, v.rag
        FROM qa.visits v
        WHERE v.tenant_id = hearth.current_tenant() AND v.status = 'completed'
          AND v.visited_on <= p_day
        ORDER BY v.setting_id, v.visited_on DESC, v.created_at DESC
    ), last AS (
        SELECT p.*, l.visited_on AS last_visit_on, l.rag,
               CASE coalesce(l.rag, 'green') WHEN 'red' THEN policy.red
                    WHEN 'amber' THEN policy.amber ELSE policy.green END AS interval_months
        FROM placed p CROSS JOIN policy
        LEFT JOIN latest_visit l ON l.setting_id = p.setting_id
    ), due AS (
        SELECT l.*, CASE WHEN l.last_visit_on IS NULL THEN l.first_start
                         ELSE (l.last_visit_on + make_interval(months => l.interval_months))::date
                    END AS due_on
        FROM last l
    )
    SELECT jsonb_build_object(
               'setting_id', d.setting_id, 'provider_id', d.provider_id,
               'placements', d.placements, 'current_rag', d.rag,
               'last_visit_on', d.last_visit_on, 'interval_months', d.interval_months,
               'due_on', d.due_on, 'overdue', d.due_on < p_day),
           d.setting_id
    FROM due d
    ORDER BY d.due_on, d.setting_id
    $$;

-- The missing Reg 44 reports (006): the (month, setting) pairs with a child
-- placed from one pass, the homes among them from one question to the
-- register, and the councils only for the pairs that are missing.
CREATE OR REPLACE FUNCTION reg44_missing(p_day date) RETURNS TABLE (doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS MATERIALIZED (
        SELECT (qa.qa_policy_doc() ->> 'reg44_due_days')::integer AS due_days
    ), placed AS (
        SELECT m.month, s.setting_id, s.provider_id,
               ((m.month + interval '1 month')::date - 1 + policy.due_days) AS due_on
        FROM placements_api.settings_placed(
                 hearth.current_tenant(), NULL, NULL,
                 date_trunc('month', p_day)::date - 1,
                 (date_trunc('month', p_day) - interval '12 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
        CROSS JOIN LATERAL unnest(s.months) AS m(month)
        CROSS JOIN policy
    ), unreported AS MATERIALIZED (
        SELECT p.* FROM placed p
        WHERE p.due_on < p_day
          AND NOT EXISTS (SELECT 1 FROM qa.reg44_reports r
                          WHERE r.tenant_id = hearth.current_tenant()
                            AND r.setting_id = p.setting_id AND r.month = p.month
                            AND r.received_on <= p_day)
    ), homes AS MATERIALIZED (
        SELECT s.setting_id
        FROM providers_api.setting_profiles(hearth.current_tenant(),
                                            ARRAY(SELECT DISTINCT u.setting_id
                                                  FROM unreported u)) s
        WHERE s.setting_type = 'childrens_home'
    ), missing AS MATERIALIZED (
        SELECT u.* FROM unreported u JOIN homes h ON h.setting_id = u.setting_id
    ), councils AS (
        SELECT c.month, c.setting_id,
               jsonb_agg(jsonb_build_object('org_id', c.org_id, 'placements', c.placements)
                         ORDER BY c.org_id) AS councils
        FROM placements_api.councils_at_settings_by_month(
                 hearth.current_tenant(),
                 ARRAY(SELECT m.setting_id FROM missing m ORDER BY m.month, m.setting_id),
                 ARRAY(SELECT m.month FROM missing m ORDER BY m.month, m.setting_id)) c
        GROUP BY c.month, c.setting_id
    )
    SELECT jsonb_build_object(
               'setting_id', m.setting_id, 'provider_id', m.provider_id,
               'month', to_char(m.month, 'YYYY-MM'), 'due_on', m.due_on,
               'councils', c.councils)
    FROM missing m
    JOIN councils c ON c.month = m.month AND c.setting_id = m.setting_id
    ORDER BY m.month, m.setting_id
    $$;
