-- 001_outbox_idempotency: applied once inside every service schema, with the
-- search_path set to that schema first, so the unqualified names below land
-- there. The runner sets hearth.service_role to the schema's service role.

-- The transactional outbox (API.md section 6). seq orders events for consumers
-- catching up; id is the event's public identity.
CREATE TABLE outbox (
    seq          bigserial PRIMARY KEY,
    id           uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    tenant_id    uuid NOT NULL,
    org_id       uuid,
    type         text NOT NULL,
    subject_type text NOT NULL,
    subject_id   uuid,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    payload      jsonb NOT NULL DEFAULT '{}'
);

-- One NOTIFY per statement, carrying the schema name; PostgreSQL delivers it
-- only on commit, and folds duplicates within a transaction.
CREATE FUNCTION outbox_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('hearth_outbox', TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify
    AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_tenant ON outbox
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

-- Idempotency-Key records, kept 24 hours (older rows count as absent and are
-- deleted by the next claim of the same key).
CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL,
    org_id       uuid NOT NULL,
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash text NOT NULL,
    status       int,
    location     text,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, org_id, key)
);

CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_tenant_org ON idempotency_keys
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

-- Default privileges give SELECT, INSERT, UPDATE; expiring keys also needs DELETE.
DO $$
BEGIN
    EXECUTE format('GRANT DELETE ON idempotency_keys TO %I',
                   current_setting('hearth.service_role'));
END
$$;
