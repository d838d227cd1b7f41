-- 007_visibility_requires_active: what an organisation may see depends on it
-- being active, on every policy path, not only at the door.
--
-- hearth.begin_request() already refuses a request whose organisation is
-- closed or absent. The policy helpers check again, so that a closed provider
-- organisation's staff lose sight of the placements at their provider and a
-- closed consortium team loses the tenant-wide reports even in a transaction
-- opened some other way. Each also names the tenant, rather than relying on
-- the organisations table's own policy.

CREATE OR REPLACE FUNCTION current_provider() RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT o.provider_id FROM providers.organisations o
    WHERE o.tenant_id = hearth.current_tenant() AND o.id = hearth.current_org()
      AND o.kind = 'provider' AND o.status = 'active'
    $$;

CREATE OR REPLACE FUNCTION report_scope() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE o.kind WHEN 'local_authority' THEN 'organisation'
                       WHEN 'consortium' THEN 'tenant' END
    FROM providers.organisations o
    WHERE o.tenant_id = hearth.current_tenant() AND o.id = hearth.current_org()
      AND o.status = 'active'
    $$;

CREATE OR REPLACE FUNCTION report_require_consortium() RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM providers.organisations o
                   WHERE o.tenant_id = hearth.current_tenant()
                     AND o.id = hearth.current_org() AND o.kind = 'consortium'
                     AND o.status = 'active') THEN
        RAISE EXCEPTION 'tenant-wide reports are for consortium organisations only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Per-table privileges (see providers 009): placements are created, updated
-- and read; IPA versions are only ever added; children are created and updated.
DO $$
DECLARE
    r text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('REVOKE ALL ON children, placements, ipas FROM %I', r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON children, placements TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT ON ipas TO %I', r);
END
$$;
