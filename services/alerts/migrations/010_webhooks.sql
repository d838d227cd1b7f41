-- 010_webhooks: webhook subscriptions of an organisation, the deliveries
-- queued for them from the service's own outbox, and every attempt made
-- (API.md §6).
--
-- A subscription, its deliveries and their attempts are the organisation's
-- own: row-level security by tenant and organisation, so one council never
-- sees another's endpoints, secrets or alert payloads. The secret is the HMAC
-- key of the Standard Webhooks signature, so it is stored as it is (a hash
-- could not sign); documents never carry it (subscription_doc), only the
-- answers of a create and a rotation do.
--
-- Deliveries are queued in the transaction that writes the event: an AFTER
-- INSERT trigger on alerts.outbox adds one per active subscription of the
-- event's own tenant and organisation whose patterns match its type. The
-- sender (a background worker without a request) claims and records them
-- only through the SECURITY DEFINER functions at the end of this file.

CREATE TABLE subscriptions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL DEFAULT hearth.current_tenant() REFERENCES hearth.tenants (id),
    org_id            uuid NOT NULL DEFAULT hearth.current_org(),
    url               text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    event_types       text[] NOT NULL,
    description       text CHECK (length(description) <= 500),
    secret            text NOT NULL,
    status            text NOT NULL DEFAULT 'active'
                          CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason   text CHECK (length(disabled_reason) <= 500),
    secret_rotated_at timestamptz,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_secret_check CHECK (secret ~ '^whsec_[A-Za-z0-9+/]{43}=$'),
    -- An exact type (alerts.alert.created) or a prefix ending in .* (alerts.alert.*).
    CONSTRAINT subscriptions_event_types_check CHECK (
        cardinality(event_types) BETWEEN 1 AND 32 AND
        array_to_string(event_types, ' ') ~ '^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)( [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)*$')
);

CREATE INDEX subscriptions_list_idx ON subscriptions (tenant_id, org_id, created_at, id);
-- The queueing trigger's lookup.
CREATE INDEX subscriptions_active_idx ON subscriptions (tenant_id, org_id) WHERE status = 'active';

ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY subscriptions_own ON subscriptions
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

CREATE TRIGGER subscriptions_version BEFORE UPDATE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

CREATE TABLE deliveries (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(), -- also the webhook-id
    tenant_id         uuid NOT NULL,
    org_id            uuid NOT NULL,
    subscription_id   uuid NOT NULL REFERENCES subscriptions (id),
    event_id          uuid NOT NULL,
    event_type        text NOT NULL,
    event_occurred_at timestamptz NOT NULL,
    payload           jsonb NOT NULL,
    status            text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,  -- every attempt ever made
    round_attempts    integer NOT NULL DEFAULT 0,  -- attempts since queued or redelivered
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    lease_until       timestamptz,                 -- claimed by a sender until then
    last_status_code  integer,
    last_error        text,
    last_attempt_at   timestamptz,
    delivered_at      timestamptz,
    failed_at         timestamptz,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT deliveries_once UNIQUE (subscription_id, event_id)
);

CREATE INDEX deliveries_list_idx ON deliveries (subscription_id, created_at, id);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';

ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY deliveries_own ON deliveries
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

CREATE TRIGGER deliveries_version BEFORE UPDATE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The delivery log: one row per attempt, never changed.
CREATE TABLE delivery_attempts (
    delivery_id uuid NOT NULL REFERENCES deliveries (id),
    attempt     integer NOT NULL,
    tenant_id   uuid NOT NULL,
    org_id      uuid NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL,
    status_code integer,
    error       text CHECK (length(error) <= 500),
    PRIMARY KEY (delivery_id, attempt)
);

ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY delivery_attempts_own ON delivery_attempts
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

CREATE FUNCTION subscription_doc(s subscriptions) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', s.id, 'org_id', s.org_id, 'url', s.url, 'event_types', to_jsonb(s.event_types),
        'description', s.description, 'status', s.status, 'disabled_reason', s.disabled_reason,
        'secret_rotated_at', hearth.ts(s.secret_rotated_at), 'version', s.version,
        'created_at', hearth.ts(s.created_at), 'updated_at', hearth.ts(s.updated_at))
    $$;

-- The last 20 attempts, newest first.
CREATE FUNCTION delivery_doc(d deliveries) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', d.id, 'subscription_id', d.subscription_id, 'event_id', d.event_id,
        'event_type', d.event_type, 'status', d.status, 'attempt_count', d.attempts,
        'next_attempt_at', CASE WHEN d.status = 'pending' THEN hearth.ts(d.next_attempt_at) END,
        'last_status_code', d.last_status_code, 'last_error', d.last_error,
        'last_attempt_at', hearth.ts(d.last_attempt_at),
        'delivered_at', hearth.ts(d.delivered_at), 'failed_at', hearth.ts(d.failed_at),
        'attempts', coalesce((
            SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', hearth.ts(a.at),
                                                'status_code', a.status_code, 'error', a.error,
                                                'duration_ms', a.duration_ms)
                             ORDER BY a.attempt DESC)
            FROM (SELECT * FROM alerts.delivery_attempts x WHERE x.delivery_id = d.id
                  ORDER BY x.attempt DESC LIMIT 20) a), '[]'::jsonb),
        'created_at', hearth.ts(d.created_at), 'version', d.version)
    $$;

-- Does subscription pattern `pattern` take events of type `type`?
CREATE FUNCTION event_type_matches(pattern text, type text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pattern = type
        OR (right(pattern, 2) = '.*' AND left(type, length(pattern) - 1) = left(pattern, -1))
    $$;

-- Wakes the sender (it LISTENs): delivered at commit, duplicates folded.
CREATE FUNCTION webhooks_notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM pg_notify('hearth_webhooks', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER deliveries_notify AFTER INSERT OR UPDATE OF next_attempt_at ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION webhooks_notify();
CREATE TRIGGER subscriptions_notify AFTER UPDATE OF status ON subscriptions
    FOR EACH STATEMENT EXECUTE FUNCTION webhooks_notify();

-- One delivery per matching active subscription of the event's own tenant and
-- organisation. Runs as the owner: the writer of the event (a worker of one
-- tenant, no organisation) may not see subscriptions itself.
CREATE FUNCTION queue_deliveries() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.org_id IS NULL OR NEW.type NOT LIKE 'alerts.%' THEN
        RETURN NULL;
    END IF;
    INSERT INTO alerts.deliveries (tenant_id, org_id, subscription_id, event_id, event_type,
                                   event_occurred_at, payload)
    SELECT s.tenant_id, s.org_id, s.id, NEW.id, NEW.type, NEW.occurred_at, NEW.payload
      FROM alerts.subscriptions s
     WHERE s.tenant_id = NEW.tenant_id AND s.org_id = NEW.org_id AND s.status = 'active'
       AND EXISTS (SELECT 1 FROM unnest(s.event_types) p
                    WHERE alerts.event_type_matches(p, NEW.type))
    ON CONFLICT ON CONSTRAINT deliveries_once DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_queue_deliveries AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION queue_deliveries();

-- The sender's claim: up to p_limit due deliveries of active subscriptions,
-- leased for p_lease_s seconds so no other sender takes them meanwhile (and a
-- crashed sender's are taken again after it). SKIP LOCKED: two senders never
-- claim one delivery. Returns what an attempt needs, the body built here.
CREATE FUNCTION webhook_claim(p_limit integer, p_lease_s integer)
    RETURNS TABLE (delivery_id uuid, url text, secret text, body text, round_attempts integer)
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH due AS (
        SELECT d.id FROM alerts.deliveries d
          JOIN alerts.subscriptions s ON s.id = d.subscription_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           AND (d.lease_until IS NULL OR d.lease_until <= now()) AND s.status = 'active'
         ORDER BY d.next_attempt_at
         LIMIT p_limit
           FOR UPDATE OF d SKIP LOCKED)
    UPDATE alerts.deliveries d
       SET lease_until = now() + make_interval(secs => p_lease_s)
      FROM due, alerts.subscriptions s
     WHERE d.id = due.id AND s.id = d.subscription_id
    RETURNING d.id, s.url, s.secret,
              jsonb_build_object('type', d.event_type, 'timestamp', hearth.ts(d.event_occurred_at),
                                 'data', d.payload)::text,
              d.round_attempts
    $$;

-- Record one attempt. p_retry_in_s: seconds to the next attempt, NULL when
-- the schedule is spent (the delivery has failed, and its subscription is
-- disabled: its endpoint kept failing to the end). Returns the new status.
CREATE FUNCTION webhook_record(p_id uuid, p_status_code integer, p_error text,
                               p_duration_ms integer, p_delivered boolean, p_retry_in_s integer)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    d alerts.deliveries;
    outcome text;
BEGIN
    SELECT * INTO d FROM alerts.deliveries WHERE id = p_id AND status = 'pending' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO alerts.delivery_attempts (delivery_id, attempt, tenant_id, org_id, duration_ms,
                                          status_code, error)
    VALUES (d.id, d.attempts + 1, d.tenant_id, d.org_id, greatest(p_duration_ms, 0),
            nullif(p_status_code, 0), left(p_error, 500));
    outcome := CASE WHEN p_delivered THEN 'delivered'
                    WHEN p_retry_in_s IS NULL THEN 'failed' ELSE 'pending' END;
    UPDATE alerts.deliveries
       SET status = outcome, attempts = attempts + 1, round_attempts = round_attempts + 1,
           last_status_code = nullif(p_status_code, 0), last_error = left(p_error, 500),
           last_attempt_at = now(), lease_until = NULL,
           next_attempt_at = CASE WHEN outcome = 'pending'
                                  THEN now() + make_interval(secs => p_retry_in_s)
                                  ELSE next_attempt_at END,
           delivered_at = CASE WHEN p_delivered THEN now() ELSE delivered_at END,
           failed_at = CASE WHEN outcome = 'failed' THEN now() ELSE NULL END
     WHERE id = d.id;
    IF outcome = 'failed' THEN
        UPDATE alerts.subscriptions
           SET status = 'disabled',
               disabled_reason = left(format('delivery %s failed after %s attempts (last: %s)',
                                             d.id, d.round_attempts + 1,
                                             coalesce(p_error, 'HTTP ' || p_status_code)), 500)
         WHERE id = d.subscription_id AND status = 'active';
    END IF;
    RETURN outcome;
END
$$;

REVOKE ALL ON FUNCTION queue_deliveries(), webhook_claim(integer, integer),
    webhook_record(uuid, integer, text, integer, boolean, integer) FROM PUBLIC;

DO $$
DECLARE
    r text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON subscriptions, deliveries TO %I', r);
    EXECUTE format('GRANT SELECT ON delivery_attempts TO %I', r);
    EXECUTE format('GRANT EXECUTE ON FUNCTION webhook_claim(integer, integer), '
                   'webhook_record(uuid, integer, text, integer, boolean, integer) TO %I', r);
END
$$;
