-- 006_consumer_lighter: the same consume() (alerts 003) doing less per event,
-- since it shares the database with the services whose events it reads: an
-- event of a type no rule is about is only passed over, and the worker's
-- context and the tenant's entry in known_tenants are set once per run of
-- events of one tenant, not per event.
CREATE FUNCTION handled_type(p_type text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT p_type IN ('qa.inspection.recorded', 'qa.placement_stop.issued',
                      'placements.placement.stop_overridden', 'placements.ipa.reissue_required',
                      'placements.placement.started', 'qa.concern.escalated',
                      'qa.action_item.overdue', 'providers.setting.suspended',
                      'providers.setting.closed', 'providers.setting.reactivated')
    $$;

CREATE OR REPLACE FUNCTION consume(p_source text, p_limit integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
DECLARE
    v_pos alerts.consumer_positions;
    v_horizon xid8;
    v_events jsonb;
    v_ev jsonb;
    v_tenant uuid;
    v_current uuid;
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
        '  SELECT o.seq, o.id, o.tenant_id, o.type, o.subject_id, o.occurred_at, o.xid,'
        '         CASE WHEN alerts.handled_type(o.type) THEN o.payload END AS payload'
        '  FROM %I.outbox o WHERE (o.xid, o.seq) > ($1, $2) AND o.xid < $3'
        '  ORDER BY o.xid, o.seq LIMIT $4) e', p_source)
        INTO v_events USING v_pos.last_xid, v_pos.last_seq, v_horizon, p_limit;
    FOR v_ev IN SELECT * FROM jsonb_array_elements(v_events) LOOP
        v_n := v_n + 1;
        CONTINUE WHEN NOT alerts.handled_type(v_ev ->> 'type');
        v_tenant := (v_ev ->> 'tenant_id')::uuid;
        IF v_current IS DISTINCT FROM v_tenant THEN
            PERFORM alerts.worker_context(v_tenant);
            INSERT INTO alerts.known_tenants VALUES (v_tenant) ON CONFLICT DO NOTHING;
            v_current := v_tenant;
        END IF;
        PERFORM alerts.handle_event((v_ev ->> 'id')::uuid, v_ev ->> 'type',
                                    (v_ev ->> 'subject_id')::uuid,
                                    (v_ev ->> 'occurred_at')::timestamptz, v_ev -> 'payload');
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
