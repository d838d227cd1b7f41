-- 016_organisation_standing_cached_plan: the standing check of every request
-- plans its query once per connection, not once per call.
--
-- hearth.begin_request() calls providers_api.organisation_standing() at the
-- start of every request. As a LANGUAGE sql function with SECURITY DEFINER
-- and a SET clause it can never be inlined, and PostgreSQL parses and plans
-- the body of such a function afresh on every call: under a read load that
-- was about half of each backend's time. PL/pgSQL keeps the prepared plan of
-- its query for the life of the session. Same signature, same answer (the
-- kind of an active organisation of the tenant, else NULL), same owner,
-- privileges, SECURITY DEFINER and pinned search_path.

CREATE OR REPLACE FUNCTION providers_api.organisation_standing(p_tenant uuid, p_org uuid)
    RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    RETURN (SELECT o.kind FROM providers.organisations o
            WHERE o.id = p_org AND o.tenant_id = p_tenant AND o.status = 'active');
END
$$;
