-- 041_placement_doc_inline: a placement's document is built inside the
-- statement that reads the placement, not by a query of its own per row.
--
-- placement_doc() (002) looks up the distance from the council's centre to
-- the setting in its body's FROM clause, so PostgreSQL cannot inline it: each
-- call runs as a separate query through the SQL-function executor, about
-- 150 us a placement against 50 us for the same document built in the
-- calling statement. A list page of 50 spent 9 of its 10 ms of execution
-- there; a single read, a third of its statement.
--
-- The document is split along that line:
--   placement_distance(tenant, org, setting)  the rounded miles and the
--       council's local radius: a table function, so a statement that calls
--       it in FROM (LEFT JOIN LATERAL ... ON true) gets its query inlined;
--   placement_doc_of(p, miles, radius)  the document from the row and those
--       two values: one expression, inlined wherever it is called.
-- placement_doc(p) stays, for the statements that build one document at a
-- time (writes, events), and is now made of the two, so there is one
-- definition of the document. Same members, same values, same text.

CREATE FUNCTION placement_distance(p_tenant uuid, p_org uuid, p_setting uuid)
    RETURNS TABLE (miles numeric, radius numeric)
    LANGUAGE sql STABLE
    AS $$
    SELECT round(great_circle_miles(o.centre_lat, o.centre_lon, s.location_lat,
                                    s.location_lon)::numeric, 1),
           o.local_radius_miles
    FROM providers.organisations o, providers.settings s
    WHERE o.tenant_id = p_tenant AND o.id = p_org
      AND s.tenant_id = p_tenant AND s.id = p_setting
    $$;

CREATE FUNCTION placement_doc_of(p placements, p_miles numeric, p_radius numeric)
    RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'org_id', p.org_id, 'child_id', p.child_id, 'external_ref', p.external_ref,
        'provider_id', p.provider_id, 'setting_id', p.setting_id,
        'placement_type', p.placement_type, 'provision', p.provision, 'sourcing', p.sourcing,
        'contract_id', p.contract_id, 'framework_id', p.framework_id,
        'start_date', p.start_date, 'end_date', p.end_date, 'end_reason', p.end_reason,
        'weekly_cost_pence', p.weekly_cost_pence,
        'contributions', jsonb_build_object('social_care_pence', p.social_care_pence,
                                            'education_pence', p.education_pence,
                                            'health_pence', p.health_pence),
        'distance_miles', p_miles::float8,
        'is_local', p_miles <= p_radius,
        'distance_reason', p.distance_reason,
        'status', CASE WHEN p.end_date IS NULL OR p.end_date >= current_date
                       THEN 'active' ELSE 'ended' END,
        'ipa_status', CASE WHEN p.ipa_version IS NULL THEN 'missing'
                           WHEN p.ipa_reissue_required THEN 'reissue_required'
                           ELSE 'current' END,
        'ipa_version', p.ipa_version,
        'version', p.version,
        'created_at', hearth.ts(p.created_at), 'updated_at', hearth.ts(p.updated_at))
    $$;

CREATE OR REPLACE FUNCTION placement_doc(p placements) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT placement_doc_of(p, g.miles, g.radius)
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL placement_distance(p.tenant_id, p.org_id, p.setting_id) AS g ON true
    $$;
