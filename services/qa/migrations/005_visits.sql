-- 005_visits: monitoring visits to the tenant's settings by councils and the
-- consortium team (API.md §5), and the due list built from them.
--
-- Provider intelligence: every organisation of the tenant reads visits (they
-- never name a child). The visiting organisation is the recording one
-- (org_id, from the request); only it may change its visit, so another
-- organisation's visit is absent to an update (404). A completed visit says
-- when it happened and what RAG it gave; the latest completed visit's RAG is
-- the setting's current RAG for the due list.

CREATE TABLE visits (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES hearth.tenants (id),
    setting_id    uuid NOT NULL,
    provider_id   uuid NOT NULL,
    org_id        uuid NOT NULL DEFAULT hearth.current_org(),
    kind          text NOT NULL CHECK (kind IN ('planned', 'responsive')),
    notice        text NOT NULL CHECK (notice IN ('announced', 'unannounced')),
    scheduled_for date,
    visited_on    date,
    visited_by    text CHECK (length(visited_by) BETWEEN 1 AND 200),
    findings      text CHECK (length(findings) BETWEEN 1 AND 8000),
    rag           text CHECK (rag IN ('red', 'amber', 'green')),
    status        text NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('scheduled', 'completed', 'cancelled')),
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visits_completed_check
        CHECK (status <> 'completed' OR (visited_on IS NOT NULL AND rag IS NOT NULL)),
    CONSTRAINT visits_scheduled_check CHECK (status <> 'scheduled' OR scheduled_for IS NOT NULL),
    CONSTRAINT visits_rag_when_completed CHECK (rag IS NULL OR status = 'completed')
);

CREATE INDEX visits_list_idx ON visits (tenant_id, created_at, id);
-- The due list: the latest completed visit of each setting.
CREATE INDEX visits_setting_completed_idx ON visits (tenant_id, setting_id, visited_on DESC)
    INCLUDE (rag) WHERE status = 'completed';

ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
ALTER TABLE visits FORCE ROW LEVEL SECURITY;
CREATE POLICY visits_read ON visits FOR SELECT
    USING (tenant_id = hearth.current_tenant());
CREATE POLICY visits_insert ON visits FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());
CREATE POLICY visits_update ON visits FOR UPDATE
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

CREATE TRIGGER visits_version BEFORE UPDATE ON visits
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

CREATE FUNCTION visit_doc(v visits) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', v.id, 'setting_id', v.setting_id, 'provider_id', v.provider_id,
        'org_id', v.org_id, 'kind', v.kind, 'notice', v.notice,
        'scheduled_for', v.scheduled_for, 'visited_on', v.visited_on,
        'visited_by', v.visited_by, 'findings', v.findings, 'rag', v.rag,
        'status', v.status, 'version', v.version,
        'created_at', hearth.ts(v.created_at), 'updated_at', hearth.ts(v.updated_at))
    $$;

-- The due list on p_day: every setting where the request's organisation (the
-- consortium team: any organisation of the tenant) has a child placed on
-- p_day, with its last completed visit, the interval of its current RAG (the
-- latest completed visit's; never visited: the green interval) and the day
-- the next visit is due: the last visit plus the interval (month arithmetic:
-- 30 November plus 3 months is 28 February), or, never visited, the start of
-- its first placement active on p_day. Overdue when due before p_day. Runs as
-- the caller; the placements aggregate checks the tenant.
CREATE FUNCTION visits_due(p_day date) RETURNS TABLE (doc jsonb, setting_id uuid)
    LANGUAGE sql STABLE
    AS $$
    WITH policy AS (
        SELECT qa.qa_policy_doc() AS doc
    ), placed AS (
        SELECT s.setting_id, s.provider_id, s.placements, s.first_start
        FROM placements_api.settings_with_children(
                 hearth.current_tenant(),
                 CASE WHEN current_setting('hearth.org_kind', true) = 'consortium' THEN NULL
                      ELSE hearth.current_org() END,
                 p_day) s
    ), last AS (
        SELECT p.*, l.visited_on AS last_visit_on, l.rag,
               qa.qa_policy_visit_interval(policy.doc, l.rag) AS interval_months
        FROM placed p CROSS JOIN policy
        LEFT JOIN LATERAL (
            SELECT v.visited_on, v.rag FROM qa.visits v
            WHERE v.tenant_id = hearth.current_tenant() AND v.setting_id = p.setting_id
              AND v.status = 'completed' AND v.visited_on <= p_day
            ORDER BY v.visited_on DESC, v.created_at DESC
            LIMIT 1) l ON true
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

-- Visits are recorded, completed or cancelled, never removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON visits TO %I',
                   current_setting('hearth.service_role'));
END
$$;
