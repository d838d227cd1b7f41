-- 015_set_based_pushes: a batch chunk stored in a handful of statements
-- instead of a loop of subtransactions (POST /v1/placements/batch).
--
-- upsert_placements_set() answers exactly what upsert_placements() (010)
-- answers for the same items, row for row: it first tries the whole chunk at
-- once, in one subtransaction:
--   1. the chunk's children: one INSERT of those new, one UPDATE of those
--      changed (a repeated local_ref is written once, by the first item
--      naming it, as the loop would);
--   2. the stored placements the chunk names, one UPDATE of those that differ;
--   3. the new placements, one INSERT in request order, so that the row
--      triggers (overlap, setting of the provider, the child's age, placement
--      stops) check each row against the rows before it, as the loop does;
--   4. the audit rows, one INSERT in request order.
-- The tables' statement triggers write the outbox events once per statement
-- (002, 010), so a chunk's events keep each placement's own order; within a
-- transaction, events of different placements follow the statement's order.
--
-- Whenever that could answer differently from the loop, the attempt is rolled
-- back and the chunk goes through upsert_placements() item by item:
--   - any item breaks a rule (SQLSTATE classes 22, 23, 40: the loop gives
--     that item its own error and stores the others);
--   - two items name one child with different details, or name one child
--     and one of them moves the dates of a stored placement, or a stored
--     placement moves to another child (then the order of the items can
--     decide the overlap rule's outcome, which only the loop reproduces);
--   - a concurrent push stored one of the new references meanwhile.
-- A chunk without such items (a council's nightly push, its first load) never
-- runs a subtransaction per item.

-- A chunk's items as typed rows, in request order (ord from 1). The chunk is
-- parsed once into an array of these, which every statement then unnests.
CREATE TYPE push_item AS (
    ord integer, external_ref text, local_ref text, birth_month date, gender text,
    legal_status text, child_details jsonb, provider_id uuid, setting_id uuid,
    placement_type text, provision text, sourcing text, contract_id uuid, framework_id uuid,
    start_date date, end_date date, end_reason text, weekly_cost_pence bigint,
    social_care_pence bigint, education_pence bigint, health_pence bigint,
    distance_reason text, stop_override_reason text);

CREATE FUNCTION push_items(items jsonb) RETURNS SETOF push_item
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    ROWS 500
    AS $$
    SELECT e.o::integer, e.v->>'external_ref', e.v->'child'->>'local_ref',
           ((e.v->'child'->>'birth_month') || '-01')::date, e.v->'child'->>'gender',
           e.v->'child'->>'legal_status',
           jsonb_build_array(e.v->'child'->>'birth_month', e.v->'child'->>'gender',
                             e.v->'child'->>'legal_status'),
           (e.v->>'provider_id')::uuid, (e.v->>'setting_id')::uuid, e.v->>'placement_type',
           e.v->>'provision', e.v->>'sourcing', (e.v->>'contract_id')::uuid,
           (e.v->>'framework_id')::uuid, (e.v->>'start_date')::date, (e.v->>'end_date')::date,
           e.v->>'end_reason', (e.v->>'weekly_cost_pence')::bigint,
           (e.v->'contributions'->>'social_care_pence')::bigint,
           (e.v->'contributions'->>'education_pence')::bigint,
           (e.v->'contributions'->>'health_pence')::bigint, e.v->>'distance_reason',
           e.v->>'stop_override_reason'
    FROM jsonb_array_elements(items) WITH ORDINALITY AS e(v, o)
$$;
REVOKE ALL ON FUNCTION push_items(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION push_items(jsonb) TO hearth_placements;

CREATE FUNCTION upsert_placements_set(items jsonb, tenant uuid, org uuid,
                                      audit_method text DEFAULT NULL,
                                      audit_path text DEFAULT NULL)
    RETURNS TABLE (item_ord integer, item_outcome text, item_id uuid, item_child_id uuid,
                   item_version bigint, item_sqlstate text, item_constraint text)
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = placements, hearth, public
    -- Every lookup is by a reference index; a young table's statistics must
    -- not turn one into a scan of the organisation's rows (003, 005).
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
DECLARE
    -- The chunk, parsed once, and what is learnt of each item, in arrays
    -- aligned with it (element i is item i): statements zip them with a
    -- multi-argument unnest instead of joining them, the arrays of single
    -- values first (named by the alias list), then src (its fields keep
    -- their names).
    src push_item[];
    child_of uuid[];          -- the item's child
    child_status integer[];   -- 201 / 200 when this item wrote its child
    stored_id uuid[];         -- the stored placement the item names, or NULL
    stored_child uuid[];
    stored_version bigint[];
    moves boolean[];          -- the item moves the stored placement's dates
    final_id uuid[];          -- after the writes: the placement, its version
    final_version bigint[];
    outcome text[];
    n integer;
    written integer;
BEGIN
    IF tenant IS DISTINCT FROM hearth.current_tenant() OR org IS DISTINCT FROM hearth.current_org() THEN
        RAISE EXCEPTION 'upsert_placements_set: tenant or organisation is not the request''s'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        src := ARRAY(SELECT s FROM push_items(items) s ORDER BY s.ord);
        n := cardinality(src);
        IF EXISTS (SELECT 1 FROM unnest(src) s GROUP BY s.local_ref
                   HAVING count(DISTINCT s.child_details) > 1) THEN
            RAISE EXCEPTION 'one child with different details' USING ERRCODE = 'HPF01';
        END IF;

        -- Children: those new, then those changed, each written by the first
        -- item naming it.
        WITH firsts AS (
            SELECT DISTINCT ON (s.local_ref) s.* FROM unnest(src) s ORDER BY s.local_ref, s.ord
        ), fresh AS (
            SELECT f.* FROM firsts f
            WHERE NOT EXISTS (SELECT 1 FROM children c WHERE c.tenant_id = tenant
                              AND c.org_id = org AND c.local_ref = f.local_ref)
        ), created AS (
            INSERT INTO children (tenant_id, org_id, local_ref, birth_month, gender, legal_status)
            SELECT tenant, org, f.local_ref, f.birth_month, f.gender, f.legal_status
            FROM fresh f ORDER BY f.ord
            ON CONFLICT (tenant_id, org_id, local_ref) DO NOTHING
            RETURNING local_ref
        ), changed AS (
            UPDATE children c
               SET birth_month = f.birth_month, gender = f.gender, legal_status = f.legal_status
              FROM firsts f
             WHERE c.tenant_id = tenant AND c.org_id = org AND c.local_ref = f.local_ref
               AND (c.birth_month, c.gender, c.legal_status)
                   IS DISTINCT FROM (f.birth_month, f.gender, f.legal_status)
            RETURNING c.local_ref
        )
        SELECT array_agg(CASE WHEN cr.local_ref IS NOT NULL THEN 201
                              WHEN ch.local_ref IS NOT NULL THEN 200 END ORDER BY s.ord),
               (SELECT count(*) FROM fresh) - (SELECT count(*) FROM created)
          INTO child_status, written
          FROM unnest(src) s
          LEFT JOIN firsts f ON f.ord = s.ord
          LEFT JOIN created cr ON cr.local_ref = f.local_ref
          LEFT JOIN changed ch ON ch.local_ref = f.local_ref;
        IF written <> 0 THEN
            RAISE EXCEPTION 'a child was stored meanwhile' USING ERRCODE = 'HPF01';
        END IF;

        -- Each item's child and stored placement.
        SELECT array_agg(c.id ORDER BY s.ord), array_agg(p.id ORDER BY s.ord),
               array_agg(p.child_id ORDER BY s.ord), array_agg(p.version ORDER BY s.ord),
               array_agg(p.id IS NOT NULL AND (p.start_date, p.end_date)
                         IS DISTINCT FROM (s.start_date, s.end_date) ORDER BY s.ord)
          INTO child_of, stored_id, stored_child, stored_version, moves
          FROM unnest(src) s
          JOIN children c ON c.tenant_id = tenant AND c.org_id = org AND c.local_ref = s.local_ref
          LEFT JOIN placements p ON p.tenant_id = tenant AND p.org_id = org
                                AND p.external_ref = s.external_ref;
        IF cardinality(child_of) <> n THEN
            RAISE EXCEPTION 'an item has no child' USING ERRCODE = 'HPF01';
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(moves, src) AS u(moves)
                    GROUP BY u.local_ref HAVING count(*) > 1 AND bool_or(u.moves))
           OR EXISTS (SELECT 1 FROM unnest(child_of, stored_child) AS u(child, stored)
                       WHERE u.stored <> u.child) THEN
            RAISE EXCEPTION 'order-dependent items' USING ERRCODE = 'HPF01';
        END IF;

        -- Stored placements that differ, then the new ones in request order.
        WITH changed AS (
            UPDATE placements p
               SET provider_id = u.provider_id, setting_id = u.setting_id,
                   placement_type = u.placement_type, provision = u.provision,
                   sourcing = u.sourcing, contract_id = u.contract_id,
                   framework_id = u.framework_id, start_date = u.start_date,
                   end_date = u.end_date, end_reason = u.end_reason,
                   weekly_cost_pence = u.weekly_cost_pence,
                   social_care_pence = u.social_care_pence,
                   education_pence = u.education_pence,
                   health_pence = u.health_pence, distance_reason = u.distance_reason
              FROM unnest(stored_id, src) AS u(id)
             WHERE p.id = u.id
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
        ), created AS (
            INSERT INTO placements (tenant_id, org_id, child_id, external_ref, provider_id,
                setting_id, placement_type, provision, sourcing, contract_id, framework_id,
                start_date, end_date, end_reason, weekly_cost_pence, social_care_pence,
                education_pence, health_pence, distance_reason, stop_override_reason)
            SELECT tenant, org, u.child, u.external_ref, u.provider_id,
                   u.setting_id, u.placement_type, u.provision,
                   u.sourcing, u.contract_id, u.framework_id,
                   u.start_date, u.end_date, u.end_reason,
                   u.weekly_cost_pence, u.social_care_pence,
                   u.education_pence, u.health_pence, u.distance_reason,
                   u.stop_override_reason
            FROM unnest(child_of, stored_id, src) AS u(child, stored)
            WHERE u.stored IS NULL
            ORDER BY u.ord
            ON CONFLICT (tenant_id, org_id, external_ref) DO NOTHING
            RETURNING external_ref, id, version
        )
        SELECT array_agg(coalesce(cr.id, u.stored) ORDER BY u.ord),
               array_agg(coalesce(cr.version, ch.version, u.version) ORDER BY u.ord),
               array_agg(CASE WHEN cr.id IS NOT NULL THEN 'created'
                              WHEN ch.id IS NOT NULL OR u.status IS NOT NULL THEN 'updated'
                              WHEN u.stored IS NOT NULL THEN 'unchanged' END
                         ORDER BY u.ord)
          INTO final_id, final_version, outcome
          FROM unnest(stored_id, stored_version, child_status, src)
               AS u(stored, version, status)
          LEFT JOIN changed ch ON ch.id = u.stored
          LEFT JOIN created cr ON cr.external_ref = u.external_ref;
        IF array_position(outcome, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'a reference was stored meanwhile' USING ERRCODE = 'HPF01';
        END IF;

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
REVOKE ALL ON FUNCTION upsert_placements_set(jsonb, uuid, uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION upsert_placements_set(jsonb, uuid, uuid, text, text) TO hearth_placements;
