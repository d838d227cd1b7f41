-- 016_read_path_plans: every request's standing check and the provider
-- document cost one cached plan, not a parse and plan of SQL function bodies
-- on every call.
--
-- PostgreSQL runs a LANGUAGE sql function it cannot inline by parsing and
-- planning its body afresh on every call. Under a read load of GET
-- /v1/providers/{id} that was most of each backend's time:
--
-- 1. hearth.begin_request() calls providers_api.organisation_standing() for
--    every request. SECURITY DEFINER and a SET clause rule out inlining;
--    PL/pgSQL keeps the prepared plan of its query for the session. Same
--    signature, same answer (the kind of an active organisation of the
--    tenant, else NULL), same owner, privileges, SECURITY DEFINER and pinned
--    search_path.
--
-- 2. provider_doc() itself is inlined into the statement that calls it, but
--    address_doc() and hearth.ts() inside it are not: they are declared
--    IMMUTABLE while their bodies call STABLE functions (jsonb_build_object,
--    to_char), and the planner never inlines such a function. provider_doc()
--    now spells their expressions out, so the whole document is one
--    expression of the outer plan. The document is the same, member for
--    member and byte for byte (the same expressions as address_doc and
--    hearth.ts).

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

CREATE OR REPLACE FUNCTION provider_doc(p providers) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'name', p.name, 'legal_name', p.legal_name,
        'company_number', p.company_number, 'charity_number', p.charity_number,
        'provider_types', to_jsonb(p.provider_types), 'ownership', p.ownership,
        'status', p.status,
        'address', CASE WHEN p.address_line1 IS NULL THEN NULL ELSE
                       jsonb_build_object('line1', p.address_line1, 'line2', p.address_line2,
                                          'town', p.address_town,
                                          'postcode', p.address_postcode) END,
        'contact', CASE WHEN p.contact_name IS NULL AND p.contact_email IS NULL
                         AND p.contact_phone IS NULL THEN NULL
                    ELSE jsonb_build_object('name', p.contact_name, 'email', p.contact_email,
                                            'phone', p.contact_phone) END,
        'lead_org_id', p.lead_org_id, 'version', p.version,
        'created_at', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
    $$;
