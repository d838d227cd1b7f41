-- 011_qa_api_profiles: setting_profile (010) for many settings at once, so
-- hearth-qa asks once per request rather than once per row of a tenant-wide
-- answer (the missing Reg 44 reports, risk). Same answer, same rules: the
-- request's own tenant only, no row for an id the tenant has no setting for,
-- nothing else of the register crosses.

CREATE FUNCTION providers_api.setting_profiles(p_tenant uuid, p_settings uuid[])
    RETURNS TABLE (setting_id uuid, provider_id uuid, regulator text, setting_type text,
                   status text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM providers_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT s.id, s.provider_id, s.regulator, s.setting_type, s.status
    FROM providers.settings s
    WHERE s.tenant_id = p_tenant AND s.id = ANY (p_settings);
END
$$;

REVOKE ALL ON FUNCTION providers_api.setting_profiles(uuid, uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION providers_api.setting_profiles(uuid, uuid[]) TO hearth_qa;
