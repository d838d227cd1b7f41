-- 016_risk_masks: /v1/risk for a whole tenant (10,000 settings, 1,000,000
-- placements) with less work per row. Same rules, subjects, reasons and
-- order as 014. What 014 still paid for:
--   * the policies asked for the tenant (and for concerns, whether the caller
--     is a provider, through a function that could not be inlined because
--     it pins its search_path) once per row read: ~30,000 rows of
--     inspections and visits, ~3,300 concerns at ~4 us each;
--   * the three months of the Reg 44 rule crossed as three parallel arrays
--     of ~19,600 entries (setting, provider, month), built by unnesting each
--     setting's month list and unnested again, then anti-joined with every
--     report of the window;
--   * the subjects gathered as (type, id, provider) triples hashed twice,
--     then sorted to be merged with their reasons.
-- Now:
--   * the policies below name the tenant, organisation and provider-ness
--     as init plans, (SELECT ...): evaluated once per statement, still an
--     index condition. Same rows visible to the same callers;
--   * the months cross as one mask a setting (placements_api.
--     settings_occupied_masks, placements 040), tested bit by bit against a
--     mask of each setting's reported months;
--   * settings and providers are gathered apart, each a set of ids;
--   * each setting's latest inspection is read from an index in that order;
--   * the window's Reg 44 reports come from an index by month, and the
--     missing Reg 44 pages (015) find their months with the same masks;
--   * the subjects and facts are answered as they are (risk_parts): the
--     service joins them into documents (risk_parts.c), which cost less
--     there than the joins, the window and the sorts of 19,600 reasons here.

-- ---- policies: the request's identity once per statement --------------------
ALTER POLICY inspections_tenant ON inspections
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY placement_stops_tenant ON placement_stops
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY placement_stop_acknowledgements_read ON placement_stop_acknowledgements
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY qa_policies_tenant ON qa_policies
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY visits_read ON visits
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY visits_update ON visits
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND org_id = (SELECT hearth.current_org()));
ALTER POLICY reg44_reports_read ON reg44_reports
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY reg45_reviews_read ON reg45_reviews
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY risk_overrides_tenant ON risk_overrides
    USING (tenant_id = (SELECT hearth.current_tenant()));
ALTER POLICY concerns_visible ON concerns
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND (child_id IS NULL OR raised_by_org_id = (SELECT hearth.current_org()))
           AND (NOT (SELECT qa.concerns_org_is_provider())
                OR raised_by_org_id = (SELECT hearth.current_org())));
ALTER POLICY concerns_update ON concerns
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND (child_id IS NULL OR raised_by_org_id = (SELECT hearth.current_org()))
           AND (NOT (SELECT qa.concerns_org_is_provider())
                OR raised_by_org_id = (SELECT hearth.current_org())));
ALTER POLICY action_plans_visible ON action_plans
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND ((SELECT coalesce(current_setting('hearth.org_kind', true), '')) <> 'provider'
                OR provider_id = (SELECT qa.action_plans_own_provider())));
ALTER POLICY action_plans_update ON action_plans
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND ((SELECT coalesce(current_setting('hearth.org_kind', true), '')) <> 'provider'
                OR provider_id = (SELECT qa.action_plans_own_provider())));

-- ---- the window's Reg 44 reports ---------------------------------------------------
-- The reports of a few months, tenant-wide (the Reg 44 rule's three, the
-- missing list's twelve): read from an index in month order rather than by
-- scanning every report of the tenant (87,000 in the bench, 22,000 wanted).
CREATE INDEX reg44_reports_month_idx ON reg44_reports (tenant_id, month)
    INCLUDE (setting_id, received_on);

-- ---- the unreported Reg 44 months -------------------------------------------------
-- reg44_missing() (006) for the p_months months before p_day's month, from
-- masks: p_settings, p_providers and p_masks parallel, p_masks[i] the
-- months_mask of placements_api.settings_occupied_masks over those months
-- (bit 0 the first). A (month, setting) is answered when a child was placed
-- there that month, its report was due (the month's last day plus the
-- policy's reg44_due_days) before p_day and none was received by p_day.
-- Each setting's received months become a mask too, so the test is a few
-- bit operations a setting rather than an anti join a month. Any setting
-- type: the callers keep the children's homes.
CREATE FUNCTION reg44_unreported(p_day date, p_months integer, p_settings uuid[],
                                 p_providers uuid[], p_masks bigint[])
    RETURNS TABLE (month date, setting_id uuid, provider_id uuid, due_on date)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS MATERIALIZED (
        SELECT (qa.qa_policy_doc() ->> 'reg44_due_days')::integer AS due_days
    ), months AS MATERIALIZED (
        -- The months whose report was due before p_day, each with its bit.
        -- (An integer series: the planner knows how many.)
        SELECT g.j AS bit, m.month,
               (m.month + interval '1 month')::date - 1 + d.due_days AS due_on
        FROM generate_series(0, p_months - 1) AS g(j)
        CROSS JOIN LATERAL (
            SELECT (date_trunc('month', p_day) - make_interval(months => p_months - g.j))::date
                   AS month) m
        CROSS JOIN policy d
        WHERE (m.month + interval '1 month')::date - 1 + d.due_days < p_day
    ), reported AS MATERIALIZED (
        -- Each setting's months among those with a report received by p_day.
        SELECT r.setting_id, bit_or(1::bigint << m.bit) AS mask
        FROM qa.reg44_reports r
        JOIN months m ON m.month = r.month
        WHERE r.tenant_id = hearth.current_tenant() AND r.received_on <= p_day
          AND r.month >= (date_trunc('month', p_day) - make_interval(months => p_months))::date
          AND r.month < date_trunc('month', p_day)::date
        GROUP BY r.setting_id
    )
    SELECT m.month, p.setting_id, p.provider_id, m.due_on
    FROM unnest(p_settings, p_providers, p_masks) AS p(setting_id, provider_id, mask)
    LEFT JOIN reported r ON r.setting_id = p.setting_id
    JOIN months m ON (p.mask & ~coalesce(r.mask, 0) & (1::bigint << m.bit)) <> 0
    $$;

-- ---- each setting's latest inspection -------------------------------------------------
-- The latest is the first by (inspected_on, created_at, id) descending;
-- with id in the key the index answers that order itself, so the rule reads
-- the first entry of each setting instead of sorting 20,000 inspections.
-- Same leading keys: what read the old one reads this one.
DROP INDEX inspections_latest_idx;
CREATE INDEX inspections_latest_idx ON inspections
    (tenant_id, setting_id, inspected_on DESC, created_at DESC, id DESC)
    INCLUDE (provider_id, regulator, inspection_type, risk_band);

-- ---- the rules ------------------------------------------------------------------
-- The rules of risk_facts_placed (014), the Reg 44 months given as masks:
-- p_settings, p_providers and p_masks parallel, p_masks[i] the
-- months_mask of settings_occupied_masks over the three months before
-- p_day's month (bit 0 the first of them) for that setting and provider.
CREATE FUNCTION risk_facts_masked(p_day date, p_provider uuid, p_settings uuid[],
                                  p_providers uuid[], p_masks bigint[])
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_custom_plan
    -- The planner cannot tell that the months are three and overestimates
    -- the masks' join by orders of magnitude; JIT compiling for that
    -- estimate cost a second a call.
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
        SELECT (d ->> 'instability_endings')::integer AS endings,
               (d ->> 'reg44_due_days')::integer AS due_days
        FROM qa.qa_policy_doc() AS d
    ), due AS MATERIALIZED (
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

-- Every rule's facts on p_day (optionally of one provider): what risk_rows()
-- reads, alone.
CREATE OR REPLACE FUNCTION risk_facts(p_day date, p_provider uuid)
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        SELECT s.setting_id, s.provider_id, s.months_mask
        FROM placements_api.settings_occupied_masks(
                 hearth.current_tenant(), p_provider, p_day,
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
        WHERE s.months_mask <> 0
    )
    SELECT f.*
    FROM qa.risk_facts_masked(p_day, p_provider,
                              ARRAY(SELECT p.setting_id FROM placed p),
                              ARRAY(SELECT p.provider_id FROM placed p),
                              ARRAY(SELECT p.months_mask FROM placed p)) f
    $$;

-- The parts of the risk of the subjects asked for (arguments as risk_rows,
-- 014): a row per subject, then a row per fact, in no order.
--   * a subject row: subject_type ('setting' or 'provider'), subject_id,
--     provider_id (the setting's provider; a provider's own id), and the
--     subject's current override when one is in force on p_day (the latest
--     unexpired; override_id NULL when none); the fact columns NULL.
--   * a fact row: subject_type and subject_id NULL; provider_id, scope
--     ('setting', 'provider', 'setting_endings', 'provider_endings'),
--     setting_id (NULL for a provider's own facts) and the reason: rule, rag,
--     detail, source_type, source_id.
-- Every fact of the subjects' providers is answered, some perhaps of no
-- subject asked for. Which facts are whose reasons is the caller's: a
-- setting's are its own facts and endings (scope 'setting' and
-- 'setting_endings' of its id) and the stops against its whole provider
-- (scope 'provider', rule 'placement_stop'); a provider's every fact of it
-- except its settings' endings (scope 'setting', 'provider' and
-- 'provider_endings'). risk_rows() below joins them so; the service does
-- the same in C (risk_document.c), which for a whole tenant is most of what
-- joining, ranking and ordering 19,600 reasons here cost.
CREATE FUNCTION risk_parts(p_day date, p_type text, p_provider uuid, p_subject uuid)
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
    ), providers AS (
        -- Their providers, the providers of any fact, the overridden ones.
        SELECT s.provider_id FROM settings s
        UNION
        SELECT f.provider_id FROM facts f
        UNION
        SELECT o.subject_id FROM qa.risk_overrides o
        WHERE o.subject_type = 'provider' AND (p_provider IS NULL OR o.subject_id = p_provider)
    ), wanted AS (
        SELECT 'setting' AS subject_type, s.setting_id AS subject_id, s.provider_id
        FROM settings s
        WHERE (p_type IS NULL OR p_type = 'setting')
          AND (p_subject IS NULL OR s.setting_id = p_subject)
        UNION ALL
        SELECT 'provider', p.provider_id, p.provider_id
        FROM providers p
        WHERE (p_type IS NULL OR p_type = 'provider')
          AND (p_subject IS NULL OR p.provider_id = p_subject)
    ), current_override AS (
        -- Each subject's latest override unexpired on p_day.
        SELECT DISTINCT ON (o.subject_type, o.subject_id) o.*
        FROM qa.risk_overrides o
        WHERE o.created_at::date <= p_day AND o.expires_on > p_day
          AND (p_type IS NULL OR o.subject_type = p_type)
          AND (p_subject IS NULL OR o.subject_id = p_subject)
        ORDER BY o.subject_type, o.subject_id, o.created_at DESC, o.id DESC
    )
    SELECT w.subject_type, w.subject_id, w.provider_id, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, o.id, o.rag, o.reason, o.expires_on, o.created_by_org_id,
           hearth.ts(o.created_at)
    FROM wanted w
    LEFT JOIN current_override o
      ON o.subject_type = w.subject_type AND o.subject_id = w.subject_id
    UNION ALL
    SELECT NULL, NULL, f.provider_id, f.scope, f.setting_id, f.rule, f.rag, f.detail,
           f.source_type, f.source_id, NULL, NULL, NULL, NULL, NULL, NULL
    FROM facts f
    $$;

-- risk_rows (014): same arguments, columns, rows and order, from
-- risk_parts(). What the scorecards' RAG (risk_rags) reads; /v1/risk reads
-- the parts.
CREATE OR REPLACE FUNCTION risk_rows(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (subject_type text, subject_id uuid, rag text, computed_rag text,
                   rule text, reason_rag text, detail text, source_type text, source_id uuid,
                   override_id uuid, override_rag text, override_reason text,
                   override_expires_on date, override_created_by_org_id uuid,
                   override_created_at text)
    LANGUAGE sql STABLE
    AS $$
    WITH parts AS MATERIALIZED (
        SELECT * FROM qa.risk_parts(p_day, p_type, p_provider, p_subject)
    ), wanted AS (
        SELECT * FROM parts p WHERE p.subject_type IS NOT NULL
    ), facts AS (
        -- (scope, not subject_type IS NULL: the planner guesses few rows for
        -- IS NULL of a function's column and nests the joins below.)
        SELECT * FROM parts p WHERE p.scope IS NOT NULL
    ), reasons AS (
        SELECT w.subject_type, w.subject_id, f.rule, f.rag, f.detail, f.source_type, f.source_id
        FROM wanted w JOIN facts f
          ON w.subject_type = 'setting' AND f.setting_id = w.subject_id
         AND f.scope IN ('setting', 'setting_endings')
        UNION ALL
        SELECT w.subject_type, w.subject_id, f.rule, f.rag, f.detail, f.source_type, f.source_id
        FROM wanted w JOIN facts f
          ON w.subject_type = 'setting' AND f.provider_id = w.provider_id
         AND f.scope = 'provider' AND f.rule = 'placement_stop'
        UNION ALL
        SELECT w.subject_type, w.subject_id, f.rule, f.rag, f.detail, f.source_type, f.source_id
        FROM wanted w JOIN facts f
          ON w.subject_type = 'provider' AND f.provider_id = w.subject_id
         AND f.scope IN ('setting', 'provider', 'provider_endings')
    ), judged AS (
        -- computed_rag: the worst reason's, green with none; rag: the
        -- override's when one is in force.
        SELECT w.subject_type, w.subject_id, r.rule, r.rag, r.detail, r.source_type,
               r.source_id, w.override_id, w.override_rag, w.override_reason,
               w.override_expires_on, w.override_created_by_org_id, w.override_created_at,
               CASE WHEN bool_or(r.rag = 'red') OVER subject THEN 'red'
                    WHEN bool_or(r.rag = 'amber') OVER subject THEN 'amber'
                    ELSE 'green' END AS computed_rag
        FROM wanted w
        LEFT JOIN reasons r ON r.subject_type = w.subject_type AND r.subject_id = w.subject_id
        WINDOW subject AS (PARTITION BY w.subject_type, w.subject_id)
    )
    SELECT j.subject_type, j.subject_id, coalesce(j.override_rag, j.computed_rag),
           j.computed_rag, j.rule, j.rag, j.detail, j.source_type, j.source_id,
           j.override_id, j.override_rag, j.override_reason, j.override_expires_on,
           j.override_created_by_org_id, j.override_created_at
    FROM judged j
    ORDER BY j.subject_type, j.subject_id, j.rag = 'amber', j.rule, j.source_id, j.detail
    $$;

-- The missing Reg 44 reports' pages (015), their unreported months from
-- masks as the risk's (reg44_unreported above): same pairs, same pages,
-- same documents.
CREATE OR REPLACE FUNCTION reg44_missing_page(p_day date, p_after_month date,
                                              p_after_setting uuid,
                                              p_limit integer)
    RETURNS TABLE (doc jsonb, month date, setting_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH placed AS MATERIALIZED (
        SELECT s.setting_id, s.provider_id, s.months_mask
        FROM placements_api.settings_occupied_masks(
                 hearth.current_tenant(), NULL,
                 date_trunc('month', p_day)::date - 1,
                 (date_trunc('month', p_day) - interval '12 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
        WHERE s.months_mask <> 0
    ), unreported AS MATERIALIZED (
        SELECT u.*
        FROM qa.reg44_unreported(p_day, 12, ARRAY(SELECT p.setting_id FROM placed p),
                                 ARRAY(SELECT p.provider_id FROM placed p),
                                 ARRAY(SELECT p.months_mask FROM placed p)) u
        WHERE p_after_month IS NULL
           OR (u.month, u.setting_id) > (p_after_month, p_after_setting)
    ), homes AS MATERIALIZED (
        SELECT s.setting_id
        FROM providers_api.setting_profiles(hearth.current_tenant(),
                                            ARRAY(SELECT DISTINCT u.setting_id
                                                  FROM unreported u)) s
        WHERE s.setting_type = 'childrens_home'
    ), missing AS MATERIALIZED (
        -- The page, before its councils are asked for.
        SELECT u.* FROM unreported u JOIN homes h ON h.setting_id = u.setting_id
        ORDER BY u.month, u.setting_id
        LIMIT p_limit
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
               'councils', c.councils),
           m.month, m.setting_id
    FROM missing m
    JOIN councils c ON c.month = m.month AND c.setting_id = m.setting_id
    ORDER BY m.month, m.setting_id
    $$;

DROP FUNCTION risk_facts_placed(date, uuid, uuid[], uuid[], date[]);
