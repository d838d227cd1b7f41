-- 006_reg44_reg45: the independent person's monthly Reg 44 reports on each
-- children's home, the registered manager's Reg 45 quality-of-care reviews,
-- and the list of Reg 44 reports that are missing (API.md §5).
--
-- Provider intelligence: every organisation of the tenant reads them. The
-- provider submits its own (the service checks that a provider
-- organisation's setting is its own); councils, the consortium team and
-- admins may record one received by other means. submitted_by_org_id is the
-- recording organisation. Reports are corrected by a new record of the
-- regulator's process, not here: they are only added.

CREATE TABLE reg44_reports (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id                   uuid NOT NULL REFERENCES hearth.tenants (id),
    setting_id                  uuid NOT NULL,
    provider_id                 uuid NOT NULL,
    month                       date NOT NULL CHECK (month = date_trunc('month', month)::date),
    visited_on                  date NOT NULL,
    visitor_name                text NOT NULL CHECK (length(visitor_name) BETWEEN 1 AND 200),
    received_on                 date NOT NULL DEFAULT current_date,
    children_safeguarded        text NOT NULL DEFAULT 'not_stated'
                                    CHECK (children_safeguarded IN ('yes', 'no', 'not_stated')),
    wellbeing_promoted          text NOT NULL DEFAULT 'not_stated'
                                    CHECK (wellbeing_promoted IN ('yes', 'no', 'not_stated')),
    registered_manager_in_post  boolean NOT NULL,
    recommendations             jsonb NOT NULL DEFAULT '[]'
                                    CHECK (jsonb_typeof(recommendations) = 'array'),
    summary                     text CHECK (length(summary) BETWEEN 1 AND 8000),
    submitted_by_org_id         uuid NOT NULL DEFAULT hearth.current_org(),
    version                     bigint NOT NULL DEFAULT 1,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    -- One report per home and month: a second is a conflict, not a copy.
    CONSTRAINT reg44_reports_once_key UNIQUE (tenant_id, setting_id, month),
    CONSTRAINT reg44_reports_received_check CHECK (received_on >= visited_on)
);

CREATE INDEX reg44_reports_list_idx ON reg44_reports (tenant_id, created_at, id);

ALTER TABLE reg44_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE reg44_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY reg44_reports_read ON reg44_reports FOR SELECT
    USING (tenant_id = hearth.current_tenant());
CREATE POLICY reg44_reports_insert ON reg44_reports FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant() AND submitted_by_org_id = hearth.current_org());

CREATE FUNCTION reg44_report_doc(r reg44_reports) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'setting_id', r.setting_id, 'provider_id', r.provider_id,
        'month', to_char(r.month, 'YYYY-MM'), 'visited_on', r.visited_on,
        'visitor_name', r.visitor_name, 'received_on', r.received_on,
        'children_safeguarded', r.children_safeguarded,
        'wellbeing_promoted', r.wellbeing_promoted,
        'registered_manager_in_post', r.registered_manager_in_post,
        'recommendations', r.recommendations, 'summary', r.summary,
        'submitted_by_org_id', r.submitted_by_org_id, 'version', r.version,
        'created_at', hearth.ts(r.created_at), 'updated_at', hearth.ts(r.updated_at))
    $$;

CREATE TABLE reg45_reviews (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid NOT NULL REFERENCES hearth.tenants (id),
    setting_id          uuid NOT NULL,
    provider_id         uuid NOT NULL,
    period_from         date NOT NULL,
    period_to           date NOT NULL,
    received_on         date NOT NULL DEFAULT current_date,
    summary             text CHECK (length(summary) BETWEEN 1 AND 8000),
    submitted_by_org_id uuid NOT NULL DEFAULT hearth.current_org(),
    version             bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reg45_reviews_period_check CHECK (period_to >= period_from),
    CONSTRAINT reg45_reviews_once_key UNIQUE (tenant_id, setting_id, period_from)
);

CREATE INDEX reg45_reviews_list_idx ON reg45_reviews (tenant_id, created_at, id);

ALTER TABLE reg45_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE reg45_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY reg45_reviews_read ON reg45_reviews FOR SELECT
    USING (tenant_id = hearth.current_tenant());
CREATE POLICY reg45_reviews_insert ON reg45_reviews FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant() AND submitted_by_org_id = hearth.current_org());

CREATE FUNCTION reg45_review_doc(r reg45_reviews) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'setting_id', r.setting_id, 'provider_id', r.provider_id,
        'period_from', r.period_from, 'period_to', r.period_to,
        'received_on', r.received_on, 'summary', r.summary,
        'submitted_by_org_id', r.submitted_by_org_id, 'version', r.version,
        'created_at', hearth.ts(r.created_at), 'updated_at', hearth.ts(r.updated_at))
    $$;

-- The missing Reg 44 reports as known on p_day: for each of the 12 months
-- before p_day's month whose due day (the month's end plus reg44_due_days of
-- the policy) is before p_day, each childrens_home setting with a child
-- placed by any organisation of the tenant on any day of that month and no
-- report for that month received by p_day, with the organisations that had a
-- child placed there that month. Runs as the caller; the published functions
-- check the tenant.
CREATE FUNCTION reg44_missing(p_day date) RETURNS TABLE (doc jsonb)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS (
        SELECT (qa.qa_policy_doc() ->> 'reg44_due_days')::integer AS due_days
    ), placed AS (
        SELECT m.month, m.setting_id, m.provider_id,
               jsonb_agg(jsonb_build_object('org_id', m.org_id, 'placements', m.placements)
                         ORDER BY m.org_id) AS councils
        FROM placements_api.settings_with_children_by_month(
                 hearth.current_tenant(),
                 (date_trunc('month', p_day) - interval '12 months')::date,
                 (date_trunc('month', p_day) - interval '1 month')::date) m
        GROUP BY m.month, m.setting_id, m.provider_id
    ), due AS (
        SELECT p.*, ((p.month + interval '1 month')::date - 1 + policy.due_days) AS due_on
        FROM placed p CROSS JOIN policy
    )
    SELECT jsonb_build_object(
               'setting_id', d.setting_id, 'provider_id', d.provider_id,
               'month', to_char(d.month, 'YYYY-MM'), 'due_on', d.due_on,
               'councils', d.councils)
    FROM due d
    CROSS JOIN LATERAL providers_api.setting_profile(hearth.current_tenant(), d.setting_id) s
    WHERE d.due_on < p_day AND s.setting_type = 'childrens_home'
      AND NOT EXISTS (SELECT 1 FROM qa.reg44_reports r
                      WHERE r.tenant_id = hearth.current_tenant()
                        AND r.setting_id = d.setting_id AND r.month = d.month
                        AND r.received_on <= p_day)
    ORDER BY d.month, d.setting_id
    $$;

-- Reports and reviews are only added.
DO $$
DECLARE
    r text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON reg44_reports TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT ON reg45_reviews TO %I', r);
END
$$;
