-- 008_placements_api: the aggregates of placements other services may read
-- (API.md §7), published in the placements_api schema. Aggregates cross;
-- no child, placement or child-level field does.
--
-- Needed by hearth-qa now:
--   councils_with_child_at: which local authorities of the tenant had a child
--     placed at a provider (or one of its settings) on a day, and how many
--     placements each: the councils that must acknowledge a placement stop;
--   settings_with_children: the settings where one council (or, with no
--     council named, any council of the tenant) has a child placed on a day,
--     with the count and the earliest start among those placements: the
--     settings whose visits fall due;
--   is_own_child: whether a child id names a child of the request's own
--     organisation (a concern may name only the raising council's own child),
--     a yes or no about the caller's own records, never about another's.
--
-- Each function runs as its owner (the admin role that runs migrations, which
-- bypasses row-level security) and so checks the tenant itself: the tenant
-- asked about must be the request's own. search_path is pinned and every name
-- qualified. A placement is active on D when start_date <= D and (end_date is
-- null or end_date >= D), as everywhere in the service.
--
-- The QA role may not exist yet on a fresh database (qa migrates after
-- placements): it is created here with LOGIN, as the runner would.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_qa') THEN
        CREATE ROLE hearth_qa LOGIN;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS placements_api;
REVOKE ALL ON SCHEMA placements_api FROM PUBLIC;

CREATE FUNCTION placements_api.require_request_tenant(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'placements answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- p_setting NULL: anywhere at the provider; otherwise at that setting only.
CREATE FUNCTION placements_api.councils_with_child_at(p_tenant uuid, p_provider uuid,
                                                      p_setting uuid, p_day date)
    RETURNS TABLE (org_id uuid, placements bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT p.org_id, count(*)
    FROM placements.placements p
    JOIN providers.organisations o
      ON o.tenant_id = p.tenant_id AND o.id = p.org_id AND o.kind = 'local_authority'
    WHERE p.tenant_id = p_tenant AND p.provider_id = p_provider
      AND (p_setting IS NULL OR p.setting_id = p_setting)
      AND p.start_date <= p_day AND (p.end_date IS NULL OR p.end_date >= p_day)
    GROUP BY p.org_id
    ORDER BY p.org_id;
END
$$;

-- p_org NULL: any council of the tenant.
CREATE FUNCTION placements_api.settings_with_children(p_tenant uuid, p_org uuid, p_day date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, placements bigint, first_start date)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    RETURN QUERY
    SELECT p.setting_id, p.provider_id, count(*), min(p.start_date)
    FROM placements.placements p
    WHERE p.tenant_id = p_tenant AND (p_org IS NULL OR p.org_id = p_org)
      AND p.setting_id IS NOT NULL
      AND p.start_date <= p_day AND (p.end_date IS NULL OR p.end_date >= p_day)
    -- A setting has one provider (placements_setting_provider, 001).
    GROUP BY p.setting_id, p.provider_id
    ORDER BY p.setting_id;
END
$$;

CREATE FUNCTION placements_api.is_own_child(p_tenant uuid, p_child uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    RETURN EXISTS (SELECT 1 FROM placements.children c
                   WHERE c.tenant_id = p_tenant AND c.org_id = hearth.current_org()
                     AND c.id = p_child);
END
$$;

-- The lookups above: placements at a provider on a day, tenant-wide.
CREATE INDEX placements_provider_active_idx ON placements.placements
    (tenant_id, provider_id, start_date) INCLUDE (end_date, setting_id, org_id);

REVOKE ALL ON FUNCTION placements_api.require_request_tenant(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION placements_api.councils_with_child_at(uuid, uuid, uuid, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION placements_api.settings_with_children(uuid, uuid, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION placements_api.is_own_child(uuid, uuid) FROM PUBLIC;
GRANT USAGE ON SCHEMA placements_api TO hearth_qa;
GRANT EXECUTE ON FUNCTION placements_api.councils_with_child_at(uuid, uuid, uuid, date) TO hearth_qa;
GRANT EXECUTE ON FUNCTION placements_api.settings_with_children(uuid, uuid, date) TO hearth_qa;
GRANT EXECUTE ON FUNCTION placements_api.is_own_child(uuid, uuid) TO hearth_qa;
