-- 030_sufficiency_open: the open placements that the sufficiency report
-- (004) counts, kept counted in the same transaction as every change that
-- moves them, so a whole tenant's report reads counts (one row per
-- organisation and key) instead of every placement active on the day.
--
-- Over 1,000,000 placements the tenant-wide report read ~320,000 active
-- placements, joined each to its child, its organisation and its setting
-- and computed a great-circle distance per row (790 ms to 1.7 s; from the
-- counts, 200-370 ms on the same machine, tests/bench/placements.sh). Almost
-- all of them are open (no end date); what the report needs of an open
-- placement is only its key below, and an open placement is active on
-- as_at unless it starts after it. So the report (sufficiency_doc, 031)
-- adds up:
--   * sufficiency_open: the open placements counted by (tenant,
--     organisation, type, provision, the child's gender, legal status and
--     birth month, local); the age band follows from the birth month and
--     as_at at report time;
--   * minus the open placements starting after as_at, plus the ended ones
--     active on as_at (ending on or after it), read one by one as before:
--     few for a recent day; for a day long past the report reads about as
--     many rows as it always did.
-- "Open" here is coalesce(end_date, 'infinity') = 'infinity', the same
-- bucket as the report indexes of 004, so an end date of 'infinity' (which
-- only SQL could write) counts as open, exactly as the rows would count it.
--
-- Kept by triggers, each set-based (one statement per statement, from its
-- transition tables), SECURITY DEFINER (the service's role only reads the
-- table) and never a refresh job or a cache:
--   placements        insert, update, delete: each row's old key out, its
--                     new key in; rows whose key did not change cancel out
--                     before any lookup;
--   children          a change of gender, legal status or birth month moves
--                     the child's open placements;
--   providers.organisations  a change of centre or local radius, and
--   providers.settings       a change of location, re-decide `local` for the
--                     open placements concerned (the distance rule of 002,
--                     as the report evaluates it).
-- The triggers after a statement see the tables as the statement left them,
-- and each takes the other tables' current rows for the attributes it does
-- not own. That is exact as long as one statement does not change both a
-- child's reported attributes and that child's placements (one data-modifying
-- WITH doing both would see the new attributes twice); every write of the
-- service changes children and placements in statements of their own.
-- All these triggers are ENABLE ALWAYS: a bulk load with
-- session_replication_role = replica (which skips the row checks) still
-- keeps the counts. The tests compare the table with a count from the rows
-- after every kind of change (sufficiency_open_drift() below).
-- The triggers on providers.organisations and providers.settings read the
-- columns named above: a providers migration that renames or retypes them
-- must change these functions too. They cost the providers service nothing
-- but a join of each UPDATE's transition tables on the id, finding no row
-- unless a centre, radius or location changed.
-- Cost on a push: about 8 ms per 500-item chunk (160-180 ms of a 10,000-item
-- first push that takes 2.4-2.9 s), mostly the child lookup per placement.

-- What creating the triggers takes anyway, taken first, in one order.
LOCK TABLE placements, children, providers.organisations, providers.settings
    IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE sufficiency_open (
    tenant_id      uuid NOT NULL,
    org_id         uuid NOT NULL,
    placement_type text NOT NULL,
    provision      text NOT NULL,
    gender         text NOT NULL,
    legal_status   text NOT NULL,
    birth_month    date NOT NULL,
    is_local       boolean NOT NULL,
    -- A count reaching 0 keeps its row (the keys are few). No CHECK that
    -- it stays >= 0: INSERT ... ON CONFLICT checks the row it proposes, and
    -- a decrement is proposed as a negative row; the tests compare the
    -- counts with the rows instead (sufficiency_open_drift).
    placements     bigint NOT NULL,
    PRIMARY KEY (tenant_id, org_id, placement_type, provision, gender, legal_status,
                 birth_month, is_local)
);

-- Statistics soon after the first keys arrive (as for children and
-- placements, 005), so the report's plan knows the table's size.
ALTER TABLE sufficiency_open SET (autovacuum_analyze_threshold = 20);

-- A council reads its own counts under row-level security, like its rows;
-- the consortium's report reads the tenant's through the definer function
-- of 004. The service's role never writes the table.
ALTER TABLE sufficiency_open ENABLE ROW LEVEL SECURITY;
ALTER TABLE sufficiency_open FORCE ROW LEVEL SECURITY;
CREATE POLICY sufficiency_open_owner ON sufficiency_open FOR SELECT
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON placements.sufficiency_open FROM %I',
                   current_setting('hearth.service_role'));
    EXECUTE format('GRANT SELECT ON placements.sufficiency_open TO %I',
                   current_setting('hearth.service_role'));
END
$$;

-- The report's local rule (004): the distance rounded to one decimal within
-- the organisation's radius; no computable distance is not local. Plain SQL
-- without SET so the planner inlines it.
CREATE FUNCTION sufficiency_is_local(centre_lat float8, centre_lon float8, radius numeric,
                                     location_lat float8, location_lon float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(round(placements.great_circle_miles(centre_lat, centre_lon,
                                                        location_lat, location_lon)::numeric, 1)
                    <= radius, false)
    $$;

-- The statement that adds the signed counts of p_keys, a query of fully
-- resolved keys (tenant_id, org_id, placement_type, provision, gender,
-- legal_status, birth_month, is_local, n), to the table. Keys are upserted in
-- key order, so two transactions meet their rows in the same order. A trigger
-- runs it with EXECUTE itself: its transition tables are visible to its own
-- statements only.
CREATE FUNCTION sufficiency_open_sql(p_keys text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT format($q$
    WITH keys AS (%s)
    INSERT INTO placements.sufficiency_open AS a (tenant_id, org_id, placement_type, provision,
        gender, legal_status, birth_month, is_local, placements)
    SELECT tenant_id, org_id, placement_type, provision, gender, legal_status, birth_month,
           is_local, sum(n)
    FROM keys
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(n) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (tenant_id, org_id, placement_type, provision, gender, legal_status,
                 birth_month, is_local)
    DO UPDATE SET placements = a.placements + EXCLUDED.placements
    $q$, p_keys)
$fn$;

-- Placements: +1 for each open new row, -1 for each open old row. An
-- update's rows are summed per placement key first, so one that moves
-- nothing (most of them) needs no lookup of its child, organisation or
-- setting. Static statements, one per operation (each trigger has its own
-- compiled copy of the function, so each plans only its own branch), whose
-- plans are kept for the session: a batch chunk pays no planning here.
CREATE FUNCTION sufficiency_open_placements() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO placements.sufficiency_open AS a (tenant_id, org_id, placement_type,
            provision, gender, legal_status, birth_month, is_local, placements)
        SELECT d.tenant_id, d.org_id, d.placement_type, d.provision, c.gender, c.legal_status,
               c.birth_month,
               placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                               s.location_lat, s.location_lon),
               sum(d.n)
        FROM (SELECT tenant_id, org_id, child_id, setting_id, placement_type, provision, 1 AS n
              FROM new_rows WHERE coalesce(end_date, 'infinity'::date) = 'infinity'::date) AS d
        JOIN placements.children c
          ON c.tenant_id = d.tenant_id AND c.org_id = d.org_id AND c.id = d.child_id
        JOIN providers.organisations o ON o.tenant_id = d.tenant_id AND o.id = d.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = d.tenant_id AND s.id = d.setting_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (tenant_id, org_id, placement_type, provision, gender, legal_status,
                     birth_month, is_local)
        DO UPDATE SET placements = a.placements + EXCLUDED.placements;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO placements.sufficiency_open AS a (tenant_id, org_id, placement_type,
            provision, gender, legal_status, birth_month, is_local, placements)
        SELECT d.tenant_id, d.org_id, d.placement_type, d.provision, c.gender, c.legal_status,
               c.birth_month,
               placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                               s.location_lat, s.location_lon),
               sum(d.n)
        FROM (SELECT tenant_id, org_id, child_id, setting_id, placement_type, provision, sum(n) AS n
              FROM (SELECT tenant_id, org_id, child_id, setting_id, placement_type, provision,
                           1 AS n
                    FROM new_rows WHERE coalesce(end_date, 'infinity'::date) = 'infinity'::date
                    UNION ALL
                    SELECT tenant_id, org_id, child_id, setting_id, placement_type, provision, -1
                    FROM old_rows WHERE coalesce(end_date, 'infinity'::date) = 'infinity'::date)
                   AS x
              GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0) AS d
        JOIN placements.children c
          ON c.tenant_id = d.tenant_id AND c.org_id = d.org_id AND c.id = d.child_id
        JOIN providers.organisations o ON o.tenant_id = d.tenant_id AND o.id = d.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = d.tenant_id AND s.id = d.setting_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (tenant_id, org_id, placement_type, provision, gender, legal_status,
                     birth_month, is_local)
        DO UPDATE SET placements = a.placements + EXCLUDED.placements;
    ELSE
        INSERT INTO placements.sufficiency_open AS a (tenant_id, org_id, placement_type,
            provision, gender, legal_status, birth_month, is_local, placements)
        SELECT d.tenant_id, d.org_id, d.placement_type, d.provision, c.gender, c.legal_status,
               c.birth_month,
               placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                               s.location_lat, s.location_lon),
               sum(d.n)
        FROM (SELECT tenant_id, org_id, child_id, setting_id, placement_type, provision, -1 AS n
              FROM old_rows WHERE coalesce(end_date, 'infinity'::date) = 'infinity'::date) AS d
        JOIN placements.children c
          ON c.tenant_id = d.tenant_id AND c.org_id = d.org_id AND c.id = d.child_id
        JOIN providers.organisations o ON o.tenant_id = d.tenant_id AND o.id = d.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = d.tenant_id AND s.id = d.setting_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (tenant_id, org_id, placement_type, provision, gender, legal_status,
                     birth_month, is_local)
        DO UPDATE SET placements = a.placements + EXCLUDED.placements;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER placements_sufficiency_insert AFTER INSERT ON placements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_placements();
CREATE TRIGGER placements_sufficiency_update AFTER UPDATE ON placements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_placements();
CREATE TRIGGER placements_sufficiency_delete AFTER DELETE ON placements
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_placements();
ALTER TABLE placements ENABLE ALWAYS TRIGGER placements_sufficiency_insert;
ALTER TABLE placements ENABLE ALWAYS TRIGGER placements_sufficiency_update;
ALTER TABLE placements ENABLE ALWAYS TRIGGER placements_sufficiency_delete;

CREATE FUNCTION sufficiency_open_truncate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    DELETE FROM placements.sufficiency_open;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_sufficiency_truncate AFTER TRUNCATE ON placements
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_truncate();
ALTER TABLE placements ENABLE ALWAYS TRIGGER placements_sufficiency_truncate;

-- Children: a changed gender, legal status or birth month moves the child's
-- open placements from the old attributes to the new. (A child's
-- organisation cannot change under its placements: their foreign key.)
CREATE FUNCTION sufficiency_open_children() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    EXECUTE placements.sufficiency_open_sql($q$
        WITH ch AS (
            SELECT o.tenant_id, o.org_id, o.id,
                   o.gender AS o_gender, o.legal_status AS o_legal, o.birth_month AS o_birth,
                   n.gender AS n_gender, n.legal_status AS n_legal, n.birth_month AS n_birth
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.gender, o.legal_status, o.birth_month)
                  IS DISTINCT FROM (n.gender, n.legal_status, n.birth_month))
        SELECT p.tenant_id, p.org_id, p.placement_type, p.provision, v.gender, v.legal_status,
               v.birth_month,
               placements.sufficiency_is_local(o.centre_lat, o.centre_lon,
                   o.local_radius_miles, s.location_lat, s.location_lon) AS is_local, v.n
        FROM ch
        JOIN placements.placements p
          ON p.tenant_id = ch.tenant_id AND p.org_id = ch.org_id AND p.child_id = ch.id
         AND coalesce(p.end_date, 'infinity'::date) = 'infinity'::date
        JOIN providers.organisations o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
        LEFT JOIN providers.settings s ON s.tenant_id = p.tenant_id AND s.id = p.setting_id
        CROSS JOIN LATERAL (VALUES (ch.o_gender, ch.o_legal, ch.o_birth, -1),
                                   (ch.n_gender, ch.n_legal, ch.n_birth, 1))
            AS v(gender, legal_status, birth_month, n)
        $q$);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER children_sufficiency_update AFTER UPDATE ON children
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_children();
ALTER TABLE children ENABLE ALWAYS TRIGGER children_sufficiency_update;

-- An organisation's centre or radius, and a setting's location, decide
-- `local`: their changes re-decide it for the open placements concerned, in
-- the providers service's own transaction.
CREATE FUNCTION sufficiency_open_organisations() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    EXECUTE placements.sufficiency_open_sql($q$
        WITH ch AS (
            SELECT n.tenant_id, n.id,
                   o.centre_lat AS o_lat, o.centre_lon AS o_lon, o.local_radius_miles AS o_radius,
                   n.centre_lat AS n_lat, n.centre_lon AS n_lon, n.local_radius_miles AS n_radius
            FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
            WHERE (o.centre_lat, o.centre_lon, o.local_radius_miles)
                  IS DISTINCT FROM (n.centre_lat, n.centre_lon, n.local_radius_miles))
        SELECT p.tenant_id, p.org_id, p.placement_type, p.provision, c.gender, c.legal_status,
               c.birth_month, v.is_local, v.n
        FROM ch
        JOIN placements.placements p
          ON p.tenant_id = ch.tenant_id AND p.org_id = ch.id
         AND coalesce(p.end_date, 'infinity'::date) = 'infinity'::date
        JOIN placements.children c
          ON c.tenant_id = p.tenant_id AND c.org_id = p.org_id AND c.id = p.child_id
        LEFT JOIN providers.settings s ON s.tenant_id = p.tenant_id AND s.id = p.setting_id
        CROSS JOIN LATERAL (VALUES
            (placements.sufficiency_is_local(ch.o_lat, ch.o_lon, ch.o_radius,
                                             s.location_lat, s.location_lon), -1),
            (placements.sufficiency_is_local(ch.n_lat, ch.n_lon, ch.n_radius,
                                             s.location_lat, s.location_lon), 1))
            AS v(is_local, n)
        $q$);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER organisations_sufficiency_update AFTER UPDATE ON providers.organisations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_organisations();
ALTER TABLE providers.organisations ENABLE ALWAYS TRIGGER organisations_sufficiency_update;

CREATE FUNCTION sufficiency_open_settings() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    EXECUTE placements.sufficiency_open_sql($q$
        WITH ch AS (
            SELECT n.tenant_id, n.id, o.location_lat AS o_lat, o.location_lon AS o_lon,
                   n.location_lat AS n_lat, n.location_lon AS n_lon
            FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
            WHERE (o.location_lat, o.location_lon) IS DISTINCT FROM (n.location_lat, n.location_lon))
        SELECT p.tenant_id, p.org_id, p.placement_type, p.provision, c.gender, c.legal_status,
               c.birth_month, v.is_local, v.n
        FROM ch
        JOIN placements.placements p
          ON p.tenant_id = ch.tenant_id AND p.setting_id = ch.id
         AND coalesce(p.end_date, 'infinity'::date) = 'infinity'::date
        JOIN placements.children c
          ON c.tenant_id = p.tenant_id AND c.org_id = p.org_id AND c.id = p.child_id
        JOIN providers.organisations o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
        CROSS JOIN LATERAL (VALUES
            (placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                             ch.o_lat, ch.o_lon), -1),
            (placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                             ch.n_lat, ch.n_lon), 1))
            AS v(is_local, n)
        $q$);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER settings_sufficiency_update AFTER UPDATE ON providers.settings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sufficiency_open_settings();
ALTER TABLE providers.settings ENABLE ALWAYS TRIGGER settings_sufficiency_update;

-- The counts computed from the rows, for the backfill below and for the
-- tests: every tenant, or one.
CREATE FUNCTION sufficiency_open_from_rows(p_tenant uuid)
    RETURNS SETOF sufficiency_open
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT p.tenant_id, p.org_id, p.placement_type, p.provision, c.gender, c.legal_status,
           c.birth_month,
           placements.sufficiency_is_local(o.centre_lat, o.centre_lon, o.local_radius_miles,
                                           s.location_lat, s.location_lon),
           count(*)
    FROM placements.placements p
    JOIN placements.children c
      ON c.tenant_id = p.tenant_id AND c.org_id = p.org_id AND c.id = p.child_id
    JOIN providers.organisations o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
    LEFT JOIN providers.settings s ON s.tenant_id = p.tenant_id AND s.id = p.setting_id
    WHERE coalesce(p.end_date, 'infinity'::date) = 'infinity'::date
      AND (p_tenant IS NULL OR p.tenant_id = p_tenant)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    $$;

-- The keys whose kept count differs from the rows' (none when all is well):
-- what the tests assert after every kind of change.
CREATE FUNCTION sufficiency_open_drift(p_tenant uuid)
    RETURNS TABLE (tenant_id uuid, org_id uuid, placement_type text, provision text,
                   gender text, legal_status text, birth_month date, is_local boolean,
                   kept bigint, counted bigint)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT tenant_id, org_id, placement_type, provision, gender, legal_status, birth_month,
           is_local, coalesce(k.placements, 0), coalesce(r.placements, 0)
    FROM (SELECT * FROM placements.sufficiency_open a
          WHERE a.placements > 0 AND (p_tenant IS NULL OR a.tenant_id = p_tenant)) k
    FULL JOIN placements.sufficiency_open_from_rows(p_tenant) r
      USING (tenant_id, org_id, placement_type, provision, gender, legal_status, birth_month,
             is_local)
    WHERE coalesce(k.placements, 0) <> coalesce(r.placements, 0)
    $$;

REVOKE ALL ON FUNCTION sufficiency_is_local(float8, float8, numeric, float8, float8),
    sufficiency_open_sql(text), sufficiency_open_placements(), sufficiency_open_truncate(),
    sufficiency_open_children(), sufficiency_open_organisations(), sufficiency_open_settings(),
    sufficiency_open_from_rows(uuid), sufficiency_open_drift(uuid) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION '
                   'placements.sufficiency_is_local(float8, float8, numeric, float8, float8) '
                   'TO %I', current_setting('hearth.service_role'));
END
$$;

-- The counts of the rows already there (the lock at the top keeps writes out
-- until this commits, so none is counted twice or missed).
INSERT INTO sufficiency_open SELECT * FROM sufficiency_open_from_rows(NULL);
