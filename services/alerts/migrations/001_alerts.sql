-- 001_alerts: alerts for one organisation each, with their deadlines (API.md §6).
--
-- An alert is the organisation's own: row-level security shows it only to
-- that organisation of that tenant, like a child-level record, so a forgotten
-- WHERE clause cannot show one council's alerts (some name a child's
-- placement) to another. Alerts are made by the service's background workers
-- (the event consumer, the periodic checks), never by a request: a worker's
-- transaction sets the tenant it works for and hearth.worker = 'alerts' and
-- no organisation, which no request can have (hearth.begin_request requires
-- one), and the worker policies below answer to exactly that.
--
-- One alert per organisation, kind and source event: the unique key the
-- consumer inserts against (ON CONFLICT DO NOTHING), so an event handled twice
-- could never alert twice even if the consumer's position were lost.

-- The events consumer reads every service's outbox through this role (API.md §7).
GRANT hearth_event_reader TO hearth_alerts;

CREATE FUNCTION is_worker() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT hearth.current_org() IS NULL
       AND coalesce(current_setting('hearth.worker', true), '') = 'alerts'
    $$;

CREATE TABLE alerts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES hearth.tenants (id),
    org_id           uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('inadequate_judgement', 'placement_stop',
                         'placement_stop_overridden', 'reg44_missing', 'ipa_reissue_required',
                         'placement_instability', 'action_overdue', 'concern_escalated',
                         'registration_changed')),
    subject_type     text NOT NULL CHECK (length(subject_type) BETWEEN 1 AND 64),
    subject_id       uuid,
    source_event_id  uuid NOT NULL,
    source_type      text NOT NULL,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    detail           text CHECK (length(detail) <= 4000),
    severity         text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    status           text NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'acknowledged', 'resolved')),
    escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
    -- The rule's ceiling when the alert was made (escalation.max_level, 0 when off).
    escalation_max   integer NOT NULL DEFAULT 3 CHECK (escalation_max BETWEEN 0 AND 3),
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    acknowledge_note text CHECK (length(acknowledge_note) <= 4000),
    resolved_at      timestamptz,
    resolved_by      text,
    resolution       text CHECK (length(resolution) <= 4000),
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alerts_once UNIQUE (tenant_id, org_id, kind, source_event_id)
);

CREATE INDEX alerts_org_list_idx ON alerts (tenant_id, org_id, created_at, id);
CREATE INDEX alerts_subject_idx ON alerts (tenant_id, org_id, subject_type, subject_id);

ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY alerts_own ON alerts
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());
-- Workers: every organisation of the tenant they work for.
CREATE POLICY alerts_worker ON alerts
    USING (alerts.is_worker() AND tenant_id = hearth.current_tenant())
    WITH CHECK (alerts.is_worker() AND tenant_id = hearth.current_tenant());

CREATE TRIGGER alerts_version BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The clocks of an alert: `visit`, `decision`, `acknowledge`, ... each due at
-- a time computed when the alert was made, met when the organisation says so.
-- next_escalation_at is when the escalation clock next looks at a missed one.
CREATE TABLE alert_deadlines (
    alert_id           uuid NOT NULL REFERENCES alerts (id),
    tenant_id          uuid NOT NULL,
    org_id             uuid NOT NULL,
    name               text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    due_at             timestamptz NOT NULL,
    met_at             timestamptz,
    met_note           text CHECK (length(met_note) <= 4000),
    next_escalation_at timestamptz,
    escalations        integer NOT NULL DEFAULT 0,
    PRIMARY KEY (alert_id, name)
);

-- The escalation clock's scan: unmet deadlines by when they next need a look.
CREATE INDEX alert_deadlines_escalation_idx ON alert_deadlines (next_escalation_at)
    WHERE met_at IS NULL AND next_escalation_at IS NOT NULL;

ALTER TABLE alert_deadlines ENABLE ROW LEVEL SECURITY;
ALTER TABLE alert_deadlines FORCE ROW LEVEL SECURITY;
CREATE POLICY alert_deadlines_own ON alert_deadlines
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());
CREATE POLICY alert_deadlines_worker ON alert_deadlines
    USING (alerts.is_worker() AND tenant_id = hearth.current_tenant())
    WITH CHECK (alerts.is_worker() AND tenant_id = hearth.current_tenant());

CREATE FUNCTION alert_doc(a alerts) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'org_id', a.org_id, 'kind', a.kind, 'subject_type', a.subject_type,
        'subject_id', a.subject_id, 'source_event_id', a.source_event_id,
        'title', a.title, 'detail', a.detail, 'severity', a.severity,
        'deadlines', coalesce((
            SELECT jsonb_agg(jsonb_build_object('name', d.name, 'due_at', hearth.ts(d.due_at),
                                                'met_at', hearth.ts(d.met_at))
                             ORDER BY d.due_at, d.name)
            FROM alerts.alert_deadlines d WHERE d.alert_id = a.id), '[]'::jsonb),
        'status', a.status, 'escalation_level', a.escalation_level,
        'created_at', hearth.ts(a.created_at), 'acknowledged_at', hearth.ts(a.acknowledged_at),
        'resolved_at', hearth.ts(a.resolved_at), 'version', a.version)
    $$;

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON alerts, alert_deadlines TO %I',
                   current_setting('hearth.service_role'));
END
$$;
