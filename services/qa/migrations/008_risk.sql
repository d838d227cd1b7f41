-- 008_risk: the explained RAG of every provider and setting (API.md §5,
-- /v1/risk), computed on each read from current data in one set-based query,
-- and the overrides that set a subject's RAG by judgement for a while.
--
-- The rules (thresholds from qa_policy_doc()), each a reason with the record
-- behind it, evaluated on a day p_day (as_at):
--   red    inspection_red            the setting's latest inspection on or before p_day
--                                    has risk_band red
--          placement_stop            a stop in force (not lifted, effective_from <= p_day)
--                                    against the setting or its whole provider
--          allegation_open           an allegation not closed
--          significant_concern_open  a significant concern of any kind not closed
--   amber  inspection_amber          the latest inspection's band is amber
--          moderate_concern_open     a moderate concern not closed
--          reg44_missing             a Reg 44 report missing (as reg44_missing(p_day)
--                                    says) for one of the 3 months before p_day's month
--          reg44_no_registered_manager  the latest Reg 44 report received by p_day says
--                                    no registered manager is in post
--          action_items_overdue      an open plan with items open past due on p_day
--          unplanned_endings         placements there ended unplanned (breakdown_*) in
--                                    the 12 months to p_day reach instability_endings
-- A provider's risk includes the findings of each of its settings (a
-- setting's inspection, concerns, Reg 44, plans and stops are the
-- provider's too) and its own (records naming no setting); its
-- unplanned_endings counts every ending at the provider. A setting's risk
-- includes a stop against its whole provider, nothing else of the provider's.
-- Statuses (a concern open, a stop in force) are today's; p_day moves the
-- dates the rules look at.
--
-- The subjects answered: every provider and setting a record of this
-- service names, every setting with a child placed on p_day and every
-- ending counted, so a subject nothing has fired for is green with no
-- reasons. Runs as the caller: a concern naming a child counts only for its
-- raising organisation, exactly as it is shown.

CREATE TABLE risk_overrides (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES hearth.tenants (id),
    subject_type      text NOT NULL CHECK (subject_type IN ('provider', 'setting')),
    subject_id        uuid NOT NULL,
    rag               text NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    expires_on        date NOT NULL,
    created_by_org_id uuid NOT NULL DEFAULT hearth.current_org(),
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT risk_overrides_expiry_check CHECK (expires_on > created_at::date)
);

CREATE INDEX risk_overrides_list_idx ON risk_overrides (tenant_id, created_at, id);
CREATE INDEX risk_overrides_subject_idx ON risk_overrides (tenant_id, subject_type, subject_id,
                                                          expires_on);

ALTER TABLE risk_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY risk_overrides_tenant ON risk_overrides
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE FUNCTION risk_override_doc(o risk_overrides) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', o.id, 'subject_type', o.subject_type, 'subject_id', o.subject_id,
        'rag', o.rag, 'reason', o.reason, 'expires_on', o.expires_on,
        'created_by_org_id', o.created_by_org_id, 'version', o.version,
        'created_at', hearth.ts(o.created_at), 'updated_at', hearth.ts(o.updated_at))
    $$;

-- Rules that fired on p_day, one row each: facts about settings (scope
-- 'setting', with the setting's provider), facts about a whole provider
-- (scope 'provider'), and the unplanned endings already summed per subject.
-- p_provider, when given, limits everything to one provider (and its
-- settings): the answer about one subject reads only what concerns it.
CREATE FUNCTION risk_facts(p_day date, p_provider uuid)
    RETURNS TABLE (scope text, provider_id uuid, setting_id uuid, rule text, rag text,
                   detail text, source_type text, source_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH latest_inspection AS (
        SELECT DISTINCT ON (i.setting_id) i.*
        FROM qa.inspections i
        WHERE i.tenant_id = hearth.current_tenant() AND i.inspected_on <= p_day
          AND (p_provider IS NULL OR i.provider_id = p_provider)
        ORDER BY i.setting_id, i.inspected_on DESC, i.created_at DESC
    ), latest_reg44 AS (
        SELECT DISTINCT ON (r.setting_id) r.*
        FROM qa.reg44_reports r
        WHERE r.tenant_id = hearth.current_tenant() AND r.received_on <= p_day
          AND (p_provider IS NULL OR r.provider_id = p_provider)
        ORDER BY r.setting_id, r.month DESC, r.created_at DESC
    ), endings AS (
        SELECT e.provider_id, e.setting_id, e.endings
        FROM placements_api.unplanned_endings(hearth.current_tenant(),
                                              (p_day - interval '12 months')::date + 1, p_day) e
        WHERE p_provider IS NULL OR e.provider_id = p_provider
    ), threshold AS (
        SELECT (qa.qa_policy_doc() ->> 'instability_endings')::integer AS endings
    ), reg44_missing_recent AS MATERIALIZED (
        -- reg44_missing() (qa 006) for the 3 months before p_day's month,
        -- the register asked only about the settings with no report.
        SELECT m.month, m.setting_id, m.provider_id,
               (m.month + interval '1 month')::date - 1 + d.due_days AS due_on
        FROM placements_api.settings_with_children_by_month(
                 hearth.current_tenant(),
                 (date_trunc('month', p_day) - interval '3 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) m
        CROSS JOIN (SELECT (qa.qa_policy_doc() ->> 'reg44_due_days')::integer AS due_days) d
        WHERE (m.month + interval '1 month')::date - 1 + d.due_days < p_day
          AND (p_provider IS NULL OR m.provider_id = p_provider)
          AND NOT EXISTS (SELECT 1 FROM qa.reg44_reports r
                          WHERE r.tenant_id = hearth.current_tenant()
                            AND r.setting_id = m.setting_id AND r.month = m.month
                            AND r.received_on <= p_day)
        GROUP BY m.month, m.setting_id, m.provider_id, d.due_days
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
    CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), m.setting_id) s
    WHERE s.setting_type = 'childrens_home'
    UNION ALL
    SELECT 'setting', r.provider_id, r.setting_id, 'reg44_no_registered_manager', 'amber',
           format('Latest Reg 44 report (%s) says no registered manager is in post',
                  to_char(r.month, 'YYYY-MM')),
           'reg44_report', r.id
    FROM latest_reg44 r WHERE NOT r.registered_manager_in_post
    UNION ALL
    SELECT CASE WHEN a.setting_id IS NULL THEN 'provider' ELSE 'setting' END,
           a.provider_id, a.setting_id, 'action_items_overdue', 'amber',
           format('%s action item(s) open past their due day', o.n),
           'action_plan', a.id
    FROM qa.action_plans a
    CROSS JOIN LATERAL (SELECT qa.action_plan_overdue_items(a.items, p_day) AS n) o
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
    WHERE x.n >= t.endings AND (x.scope = 'provider_endings' OR x.setting_id IS NOT NULL)
    $$;

-- The risk documents on p_day, worst first: every subject of p_type (NULL:
-- both), or the one subject p_subject of provider p_provider.
CREATE FUNCTION risk_docs(p_day date, p_type text, p_provider uuid, p_subject uuid)
    RETURNS TABLE (doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH facts AS (
        SELECT * FROM qa.risk_facts(p_day, p_provider)
    ), subjects AS (
        SELECT 'setting' AS subject_type, f.setting_id AS subject_id, f.provider_id
        FROM facts f WHERE f.setting_id IS NOT NULL AND f.scope <> 'provider_endings'
        UNION
        SELECT 'setting', s.setting_id, s.provider_id
        FROM placements_api.settings_with_children(hearth.current_tenant(), NULL, p_day) s
        WHERE p_provider IS NULL OR s.provider_id = p_provider
        UNION
        SELECT 'setting', i.setting_id, i.provider_id FROM qa.inspections i
        WHERE i.tenant_id = hearth.current_tenant()
          AND (p_provider IS NULL OR i.provider_id = p_provider)
        UNION
        SELECT 'setting', v.setting_id, v.provider_id FROM qa.visits v
        WHERE v.tenant_id = hearth.current_tenant()
          AND (p_provider IS NULL OR v.provider_id = p_provider)
        UNION
        SELECT 'setting', o.subject_id, s.provider_id
        FROM qa.risk_overrides o
        CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), o.subject_id) s
        WHERE o.tenant_id = hearth.current_tenant() AND o.subject_type = 'setting'
          AND (p_provider IS NULL OR s.provider_id = p_provider)
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
    LEFT JOIN LATERAL (
        SELECT o.* FROM qa.risk_overrides o
        WHERE o.tenant_id = hearth.current_tenant() AND o.subject_type = j.subject_type
          AND o.subject_id = j.subject_id AND o.created_at::date <= p_day
          AND o.expires_on > p_day
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT 1) o ON true
    ORDER BY array_position(ARRAY['red', 'amber', 'green'], coalesce(o.rag, j.computed_rag)),
             j.subject_type, j.subject_id
    $$;

-- Overrides are made and expire, never edited or removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON risk_overrides TO %I',
                   current_setting('hearth.service_role'));
END
$$;
