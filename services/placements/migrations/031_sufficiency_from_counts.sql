-- 031_sufficiency_from_counts: the sufficiency report (004) adds up the
-- open placements kept counted in sufficiency_open (030) instead of reading
-- every placement active on as_at; the document is the same, byte for byte,
-- for the same rows (the tests compare it with 004's computation).
--
-- Active on D = open and started by D, or ended on or after D and started by
-- D. So: the kept counts of the open placements, less the open ones starting
-- after D, plus the ended ones active on D, those two read one by one
-- (placements_report_tenant_idx / _org_idx: two ranges of their
-- coalesce(end_date, 'infinity') column). Each group's net count is the
-- number of its rows active on D, so a group netting 0 is one the rows would
-- not have, and is left out (all but the grand total, which the rows always
-- have). The age band is decided per birth month by four bounds on it.
-- Within the caller's scope as before: a council's counts under row-level
-- security (sufficiency_open has the placements' owner policy), the
-- tenant's through report_sufficiency_tenant (definer).
CREATE OR REPLACE FUNCTION sufficiency_doc(p_as_at date, p_tenant uuid, p_org uuid,
                                           p_scope jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET jit = off
    AS $fn$
DECLARE
    doc jsonb;
    m date := date_trunc('month', p_as_at)::date;
BEGIN
    EXECUTE format($q$
    WITH x AS (
        SELECT p.tenant_id, p.org_id, p.child_id, p.setting_id, p.placement_type, p.provision,
               1 AS n
        FROM placements.placements p
        WHERE p.tenant_id = $2 %1$s
          AND coalesce(p.end_date, 'infinity'::date) >= $1
          AND coalesce(p.end_date, 'infinity'::date) < 'infinity'::date
          AND p.start_date <= $1
        UNION ALL
        SELECT p.tenant_id, p.org_id, p.child_id, p.setting_id, p.placement_type, p.provision,
               -1 AS n
        FROM placements.placements p
        WHERE p.tenant_id = $2 %1$s
          AND coalesce(p.end_date, 'infinity'::date) = 'infinity'::date
          AND p.start_date > $1),
    -- The kept counts, the organisations added up first (one hash of about
    -- as many rows as the tenant has keys, into a few thousand groups).
    k AS (
        SELECT s.placement_type, s.provision, s.gender, s.legal_status, s.birth_month,
               s.is_local, sum(s.placements) AS n
        FROM placements.sufficiency_open s
        WHERE s.tenant_id = $2 %2$s AND s.placements > 0
        GROUP BY 1, 2, 3, 4, 5, 6
        UNION ALL
        SELECT x.placement_type, x.provision, c.gender, c.legal_status, c.birth_month,
               placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                               s.location_lat, s.location_lon), x.n
        -- $2 rather than x.tenant_id: the planner then estimates each join
        -- by its id alone (it multiplied the two equalities' selectivities
        -- and looked up every setting by its index, one by one).
        FROM x
        JOIN placements.children c
          ON c.tenant_id = $2 AND c.org_id = x.org_id AND c.id = x.child_id
        JOIN providers.organisations o ON o.tenant_id = $2 AND o.id = x.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = $2 AND s.id = x.setting_id),
    -- One row per reported key with the rows read one by one: the age band
    -- and the grouping sets work on these few.
    f AS (
        SELECT k.placement_type, k.provision, k.gender, k.legal_status, k.birth_month,
               k.is_local, sum(k.n) AS n
        FROM k GROUP BY 1, 2, 3, 4, 5, 6),
    -- Completed years on $1 from the first of the birth month (whole months
    -- elapsed, the day of $1 never before the 1st, div 12) as bounds on the
    -- birth month: under 5 years = born after the first of the month 60
    -- months before $1's, and so on ($5..$8).
    a AS (
        SELECT f.placement_type, f.provision, f.gender, f.legal_status,
               CASE WHEN f.birth_month > $5 THEN '0-4' WHEN f.birth_month > $6 THEN '5-9'
                    WHEN f.birth_month > $7 THEN '10-15' WHEN f.birth_month > $8 THEN '16-17'
                    ELSE '18+' END AS age_band,
               f.is_local, f.n
        FROM f),
    -- Each group's net count is the number of its rows active on $1: a group
    -- the rows would not have has 0 (and is dropped below), except the
    -- grand total, which the rows always have.
    g0 AS (
        SELECT placement_type, provision, gender, legal_status, age_band,
               GROUPING(placement_type, provision, gender, legal_status, age_band) AS gset,
               coalesce(sum(n), 0)::bigint AS n,
               coalesce(sum(n) FILTER (WHERE provision = 'internal'), 0)::bigint AS internal,
               coalesce(sum(n) FILTER (WHERE provision = 'external'), 0)::bigint AS external,
               coalesce(sum(n) FILTER (WHERE is_local), 0)::bigint AS local
        FROM a
        GROUP BY GROUPING SETS ((), (placement_type), (placement_type, provision),
                                (placement_type, provision, gender),
                                (placement_type, provision, legal_status),
                                (placement_type, provision, age_band))),
    g AS (SELECT * FROM g0 WHERE n > 0 OR gset = 31),
    r AS (
        SELECT g.*,
               array_position(ARRAY['fostering', 'residential', 'supported_accommodation',
                                    'residential_school', 'other'], placement_type) AS t_ord,
               array_position(ARRAY['internal', 'external'], provision) AS p_ord,
               array_position(ARRAY['female', 'male', 'other', 'unknown'], gender) AS g_ord,
               array_position(ARRAY['s20', 'full_care_order', 'interim_care_order',
                                    'placement_order', 'remand', 'other'], legal_status) AS l_ord,
               array_position(ARRAY['0-4', '5-9', '10-15', '16-17', '18+'], age_band) AS a_ord,
               (SELECT g2.n FROM g g2 WHERE g2.gset = 7 AND g2.placement_type = g.placement_type
                  AND g2.provision = g.provision) AS group_n
        FROM g)
    SELECT jsonb_build_object(
        'as_at', $1, 'scope', $3::jsonb,
        'by_type', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'total', n, 'internal', internal,
                'external', external, 'internal_pct', round(100.0 * internal / n, 1),
                'external_pct', round(100.0 * external / n, 1), 'local', local,
                'local_pct', round(100.0 * local / n, 1)) ORDER BY t_ord)
            FROM r WHERE gset = 15), '[]'),
        'by_gender', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision, 'gender', gender,
                'count', n, 'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, g_ord)
            FROM r WHERE gset = 3), '[]'),
        'by_legal_status', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision,
                'legal_status', legal_status, 'count', n,
                'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, l_ord)
            FROM r WHERE gset = 5), '[]'),
        'by_age_band', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision,
                'age_band', age_band, 'count', n,
                'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, a_ord)
            FROM r WHERE gset = 6), '[]'),
        'totals', coalesce((SELECT jsonb_build_object(
                'total', n, 'internal', internal, 'external', external,
                'internal_pct', round(100.0 * internal / n, 1),
                'external_pct', round(100.0 * external / n, 1), 'local', local,
                'local_pct', round(100.0 * local / n, 1))
            FROM r WHERE gset = 31 AND n > 0),
            jsonb_build_object('total', 0, 'internal', 0, 'external', 0, 'internal_pct', null,
                               'external_pct', null, 'local', 0, 'local_pct', null)))
    $q$, CASE WHEN p_org IS NULL THEN '' ELSE 'AND p.org_id = $4' END,
         CASE WHEN p_org IS NULL THEN '' ELSE 'AND s.org_id = $4' END)
    INTO doc USING p_as_at, p_tenant, p_scope, p_org, (m - interval '60 months')::date,
                   (m - interval '120 months')::date, (m - interval '192 months')::date,
                   (m - interval '216 months')::date;
    RETURN doc;
END
$fn$;

-- 004's computation from the rows, kept under another name as the reference
-- the tests hold the report to (not for the service: it is revoked).
CREATE FUNCTION sufficiency_doc_from_rows(p_as_at date, p_tenant uuid, p_org uuid, p_scope jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET jit = off
    AS $fn$
DECLARE
    doc jsonb;
BEGIN
    EXECUTE format($q$
    WITH a AS (
        SELECT p.placement_type, p.provision, c.gender, c.legal_status,
               CASE WHEN age < 5 THEN '0-4' WHEN age < 10 THEN '5-9' WHEN age < 16 THEN '10-15'
                    WHEN age < 18 THEN '16-17' ELSE '18+' END AS age_band,
               coalesce(round(placements.great_circle_miles(o.centre_lat, o.centre_lon,
                                  s.location_lat, s.location_lon)::numeric, 1)
                        <= o.local_radius_miles, false) AS is_local
        FROM placements.placements p
        JOIN placements.children c
          ON c.tenant_id = p.tenant_id AND c.org_id = p.org_id AND c.id = p.child_id
        JOIN providers.organisations o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = p.tenant_id AND s.id = p.setting_id
        -- Completed years on $1 from the first of the birth month: whole
        -- months elapsed (the day of $1 is never before the 1st) div 12.
        CROSS JOIN LATERAL (SELECT ((extract(year FROM $1)::int * 12 + extract(month FROM $1)::int)
                                    - (extract(year FROM c.birth_month)::int * 12
                                       + extract(month FROM c.birth_month)::int)) / 12 AS age) y
        WHERE p.tenant_id = $2 %s
          AND coalesce(p.end_date, 'infinity'::date) >= $1 AND p.start_date <= $1),
    g AS (
        SELECT placement_type, provision, gender, legal_status, age_band,
               GROUPING(placement_type, provision, gender, legal_status, age_band) AS gset,
               count(*) AS n,
               count(*) FILTER (WHERE provision = 'internal') AS internal,
               count(*) FILTER (WHERE provision = 'external') AS external,
               count(*) FILTER (WHERE is_local) AS local
        FROM a
        GROUP BY GROUPING SETS ((), (placement_type), (placement_type, provision),
                                (placement_type, provision, gender),
                                (placement_type, provision, legal_status),
                                (placement_type, provision, age_band))),
    r AS (
        SELECT g.*,
               array_position(ARRAY['fostering', 'residential', 'supported_accommodation',
                                    'residential_school', 'other'], placement_type) AS t_ord,
               array_position(ARRAY['internal', 'external'], provision) AS p_ord,
               array_position(ARRAY['female', 'male', 'other', 'unknown'], gender) AS g_ord,
               array_position(ARRAY['s20', 'full_care_order', 'interim_care_order',
                                    'placement_order', 'remand', 'other'], legal_status) AS l_ord,
               array_position(ARRAY['0-4', '5-9', '10-15', '16-17', '18+'], age_band) AS a_ord,
               (SELECT g2.n FROM g g2 WHERE g2.gset = 7 AND g2.placement_type = g.placement_type
                  AND g2.provision = g.provision) AS group_n
        FROM g)
    SELECT jsonb_build_object(
        'as_at', $1, 'scope', $3::jsonb,
        'by_type', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'total', n, 'internal', internal,
                'external', external, 'internal_pct', round(100.0 * internal / n, 1),
                'external_pct', round(100.0 * external / n, 1), 'local', local,
                'local_pct', round(100.0 * local / n, 1)) ORDER BY t_ord)
            FROM r WHERE gset = 15), '[]'),
        'by_gender', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision, 'gender', gender,
                'count', n, 'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, g_ord)
            FROM r WHERE gset = 3), '[]'),
        'by_legal_status', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision,
                'legal_status', legal_status, 'count', n,
                'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, l_ord)
            FROM r WHERE gset = 5), '[]'),
        'by_age_band', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'placement_type', placement_type, 'provision', provision,
                'age_band', age_band, 'count', n,
                'pct', round(100.0 * n / group_n, 1)) ORDER BY t_ord, p_ord, a_ord)
            FROM r WHERE gset = 6), '[]'),
        'totals', coalesce((SELECT jsonb_build_object(
                'total', n, 'internal', internal, 'external', external,
                'internal_pct', round(100.0 * internal / n, 1),
                'external_pct', round(100.0 * external / n, 1), 'local', local,
                'local_pct', round(100.0 * local / n, 1))
            FROM r WHERE gset = 31 AND n > 0),
            jsonb_build_object('total', 0, 'internal', 0, 'external', 0, 'internal_pct', null,
                               'external_pct', null, 'local', 0, 'local_pct', null)))
    $q$, CASE WHEN p_org IS NULL THEN '' ELSE 'AND p.org_id = $4' END)
    INTO doc USING p_as_at, p_tenant, p_scope, p_org;
    RETURN doc;
END
$fn$;

REVOKE ALL ON FUNCTION sufficiency_doc_from_rows(date, uuid, uuid, jsonb) FROM PUBLIC;
