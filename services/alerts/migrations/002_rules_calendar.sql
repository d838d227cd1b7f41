-- 002_rules_calendar: the tenant's alert rules and its working-day calendar
-- (API.md §6), and the clocks computed from them.
--
-- A rule is the built-in default of its kind (alerts.rule_defaults) until the
-- tenant's admin changes it; a stored rule is the whole document, so a later
-- release's default never silently changes a rule a tenant chose.

CREATE FUNCTION rule_defaults() RETURNS TABLE (kind text, doc jsonb)
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT k, jsonb_build_object('enabled', true, 'severity', s, 'deadlines', d,
                                 'escalation', jsonb_build_object('enabled', e, 'max_level', 3))
    FROM (VALUES
        ('inadequate_judgement', 'critical',
         '{"visit": {"clock": "working_days", "amount": 0},
           "decision": {"clock": "hours", "amount": 24}}'::jsonb, true),
        ('placement_stop', 'high', '{"acknowledge": {"clock": "working_days", "amount": 1}}', true),
        ('placement_stop_overridden', 'high', '{}', false),
        ('reg44_missing', 'medium', '{}', false),
        ('ipa_reissue_required', 'medium', '{}', false),
        ('placement_instability', 'high', '{}', false),
        ('action_overdue', 'medium', '{}', false),
        ('concern_escalated', 'high', '{}', false),
        ('registration_changed', 'high', '{}', false)
    ) AS t (k, s, d, e)
    $$;

CREATE TABLE alert_rules (
    tenant_id  uuid NOT NULL REFERENCES hearth.tenants (id),
    kind       text NOT NULL,
    doc        jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object'),
    version    bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind)
);

ALTER TABLE alert_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE alert_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY alert_rules_tenant ON alert_rules
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER alert_rules_version BEFORE UPDATE ON alert_rules
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The current tenant's rule of each kind: stored, else the default (version 0).
CREATE FUNCTION rule_doc(p_kind text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object('kind', d.kind) || coalesce(r.doc, d.doc)
           || jsonb_build_object('version', coalesce(r.version, 0),
                                 'updated_at', hearth.ts(r.updated_at))
    FROM alerts.rule_defaults() d
    LEFT JOIN alerts.alert_rules r ON r.tenant_id = hearth.current_tenant() AND r.kind = d.kind
    WHERE d.kind = p_kind
    $$;

-- Non-working days: global rows (tenant_id NULL: England and Wales bank
-- holidays) and the tenant's own.
CREATE TABLE holidays (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid REFERENCES hearth.tenants (id),
    day        date NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX holidays_global_day ON holidays (day) WHERE tenant_id IS NULL;
CREATE UNIQUE INDEX holidays_tenant_day ON holidays (tenant_id, day) WHERE tenant_id IS NOT NULL;
CREATE INDEX holidays_list_idx ON holidays (day, id);

-- A tenant's day that is already a global holiday is a duplicate too.
CREATE FUNCTION holidays_not_global() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.tenant_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM alerts.holidays h WHERE h.tenant_id IS NULL AND h.day = NEW.day) THEN
        RAISE EXCEPTION 'that day is already a holiday'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'holidays_tenant_day';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER holidays_not_global BEFORE INSERT ON holidays
    FOR EACH ROW EXECUTE FUNCTION holidays_not_global();

ALTER TABLE holidays ENABLE ROW LEVEL SECURITY;
ALTER TABLE holidays FORCE ROW LEVEL SECURITY;
CREATE POLICY holidays_visible ON holidays FOR SELECT
    USING (tenant_id IS NULL OR tenant_id = hearth.current_tenant());
CREATE POLICY holidays_add ON holidays FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE FUNCTION holiday_doc(h holidays) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object('id', h.id, 'date', h.day, 'name', h.name,
                              'scope', CASE WHEN h.tenant_id IS NULL THEN 'national' ELSE 'tenant' END,
                              'created_at', hearth.ts(h.created_at))
    $$;

INSERT INTO holidays (tenant_id, day, name) VALUES
    (NULL, '2025-01-01', 'New Year''s Day'), (NULL, '2025-04-18', 'Good Friday'),
    (NULL, '2025-04-21', 'Easter Monday'), (NULL, '2025-05-05', 'Early May bank holiday'),
    (NULL, '2025-05-26', 'Spring bank holiday'), (NULL, '2025-08-25', 'Summer bank holiday'),
    (NULL, '2025-12-25', 'Christmas Day'), (NULL, '2025-12-26', 'Boxing Day'),
    (NULL, '2026-01-01', 'New Year''s Day'), (NULL, '2026-04-03', 'Good Friday'),
    (NULL, '2026-04-06', 'Easter Monday'), (NULL, '2026-05-04', 'Early May bank holiday'),
    (NULL, '2026-05-25', 'Spring bank holiday'), (NULL, '2026-08-31', 'Summer bank holiday'),
    (NULL, '2026-12-25', 'Christmas Day'), (NULL, '2026-12-28', 'Boxing Day (substitute day)'),
    (NULL, '2027-01-01', 'New Year''s Day'), (NULL, '2027-03-26', 'Good Friday'),
    (NULL, '2027-03-29', 'Easter Monday'), (NULL, '2027-05-03', 'Early May bank holiday'),
    (NULL, '2027-05-31', 'Spring bank holiday'), (NULL, '2027-08-30', 'Summer bank holiday'),
    (NULL, '2027-12-27', 'Christmas Day (substitute day)'),
    (NULL, '2027-12-28', 'Boxing Day (substitute day)'),
    (NULL, '2028-01-03', 'New Year''s Day (substitute day)'), (NULL, '2028-04-14', 'Good Friday'),
    (NULL, '2028-04-17', 'Easter Monday'), (NULL, '2028-05-01', 'Early May bank holiday'),
    (NULL, '2028-05-29', 'Spring bank holiday'), (NULL, '2028-08-28', 'Summer bank holiday'),
    (NULL, '2028-12-25', 'Christmas Day'), (NULL, '2028-12-26', 'Boxing Day');

-- A working day of tenant p_tenant: Monday to Friday and no holiday of the
-- tenant or the nation.
CREATE FUNCTION is_working_day(p_tenant uuid, p_day date) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT extract(isodow FROM p_day) < 6
       AND NOT EXISTS (SELECT 1 FROM alerts.holidays h
                       WHERE h.day = p_day AND (h.tenant_id IS NULL OR h.tenant_id = p_tenant))
    $$;

-- The end (p_close, Europe/London) of the working day p_days working days
-- after the one p_at falls on: p_days 0 is "the end of the same working day",
-- 1 "the end of the next working day". At or after the close, on a weekend or
-- on a holiday, p_at counts as the next working day. The wall-clock time is
-- turned into an instant by PostgreSQL's time zone rules, so 17:00 is 16:00Z
-- in summer and 17:00Z in winter, across both daylight-saving changes.
CREATE FUNCTION working_day_end(p_tenant uuid, p_at timestamptz, p_days integer,
                                p_close time DEFAULT '17:00')
    RETURNS timestamptz
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_local timestamp := p_at AT TIME ZONE 'Europe/London';
    v_day date := v_local::date;
    v_left integer := greatest(p_days, 0);
BEGIN
    IF NOT alerts.is_working_day(p_tenant, v_day) OR v_local::time >= p_close THEN
        v_day := v_day + 1;
        WHILE NOT alerts.is_working_day(p_tenant, v_day) LOOP
            v_day := v_day + 1;
        END LOOP;
    END IF;
    WHILE v_left > 0 LOOP
        v_day := v_day + 1;
        IF alerts.is_working_day(p_tenant, v_day) THEN
            v_left := v_left - 1;
        END IF;
    END LOOP;
    RETURN (v_day + p_close) AT TIME ZONE 'Europe/London';
END
$$;

-- When deadline spec p_spec ({"clock": "working_days"|"hours", "amount": n})
-- falls due for an alert made at p_at.
CREATE FUNCTION deadline_due(p_tenant uuid, p_at timestamptz, p_spec jsonb) RETURNS timestamptz
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE p_spec ->> 'clock'
        WHEN 'working_days' THEN alerts.working_day_end(p_tenant, p_at,
                                                        (p_spec ->> 'amount')::integer)
        WHEN 'hours' THEN p_at + make_interval(hours => (p_spec ->> 'amount')::integer)
    END
    $$;

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON alert_rules TO %I',
                   current_setting('hearth.service_role'));
    EXECUTE format('GRANT SELECT, INSERT ON holidays TO %I',
                   current_setting('hearth.service_role'));
END
$$;
