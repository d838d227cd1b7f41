-- 004_reports: the sufficiency, spend and stability reports (API.md §4), and
-- the indexes that keep them fast for a whole tenant.
--
-- Scope is decided here, in SQL, from the request's organisation:
--   local_authority -> its own placements ("organisation" scope), read under
--                      row-level security like any other query of the service;
--   consortium      -> the whole tenant, in aggregate only ("tenant" scope),
--                      through SECURITY DEFINER functions (owned by the admin
--                      role that runs migrations, which must bypass row-level
--                      security: superuser or BYPASSRLS, since the tables
--                      FORCE it even on their owner) that check the caller
--                      is a consortium of the tenant and return no child id;
--   anything else   -> no report (NULL; the service answers 403).
-- The service calls only report_sufficiency(), report_spend() and
-- report_stability(); each returns the report document or NULL.
--
-- Definitions (also in openapi/placements.yaml):
--   active on D: start_date <= D and (end_date is null or end_date >= D);
--   local: the rule of placement_is_local() (002), the distance rounded to one
--     decimal <= the organisation's radius, evaluated here with joins instead
--     of a per-row function that re-reads the organisation and the setting;
--     no computable distance is not local;
--   spend of a placement over [from, to]: weekly_cost_pence * days / 7 rounded
--     half up to whole pence once per placement, days = the days of [from, to]
--     on which it was active;
--   stability window for as_at: start_date > as_at - 12 months and
--     start_date <= as_at (2026-03-31 -> 2025-04-01 .. 2026-03-31).

-- Active-on-date and period-overlap filters: open placements compare as
-- ending at infinity, so "active on D" is two range conditions an index can
-- serve, per organisation and per tenant. INCLUDE carries end_date (an
-- expression index is usable index-only only with its column) and the report
-- columns, so the reports read the index and never the table.
CREATE INDEX placements_report_org_idx ON placements
    (tenant_id, org_id, (coalesce(end_date, 'infinity'::date)), start_date)
    INCLUDE (end_date, placement_type, provision, child_id, setting_id, provider_id,
             weekly_cost_pence);
CREATE INDEX placements_report_tenant_idx ON placements
    (tenant_id, (coalesce(end_date, 'infinity'::date)), start_date)
    INCLUDE (end_date, org_id, placement_type, provision, child_id, setting_id, provider_id,
             weekly_cost_pence);
-- Stability: placements starting in a window, per tenant (the per-organisation
-- case uses placements_active_idx from 001).
CREATE INDEX placements_start_tenant_idx ON placements (tenant_id, start_date)
    INCLUDE (org_id, child_id);
-- The child's report columns next to its key: the join from placements reads
-- the index only.
CREATE INDEX children_report_idx ON children (tenant_id, org_id, id)
    INCLUDE (gender, legal_status, birth_month);

-- Which scope the request's organisation reports on: 'organisation',
-- 'tenant', or NULL (provider organisations, unknown organisations).
CREATE FUNCTION report_scope() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE o.kind WHEN 'local_authority' THEN 'organisation'
                       WHEN 'consortium' THEN 'tenant' END
    FROM providers.organisations o
    WHERE o.tenant_id = hearth.current_tenant() AND o.id = hearth.current_org()
    $$;

CREATE FUNCTION report_scope_doc(scope text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE scope
        WHEN 'tenant' THEN jsonb_build_object('kind', 'tenant',
                                              'tenant_id', hearth.current_tenant())
        ELSE jsonb_build_object('kind', 'organisation', 'org_id', hearth.current_org()) END
    $$;

-- The definer functions' gate: raises insufficient_privilege unless the
-- request's organisation is a consortium organisation of the request's tenant.
CREATE FUNCTION report_require_consortium() RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM providers.organisations o
                   WHERE o.tenant_id = hearth.current_tenant()
                     AND o.id = hearth.current_org() AND o.kind = 'consortium') THEN
        RAISE EXCEPTION 'tenant-wide reports are for consortium organisations only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- ---- sufficiency ---------------------------------------------------------

-- The document for the placements of p_tenant (and p_org unless NULL) active
-- on p_as_at. Runs with the privileges of its caller: under row-level
-- security when the service calls it, tenant-wide only from the definer
-- function below. Dynamic SQL so each call is planned for its own date and
-- scope (a generic plan cannot pick the index for "p_org IS NULL OR ...").
CREATE FUNCTION sufficiency_doc(p_as_at date, p_tenant uuid, p_org uuid, p_scope jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
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

CREATE FUNCTION report_sufficiency_tenant(p_as_at date) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements.report_require_consortium();
    RETURN placements.sufficiency_doc(p_as_at, hearth.current_tenant(), NULL,
                                      placements.report_scope_doc('tenant'));
END
$$;

CREATE FUNCTION report_sufficiency(p_as_at date) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE placements.report_scope()
        WHEN 'tenant' THEN placements.report_sufficiency_tenant(p_as_at)
        WHEN 'organisation' THEN placements.sufficiency_doc(p_as_at, hearth.current_tenant(),
            hearth.current_org(), placements.report_scope_doc('organisation')) END
    $$;

-- ---- spend -----------------------------------------------------------------

-- Items for one grouping; the key columns differ, so one statement each.
CREATE FUNCTION spend_doc(p_from date, p_to date, p_group_by text, p_tenant uuid, p_org uuid,
                          p_scope jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    base text;
    items text;
    doc jsonb;
BEGIN
    base := format($q$
        WITH s AS (
            SELECT p.placement_type, p.provider_id, p.child_id, p.org_id, d.days,
                   p.weekly_cost_pence IS NULL AS uncosted,
                   coalesce(round(p.weekly_cost_pence::numeric * d.days / 7), 0)::bigint AS pence
            FROM placements.placements p
            CROSS JOIN LATERAL (SELECT least(coalesce(p.end_date, $2), $2)
                                       - greatest(p.start_date, $1) + 1 AS days) d
            WHERE p.tenant_id = $3 %s
              AND coalesce(p.end_date, 'infinity'::date) >= $1 AND p.start_date <= $2),
        k AS (
            SELECT %s AS key1, count(*) AS placements, sum(days) AS days, sum(pence) AS pence,
                   count(*) FILTER (WHERE uncosted) AS uncosted
            FROM s GROUP BY 1)
        $q$, CASE WHEN p_org IS NULL THEN '' ELSE 'AND p.org_id = $4' END,
        CASE p_group_by WHEN 'placement_type' THEN 'placement_type'
                        WHEN 'provider' THEN 'provider_id'
                        WHEN 'child' THEN 'child_id' END);
    items := CASE p_group_by
        WHEN 'placement_type' THEN $q$
            SELECT coalesce(jsonb_agg(jsonb_build_object('placement_type', k.key1)
                       || t.item ORDER BY array_position(ARRAY['fostering', 'residential',
                          'supported_accommodation', 'residential_school', 'other'], k.key1)),
                       '[]'), coalesce(sum(k.pence), 0)
            FROM k CROSS JOIN LATERAL (SELECT jsonb_build_object('placements', k.placements,
                'days', k.days, 'spend_pence', k.pence, 'uncosted_placements', k.uncosted) AS item) t
            $q$
        WHEN 'provider' THEN $q$
            SELECT coalesce(jsonb_agg(jsonb_build_object('provider_id', k.key1,
                       'provider_name', coalesce(pr.name, 'in-house')) || t.item
                       ORDER BY k.pence DESC, k.key1 IS NULL, pr.name, k.key1), '[]'),
                   coalesce(sum(k.pence), 0)
            FROM k
            LEFT JOIN providers.providers pr ON pr.tenant_id = $3 AND pr.id = k.key1
            CROSS JOIN LATERAL (SELECT jsonb_build_object('placements', k.placements,
                'days', k.days, 'spend_pence', k.pence, 'uncosted_placements', k.uncosted) AS item) t
            $q$
        WHEN 'child' THEN $q$
            SELECT coalesce(jsonb_agg(jsonb_build_object('child_id', k.key1,
                       'local_ref', c.local_ref) || t.item
                       ORDER BY k.pence DESC, c.local_ref, k.key1), '[]'),
                   coalesce(sum(k.pence), 0)
            FROM k
            JOIN placements.children c ON c.tenant_id = $3 AND c.org_id = $4 AND c.id = k.key1
            CROSS JOIN LATERAL (SELECT jsonb_build_object('placements', k.placements,
                'days', k.days, 'spend_pence', k.pence, 'uncosted_placements', k.uncosted) AS item) t
            $q$ END;
    IF items IS NULL OR (p_group_by = 'child' AND p_org IS NULL) THEN
        RAISE EXCEPTION 'spend by child is reported to the placing organisation only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE 'SELECT jsonb_build_object(''from'', $1, ''to'', $2, ''group_by'', $5, '
            '''scope'', $6::jsonb, ''items'', x.items, ''total_pence'', x.total) '
            'FROM (' || base || ' ' || items || ') AS x(items, total)'
        INTO doc USING p_from, p_to, p_tenant, p_org, p_group_by, p_scope;
    RETURN doc;
END
$fn$;

CREATE FUNCTION report_spend_tenant(p_from date, p_to date, p_group_by text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements.report_require_consortium();
    IF p_group_by NOT IN ('placement_type', 'provider') THEN
        RAISE EXCEPTION 'a consortium sees spend by placement type or provider only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN placements.spend_doc(p_from, p_to, p_group_by, hearth.current_tenant(), NULL,
                                placements.report_scope_doc('tenant'));
END
$$;

-- NULL (403) for a consortium asking for spend by child: child ids never
-- leave the placing organisation.
CREATE FUNCTION report_spend(p_from date, p_to date, p_group_by text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE placements.report_scope()
        WHEN 'tenant' THEN CASE WHEN p_group_by IN ('placement_type', 'provider')
                                THEN placements.report_spend_tenant(p_from, p_to, p_group_by) END
        WHEN 'organisation' THEN placements.spend_doc(p_from, p_to, p_group_by,
            hearth.current_tenant(), hearth.current_org(),
            placements.report_scope_doc('organisation')) END
    $$;

-- ---- stability -------------------------------------------------------------

-- Children with three or more placements starting in the window, counted per
-- organisation; with p_org set, also listed with their placements.
CREATE FUNCTION stability_doc(p_as_at date, p_tenant uuid, p_org uuid, p_scope jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    doc jsonb;
    w_from date := (p_as_at - interval '12 months')::date + 1;
BEGIN
    EXECUTE format($q$
    -- Count from the index alone; read the placements themselves only for
    -- the few children that qualify.
    WITH k AS (
        SELECT p.org_id, p.child_id, count(*) AS n
        FROM placements.placements p
        WHERE p.tenant_id = $2 %s AND p.start_date >= $3 AND p.start_date <= $1
        GROUP BY 1, 2 HAVING count(*) >= 3),
    w AS (
        SELECT p.org_id, p.child_id, p.id, p.start_date, p.end_date, p.end_reason,
               p.placement_type
        FROM k JOIN placements.placements p
          ON p.tenant_id = $2 AND p.org_id = k.org_id AND p.child_id = k.child_id
        WHERE $5::uuid IS NOT NULL AND p.start_date >= $3 AND p.start_date <= $1),
    per_org AS (
        SELECT k.org_id, o.name, count(*) AS children
        FROM k JOIN providers.organisations o ON o.tenant_id = $2 AND o.id = k.org_id
        GROUP BY k.org_id, o.name)
    SELECT jsonb_build_object(
        'as_at', $1, 'scope', $4::jsonb,
        'period', jsonb_build_object('from', $3, 'to', $1),
        'threshold', 3,
        'children', (SELECT count(*) FROM k),
        'by_organisation', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'org_id', org_id, 'org_name', name, 'children', children)
                ORDER BY children DESC, name, org_id) FROM per_org), '[]'))
        || CASE WHEN $5::uuid IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('items',
            coalesce((SELECT jsonb_agg(jsonb_build_object(
                'child_id', k.child_id, 'local_ref', c.local_ref, 'placements', k.n,
                'starts', (SELECT jsonb_agg(jsonb_build_object(
                        'placement_id', w.id, 'start_date', w.start_date,
                        'end_date', w.end_date, 'end_reason', w.end_reason,
                        'placement_type', w.placement_type) ORDER BY w.start_date)
                    FROM w WHERE w.org_id = k.org_id AND w.child_id = k.child_id))
                ORDER BY k.n DESC, c.local_ref, k.child_id)
             FROM k JOIN placements.children c
               ON c.tenant_id = $2 AND c.org_id = k.org_id AND c.id = k.child_id), '[]')) END
    $q$, CASE WHEN p_org IS NULL THEN '' ELSE 'AND p.org_id = $5' END)
    INTO doc USING p_as_at, p_tenant, w_from, p_scope, p_org;
    RETURN doc;
END
$fn$;

CREATE FUNCTION report_stability_tenant(p_as_at date) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements.report_require_consortium();
    RETURN placements.stability_doc(p_as_at, hearth.current_tenant(), NULL,
                                    placements.report_scope_doc('tenant'));
END
$$;

CREATE FUNCTION report_stability(p_as_at date) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE placements.report_scope()
        WHEN 'tenant' THEN placements.report_stability_tenant(p_as_at)
        WHEN 'organisation' THEN placements.stability_doc(p_as_at, hearth.current_tenant(),
            hearth.current_org(), placements.report_scope_doc('organisation')) END
    $$;

-- ---- CSV -------------------------------------------------------------------

-- A report as CSV rows: one row per line of each named table (arrays; an
-- object such as `totals` is one line), in the order given, each with a
-- `table` column naming where it came from and the `head` fields (as_at, ...)
-- repeated, so a row read alone still says what it is. Numbers go out as the
-- text PostgreSQL writes for them, so a percentage keeps its one decimal
-- ("100.0", "33.3") in the cell. NULL for NULL.
CREATE FUNCTION report_csv_rows(doc jsonb, tables text[], head jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('table', t.name) || head
                              || (SELECT jsonb_object_agg(f.key, CASE jsonb_typeof(f.value)
                                      WHEN 'number' THEN to_jsonb(f.value #>> '{}')
                                      ELSE f.value END)
                                  FROM jsonb_each(e.item) AS f)
                              ORDER BY t.n, e.n), '[]')
    FROM unnest(tables) WITH ORDINALITY AS t(name, n)
    CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(doc -> t.name)
        WHEN 'array' THEN doc -> t.name
        WHEN 'object' THEN jsonb_build_array(doc -> t.name)
        ELSE '[]'::jsonb END) WITH ORDINALITY AS e(item, n)
    $$;

-- Stability items as CSV cells: start dates and end reasons joined with ';'
-- in start order (an open placement's end reason is empty).
CREATE FUNCTION stability_csv_rows(doc jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT placements.report_csv_rows(
        doc || jsonb_build_object('items', coalesce((SELECT jsonb_agg((i.item - 'starts')
                || jsonb_build_object(
                    'start_dates', (SELECT string_agg(s ->> 'start_date', ';' ORDER BY n)
                                    FROM jsonb_array_elements(i.item -> 'starts')
                                         WITH ORDINALITY AS x(s, n)),
                    'end_reasons', (SELECT string_agg(coalesce(s ->> 'end_reason', ''), ';'
                                                      ORDER BY n)
                                    FROM jsonb_array_elements(i.item -> 'starts')
                                         WITH ORDINALITY AS x(s, n))) ORDER BY i.n)
            FROM jsonb_array_elements(doc -> 'items') WITH ORDINALITY AS i(item, n)), '[]')),
        ARRAY['by_organisation', 'items'], jsonb_build_object('as_at', doc -> 'as_at'))
    $$;

-- Only the service's entry points are callable by it; the definer functions
-- are reached through them (and check the caller again themselves).
REVOKE EXECUTE ON FUNCTION report_scope(), report_scope_doc(text), report_require_consortium(),
    sufficiency_doc(date, uuid, uuid, jsonb), report_sufficiency_tenant(date),
    report_sufficiency(date),
    spend_doc(date, date, text, uuid, uuid, jsonb), report_spend_tenant(date, date, text),
    report_spend(date, date, text),
    stability_doc(date, uuid, uuid, jsonb), report_stability_tenant(date),
    report_stability(date),
    report_csv_rows(jsonb, text[], jsonb), stability_csv_rows(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_scope(), report_scope_doc(text), report_require_consortium(),
    sufficiency_doc(date, uuid, uuid, jsonb), report_sufficiency_tenant(date),
    report_sufficiency(date),
    spend_doc(date, date, text, uuid, uuid, jsonb), report_spend_tenant(date, date, text),
    report_spend(date, date, text),
    stability_doc(date, uuid, uuid, jsonb), report_stability_tenant(date),
    report_stability(date),
    report_csv_rows(jsonb, text[], jsonb), stability_csv_rows(jsonb) TO hearth_placements;
