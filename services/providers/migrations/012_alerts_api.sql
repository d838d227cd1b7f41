-- 012_alerts_api: what the alerts service may read of the register (API.md
-- §7): the organisations of a kind (the consortium team receives alerts
-- beside the councils concerned), a provider's lead authority and a setting's
-- provider. Only about the request's own tenant, like every published function.
--
-- The alerts role may not exist yet on a fresh database (alerts migrates
-- last): it is created here with LOGIN, as the runner would.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_alerts') THEN
        CREATE ROLE hearth_alerts LOGIN;
    END IF;
END
$$;

CREATE FUNCTION providers_api.organisations_of_kind(p_tenant uuid, p_kind text)
    RETURNS TABLE (org_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM providers_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT o.id FROM providers.organisations o
    WHERE o.tenant_id = p_tenant AND o.kind = p_kind AND o.status = 'active'
    ORDER BY o.id;
END
$$;

REVOKE ALL ON FUNCTION providers_api.organisations_of_kind(uuid, text) FROM PUBLIC;
GRANT USAGE ON SCHEMA providers_api TO hearth_alerts;
GRANT EXECUTE ON FUNCTION providers_api.organisations_of_kind(uuid, text) TO hearth_alerts;
GRANT EXECUTE ON FUNCTION providers_api.provider_profile(uuid, uuid) TO hearth_alerts;
GRANT EXECUTE ON FUNCTION providers_api.setting_profile(uuid, uuid) TO hearth_alerts;
