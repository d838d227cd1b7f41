-- 001_organisations: the organisations of a tenant (councils, the consortium's
-- own team, provider organisations). Provider intelligence: readable by every
-- organisation of the tenant; written by tenant admins.

CREATE TABLE organisations (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES hearth.tenants (id),
    kind               text NOT NULL CHECK (kind IN ('local_authority', 'consortium', 'provider')),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code               text CHECK (length(code) BETWEEN 1 AND 40),
    centre_lat         double precision CHECK (centre_lat BETWEEN -90 AND 90),
    centre_lon         double precision CHECK (centre_lon BETWEEN -180 AND 180),
    local_radius_miles numeric(7, 2) NOT NULL DEFAULT 20 CHECK (local_radius_miles > 0),
    provider_id        uuid,
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    version            bigint NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((centre_lat IS NULL) = (centre_lon IS NULL)),
    CONSTRAINT organisations_code_key UNIQUE (tenant_id, code)
);

CREATE INDEX organisations_list_idx ON organisations (tenant_id, created_at, id);

ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY organisations_tenant ON organisations
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

-- The API document of an organisation.
CREATE FUNCTION organisation_doc(o organisations) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', o.id, 'kind', o.kind, 'name', o.name, 'code', o.code,
        'centre', CASE WHEN o.centre_lat IS NULL THEN NULL
                       ELSE jsonb_build_object('lat', o.centre_lat, 'lon', o.centre_lon) END,
        'local_radius_miles', o.local_radius_miles::float8,
        'provider_id', o.provider_id, 'status', o.status, 'version', o.version,
        'created_at', hearth.ts(o.created_at), 'updated_at', hearth.ts(o.updated_at))
    $$;

CREATE TRIGGER organisations_version BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();
