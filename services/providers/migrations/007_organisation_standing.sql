-- 007_organisation_standing: what an organisation is, it stays; whether it may
-- act, the register says.
--
-- An organisation's kind and provider decide what its users see (a provider
-- organisation reads the placements at its provider; a consortium reads
-- tenant-wide reports). Letting them change after creation would let a tenant
-- admin turn the consortium team into "staff" of any provider and read every
-- council's placements. So kind, provider_id and tenant_id are fixed at
-- creation: the API refuses them in a PATCH, and this trigger refuses them on
-- every write path.

CREATE FUNCTION organisations_keep_identity() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.kind IS DISTINCT FROM OLD.kind THEN
        RAISE EXCEPTION 'an organisation''s kind cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organisations_kind_immutable';
    END IF;
    IF NEW.provider_id IS DISTINCT FROM OLD.provider_id THEN
        RAISE EXCEPTION 'an organisation''s provider cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organisations_provider_id_immutable';
    END IF;
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'an organisation''s identity cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organisations_identity_immutable';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER organisations_identity BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_keep_identity();

-- Published for every service (API.md §7): the kind of an organisation of the
-- tenant when it is active, else NULL (absent, another tenant's, or closed).
-- hearth.begin_request() calls it for every request; the primary key makes it
-- one index probe.
CREATE SCHEMA IF NOT EXISTS providers_api;
REVOKE ALL ON SCHEMA providers_api FROM PUBLIC;

CREATE FUNCTION providers_api.organisation_standing(p_tenant uuid, p_org uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT o.kind FROM providers.organisations o
    WHERE o.id = p_org AND o.tenant_id = p_tenant AND o.status = 'active'
    $$;

REVOKE ALL ON FUNCTION providers_api.organisation_standing(uuid, uuid) FROM PUBLIC;
