-- 002_docs_events: the API documents of children, placements and IPAs, the
-- distance rule, and the domain events of placements written by triggers.
--
-- Events come from triggers, not from the C handlers, so every path that
-- writes a placement (PATCH, PUT by reference, batch upserts, a future import)
-- emits exactly the same events in the same transaction as the change. The
-- trigger functions pin their search_path: the demo seed runs as another role.

-- The latest IPA version of a placement, kept on the placement by the IPA
-- trigger below. It makes ipa_status readable by anyone who may read the
-- placement (a provider's staff do not see IPA rows), and gives the IPA insert
-- a row to lock and a counter to read under that lock.
ALTER TABLE placements ADD COLUMN ipa_version integer CHECK (ipa_version >= 1);

-- Children are placed by local authorities: a consortium team sees them only
-- in aggregate reports and a provider's staff never, so neither may record one.
CREATE FUNCTION check_placing_org() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM providers.organisations o
        WHERE o.tenant_id = NEW.tenant_id AND o.id = NEW.org_id AND o.kind = 'local_authority') THEN
        RAISE EXCEPTION 'only a local authority records children'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'children_placing_org_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER children_placing_org BEFORE INSERT ON children
    FOR EACH ROW EXECUTE FUNCTION check_placing_org();

CREATE FUNCTION child_doc(c children) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'org_id', c.org_id, 'local_ref', c.local_ref,
        'birth_month', to_char(c.birth_month, 'YYYY-MM'), 'gender', c.gender,
        'legal_status', c.legal_status, 'version', c.version,
        'created_at', hearth.ts(c.created_at), 'updated_at', hearth.ts(c.updated_at))
    $$;

-- Miles from the placing organisation's centre to the setting, unrounded; NULL
-- when the placement has no setting, the setting no location or the
-- organisation no centre. Computed on every read rather than stored, so it is
-- always current when a council moves its centre or a setting its location.
CREATE FUNCTION placement_distance_miles(p placements) RETURNS float8
    LANGUAGE sql STABLE
    AS $$
    SELECT great_circle_miles(o.centre_lat, o.centre_lon, s.location_lat, s.location_lon)
    FROM providers.organisations o, providers.settings s
    WHERE o.tenant_id = p.tenant_id AND o.id = p.org_id
      AND s.tenant_id = p.tenant_id AND s.id = p.setting_id
    $$;

-- Local: within the organisation's local radius, comparing the distance as the
-- API shows it (one decimal), so a reader never sees "20.0 miles" reported as
-- not local against a 20-mile radius. Exactly at the radius counts as local.
-- NULL when the distance is unknown.
CREATE FUNCTION placement_is_local(p placements) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT round(great_circle_miles(o.centre_lat, o.centre_lon, s.location_lat,
                                    s.location_lon)::numeric, 1) <= o.local_radius_miles
    FROM providers.organisations o, providers.settings s
    WHERE o.tenant_id = p.tenant_id AND o.id = p.org_id
      AND s.tenant_id = p.tenant_id AND s.id = p.setting_id
    $$;

-- Active on a day: started on or before it and not ended before it.
CREATE FUNCTION placement_active_on(p placements, d date) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT p.start_date <= d AND (p.end_date IS NULL OR p.end_date >= d) $$;

-- The document computes distance and locality itself, with one lookup of the
-- organisation and setting, by the same rules as the two functions above.
CREATE FUNCTION placement_doc(p placements) RETURNS jsonb
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
        'distance_miles', g.miles::float8,
        'is_local', g.miles <= g.radius,
        'distance_reason', p.distance_reason,
        'status', CASE WHEN p.end_date IS NULL OR p.end_date >= current_date
                       THEN 'active' ELSE 'ended' END,
        'ipa_status', CASE WHEN p.ipa_version IS NULL THEN 'missing'
                           WHEN p.ipa_reissue_required THEN 'reissue_required'
                           ELSE 'current' END,
        'ipa_version', p.ipa_version,
        'version', p.version,
        'created_at', hearth.ts(p.created_at), 'updated_at', hearth.ts(p.updated_at))
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT round(great_circle_miles(o.centre_lat, o.centre_lon, s.location_lat,
                                        s.location_lon)::numeric, 1) AS miles,
               o.local_radius_miles AS radius
        FROM providers.organisations o, providers.settings s
        WHERE o.tenant_id = p.tenant_id AND o.id = p.org_id
          AND s.tenant_id = p.tenant_id AND s.id = p.setting_id) AS g ON true
    $$;

CREATE FUNCTION ipa_doc(i ipas) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', i.id, 'placement_id', i.placement_id, 'version_no', i.version_no,
        'issued_on', i.issued_on, 'effective_from', i.effective_from,
        'weekly_fee_pence', i.weekly_fee_pence, 'outcomes', i.outcomes,
        'review_due', i.review_due, 'created_at', hearth.ts(i.created_at))
    $$;

CREATE INDEX ipas_list_idx ON ipas (tenant_id, placement_id, version_no);

-- A change of cost or setting makes the current IPA out of date. Named to sort
-- before placements_version, so the version bump sees the flag too.
CREATE FUNCTION placements_flag_ipa_reissue() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
BEGIN
    IF NEW.ipa_version IS NOT NULL AND NEW.ipa_version IS NOT DISTINCT FROM OLD.ipa_version AND
       (NEW.weekly_cost_pence IS DISTINCT FROM OLD.weekly_cost_pence OR
        NEW.setting_id IS DISTINCT FROM OLD.setting_id) THEN
        NEW.ipa_reissue_required := true;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placements_ipa_reissue BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_flag_ipa_reissue();

-- Event triggers are per statement, over the transition tables, so a batch
-- of 10,000 upserts writes its events in one INSERT rather than 10,000.
CREATE FUNCTION placements_started_events() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
BEGIN
    INSERT INTO placements.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    SELECT n.tenant_id, n.org_id, 'placements.placement.started', 'placement', n.id,
           placement_doc(n)
    FROM new_rows n ORDER BY n.created_at, n.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_started AFTER INSERT ON placements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION placements_started_events();

-- ended: the end date was set (payload: the document, with end_reason);
-- changed: any other real change (the version moved), except the IPA
-- bookkeeping of a new IPA, which is its own event (placements.ipa.issued);
-- reissue_required: the IPA flag went from false to true (after ended/changed).
CREATE FUNCTION placements_update_events() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
DECLARE
    bookkeeping constant text[] := ARRAY['ipa_version', 'ipa_reissue_required', 'version',
                                         'updated_at'];
BEGIN
    WITH docs AS (
        SELECT n.id, n.tenant_id, n.org_id, n.end_reason, f.ended, f.changed, f.reissue,
               CASE WHEN f.ended OR f.changed OR f.reissue THEN placement_doc(n) END AS doc
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (SELECT
            o.end_date IS NULL AND n.end_date IS NOT NULL AS ended,
            (to_jsonb(n) - bookkeeping) <> (to_jsonb(o) - bookkeeping) AS changed,
            n.ipa_reissue_required AND NOT o.ipa_reissue_required AS reissue) AS f
        WHERE n.version <> o.version
    ), events AS (
        SELECT id, tenant_id, org_id, 1 AS k, 'placements.placement.ended' AS type,
               doc || jsonb_build_object('end_reason', end_reason) AS payload
        FROM docs WHERE ended
        UNION ALL
        SELECT id, tenant_id, org_id, 1, 'placements.placement.changed', doc
        FROM docs WHERE changed AND NOT ended
        UNION ALL
        SELECT id, tenant_id, org_id, 2, 'placements.ipa.reissue_required', doc
        FROM docs WHERE reissue
    )
    INSERT INTO placements.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    SELECT tenant_id, org_id, type, 'placement', id, payload FROM events ORDER BY id, k;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_events AFTER UPDATE ON placements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION placements_update_events();

-- A new IPA version is the current agreement: record it on the placement and
-- clear the reissue flag.
CREATE FUNCTION ipas_issued() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
BEGIN
    UPDATE placements.placements
    SET ipa_version = greatest(coalesce(ipa_version, 0), NEW.version_no),
        ipa_reissue_required = false
    WHERE tenant_id = NEW.tenant_id AND id = NEW.placement_id;
    INSERT INTO placements.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    VALUES (NEW.tenant_id, NEW.org_id, 'placements.ipa.issued', 'ipa', NEW.id, ipa_doc(NEW));
    RETURN NULL;
END
$$;
CREATE TRIGGER ipas_issued AFTER INSERT ON ipas
    FOR EACH ROW EXECUTE FUNCTION ipas_issued();
