-- 020_push_rules_per_chunk: a batch chunk's new children and placements are
-- checked against the insert rules once per chunk, as sets, instead of by the
-- row triggers once per row (POST /v1/placements/batch).
--
-- The BEFORE INSERT row triggers (006 the child's age, 001 no overlap, 010
-- placement stops, 001 the setting of the provider, 002 and 006 for
-- children) cost about half of a 10,000-item first push: each row ran four
-- to six PL/pgSQL calls, each with its own queries and settings. They stay
-- the rule for every writer but one: placements.store_push_chunk() below,
-- which checks the same rules for the whole chunk before it inserts, and runs
-- as its own role, <service role>_set_writer. Each insert trigger fires
-- WHEN current_user is not that role. The role cannot log in; it is a member
-- of the service role (the same privileges, row-level security applies to it
-- alike, no policy names a role) and the service role is not a member of it,
-- so the service cannot skip a trigger by itself: only the code of
-- store_push_chunk() runs as the set writer, and that is the only function it
-- owns (the db-push-sets tier checks both). The UPDATE triggers are not
-- touched: a stored row changed by the set path is checked as before.
--
-- The chunk's checks do not need to say which item broke which rule: any
-- break, like any error of classes 22, 23 or 40, rolls the chunk back and
-- upsert_placements_set() runs it through the item-by-item loop (003, 010),
-- whose rows fire the row triggers and answer each item's own error. So
-- store_push_chunk() only has to find every chunk in which a row trigger
-- would refuse a row, and give each stored row what the stop trigger would
-- have given it (the stop it overrides; no reason without a stop).
--
-- The triggers are split where one fired on INSERT and UPDATE: the UPDATE
-- trigger keeps the name (so UPDATE fires in the same order as before), the
-- INSERT one is named "<name>_on_insert", which keeps the order of INSERT too
-- (age, overlap, stops, setting; for children birth month, placing org).
--
-- Audit rows carry the inserting role (audit.events.service, bound by its
-- policy), so upsert_placements_set() writes them itself, as the service.

DO $$
DECLARE
    svc text := current_setting('hearth.service_role');
    writer text := current_setting('hearth.service_role') || '_set_writer';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', writer);
    END IF;
    EXECUTE format('GRANT %I TO %I', svc, writer);

    -- placements: child's age, no overlap, stops, setting of the provider.
    DROP TRIGGER placements_child_age ON placements;
    CREATE TRIGGER placements_child_age BEFORE UPDATE OF child_id, start_date ON placements
        FOR EACH ROW EXECUTE FUNCTION check_placement_child_age();
    EXECUTE format('CREATE TRIGGER placements_child_age_on_insert BEFORE INSERT ON placements '
                   'FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION check_placement_child_age()', writer);
    DROP TRIGGER placements_no_overlap ON placements;
    CREATE TRIGGER placements_no_overlap BEFORE UPDATE OF child_id, start_date, end_date
        ON placements FOR EACH ROW EXECUTE FUNCTION prevent_overlap();
    EXECUTE format('CREATE TRIGGER placements_no_overlap_on_insert BEFORE INSERT ON placements '
                   'FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION prevent_overlap()', writer);
    DROP TRIGGER placements_respect_stops ON placements;
    EXECUTE format('CREATE TRIGGER placements_respect_stops BEFORE INSERT ON placements '
                   'FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION placements_respect_stops()', writer);
    DROP TRIGGER placements_setting_provider ON placements;
    CREATE TRIGGER placements_setting_provider BEFORE UPDATE OF setting_id, provider_id
        ON placements FOR EACH ROW EXECUTE FUNCTION check_setting_provider();
    EXECUTE format('CREATE TRIGGER placements_setting_provider_on_insert BEFORE INSERT '
                   'ON placements FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION check_setting_provider()', writer);

    -- children: birth month not in the future, placed by a local authority.
    DROP TRIGGER children_birth_month ON children;
    CREATE TRIGGER children_birth_month BEFORE UPDATE OF birth_month ON children
        FOR EACH ROW EXECUTE FUNCTION check_child_birth_month();
    EXECUTE format('CREATE TRIGGER children_birth_month_on_insert BEFORE INSERT ON children '
                   'FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION check_child_birth_month()', writer);
    DROP TRIGGER children_placing_org ON children;
    EXECUTE format('CREATE TRIGGER children_placing_org BEFORE INSERT ON children '
                   'FOR EACH ROW WHEN (current_user <> %L) '
                   'EXECUTE FUNCTION check_placing_org()', writer);
END
$$;

-- One chunk, stored as upsert_placements() would store it item by item, or
-- SQLSTATE HPF01 (or the error of a statement) where that could differ: one
-- row per item, in request order, with the child status the audit rows need
-- (201 / 200 on the item that created or changed its child). Plain index
-- lookups by reference, as in 015. New children and placements are plain
-- INSERTs: a reference a concurrent push stored meanwhile is a unique
-- violation (23505, after that push commits), which falls back like any
-- rule break, and the loop answers it as always (without the cost of an ON
-- CONFLICT insert for every row).
CREATE FUNCTION store_push_chunk(items jsonb, tenant uuid, org uuid)
    RETURNS TABLE (item_ord integer, item_outcome text, item_id uuid, item_child_id uuid,
                   item_version bigint, item_child_status integer)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
DECLARE
    -- The chunk and what is learnt of each item, in arrays aligned with it
    -- (element i is item i), zipped by multi-argument unnest: the arrays of
    -- single values first (named by the alias list), src last (its fields
    -- keep their names).
    src placements.push_item[];
    is_first boolean[];       -- the first item naming its child
    stored_child uuid[];      -- the child stored under the item's local_ref
    child_differs boolean[];  -- with other details than the item's
    stored_id uuid[];         -- the placement stored under its external_ref
    stored_child_of uuid[];   -- and that placement's child, version, ...
    stored_version bigint[];
    differs boolean[];        -- ... whether the item changes it
    moves boolean[];          -- ... whether the item moves its dates
    child_of uuid[];          -- the item's child, once written
    child_status integer[];
    stop_of uuid[];           -- the stop a new placement overrides
    final_id uuid[];
    final_version bigint[];
    outcome text[];
    grp record;
BEGIN
    IF tenant IS DISTINCT FROM hearth.current_tenant() OR org IS DISTINCT FROM hearth.current_org() THEN
        RAISE EXCEPTION 'store_push_chunk: tenant or organisation is not the request''s'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    src := ARRAY(SELECT s FROM placements.push_items(items) s ORDER BY s.ord);
    IF EXISTS (SELECT 1 FROM unnest(src) s GROUP BY s.local_ref
               HAVING count(DISTINCT s.child_details) > 1) THEN
        RAISE EXCEPTION 'one child with different details' USING ERRCODE = 'HPF01';
    END IF;

    -- What is stored under each item's references, in one pass.
    SELECT array_agg(x.is_first ORDER BY x.ord), array_agg(x.cid ORDER BY x.ord),
           array_agg(x.cdiffers ORDER BY x.ord), array_agg(x.pid ORDER BY x.ord),
           array_agg(x.pchild ORDER BY x.ord), array_agg(x.pversion ORDER BY x.ord),
           array_agg(x.pdiffers ORDER BY x.ord), array_agg(x.pmoves ORDER BY x.ord)
      INTO is_first, stored_child, child_differs, stored_id, stored_child_of, stored_version,
           differs, moves
      FROM (SELECT s.ord, s.ord = min(s.ord) OVER (PARTITION BY s.local_ref) AS is_first,
                   c.id AS cid,
                   (c.birth_month, c.gender, c.legal_status)
                       IS DISTINCT FROM (s.birth_month, s.gender, s.legal_status) AS cdiffers,
                   p.id AS pid, p.child_id AS pchild, p.version AS pversion,
                   p.id IS NOT NULL AND
                   (p.provider_id, p.setting_id, p.placement_type, p.provision, p.sourcing,
                    p.contract_id, p.framework_id, p.start_date, p.end_date, p.end_reason,
                    p.weekly_cost_pence, p.social_care_pence, p.education_pence,
                    p.health_pence, p.distance_reason)
                       IS DISTINCT FROM
                   (s.provider_id, s.setting_id, s.placement_type, s.provision, s.sourcing,
                    s.contract_id, s.framework_id, s.start_date, s.end_date, s.end_reason,
                    s.weekly_cost_pence, s.social_care_pence, s.education_pence,
                    s.health_pence, s.distance_reason) AS pdiffers,
                   p.id IS NOT NULL AND (p.start_date, p.end_date)
                       IS DISTINCT FROM (s.start_date, s.end_date) AS pmoves
              FROM unnest(src) s
              LEFT JOIN placements.children c ON c.tenant_id = tenant AND c.org_id = org
                                             AND c.local_ref = s.local_ref
              LEFT JOIN placements.placements p ON p.tenant_id = tenant AND p.org_id = org
                                               AND p.external_ref = s.external_ref) AS x;

    -- New children, each written by the first item naming it, after the two
    -- rules of their insert triggers (a local authority places children; a
    -- birth month is not in the future).
    IF EXISTS (SELECT 1 FROM unnest(stored_child) AS u(cid) WHERE u.cid IS NULL) THEN
        IF NOT EXISTS (SELECT 1 FROM providers.organisations o
                       WHERE o.tenant_id = tenant AND o.id = org AND o.kind = 'local_authority')
           OR EXISTS (SELECT 1 FROM unnest(stored_child, src) AS u(cid)
                      WHERE u.cid IS NULL
                        AND u.birth_month > date_trunc('month', current_date)::date) THEN
            RAISE EXCEPTION 'a child breaks an insert rule' USING ERRCODE = 'HPF01';
        END IF;
        WITH created AS (
            INSERT INTO placements.children (tenant_id, org_id, local_ref, birth_month, gender,
                                             legal_status)
            SELECT tenant, org, u.local_ref, u.birth_month, u.gender, u.legal_status
            FROM unnest(is_first, stored_child, src) AS u(is_first, cid)
            WHERE u.is_first AND u.cid IS NULL
            ORDER BY u.ord
            RETURNING local_ref, id
        )
        SELECT array_agg(coalesce(u.cid, cr.id) ORDER BY u.ord),
               array_agg(CASE WHEN u.is_first AND cr.id IS NOT NULL THEN 201 END ORDER BY u.ord)
          INTO child_of, child_status
          FROM unnest(is_first, stored_child, src) AS u(is_first, cid)
          LEFT JOIN created cr ON cr.local_ref = u.local_ref;
    ELSE
        child_of := stored_child;
        child_status := array_fill(NULL::integer, ARRAY[cardinality(src)]);
    END IF;

    -- Stored children with other details (their UPDATE triggers fire).
    IF EXISTS (SELECT 1 FROM unnest(is_first, stored_child, child_differs) AS u(f, cid, d)
               WHERE u.f AND u.cid IS NOT NULL AND u.d) THEN
        WITH changed AS (
            UPDATE placements.children c
               SET birth_month = u.birth_month, gender = u.gender, legal_status = u.legal_status
              FROM unnest(is_first, stored_child, child_differs, src) AS u(is_first, cid, d)
             WHERE u.is_first AND u.d AND c.id = u.cid
               AND (c.birth_month, c.gender, c.legal_status)
                   IS DISTINCT FROM (u.birth_month, u.gender, u.legal_status)
            RETURNING c.id
        )
        SELECT array_agg(CASE WHEN u.is_first AND ch.id IS NOT NULL THEN 200 ELSE u.status END
                         ORDER BY u.ord)
          INTO child_status
          FROM unnest(child_status, is_first, child_of, src) AS u(status, is_first, child)
          LEFT JOIN changed ch ON ch.id = u.child;
    END IF;

    -- Where the order of the items could decide an outcome, only the loop
    -- answers as the loop does: one child named twice while one of its
    -- items moves a stored placement's dates, or a stored placement moved to
    -- another child.
    IF EXISTS (SELECT 1 FROM unnest(moves, src) AS u(moves)
                GROUP BY u.local_ref HAVING count(*) > 1 AND bool_or(u.moves))
       OR EXISTS (SELECT 1 FROM unnest(child_of, stored_child_of) AS u(child, stored)
                   WHERE u.stored <> u.child) THEN
        RAISE EXCEPTION 'order-dependent items' USING ERRCODE = 'HPF01';
    END IF;

    -- Stored placements the items change (their UPDATE triggers fire).
    final_version := stored_version;
    IF EXISTS (SELECT 1 FROM unnest(differs) AS u(d) WHERE u.d) THEN
        WITH changed AS (
            UPDATE placements.placements p
               SET provider_id = u.provider_id, setting_id = u.setting_id,
                   placement_type = u.placement_type, provision = u.provision,
                   sourcing = u.sourcing, contract_id = u.contract_id,
                   framework_id = u.framework_id, start_date = u.start_date,
                   end_date = u.end_date, end_reason = u.end_reason,
                   weekly_cost_pence = u.weekly_cost_pence,
                   social_care_pence = u.social_care_pence,
                   education_pence = u.education_pence,
                   health_pence = u.health_pence, distance_reason = u.distance_reason
              FROM unnest(stored_id, differs, src) AS u(id, d)
             WHERE u.d AND p.id = u.id
               AND (p.provider_id, p.setting_id, p.placement_type, p.provision, p.sourcing,
                    p.contract_id, p.framework_id, p.start_date, p.end_date, p.end_reason,
                    p.weekly_cost_pence, p.social_care_pence, p.education_pence,
                    p.health_pence, p.distance_reason)
                   IS DISTINCT FROM
                   (u.provider_id, u.setting_id, u.placement_type,
                    u.provision, u.sourcing, u.contract_id, u.framework_id,
                    u.start_date, u.end_date, u.end_reason,
                    u.weekly_cost_pence, u.social_care_pence,
                    u.education_pence, u.health_pence, u.distance_reason)
            RETURNING p.id, p.version
        )
        SELECT array_agg(coalesce(ch.version, u.version) ORDER BY u.ord),
               array_agg(ch.id IS NOT NULL ORDER BY u.ord)
          INTO final_version, differs
          FROM unnest(stored_id, stored_version, src) AS u(id, version)
          LEFT JOIN changed ch ON ch.id = u.id;
    END IF;

    -- New placements: the rules of the insert triggers, for the whole chunk,
    -- then one INSERT in request order.
    IF EXISTS (SELECT 1 FROM unnest(stored_id) AS u(id) WHERE u.id IS NULL) THEN
        -- The child's age on start_date (placements_child_age_check); the
        -- child's stored birth month is the item's (written above, and one
        -- child has one set of details in a chunk).
        IF EXISTS (SELECT 1 FROM unnest(stored_id, src) AS u(id)
                   WHERE u.id IS NULL AND u.start_date >= u.birth_month + interval '26 years') THEN
            RAISE EXCEPTION 'a child is 26 or over' USING ERRCODE = 'HPF01';
        END IF;
        -- No overlap (placements_no_overlap): lock the children first, as
        -- every writer of a child's placements does, then compare with a
        -- fresh snapshot: the stored placements and the chunk's earlier items.
        -- A child this chunk created is seen by no other transaction, so it
        -- has no other placement and needs no lock.
        PERFORM 1 FROM placements.children c
         WHERE c.tenant_id = tenant AND c.org_id = org
           AND c.id = ANY (ARRAY(SELECT u.child
                                 FROM unnest(stored_id, stored_child, child_of) AS u(id, cid, child)
                                 WHERE u.id IS NULL AND u.cid IS NOT NULL))
         ORDER BY c.id
           FOR UPDATE;
        IF EXISTS (SELECT 1 FROM unnest(stored_id, stored_child, src) AS u(id, child)
                   JOIN placements.placements p
                     ON p.tenant_id = tenant AND p.org_id = org AND p.child_id = u.child
                    AND p.start_date <= coalesce(u.end_date, 'infinity'::date)
                    AND coalesce(p.end_date, 'infinity'::date) >= u.start_date
                   WHERE u.id IS NULL AND u.child IS NOT NULL)
           -- In start order, a placement overlaps one before it when it
           -- starts before the latest end so far (one sort, no self-join).
           OR EXISTS (SELECT 1 FROM (
                          SELECT u.start_date, max(coalesce(u.end_date, 'infinity'::date)) OVER (
                                     PARTITION BY u.child ORDER BY u.start_date, u.ord
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
                          FROM unnest(stored_id, child_of, src) AS u(id, child)
                          WHERE u.id IS NULL) AS w
                      WHERE w.before >= w.start_date) THEN
            RAISE EXCEPTION 'a new placement overlaps another' USING ERRCODE = 'HPF01';
        END IF;
        -- The setting is one of the provider's
        -- (placements_setting_provider_check).
        IF EXISTS (SELECT 1 FROM unnest(stored_id, src) AS u(id)
                   WHERE u.id IS NULL AND u.setting_id IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM providers.settings s
                                     WHERE s.tenant_id = tenant AND s.id = u.setting_id
                                       AND s.provider_id IS NOT DISTINCT FROM u.provider_id)) THEN
            RAISE EXCEPTION 'a setting is not its provider''s' USING ERRCODE = 'HPF01';
        END IF;
        -- Placement stops (placements_stop_in_force), asked of QA as the
        -- trigger asks; a stop in force needs the item's reason. A stop in
        -- force on a day is in force on every later day, so QA is asked once
        -- per provider and setting, on the latest start among the chunk's
        -- items, and item by item only where that finds a stop.
        stop_of := array_fill(NULL::uuid, ARRAY[cardinality(src)]);
        FOR grp IN SELECT u.provider_id, u.setting_id, array_agg(u.ord) AS ords,
                          array_agg(u.start_date) AS starts
                   FROM unnest(stored_id, src) AS u(id)
                   WHERE u.id IS NULL AND u.provider_id IS NOT NULL
                   GROUP BY u.provider_id, u.setting_id
                   HAVING qa_api.stop_in_force(tenant, u.provider_id, u.setting_id,
                                               max(u.start_date)) IS NOT NULL LOOP
            FOR i IN 1 .. cardinality(grp.ords) LOOP
                stop_of[grp.ords[i]] := qa_api.stop_in_force(tenant, grp.provider_id,
                                                             grp.setting_id, grp.starts[i]);
            END LOOP;
        END LOOP;
        IF EXISTS (SELECT 1 FROM unnest(stop_of, src) AS u(stop)
                   WHERE u.stop IS NOT NULL AND u.stop_override_reason IS NULL) THEN
            RAISE EXCEPTION 'a stop is in force' USING ERRCODE = 'HPF01';
        END IF;

        WITH created AS (
            INSERT INTO placements.placements (tenant_id, org_id, child_id, external_ref,
                provider_id, setting_id, placement_type, provision, sourcing, contract_id,
                framework_id, start_date, end_date, end_reason, weekly_cost_pence,
                social_care_pence, education_pence, health_pence, distance_reason,
                stop_override_reason, overridden_stop_id)
            SELECT tenant, org, u.child, u.external_ref, u.provider_id, u.setting_id,
                   u.placement_type, u.provision, u.sourcing, u.contract_id, u.framework_id,
                   u.start_date, u.end_date, u.end_reason, u.weekly_cost_pence,
                   u.social_care_pence, u.education_pence, u.health_pence, u.distance_reason,
                   CASE WHEN u.stop IS NOT NULL THEN u.stop_override_reason END, u.stop
            FROM unnest(stored_id, child_of, stop_of, src) AS u(id, child, stop)
            WHERE u.id IS NULL
            ORDER BY u.ord
            RETURNING external_ref, id, version
        )
        SELECT array_agg(coalesce(cr.id, u.id) ORDER BY u.ord),
               array_agg(coalesce(cr.version, u.version) ORDER BY u.ord),
               array_agg(CASE WHEN cr.id IS NOT NULL THEN 'created'
                              WHEN u.d OR u.status IS NOT NULL THEN 'updated'
                              WHEN u.id IS NOT NULL THEN 'unchanged' END ORDER BY u.ord)
          INTO final_id, final_version, outcome
          FROM unnest(stored_id, final_version, differs, child_status, src)
               AS u(id, version, d, status)
          LEFT JOIN created cr ON cr.external_ref = u.external_ref;
    ELSE
        final_id := stored_id;
        outcome := ARRAY(SELECT CASE WHEN u.d OR u.status IS NOT NULL THEN 'updated'
                                     ELSE 'unchanged' END
                         FROM unnest(differs, child_status) WITH ORDINALITY AS u(d, status, o)
                         ORDER BY u.o);
    END IF;

    RETURN QUERY SELECT u.o::integer, u.outcome, u.id, u.child, u.version, u.status
                 FROM unnest(outcome, final_id, child_of, final_version, child_status)
                      WITH ORDINALITY AS u(outcome, id, child, version, status, o)
                 ORDER BY u.o;
END
$$;

DO $$
DECLARE
    svc text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('ALTER FUNCTION store_push_chunk(jsonb, uuid, uuid) OWNER TO %I',
                   svc || '_set_writer');
    REVOKE ALL ON FUNCTION store_push_chunk(jsonb, uuid, uuid) FROM PUBLIC;
    EXECUTE format('GRANT EXECUTE ON FUNCTION store_push_chunk(jsonb, uuid, uuid) TO %I', svc);
END
$$;

-- The push of a batch chunk, as in 015, storing through store_push_chunk()
-- and writing the audit rows itself; same answers, same fallback.
CREATE OR REPLACE FUNCTION upsert_placements_set(items jsonb, tenant uuid, org uuid,
                                                 audit_method text DEFAULT NULL,
                                                 audit_path text DEFAULT NULL)
    RETURNS TABLE (item_ord integer, item_outcome text, item_id uuid, item_child_id uuid,
                   item_version bigint, item_sqlstate text, item_constraint text)
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = placements, hearth, public
    AS $$
DECLARE
    outcome text[];
    final_id uuid[];
    child_of uuid[];
    final_version bigint[];
    child_status integer[];
BEGIN
    IF tenant IS DISTINCT FROM hearth.current_tenant() OR org IS DISTINCT FROM hearth.current_org() THEN
        RAISE EXCEPTION 'upsert_placements_set: tenant or organisation is not the request''s'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        SELECT array_agg(r.item_outcome ORDER BY r.item_ord),
               array_agg(r.item_id ORDER BY r.item_ord),
               array_agg(r.item_child_id ORDER BY r.item_ord),
               array_agg(r.item_version ORDER BY r.item_ord),
               array_agg(r.item_child_status ORDER BY r.item_ord)
          INTO outcome, final_id, child_of, final_version, child_status
          FROM store_push_chunk(items, tenant, org) r;

        -- The audit rows in request order: each item's placement, then the
        -- child it wrote.
        IF audit_method IS NOT NULL THEN
            INSERT INTO audit.events (tenant_id, org_id, sub, method, path, resource,
                                      resource_id, status, request_id)
            SELECT tenant, org, nullif(current_setting('hearth.sub', true), ''), audit_method,
                   audit_path, a.res, a.id::text, a.st,
                   nullif(current_setting('hearth.request_id', true), '')
            FROM unnest(final_id, outcome, child_of, child_status)
                     WITH ORDINALITY AS u(id, outcome, child, status, ord)
            CROSS JOIN LATERAL (
                VALUES (1, 'placement'::text, u.id,
                        CASE u.outcome WHEN 'created' THEN 201 ELSE 200 END),
                       (2, 'child', u.child, u.status)) AS a(k, res, id, st)
            WHERE a.st IS NOT NULL
            ORDER BY u.ord, a.k;
        END IF;
    EXCEPTION
        WHEN integrity_constraint_violation OR data_exception OR transaction_rollback
             OR SQLSTATE 'HPF01' THEN
            -- Visible with client_min_messages = debug1 (the tests ask).
            RAISE DEBUG 'upsert_placements_set: % items item by item (%: %)',
                jsonb_array_length(items), SQLSTATE, SQLERRM;
            RETURN QUERY SELECT * FROM upsert_placements(items, tenant, org, audit_method,
                                                         audit_path);
            RETURN;
    END;
    RETURN QUERY SELECT u.ord::integer, u.outcome, u.id, u.child, u.version, NULL::text,
                        NULL::text
                 FROM unnest(outcome, final_id, child_of, final_version)
                      WITH ORDINALITY AS u(outcome, id, child, version, ord)
                 ORDER BY u.ord;
END
$$;
