-- 015_reg44_missing_occupied: the missing Reg 44 reports (013) find the
-- months a child was placed at each setting from
-- placements_api.settings_occupied (placements 022), as risk does (014):
-- the open placements read as one probe per setting, not every one of them
-- (over 1,000,000 placements and 12 months, ~360,000 index entries
-- aggregated before). Same pairs, same pages, same documents.

CREATE OR REPLACE FUNCTION reg44_missing_page(p_day date, p_after_month date,
                                              p_after_setting uuid,
                                              p_limit integer)
    RETURNS TABLE (doc jsonb, month date, setting_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS MATERIALIZED (
        SELECT (qa.qa_policy_doc() ->> 'reg44_due_days')::integer AS due_days
    ), placed AS (
        SELECT m.month, s.setting_id, s.provider_id,
               ((m.month + interval '1 month')::date - 1 + policy.due_days) AS due_on
        FROM placements_api.settings_occupied(
                 hearth.current_tenant(), NULL,
                 date_trunc('month', p_day)::date - 1,
                 (date_trunc('month', p_day) - interval '12 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) s
        CROSS JOIN LATERAL unnest(s.months) AS m(month)
        CROSS JOIN policy
    ), unreported AS MATERIALIZED (
        SELECT p.* FROM placed p
        WHERE p.due_on < p_day
          AND (p_after_month IS NULL
               OR (p.month, p.setting_id) > (p_after_month, p_after_setting))
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
