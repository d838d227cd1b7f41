-- 014_risk_rows: /v1/risk for a whole tenant within its time goal (p99
-- under 300 ms for 10,000 settings and 1,000,000 placements). Same rules,
-- same subjects, same answer as risk_docs (010). What it cost there, beside
-- the placements' own pass:
--   * every document built as jsonb (binary, keys re-sorted), its reasons
--     aggregated per subject, then all of it turned back into text to be
--     sent: 12,000 documents, 4.8 MB;
--   * the documents sorted by RAG after they were built, on disk (they are
--     larger than work_mem);
--   * each setting's latest inspection found by an anti join of every
--     inspection against every other, and the Reg 44 months unreported by
--     sorting the months placed together with every report of the window.
-- Now:
--   * risk_rows() answers a row per reason in subject order, plain columns;
--     the service writes the documents and their RAG order straight from
--     them (risk_document.c). Making JSON here, even with row_to_json, cost
--     more per row than the rest of the row's work;
--   * the settings where a child is or was placed come from
--     placements_api.settings_occupied (placements 022): the open
--     placements read as one probe per setting, not every one of them;
--   * the latest inspection is the first of each setting in its index's
--     order; the months unreported an anti join against the window's
--     reports.
-- Reasons that tie on rule and record (the Reg 44 months) are now ordered
-- by their detail too, so the answer is the same on every read.

-- The rules of risk_facts (008) as in 010, two of them found more cheaply.
CREATE OR REPLACE FUNCTION risk_facts_placed(p_day date, p_provider uuid, p_settings uuid[],
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
        -- Each setting's latest inspection on or before p_day (by
        -- inspected_on, created_at, then id), kept when its band is red or
        -- amber: the first of each setting in inspections_latest_idx's order.
        SELECT l.*
        FROM (SELECT DISTINCT ON (i.setting_id)
                     i.setting_id, i.provider_id, i.id, i.regulator, i.inspection_type,
                     i.inspected_on, i.risk_band
              FROM qa.inspections i
              WHERE i.tenant_id = hearth.current_tenant() AND i.inspected_on <= p_day
                AND (p_provider IS NULL OR i.provider_id = p_provider)
              ORDER BY i.setting_id, i.inspected_on DESC, i.created_at DESC, i.id DESC) l
        WHERE l.risk_band IN ('red', 'amber')
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
    ), reported AS MATERIALIZED (
        -- The window's reports received by p_day, read once and hashed
        -- (materialized, the anti join below cannot probe the index a pair
        -- at a time).
        SELECT r.setting_id, r.month
        FROM qa.reg44_reports r
        WHERE r.tenant_id = hearth.current_tenant() AND r.received_on <= p_day
          AND r.month >= (date_trunc('month', p_day) - interval '3 months')::date
          AND r.month < date_trunc('month', p_day)::date
    ), due AS MATERIALIZED (
        -- reg44_missing() for the 3 months before p_day's month: a child
        -- placed, due, and no report received by p_day.
        SELECT m.month, m.setting_id, m.provider_id,
               (m.month + interval '1 month')::date - 1 + d.due_days AS due_on
        FROM unnest(p_settings, p_providers, p_months) AS m(setting_id, provider_id, month)
        CROSS JOIN policy d
        WHERE (p_provider IS NULL OR m.provider_id = p_provider)
          AND m.month >= (date_trunc('month', p_day) - interval '3 months')::date
          AND m.month < date_trunc('month', p_day)::date
          AND (m.month + interval '1 month')::date - 1 + d.due_days < p_day
          AND NOT EXISTS (SELECT 1 FROM reported r
                          WHERE r.setting_id = m.setting_id AND r.month = m.month)
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
    FROM latest_inspection i
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
    CROSS JOIN LATERAL (SELECT count(*)::integer AS n FROM jsonb_array_elements(a.items) i
                        WHERE i ->> 'status' = 'open' AND (i ->> 'due_on')::date < p_day) o
    WHERE a.tenant_id = hearth.current_tenant() AND a.status = 'open' AND o.n > 0
      AND (p_provider IS NULL OR a.provider_id = p_provider)
    UNION ALL
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

-- The months of the Reg 44 rule, from the cheaper pass (placements 022).
CREATE OR REPLACE FUNCTION risk_facts(p_day date, p_provider uuid)
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        SELECT s.setting_id, s.provider_id, m.month
        FROM placements_api.settings_occupied(
                 hearth.current_tenant(), p_provider, p_day,
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

-- The risk (API.md §5) of the subjects asked for, a row per reason: every
-- subject of the tenant (p_type, p_provider, p_subject NULL), those of one
-- type, or one subject (p_type and p_subject, with p_provider the provider
-- whose records decide it). Subjects and rules as risk_docs (010). Rows by
-- subject (type, id), each subject's reasons red first, then by rule,
-- record and detail; a subject with no reason is one row with rule NULL.
-- Each row carries its subject's rag, computed_rag and current override, if
-- any (the same on every row of the subject; override_id NULL when none).
-- The caller writes the documents from them.
CREATE FUNCTION risk_rows(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, rag text, computed_rag text,
                   rule text, reason_rag text, detail text, source_type text, source_id uuid,
                   override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        -- One pass: the settings with a child placed on p_day (subjects) and
        -- the months of the Reg 44 rule (facts).
        SELECT s.setting_id, s.provider_id, s.occupied, s.months
        FROM placements_api.settings_occupied(
                 hearth.current_tenant(), p_provider, p_day,
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
        FROM placed s WHERE s.occupied
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
        -- provider. A provider: every fact of it and its settings, endings
        -- summed over it.
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
        SELECT w.subject_type, w.subject_id, f.*
        FROM wanted w JOIN facts f
          ON w.subject_type = 'provider' AND f.provider_id = w.subject_id
         AND f.scope IN ('setting', 'provider', 'provider_endings')
    ), current_override AS (
        -- Each subject's latest override unexpired on p_day.
        SELECT DISTINCT ON (o.subject_type, o.subject_id) o.*
        FROM qa.risk_overrides o
        WHERE o.tenant_id = hearth.current_tenant() AND o.created_at::date <= p_day
          AND o.expires_on > p_day
          AND (p_type IS NULL OR o.subject_type = p_type)
          AND (p_subject IS NULL OR o.subject_id = p_subject)
        ORDER BY o.subject_type, o.subject_id, o.created_at DESC, o.id DESC
    ), judged AS (
        -- computed_rag: the worst reason's, green with none; rag: the
        -- override's when one is in force.
        SELECT w.subject_type, w.subject_id, r.rule, r.rag, r.detail, r.source_type,
               r.source_id, o.id AS o_id, o.rag AS o_rag,
               o.reason AS o_reason, o.expires_on AS o_expires_on,
               o.created_by_org_id AS o_created_by_org_id, o.created_at AS o_created_at,
               CASE WHEN bool_or(r.rag = 'red') OVER subject THEN 'red'
                    WHEN bool_or(r.rag = 'amber') OVER subject THEN 'amber'
                    ELSE 'green' END AS computed_rag
        FROM wanted w
        LEFT JOIN reasons r ON r.subject_type = w.subject_type AND r.subject_id = w.subject_id
        LEFT JOIN current_override o
          ON o.subject_type = w.subject_type AND o.subject_id = w.subject_id
        WINDOW subject AS (PARTITION BY w.subject_type, w.subject_id)
    )
    SELECT j.subject_type, j.subject_id, coalesce(j.o_rag, j.computed_rag), j.computed_rag,
           j.rule, j.rag, j.detail, j.source_type, j.source_id,
           j.o_id, j.o_rag, j.o_reason, j.o_expires_on, j.o_created_by_org_id,
           hearth.ts(j.o_created_at)
    FROM judged j
    ORDER BY j.subject_type, j.subject_id, j.rag = 'amber', j.rule, j.source_id, j.detail
    $$;

-- The RAG of each subject risk_rows() answers (arguments as there), without
-- its reasons: what the scorecards show.
CREATE FUNCTION risk_rags(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, rag text, computed_rag text)
    LANGUAGE sql STABLE
    AS $$
    SELECT DISTINCT ON (r.subject_type, r.subject_id)
           r.subject_type, r.subject_id, r.rag, r.computed_rag
    FROM qa.risk_rows(p_day, p_type, p_provider, p_subject) r
    ORDER BY r.subject_type, r.subject_id
    $$;

-- The scorecards (009) as they were, their rag from risk_rags() rather than
-- from risk_docs(), which goes: nothing else calls it.
CREATE OR REPLACE FUNCTION scorecard_docs(p_from date, p_to date, p_provider uuid, p_after uuid,
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
        SELECT r.subject_id AS provider_id, r.rag
        FROM qa.risk_rags(current_date, 'provider', p_provider, p_provider) r
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

DROP FUNCTION risk_docs(date, text, uuid, uuid);
