-- 011_alerts_api: what the alerts service may read of QA (API.md §7): the
-- organisations that must acknowledge a placement stop (the councils with a
-- child placed there on effective_from, and the provider's lead authority:
-- the same list GET .../acknowledgements shows), and the missing Reg 44
-- reports as of a day, and who issued a stop. Only about the request's own tenant.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_alerts') THEN
        CREATE ROLE hearth_alerts LOGIN;
    END IF;
END
$$;

CREATE FUNCTION qa_api.stop_acknowledgers(p_tenant uuid, p_stop uuid)
    RETURNS TABLE (org_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'qa answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT (e ->> 'org_id')::uuid
    FROM jsonb_array_elements(qa.placement_stop_acknowledgement_list(p_stop) -> 'items') e
    WHERE (e ->> 'must_acknowledge')::boolean
    ORDER BY 1;
END
$$;

CREATE FUNCTION qa_api.reg44_missing(p_tenant uuid, p_day date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, month text, org_ids uuid[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'qa answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT (m.doc ->> 'setting_id')::uuid, (m.doc ->> 'provider_id')::uuid, m.doc ->> 'month',
           ARRAY(SELECT (c ->> 'org_id')::uuid FROM jsonb_array_elements(m.doc -> 'councils') c)
    FROM qa.reg44_missing(p_day) m;
END
$$;

-- Who issued stop p_stop (its placement_stop_overridden alert goes to them).
CREATE FUNCTION qa_api.stop_issuer(p_tenant uuid, p_stop uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_org uuid;
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'qa answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT s.issued_by_org_id INTO v_org FROM qa.placement_stops s
    WHERE s.tenant_id = p_tenant AND s.id = p_stop;
    RETURN v_org;
END
$$;

REVOKE ALL ON FUNCTION qa_api.stop_issuer(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qa_api.stop_issuer(uuid, uuid) TO hearth_alerts;
REVOKE ALL ON FUNCTION qa_api.stop_acknowledgers(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION qa_api.reg44_missing(uuid, date) FROM PUBLIC;
GRANT USAGE ON SCHEMA qa_api TO hearth_alerts;
GRANT EXECUTE ON FUNCTION qa_api.stop_acknowledgers(uuid, uuid) TO hearth_alerts;
GRANT EXECUTE ON FUNCTION qa_api.reg44_missing(uuid, date) TO hearth_alerts;
