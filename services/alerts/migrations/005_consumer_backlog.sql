-- 005_consumer_backlog: whether source p_source has events after the stored
-- position that consume() could not take yet (their transaction, or an older
-- one anywhere in the cluster, was still running at its horizon). No NOTIFY
-- comes when that older transaction ends, so the consumer looks again soon
-- instead of waiting for its poll.
CREATE FUNCTION backlog(p_source text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_pos alerts.consumer_positions;
    v_any boolean;
BEGIN
    SELECT * INTO v_pos FROM alerts.consumer_positions WHERE source = p_source;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown event source %', p_source;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.outbox o WHERE (o.xid, o.seq) > ($1, $2))',
                   p_source)
        INTO v_any USING v_pos.last_xid, v_pos.last_seq;
    RETURN v_any;
END
$$;
