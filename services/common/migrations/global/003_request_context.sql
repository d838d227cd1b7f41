-- 003_request_context: the one statement that opens every request's
-- row-level-security context, and refuses a context that names no one.
--
-- A token's `tenant` and `org` claims are inputs, not facts: a correctly signed
-- token may name an organisation that does not exist, belongs to another
-- tenant or has been closed. hearth.begin_request() sets the context and, in
-- the same statement (so in the same round trip as the request's first query),
-- asks the organisation register whether the organisation is an active
-- organisation of that tenant. If not it raises invalid_authorization_specification
-- (SQLSTATE 28000), which the services answer with 403, and the rest of the
-- transaction never runs.
--
-- The register belongs to the providers service, which publishes the answer as
-- providers_api.organisation_standing(tenant, org) (its migration 007). This
-- function runs as its owner (the admin role) so that no service role needs a
-- grant on another service's schema; the lookup is resolved when called.

CREATE FUNCTION hearth.begin_request(p_tenant text, p_org text, p_sub text, p_roles text,
                                     p_request_id text)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_kind text;
BEGIN
    -- Local to the transaction: only search_path is restored when this
    -- function returns (it is the only setting in its SET clause).
    PERFORM set_config('hearth.tenant_id', p_tenant, true),
            set_config('hearth.org_id', p_org, true),
            set_config('hearth.sub', p_sub, true),
            set_config('hearth.roles', p_roles, true),
            set_config('hearth.request_id', p_request_id, true);
    IF p_tenant IS NOT NULL AND p_tenant <> '' AND p_org IS NOT NULL AND p_org <> '' THEN
        v_kind := providers_api.organisation_standing(p_tenant::uuid, p_org::uuid);
    END IF;
    IF v_kind IS NULL THEN
        RAISE EXCEPTION 'the request''s organisation is not an active organisation of its tenant'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    PERFORM set_config('hearth.org_kind', v_kind, true);
    RETURN v_kind;
END
$$;

REVOKE ALL ON FUNCTION hearth.begin_request(text, text, text, text, text) FROM PUBLIC;
