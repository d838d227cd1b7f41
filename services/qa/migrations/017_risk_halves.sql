-- 017_risk_halves: /v1/risk for a whole tenant as two halves that
-- PostgreSQL runs at once, in parallel workers of the one statement (a
-- Parallel Append under a Gather), so the answer costs about the slower
-- half rather than the sum. Same rules, subjects, reasons and order as 016.
--
--   risk_parts_placed:  what needs the placements' months (placements_api.
--     settings_occupied_masks): the settings with a child placed on the
--     day, the Reg 44 months unreported (risk_facts_due), their providers;
--   risk_parts_records: everything else, from QA's own records
--     (risk_facts_records): inspections, stops, concerns, Reg 44 managers,
--     action plans, unplanned endings; the settings inspected, visited or
--     overridden; their providers and the providers overridden;
--   risk_parts_apart:   both, one after the other in the SQL (UNION ALL):
--     what GET /v1/risk reads. A subject may come from both halves (a
--     provider with settings in both; a setting with a child placed and a
--     concern, never inspected nor visited): the same row twice, with the
--     same override; the service takes it once (risk_parts.h). The placed
--     half leaves out the settings the records half names for their
--     inspections or visits. Facts come from one half only.
-- The rules' SQL is 016's, moved, not changed: risk_facts_masked() is now
-- the two fact functions together, so risk_parts() (016: each subject
-- once, one after the other), which the single subject's risk and the
-- scorecards' RAG (risk_rows) read, applies the same rules as the list.
-- Which settings and providers are subjects is said twice, in risk_parts()
-- and across the halves: one statement rebuilt from the halves cost those
-- callers 15-20% more (the subjects gathered and their overrides looked up
-- twice, then the copies removed). The API tests compare the list with
-- risk_rows() row for row, for every subject. Which override is a
-- subject's current one is said once, in risk_subject_rows(), which
-- risk_parts() now reads too.
--
-- Measured on the bench's tenant (1,000,000 placements, 10,000 settings, a
-- quiet 2-core machine): risk_parts() 188-215 ms; the halves alone ~125 and
-- ~100 ms; both through risk_parts_apart() ~150-170 ms.
--
-- Why the halves can run in parallel workers (PARALLEL SAFE): they and
-- everything they call only read, and all they read of the request is its
-- settings (hearth.current_tenant() and the rest), which PostgreSQL copies
-- into every worker along with the leader's snapshot: each half sees the
-- same rows, and the rows its policies let the caller see, as the leader
-- would. A function label only governs the statement that names it; the
-- statements inside the halves run in the worker as they would anywhere.
-- Each half is `SET jit = off` (its statements' estimates are far off, as
-- 016 says) which also keeps it from being inlined: whole, a half is one
-- unit of work a worker takes. COST says what a whole tenant costs (10,000
-- of the planner's units, what it reckons for plans of ~100 ms here), so
-- it starts the workers (one subject's risk reads risk_parts(), in the
-- leader). With no worker free (max_parallel_workers reached, or set to 0)
-- the leader runs both halves itself, one after the other.

-- ---- facts ------------------------------------------------------------------------
-- The Reg 44 months unreported in the three months before p_day's month at
-- children's homes (risk_facts_masked's arguments, 016).
CREATE FUNCTION risk_facts_due(p_day date, p_provider uuid, p_settings uuid[],
                               p_providers uuid[], p_masks bigint[])
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE plpgsql STABLE
    -- One plan for every call: planned for each call's arrays (016's
    -- risk_facts_masked) it was planned anew with 3 x 6,600 constants, 20
    -- of the 60 ms a whole tenant took; the plan for any arrays is the
    -- same hash joins over them.
    SET plan_cache_mode = force_generic_plan
    -- As 016: the planner overestimates the masks' join; JIT compiling for
    -- that estimate cost a second a call.
    SET jit = off
    AS $$
#variable_conflict use_column
DECLARE
    v_tenant uuid := hearth.current_tenant();
BEGIN
    RETURN QUERY
    WITH due AS MATERIALIZED (
        -- The three months before p_day's month.
        SELECT u.*
        FROM qa.reg44_unreported(p_day, 3, p_settings, p_providers, p_masks) u
        WHERE p_provider IS NULL OR u.provider_id = p_provider
    ), homes AS MATERIALIZED (
        -- One question to the register for every setting concerned.
        SELECT s.setting_id
        FROM providers_api.setting_profiles(v_tenant,
                                            ARRAY(SELECT DISTINCT d.setting_id FROM due d)) s
        WHERE s.setting_type = 'childrens_home'
    )
    SELECT 'setting', m.provider_id, m.setting_id, 'reg44_missing', 'amber',
           format('No Reg 44 report for %s (due %s)', to_char(m.month, 'YYYY-MM'), m.due_on),
           NULL::text, NULL::uuid
    FROM due m JOIN homes h ON h.setting_id = m.setting_id;
END
$$;

-- Every other rule's facts on p_day (optionally of one provider).
CREATE FUNCTION risk_facts_records(p_day date, p_provider uuid)
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_custom_plan
    SET jit = off
    AS $$
#variable_conflict use_column
DECLARE
    -- Once, a constant of the plan (hearth.current_tenant() in a filter is
    -- read and parsed again for every row).
    v_tenant uuid := hearth.current_tenant();
BEGIN
    RETURN QUERY
    WITH latest_inspection AS (
        -- Each setting's latest inspection on or before p_day (by
        -- inspected_on, created_at, then id), kept when its band is red or
        -- amber.
        SELECT l.*
        FROM (SELECT DISTINCT ON (i.setting_id)
                     i.setting_id, i.provider_id, i.id, i.regulator, i.inspection_type,
                     i.inspected_on, i.risk_band
              FROM qa.inspections i
              WHERE i.tenant_id = v_tenant AND i.inspected_on <= p_day
                AND (p_provider IS NULL OR i.provider_id = p_provider)
              ORDER BY i.setting_id, i.inspected_on DESC, i.created_at DESC, i.id DESC) l
        WHERE l.risk_band IN ('red', 'amber')
    ), latest_reg44 AS (
        -- The latest Reg 44 report received by p_day of each setting, when it
        -- says no registered manager is in post (one report per month: the
        -- latest month's is the latest).
        SELECT r.setting_id, r.provider_id, r.id, r.month
        FROM qa.reg44_reports r
        WHERE r.tenant_id = v_tenant AND r.received_on <= p_day
          AND NOT r.registered_manager_in_post
          AND (p_provider IS NULL OR r.provider_id = p_provider)
          AND NOT EXISTS (
              SELECT 1 FROM qa.reg44_reports l
              WHERE l.tenant_id = r.tenant_id AND l.setting_id = r.setting_id
                AND l.received_on <= p_day
                AND (l.month, l.created_at) > (r.month, r.created_at))
    ), endings AS (
        SELECT e.provider_id, e.setting_id, e.endings
        FROM placements_api.unplanned_endings(v_tenant,
                                              (p_day - interval '12 months')::date + 1, p_day) e
        WHERE p_provider IS NULL OR e.provider_id = p_provider
    ), policy AS MATERIALIZED (
        -- Once per request (inlined, qa_policy_doc() would run once a row).
        SELECT (d ->> 'instability_endings')::integer AS endings
        FROM qa.qa_policy_doc() AS d
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
    WHERE s.tenant_id = v_tenant AND s.status = 'in_force'
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
    WHERE c.tenant_id = v_tenant AND c.status <> 'closed' AND r.fired
      AND (p_provider IS NULL OR c.provider_id = p_provider)
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
    WHERE a.tenant_id = v_tenant AND a.status = 'open' AND o.n > 0
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
    CROSS JOIN policy t
    WHERE x.n >= t.endings AND (x.scope = 'provider_endings' OR x.setting_id IS NOT NULL);
END
$$;

-- 016's contract, now the two halves.
CREATE OR REPLACE FUNCTION risk_facts_masked(p_day date, p_provider uuid, p_settings uuid[],
                                             p_providers uuid[], p_masks bigint[])
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM qa.risk_facts_records(p_day, p_provider)
    UNION ALL
    SELECT * FROM qa.risk_facts_due(p_day, p_provider, p_settings, p_providers, p_masks)
    $$;

-- ---- subjects ---------------------------------------------------------------------
-- The subject rows of risk_parts() (016) for the settings p_settings (with
-- their providers p_setting_providers, parallel) and the providers
-- p_providers, as asked for (p_type, p_subject as risk_parts), each with its
-- current override: the latest unexpired on p_day.
CREATE FUNCTION risk_subject_rows(p_day date, p_type text, p_subject uuid, p_settings uuid[],
                                  p_setting_providers uuid[], p_providers uuid[])
    RETURNS TABLE (subject_type text, subject_id uuid, provider_id uuid, scope text,
                   setting_id uuid, rule text, rag text, detail text, source_type text,
                   source_id uuid, override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE plpgsql STABLE
    -- Planned for the arrays given, whose sizes it then knows: planned for
    -- any arrays, the join to the overrides was a nested loop over 12,000
    -- subjects (70-100 ms against 5).
    SET plan_cache_mode = force_custom_plan
    AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH wanted AS (
        SELECT 'setting' AS subject_type, s.setting_id AS subject_id, s.provider_id
        FROM unnest(p_settings, p_setting_providers) AS s(setting_id, provider_id)
        WHERE (p_type IS NULL OR p_type = 'setting')
          AND (p_subject IS NULL OR s.setting_id = p_subject)
        UNION ALL
        SELECT 'provider', p.provider_id, p.provider_id
        FROM unnest(p_providers) AS p(provider_id)
        WHERE (p_type IS NULL OR p_type = 'provider')
          AND (p_subject IS NULL OR p.provider_id = p_subject)
    ), current_override AS (
        SELECT DISTINCT ON (o.subject_type, o.subject_id) o.*
        FROM qa.risk_overrides o
        WHERE o.created_at::date <= p_day AND o.expires_on > p_day
          AND (p_type IS NULL OR o.subject_type = p_type)
          AND (p_subject IS NULL OR o.subject_id = p_subject)
        ORDER BY o.subject_type, o.subject_id, o.created_at DESC, o.id DESC
    )
    SELECT w.subject_type, w.subject_id, w.provider_id, NULL::text, NULL::uuid, NULL::text,
           NULL::text, NULL::text, NULL::text, NULL::uuid, o.id, o.rag, o.reason, o.expires_on,
           o.created_by_org_id, hearth.ts(o.created_at)
    FROM wanted w
    LEFT JOIN current_override o
      ON o.subject_type = w.subject_type AND o.subject_id = w.subject_id;
END
$$;

-- ---- the halves -------------------------------------------------------------------
CREATE FUNCTION risk_parts_placed(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, provider_id uuid, scope text,
                   setting_id uuid, rule text, rag text, detail text, source_type text,
                   source_id uuid, override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE PARALLEL SAFE
    COST 4000000 ROWS 15000
    SET jit = off
    AS $$
    WITH placed AS MATERIALIZED (
        -- One pass: the settings with a child placed on p_day (subjects) and
        -- the months of the Reg 44 rule (facts).
        SELECT s.setting_id, s.provider_id, s.occupied, s.months_mask
        FROM placements_api.settings_occupied_masks(
                 hearth.current_tenant(), p_provider, p_day,
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
    ), facts AS MATERIALIZED (
        SELECT f.*
        FROM qa.risk_facts_due(
                 p_day, p_provider,
                 ARRAY(SELECT p.setting_id FROM placed p WHERE p.months_mask <> 0),
                 ARRAY(SELECT p.provider_id FROM placed p WHERE p.months_mask <> 0),
                 ARRAY(SELECT p.months_mask FROM placed p WHERE p.months_mask <> 0)) f
    ), settings AS MATERIALIZED (
        SELECT f.setting_id, f.provider_id FROM facts f
        UNION
        SELECT s.setting_id, s.provider_id FROM placed s WHERE s.occupied
    ), unrecorded AS MATERIALIZED (
        -- Those the records half does not name anyway (the same setting
        -- under the same provider, inspected or visited): most of them
        -- would otherwise cross twice (6,400 of 10,100 rows).
        SELECT s.* FROM settings s
        WHERE NOT EXISTS (SELECT 1 FROM qa.inspections i
                          WHERE i.setting_id = s.setting_id AND i.provider_id = s.provider_id)
          AND NOT EXISTS (SELECT 1 FROM qa.visits v
                          WHERE v.setting_id = s.setting_id AND v.provider_id = s.provider_id)
    )
    SELECT r.*
    FROM qa.risk_subject_rows(
             p_day, p_type, p_subject,
             ARRAY(SELECT s.setting_id FROM unrecorded s),
             ARRAY(SELECT s.provider_id FROM unrecorded s),
             ARRAY(SELECT s.provider_id FROM settings s
                   UNION SELECT f.provider_id FROM facts f)) r
    UNION ALL
    SELECT NULL, NULL, f.provider_id, f.scope, f.setting_id, f.rule, f.rag, f.detail,
           f.source_type, f.source_id, NULL, NULL, NULL, NULL, NULL, NULL
    FROM facts f
    $$;

CREATE FUNCTION risk_parts_records(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, provider_id uuid, scope text,
                   setting_id uuid, rule text, rag text, detail text, source_type text,
                   source_id uuid, override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE PARALLEL SAFE
    COST 4000000 ROWS 15000
    SET jit = off
    AS $$
    WITH facts AS MATERIALIZED (
        SELECT f.* FROM qa.risk_facts_records(p_day, p_provider) f
    ), overridden AS MATERIALIZED (
        -- The overridden settings and their providers, from one question.
        SELECT s.setting_id, s.provider_id
        FROM providers_api.setting_profiles(
                 hearth.current_tenant(),
                 ARRAY(SELECT o.subject_id FROM qa.risk_overrides o
                       WHERE o.subject_type = 'setting')) s
        WHERE p_provider IS NULL OR s.provider_id = p_provider
    ), settings AS MATERIALIZED (
        -- Every setting with a fact, an inspection, a visit or an override,
        -- with its provider.
        SELECT f.setting_id, f.provider_id
        FROM facts f WHERE f.setting_id IS NOT NULL AND f.scope <> 'provider_endings'
        UNION
        SELECT i.setting_id, i.provider_id FROM qa.inspections i
        WHERE p_provider IS NULL OR i.provider_id = p_provider
        UNION
        SELECT v.setting_id, v.provider_id FROM qa.visits v
        WHERE p_provider IS NULL OR v.provider_id = p_provider
        UNION
        SELECT s.setting_id, s.provider_id FROM overridden s
    )
    SELECT r.*
    FROM qa.risk_subject_rows(
             p_day, p_type, p_subject,
             ARRAY(SELECT s.setting_id FROM settings s),
             ARRAY(SELECT s.provider_id FROM settings s),
             ARRAY(SELECT s.provider_id FROM settings s
                   UNION SELECT f.provider_id FROM facts f
                   UNION SELECT o.subject_id FROM qa.risk_overrides o
                         WHERE o.subject_type = 'provider'
                           AND (p_provider IS NULL OR o.subject_id = p_provider))) r
    UNION ALL
    SELECT NULL, NULL, f.provider_id, f.scope, f.setting_id, f.rule, f.rag, f.detail,
           f.source_type, f.source_id, NULL, NULL, NULL, NULL, NULL, NULL
    FROM facts f
    $$;


-- Both halves, as GET /v1/risk reads them: inlined into the statement that
-- names it, so the planner sees the two function scans side by side. The
-- statement must not make the halves depend on one of its own rows (a
-- LATERAL reference): a parameterized scan is not run in a worker.
CREATE FUNCTION risk_parts_apart(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, provider_id uuid, scope text,
                   setting_id uuid, rule text, rag text, detail text, source_type text,
                   source_id uuid, override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT * FROM qa.risk_parts_placed(p_day, p_type, p_provider, p_subject)
    UNION ALL
    SELECT * FROM qa.risk_parts_records(p_day, p_type, p_provider, p_subject)
    $$;

-- 016's risk_parts(), its subject rows from risk_subject_rows() above, so
-- that which override is a subject's current one is said once. Same
-- subjects, facts and overrides; still inlined into the statement that
-- names it (the single subject's risk, risk_rows()).
CREATE OR REPLACE FUNCTION risk_parts(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, provider_id uuid, scope text,
                   setting_id uuid, rule text, rag text, detail text, source_type text,
                   source_id uuid, override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        -- One pass: the settings with a child placed on p_day (subjects) and
        -- the months of the Reg 44 rule (facts).
        SELECT s.setting_id, s.provider_id, s.occupied, s.months_mask
        FROM placements_api.settings_occupied_masks(
                 hearth.current_tenant(), p_provider, p_day,
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
    ), facts AS MATERIALIZED (
        SELECT f.*
        FROM qa.risk_facts_masked(
                 p_day, p_provider,
                 ARRAY(SELECT p.setting_id FROM placed p WHERE p.months_mask <> 0),
                 ARRAY(SELECT p.provider_id FROM placed p WHERE p.months_mask <> 0),
                 ARRAY(SELECT p.months_mask FROM placed p WHERE p.months_mask <> 0)) f
    ), overridden AS MATERIALIZED (
        -- The overridden settings and their providers, from one question.
        SELECT s.setting_id, s.provider_id
        FROM providers_api.setting_profiles(
                 hearth.current_tenant(),
                 ARRAY(SELECT o.subject_id FROM qa.risk_overrides o
                       WHERE o.subject_type = 'setting')) s
        WHERE p_provider IS NULL OR s.provider_id = p_provider
    ), settings AS MATERIALIZED (
        -- Every setting with a fact, a child placed, an inspection, a visit
        -- or an override, with its provider.
        SELECT f.setting_id, f.provider_id
        FROM facts f WHERE f.setting_id IS NOT NULL AND f.scope <> 'provider_endings'
        UNION
        SELECT s.setting_id, s.provider_id FROM placed s WHERE s.occupied
        UNION
        SELECT i.setting_id, i.provider_id FROM qa.inspections i
        WHERE p_provider IS NULL OR i.provider_id = p_provider
        UNION
        SELECT v.setting_id, v.provider_id FROM qa.visits v
        WHERE p_provider IS NULL OR v.provider_id = p_provider
        UNION
        SELECT s.setting_id, s.provider_id FROM overridden s
    )
    SELECT r.*
    FROM qa.risk_subject_rows(
             p_day, p_type, p_subject,
             ARRAY(SELECT s.setting_id FROM settings s),
             ARRAY(SELECT s.provider_id FROM settings s),
             -- Their providers, the providers of any fact, the overridden ones.
             ARRAY(SELECT s.provider_id FROM settings s
                   UNION SELECT f.provider_id FROM facts f
                   UNION SELECT o.subject_id FROM qa.risk_overrides o
                         WHERE o.subject_type = 'provider'
                           AND (p_provider IS NULL OR o.subject_id = p_provider))) r
    UNION ALL
    SELECT NULL, NULL, f.provider_id, f.scope, f.setting_id, f.rule, f.rag, f.detail,
           f.source_type, f.source_id, NULL, NULL, NULL, NULL, NULL, NULL
    FROM facts f
    $$;

ALTER FUNCTION risk_facts_due(date, uuid, uuid[], uuid[], bigint[]) PARALLEL SAFE;
ALTER FUNCTION risk_facts_records(date, uuid) PARALLEL SAFE;
ALTER FUNCTION risk_subject_rows(date, text, uuid, uuid[], uuid[], uuid[]) PARALLEL SAFE;
