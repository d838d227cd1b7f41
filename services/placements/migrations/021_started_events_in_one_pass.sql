-- 021_started_events_in_one_pass: the placements.placement.started events of
-- an INSERT are built in the statement trigger's one query, not by a call of
-- placement_doc() per row.
--
-- placement_doc() (002) cannot be inlined (its body has a FROM clause), so
-- each call ran as a query of its own, and hearth.ts() inside it (declared
-- IMMUTABLE around the STABLE to_char, so never inlined either) was parsed
-- and planned afresh twice per row: about a tenth of a 10,000-item first
-- push. The trigger now spells out the same document, with the same
-- expressions (the same distance and locality lookup, the same timestamp
-- format); the events are the same, member for member. The db-push-sets
-- tier checks each event's payload against placement_doc() of its row.

CREATE OR REPLACE FUNCTION placements_started_events() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
BEGIN
    INSERT INTO placements.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    SELECT n.tenant_id, n.org_id, 'placements.placement.started', 'placement', n.id,
           jsonb_build_object(
               'id', n.id, 'org_id', n.org_id, 'child_id', n.child_id,
               'external_ref', n.external_ref,
               'provider_id', n.provider_id, 'setting_id', n.setting_id,
               'placement_type', n.placement_type, 'provision', n.provision,
               'sourcing', n.sourcing,
               'contract_id', n.contract_id, 'framework_id', n.framework_id,
               'start_date', n.start_date, 'end_date', n.end_date, 'end_reason', n.end_reason,
               'weekly_cost_pence', n.weekly_cost_pence,
               'contributions', jsonb_build_object('social_care_pence', n.social_care_pence,
                                                   'education_pence', n.education_pence,
                                                   'health_pence', n.health_pence),
               'distance_miles', g.miles::float8,
               'is_local', g.miles <= g.radius,
               'distance_reason', n.distance_reason,
               'status', CASE WHEN n.end_date IS NULL OR n.end_date >= current_date
                              THEN 'active' ELSE 'ended' END,
               'ipa_status', CASE WHEN n.ipa_version IS NULL THEN 'missing'
                                  WHEN n.ipa_reissue_required THEN 'reissue_required'
                                  ELSE 'current' END,
               'ipa_version', n.ipa_version,
               'version', n.version,
               'created_at', to_char(n.created_at AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'updated_at', to_char(n.updated_at AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
    FROM new_rows n
    LEFT JOIN LATERAL (
        SELECT round(placements.great_circle_miles(o.centre_lat, o.centre_lon, s.location_lat,
                                                   s.location_lon)::numeric, 1) AS miles,
               o.local_radius_miles AS radius
        FROM providers.organisations o, providers.settings s
        WHERE o.tenant_id = n.tenant_id AND o.id = n.org_id
          AND s.tenant_id = n.tenant_id AND s.id = n.setting_id) AS g ON true
    ORDER BY n.created_at, n.id;
    RETURN NULL;
END
$$;
