-- 001_core: the shared `hearth` schema (tenants, row-level-security context
-- helpers) and the insert-only audit trail.
--
-- hearth.schema_migrations is created by the migration runner itself, before
-- this file, because it records this file. Grants to the per-service roles are
-- also issued by the runner, on every run, so a service added later gets them.

CREATE SCHEMA IF NOT EXISTS hearth;

CREATE TABLE hearth.tenants (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,63}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The request's tenant and organisation, set per transaction by the services
-- (set_config(..., true)). Unset or empty means NULL, which matches no row.
CREATE FUNCTION hearth.current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('hearth.tenant_id', true), '')::uuid $$;

CREATE FUNCTION hearth.current_org() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('hearth.org_id', true), '')::uuid $$;

CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    service     text NOT NULL DEFAULT current_user,
    tenant_id   uuid,
    org_id      uuid,
    sub         text,
    method      text NOT NULL,
    path        text NOT NULL,
    resource    text,
    resource_id text,
    status      int NOT NULL,
    request_id  text
);

CREATE INDEX events_tenant_at_idx ON audit.events (tenant_id, at);

-- Privileges already keep service roles to INSERT; the trigger also stops the
-- table's owner and anyone granted more by mistake. A deliberate purge must
-- first disable the triggers, which leaves a trace in the DDL log.
CREATE FUNCTION audit.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit.events is insert-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_no_update_delete
    BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

REVOKE ALL ON SCHEMA hearth, audit FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA hearth, audit FROM PUBLIC;
