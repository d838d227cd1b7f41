-- 004_alert_actions: what an organisation does with its own alert (API.md
-- §6): acknowledge it, record that a deadline was met, resolve it. Each is
-- one function run in the request's transaction (row-level security: its own
-- organisation's alerts only), answering (outcome, doc, version): outcome
-- 'done', 'absent' (no such alert: 404) or 'conflict' (409, with a detail), and
-- announcing the change in alerts.outbox in the same transaction. Each stops
-- escalation where it should: acknowledging or resolving stops the alert's,
-- meeting a deadline stops that deadline's.

-- A met deadline changes the document: counting them on the alert makes the
-- version move (hearth.bump_version ignores updated_at alone).
ALTER TABLE alerts ADD COLUMN deadlines_met integer NOT NULL DEFAULT 0;

CREATE FUNCTION acknowledge(p_alert uuid, p_note text)
    RETURNS TABLE (outcome text, doc jsonb, version bigint)
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_a alerts.alerts;
BEGIN
    SELECT * INTO v_a FROM alerts.alerts a WHERE a.id = p_alert FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'absent'::text, NULL::jsonb, NULL::bigint;
        RETURN;
    END IF;
    IF v_a.status <> 'open' THEN
        RETURN QUERY SELECT 'conflict'::text, jsonb_build_object('detail',
            'The alert is already ' || v_a.status || '.'), v_a.version;
        RETURN;
    END IF;
    UPDATE alerts.alerts a
    SET status = 'acknowledged', acknowledged_at = now(),
        acknowledged_by = nullif(current_setting('hearth.sub', true), ''),
        acknowledge_note = p_note, updated_at = now()
    WHERE a.id = p_alert;
    UPDATE alerts.alert_deadlines d SET next_escalation_at = NULL WHERE d.alert_id = p_alert;
    PERFORM alerts.announce(p_alert, 'acknowledged');
    RETURN QUERY SELECT 'done'::text, alerts.alert_doc(a), a.version
                 FROM alerts.alerts a WHERE a.id = p_alert;
END
$$;

CREATE FUNCTION meet_deadline(p_alert uuid, p_name text, p_met_at timestamptz, p_note text)
    RETURNS TABLE (outcome text, doc jsonb, version bigint)
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_a alerts.alerts;
    v_d alerts.alert_deadlines;
BEGIN
    SELECT * INTO v_a FROM alerts.alerts a WHERE a.id = p_alert FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'absent'::text, NULL::jsonb, NULL::bigint;
        RETURN;
    END IF;
    SELECT * INTO v_d FROM alerts.alert_deadlines d
    WHERE d.alert_id = p_alert AND d.name = p_name;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'absent'::text, NULL::jsonb, NULL::bigint;
        RETURN;
    END IF;
    IF v_d.met_at IS NOT NULL THEN
        RETURN QUERY SELECT 'conflict'::text, jsonb_build_object('detail',
            'The deadline ' || p_name || ' was met already at ' || hearth.ts(v_d.met_at) || '.'),
            v_a.version;
        RETURN;
    END IF;
    IF p_met_at > now() + interval '5 minutes' THEN
        RETURN QUERY SELECT 'invalid'::text, jsonb_build_object('field', 'met_at',
            'message', 'must not be in the future'), v_a.version;
        RETURN;
    END IF;
    UPDATE alerts.alert_deadlines d
    SET met_at = coalesce(p_met_at, now()), met_note = p_note, next_escalation_at = NULL
    WHERE d.alert_id = p_alert AND d.name = p_name;
    UPDATE alerts.alerts a SET deadlines_met = a.deadlines_met + 1 WHERE a.id = p_alert;
    PERFORM alerts.announce(p_alert, 'deadline_met');
    RETURN QUERY SELECT 'done'::text, alerts.alert_doc(a), a.version
                 FROM alerts.alerts a WHERE a.id = p_alert;
END
$$;

CREATE FUNCTION resolve(p_alert uuid, p_resolution text)
    RETURNS TABLE (outcome text, doc jsonb, version bigint)
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_a alerts.alerts;
BEGIN
    SELECT * INTO v_a FROM alerts.alerts a WHERE a.id = p_alert FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'absent'::text, NULL::jsonb, NULL::bigint;
        RETURN;
    END IF;
    IF v_a.status = 'resolved' THEN
        RETURN QUERY SELECT 'conflict'::text, jsonb_build_object('detail',
            'The alert is already resolved.'), v_a.version;
        RETURN;
    END IF;
    UPDATE alerts.alerts a
    SET status = 'resolved', resolved_at = now(),
        resolved_by = nullif(current_setting('hearth.sub', true), ''),
        resolution = p_resolution, updated_at = now()
    WHERE a.id = p_alert;
    UPDATE alerts.alert_deadlines d SET next_escalation_at = NULL WHERE d.alert_id = p_alert;
    PERFORM alerts.announce(p_alert, 'resolved');
    RETURN QUERY SELECT 'done'::text, alerts.alert_doc(a), a.version
                 FROM alerts.alerts a WHERE a.id = p_alert;
END
$$;
