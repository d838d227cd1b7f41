-- 010_qa_api: what the quality-assurance service may know of the register
-- (API.md §7), published as functions rather than table grants.
--
-- hearth-qa records inspections, visits and placement stops against the
-- tenant's settings and providers. It needs, for one setting or provider of
-- the request's tenant: whether it exists, its provider, regulator and type
-- (which judgements an inspection may carry) and the provider's lead authority
-- (who must acknowledge a placement stop). Nothing else crosses.
--
-- Each function runs as its owner (the admin role that runs migrations, which
-- bypasses row-level security), so it checks the tenant itself: the tenant
-- asked about must be the request's own (hearth.current_tenant(), set by
-- hearth.begin_request()); any other is refused, not answered with nothing,
-- so a caller's mistake shows. search_path is pinned and every name is
-- qualified: a caller cannot put its own functions or tables in the way.
--
-- The QA role may not exist yet on a fresh database (services migrate in
-- dependency order, and qa comes after providers): it is created here with
-- LOGIN, as the runner would, and the runner then only sets its password.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_qa') THEN
        CREATE ROLE hearth_qa LOGIN;
    END IF;
END
$$;

-- Raises insufficient_privilege unless p_tenant is the request's tenant.
CREATE FUNCTION providers_api.require_request_tenant(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'the register answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- One setting of the tenant: its provider, regulator, type and status; no row
-- when the tenant has no such setting.
CREATE FUNCTION providers_api.setting_profile(p_tenant uuid, p_setting uuid)
    RETURNS TABLE (provider_id uuid, regulator text, setting_type text, status text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM providers_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT s.provider_id, s.regulator, s.setting_type, s.status
    FROM providers.settings s
    WHERE s.tenant_id = p_tenant AND s.id = p_setting;
END
$$;

-- One provider of the tenant: its lead authority and status; no row when the
-- tenant has no such provider.
CREATE FUNCTION providers_api.provider_profile(p_tenant uuid, p_provider uuid)
    RETURNS TABLE (lead_org_id uuid, status text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM providers_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT p.lead_org_id, p.status
    FROM providers.providers p
    WHERE p.tenant_id = p_tenant AND p.id = p_provider;
END
$$;

REVOKE ALL ON FUNCTION providers_api.require_request_tenant(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION providers_api.setting_profile(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION providers_api.provider_profile(uuid, uuid) FROM PUBLIC;
GRANT USAGE ON SCHEMA providers_api TO hearth_qa;
GRANT EXECUTE ON FUNCTION providers_api.setting_profile(uuid, uuid) TO hearth_qa;
GRANT EXECUTE ON FUNCTION providers_api.provider_profile(uuid, uuid) TO hearth_qa;
