-- 003_consumer: the outbox events of providers, placements and qa become
-- alerts, each exactly once, in commit-safe order (API.md §6, §8).
--
-- alerts.consume(source, limit) is the whole of one step, in one transaction
-- (one statement): lock the source's position, take the visibility horizon
-- (pg_snapshot_xmin of the snapshot: every transaction below it has ended, so
-- the events below it can no longer change), read up to `limit` events after
-- the position and below the horizon in (xid, seq) order, make their alerts,
-- and store the new position. A crash anywhere rolls all of it back; a second
-- process waits on the position's row lock and then reads from where the
-- first stopped. An event whose transaction commits late has an xid above the
-- horizon until it ends, so it is read then, never skipped.
--
-- Workers see every organisation of the tenant they work for and, with no
-- tenant set, every tenant (the escalation clock's scan).

ALTER POLICY alerts_worker ON alerts
    USING (alerts.is_worker()
           AND (hearth.current_tenant() IS NULL OR tenant_id = hearth.current_tenant()))
    WITH CHECK (alerts.is_worker() AND tenant_id = hearth.current_tenant());
ALTER POLICY alert_deadlines_worker ON alert_deadlines
    USING (alerts.is_worker()
           AND (hearth.current_tenant() IS NULL OR tenant_id = hearth.current_tenant()))
    WITH CHECK (alerts.is_worker() AND tenant_id = hearth.current_tenant());

CREATE TABLE consumer_positions (
    source     text PRIMARY KEY CHECK (source IN ('providers', 'placements', 'qa')),
    last_xid   xid8 NOT NULL DEFAULT '0',
    last_seq   bigint NOT NULL DEFAULT 0,
    events     bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
INSERT INTO consumer_positions (source) VALUES ('providers'), ('placements'), ('qa');

-- Tenants the consumer has seen events of: the periodic checks visit these.
CREATE TABLE known_tenants (
    tenant_id uuid PRIMARY KEY
);

-- Begin a worker's context: no organisation, hearth.worker = 'alerts', the
-- tenant p_tenant (NULL: none, for cross-tenant scans). Local to the
-- transaction.
CREATE FUNCTION worker_context(p_tenant uuid) RETURNS void
    LANGUAGE sql VOLATILE
    AS $$
    SELECT set_config('hearth.worker', 'alerts', true), set_config('hearth.org_id', '', true),
           set_config('hearth.tenant_id', coalesce(p_tenant::text, ''), true)
    $$;

-- One row of alerts.outbox for a state change of alert p_alert.
CREATE FUNCTION announce(p_alert uuid, p_verb text) RETURNS void
    LANGUAGE sql VOLATILE
    AS $$
    INSERT INTO alerts.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    SELECT a.tenant_id, a.org_id, 'alerts.alert.' || p_verb, 'alert', a.id, alerts.alert_doc(a)
    FROM alerts.alerts a WHERE a.id = p_alert
    $$;

-- Make alerts of kind p_kind for every organisation of p_orgs (NULLs and
-- repeats ignored), as the current tenant's rule of that kind says: nothing
-- when it is off; its severity; its deadlines, due from now; its escalation
-- ceiling. One per organisation, kind and source event. Returns how many
-- were made (0 for an event seen before).
CREATE FUNCTION raise(p_event uuid, p_type text, p_kind text, p_orgs uuid[],
                      p_subject_type text, p_subject_id uuid, p_title text, p_detail text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_rule jsonb := alerts.rule_doc(p_kind);
    v_tenant uuid := hearth.current_tenant();
    v_escalates boolean := coalesce((v_rule #>> '{escalation,enabled}')::boolean, false);
    v_org uuid;
    v_alert uuid;
    v_made integer := 0;
BEGIN
    IF NOT coalesce((v_rule ->> 'enabled')::boolean, false) THEN
        RETURN 0;
    END IF;
    FOR v_org IN SELECT DISTINCT o FROM unnest(p_orgs) o WHERE o IS NOT NULL ORDER BY 1 LOOP
        INSERT INTO alerts.alerts (tenant_id, org_id, kind, subject_type, subject_id,
                                   source_event_id, source_type, title, detail, severity,
                                   escalation_max)
        VALUES (v_tenant, v_org, p_kind, p_subject_type, p_subject_id, p_event, p_type,
                left(p_title, 500), left(p_detail, 4000), v_rule ->> 'severity',
                CASE WHEN v_escalates THEN (v_rule #>> '{escalation,max_level}')::integer
                     ELSE 0 END)
        ON CONFLICT ON CONSTRAINT alerts_once DO NOTHING
        RETURNING id INTO v_alert;
        CONTINUE WHEN v_alert IS NULL;
        INSERT INTO alerts.alert_deadlines (alert_id, tenant_id, org_id, name, due_at,
                                            next_escalation_at)
        SELECT v_alert, v_tenant, v_org, d.key, due.at, CASE WHEN v_escalates THEN due.at END
        FROM jsonb_each(coalesce(v_rule -> 'deadlines', '{}')) d
        CROSS JOIN LATERAL (SELECT alerts.deadline_due(v_tenant, now(), d.value) AS at) due;
        PERFORM alerts.announce(v_alert, 'created');
        v_made := v_made + 1;
    END LOOP;
    RETURN v_made;
END
$$;

-- The councils with a child placed at the setting (or, with no setting,
-- anywhere at the provider) on p_day, and the consortium team.
CREATE FUNCTION councils_and_team(p_provider uuid, p_setting uuid, p_day date) RETURNS uuid[]
    LANGUAGE sql STABLE
    AS $$
    SELECT ARRAY(
        SELECT c.org_id FROM placements_api.councils_with_child_at(
            hearth.current_tenant(), p_provider, p_setting, p_day) c
        UNION
        SELECT t.org_id FROM providers_api.organisations_of_kind(hearth.current_tenant(),
                                                                 'consortium') t)
    $$;

-- One event of source outbox: which alerts it makes, for whom. The tenant is
-- the event's (set by consume). Returns the number of alerts made.
CREATE FUNCTION handle_event(p_id uuid, p_type text, p_subject_id uuid, p_occurred_at timestamptz,
                             p_payload jsonb)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_day date := (p_occurred_at AT TIME ZONE 'Europe/London')::date;
    v_provider uuid := (p_payload ->> 'provider_id')::uuid;
    v_setting uuid := (p_payload ->> 'setting_id')::uuid;
    v_where text := CASE WHEN v_setting IS NULL THEN 'provider ' || v_provider
                         ELSE 'setting ' || v_setting END;
BEGIN
    CASE p_type
    WHEN 'qa.inspection.recorded' THEN
        IF p_payload ->> 'risk_band' = 'red' THEN
            RETURN alerts.raise(p_id, p_type, 'inadequate_judgement',
                alerts.councils_and_team(v_provider, v_setting, v_day), 'setting', v_setting,
                'Inadequate judgement at ' || v_where,
                'A ' || coalesce(p_payload ->> 'regulator', '') || ' inspection on '
                || coalesce(p_payload ->> 'inspected_on', '') || ' was judged inadequate (risk band red): '
                || 'visit the placement the same working day and decide within 24 hours whether '
                || 'the child is safe to stay.');
        END IF;
    WHEN 'qa.placement_stop.issued' THEN
        RETURN alerts.raise(p_id, p_type, 'placement_stop',
            ARRAY(SELECT a.org_id FROM qa_api.stop_acknowledgers(hearth.current_tenant(),
                                                                 p_subject_id) a),
            'placement_stop', p_subject_id, 'Placement stop on ' || v_where,
            'No new placements from ' || coalesce(p_payload ->> 'effective_from', '?') || ': '
            || coalesce(p_payload ->> 'reason', '') || '. Acknowledge by the end of the next working day.');
    WHEN 'placements.placement.stop_overridden' THEN
        RETURN alerts.raise(p_id, p_type, 'placement_stop_overridden',
            ARRAY(SELECT t.org_id FROM providers_api.organisations_of_kind(
                      hearth.current_tenant(), 'consortium') t)
            || qa_api.stop_issuer(hearth.current_tenant(), (p_payload ->> 'stop_id')::uuid),
            'placement_stop', (p_payload ->> 'stop_id')::uuid,
            'Placement stop overridden at ' || v_where,
            'A placement starting ' || coalesce(p_payload ->> 'start_date', '?')
            || ' was made despite the stop: ' || coalesce(p_payload ->> 'reason', ''));
    WHEN 'placements.ipa.reissue_required' THEN
        RETURN alerts.raise(p_id, p_type, 'ipa_reissue_required',
            ARRAY[(p_payload ->> 'org_id')::uuid], 'placement', p_subject_id,
            'IPA to reissue for placement ' || coalesce(p_payload ->> 'external_ref', p_subject_id::text),
            'The placement''s cost or setting changed: issue a new IPA version.');
    WHEN 'placements.placement.started' THEN
        IF placements_api.placements_started_by_child(hearth.current_tenant(), p_subject_id, 12) >= 3 THEN
            RETURN alerts.raise(p_id, p_type, 'placement_instability',
                ARRAY[(p_payload ->> 'org_id')::uuid], 'placement', p_subject_id,
                'Third placement within 12 months: ' || coalesce(p_payload ->> 'external_ref', p_subject_id::text),
                'The child has started three or more placements in 12 months.');
        END IF;
    WHEN 'qa.concern.escalated' THEN
        RETURN alerts.raise(p_id, p_type, 'concern_escalated',
            CASE WHEN p_payload ->> 'child_id' IS NOT NULL
                 THEN ARRAY[(p_payload ->> 'raised_by_org_id')::uuid]
                 ELSE alerts.councils_and_team(v_provider, v_setting, v_day) END,
            'concern', p_subject_id,
            'Concern escalated to level ' || coalesce(p_payload ->> 'escalation_level', '?') || ' at ' || v_where,
            left(p_payload ->> 'summary', 1000));
    WHEN 'qa.action_item.overdue' THEN
        RETURN alerts.raise(p_id, p_type, 'action_overdue',
            alerts.councils_and_team(v_provider, v_setting, v_day),
            coalesce(p_payload ->> 'subject_type', 'action_plan'), p_subject_id,
            'Action overdue at ' || v_where, left(p_payload ->> 'action', 1000));
    WHEN 'providers.setting.suspended', 'providers.setting.closed', 'providers.setting.reactivated' THEN
        RETURN alerts.raise(p_id, p_type, 'registration_changed',
            alerts.councils_and_team(v_provider, p_subject_id, v_day), 'setting', p_subject_id,
            'Registration ' || split_part(p_type, '.', 3) || ': ' || coalesce(p_payload ->> 'name', ''),
            'The setting''s status is now ' || coalesce(p_payload ->> 'status', '?') || '.');
    ELSE
        NULL;
    END CASE;
    RETURN 0;
END
$$;

-- One step of the consumer for outbox p_source: at most p_limit events.
-- Returns the number of events handled (0: nothing new below the horizon).
CREATE FUNCTION consume(p_source text, p_limit integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_pos alerts.consumer_positions;
    v_horizon xid8;
    v_events jsonb;
    v_ev jsonb;
    v_n integer := 0;
BEGIN
    SELECT * INTO v_pos FROM alerts.consumer_positions WHERE source = p_source FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown event source %', p_source;
    END IF;
    v_horizon := pg_snapshot_xmin(pg_current_snapshot());
    -- Read the whole chunk before handling any of it: handling changes the
    -- row-level-security context, which must not touch this read.
    EXECUTE format(
        'SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.xid, e.seq), ''[]'') FROM ('
        '  SELECT o.seq, o.id, o.tenant_id, o.type, o.subject_id, o.occurred_at, o.payload, o.xid'
        '  FROM %I.outbox o WHERE (o.xid, o.seq) > ($1, $2) AND o.xid < $3'
        '  ORDER BY o.xid, o.seq LIMIT $4) e', p_source)
        INTO v_events USING v_pos.last_xid, v_pos.last_seq, v_horizon, p_limit;
    FOR v_ev IN SELECT * FROM jsonb_array_elements(v_events) LOOP
        PERFORM alerts.worker_context((v_ev ->> 'tenant_id')::uuid);
        INSERT INTO alerts.known_tenants VALUES ((v_ev ->> 'tenant_id')::uuid)
            ON CONFLICT DO NOTHING;
        PERFORM alerts.handle_event((v_ev ->> 'id')::uuid, v_ev ->> 'type',
                                    (v_ev ->> 'subject_id')::uuid,
                                    (v_ev ->> 'occurred_at')::timestamptz, v_ev -> 'payload');
        v_n := v_n + 1;
    END LOOP;
    IF v_n > 0 THEN
        v_ev := v_events -> (v_n - 1);
        UPDATE alerts.consumer_positions
        SET last_xid = (v_ev ->> 'xid')::xid8, last_seq = (v_ev ->> 'seq')::bigint,
            events = events + v_n, updated_at = now()
        WHERE source = p_source;
    END IF;
    RETURN v_n;
END
$$;

-- The escalation clock's step: every unmet deadline of an open alert whose
-- next look is due raises its alert's level by one (up to the alert's
-- ceiling) and announces alerts.alert.escalated; the deadline's next look is
-- p_interval later while the ceiling is not reached. Rows another process
-- holds are skipped (SKIP LOCKED), so two processes never raise one twice.
-- Returns the number of deadlines looked at.
CREATE FUNCTION escalate(p_interval interval, p_limit integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_due jsonb;
    v_d jsonb;
    v_level integer;
    v_max integer;
    v_n integer := 0;
BEGIN
    PERFORM alerts.worker_context(NULL);
    SELECT coalesce(jsonb_agg(jsonb_build_object('alert_id', x.alert_id, 'name', x.name,
                                                 'tenant_id', x.tenant_id)), '[]')
    INTO v_due
    FROM (SELECT d.alert_id, d.name, d.tenant_id
          FROM alerts.alert_deadlines d
          WHERE d.met_at IS NULL AND d.next_escalation_at <= now()
          ORDER BY d.next_escalation_at
          LIMIT p_limit
          FOR UPDATE SKIP LOCKED) x;
    FOR v_d IN SELECT * FROM jsonb_array_elements(v_due) LOOP
        PERFORM alerts.worker_context((v_d ->> 'tenant_id')::uuid);
        v_level := NULL;
        UPDATE alerts.alerts a SET escalation_level = a.escalation_level + 1
        WHERE a.id = (v_d ->> 'alert_id')::uuid AND a.status = 'open'
          AND a.escalation_level < a.escalation_max
        RETURNING a.escalation_level, a.escalation_max INTO v_level, v_max;
        IF v_level IS NOT NULL THEN
            PERFORM alerts.announce((v_d ->> 'alert_id')::uuid, 'escalated');
        END IF;
        UPDATE alerts.alert_deadlines d
        SET escalations = d.escalations + CASE WHEN v_level IS NULL THEN 0 ELSE 1 END,
            next_escalation_at = CASE WHEN v_level IS NOT NULL AND v_level < v_max
                                      THEN now() + p_interval END
        WHERE d.alert_id = (v_d ->> 'alert_id')::uuid AND d.name = v_d ->> 'name';
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;

-- The periodic Reg 44 check for every known tenant as of p_day: one alert per
-- home and month (the source event is a name made of the two), for the
-- councils with a child there that month.
CREATE FUNCTION check_reg44(p_day date) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_tenant uuid;
    v_m record;
    v_n integer := 0;
BEGIN
    FOR v_tenant IN SELECT k.tenant_id FROM alerts.known_tenants k ORDER BY 1 LOOP
        PERFORM alerts.worker_context(v_tenant);
        FOR v_m IN SELECT * FROM qa_api.reg44_missing(v_tenant, p_day) LOOP
            v_n := v_n + alerts.raise(
                md5('reg44_missing:' || v_m.setting_id || ':' || v_m.month)::uuid,
                'alerts.reg44_check', 'reg44_missing', v_m.org_ids, 'setting', v_m.setting_id,
                'Reg 44 report missing for ' || v_m.month,
                'No Regulation 44 report for ' || v_m.month || ' has been received for setting '
                || v_m.setting_id || '.');
        END LOOP;
    END LOOP;
    RETURN v_n;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, UPDATE ON consumer_positions TO %I',
                   current_setting('hearth.service_role'));
    EXECUTE format('GRANT SELECT, INSERT ON known_tenants TO %I',
                   current_setting('hearth.service_role'));
END
$$;
