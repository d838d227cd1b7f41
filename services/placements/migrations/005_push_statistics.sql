-- 005_push_statistics: no statistics maintenance inside a request's
-- transaction.
--
-- upsert_placements() (003) called refresh_push_statistics(), an ANALYZE of
-- children and placements while they were small, inside the push's
-- transaction. ANALYZE takes a SHARE UPDATE EXCLUSIVE lock, which conflicts
-- with itself and was held until the push committed: on a young database one
-- tenant's batch made every other tenant's push wait for it.
--
-- What the ANALYZE was for still holds: without statistics (a table nobody
-- has analysed yet) the planner guesses that any index leading with
-- (tenant_id, org_id) finds a child or placement as cheaply as the unique
-- reference indexes, and every per-item lookup of a large first push scans
-- the organisation's rows so far. With statistics of the committed rows, even
-- those of other organisations, it picks the reference indexes for an
-- organisation it has never seen (measured: tests/bench/placements_young.sh).
-- So statistics are kept from outside request transactions:
--   * the batch handler calls refresh_push_statistics() before the push, in a
--     transaction of its own that holds nothing else; the function now uses
--     ANALYZE (SKIP_LOCKED), so it never waits for another one (or for
--     autovacuum) and its lock lasts only while it reads a small table;
--   * autovacuum analyses these tables after 20 changed rows (plus its 10%)
--     instead of the default 50, so single writes and reports on a young
--     database get statistics soon too;
--   * the push's statements, and the overlap check its inserts fire, use
--     generic plans (plan_cache_mode = force_generic_plan) of plain index
--     scans (enable_seqscan and enable_bitmapscan off, function-local), which
--     makes the index that promises the fewest rows win. A generic plan estimates
--     "tenant_id = $1 AND org_id = $2" from the number of distinct values, so
--     an organisation the statistics have never seen still looks as large as
--     an average one and the unique reference index wins; a custom plan would
--     take the unseen value for an empty organisation, find every index with
--     that prefix as cheap, and could pick one that scans the organisation.
--     A plan is made once per session and statistics change, so without the
--     other settings a plan made while a table was tiny (a sequential scan,
--     or a bitmap scan of an organisation's few rows) would be kept while one
--     push grows the table by thousands of rows.
-- The function keeps its 5,000-row bound: past it autovacuum's own schedule
-- is good enough. SECURITY DEFINER because ANALYZE is for the tables' owner;
-- its search_path is pinned and every name in it qualified.

CREATE OR REPLACE FUNCTION refresh_push_statistics() RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF (SELECT c.reltuples FROM pg_catalog.pg_class c
        WHERE c.oid = 'placements.placements'::pg_catalog.regclass) < 5000 THEN
        ANALYZE (SKIP_LOCKED) placements.placements;
    END IF;
    IF (SELECT c.reltuples FROM pg_catalog.pg_class c
        WHERE c.oid = 'placements.children'::pg_catalog.regclass) < 5000 THEN
        ANALYZE (SKIP_LOCKED) placements.children;
    END IF;
END
$$;

ALTER FUNCTION prevent_overlap() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION prevent_overlap() SET enable_seqscan = off;
ALTER FUNCTION prevent_overlap() SET enable_bitmapscan = off;

ALTER TABLE children SET (autovacuum_analyze_threshold = 20);
ALTER TABLE placements SET (autovacuum_analyze_threshold = 20);

-- The push itself, as in 003 but for the ANALYZE.
CREATE OR REPLACE FUNCTION upsert_placements(items jsonb, tenant uuid, org uuid,
                                  audit_method text DEFAULT NULL, audit_path text DEFAULT NULL)
    RETURNS TABLE (item_ord integer, item_outcome text, item_id uuid, item_child_id uuid,
                   item_version bigint, item_sqlstate text, item_constraint text)
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = placements, hearth, public
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
DECLARE
    item jsonb;
    n bigint;
    ch jsonb;
    c children%ROWTYPE;
    p placements%ROWTYPE;
    np placements%ROWTYPE;
    cb date;
    child_status integer;
    a_res text[] := '{}';
    a_id uuid[] := '{}';
    a_status integer[] := '{}';
BEGIN
    -- The caller names its tenant and organisation; they must be the request's
    -- (row-level security would refuse the rows anyway, this says why).
    IF tenant IS DISTINCT FROM hearth.current_tenant() OR org IS DISTINCT FROM hearth.current_org() THEN
        RAISE EXCEPTION 'upsert_placements: tenant or organisation is not the request''s'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR item, n IN SELECT e.value, e.ordinality FROM jsonb_array_elements(items) WITH ORDINALITY AS e LOOP
        item_ord := n;
        item_outcome := NULL;
        item_id := NULL;
        item_child_id := NULL;
        item_version := NULL;
        item_sqlstate := NULL;
        item_constraint := NULL;
        child_status := NULL;
        BEGIN
            ch := item->'child';
            cb := ((ch->>'birth_month') || '-01')::date;
            SELECT * INTO c FROM children
             WHERE tenant_id = tenant AND org_id = org AND local_ref = ch->>'local_ref';
            IF NOT FOUND THEN
                INSERT INTO children (tenant_id, org_id, local_ref, birth_month, gender, legal_status)
                VALUES (tenant, org, ch->>'local_ref', cb, ch->>'gender', ch->>'legal_status')
                ON CONFLICT (tenant_id, org_id, local_ref) DO NOTHING
                RETURNING * INTO c;
                IF FOUND THEN
                    child_status := 201;
                ELSE
                    -- Created meanwhile by a concurrent push (now committed).
                    SELECT * INTO STRICT c FROM children
                     WHERE tenant_id = tenant AND org_id = org AND local_ref = ch->>'local_ref';
                END IF;
            END IF;
            IF child_status IS NULL AND (c.birth_month, c.gender, c.legal_status)
                    IS DISTINCT FROM (cb, ch->>'gender', ch->>'legal_status') THEN
                UPDATE children SET birth_month = cb, gender = ch->>'gender',
                                    legal_status = ch->>'legal_status'
                 WHERE id = c.id;
                child_status := 200;
            END IF;
            item_child_id := c.id;

            np.external_ref := item->>'external_ref';
            np.provider_id := (item->>'provider_id')::uuid;
            np.setting_id := (item->>'setting_id')::uuid;
            np.placement_type := item->>'placement_type';
            np.provision := item->>'provision';
            np.sourcing := item->>'sourcing';
            np.contract_id := (item->>'contract_id')::uuid;
            np.framework_id := (item->>'framework_id')::uuid;
            np.start_date := (item->>'start_date')::date;
            np.end_date := (item->>'end_date')::date;
            np.end_reason := item->>'end_reason';
            np.weekly_cost_pence := (item->>'weekly_cost_pence')::bigint;
            np.social_care_pence := (item->'contributions'->>'social_care_pence')::bigint;
            np.education_pence := (item->'contributions'->>'education_pence')::bigint;
            np.health_pence := (item->'contributions'->>'health_pence')::bigint;
            np.distance_reason := item->>'distance_reason';

            SELECT * INTO p FROM placements
             WHERE tenant_id = tenant AND org_id = org AND external_ref = np.external_ref;
            IF NOT FOUND THEN
                INSERT INTO placements (tenant_id, org_id, child_id, external_ref, provider_id,
                    setting_id, placement_type, provision, sourcing, contract_id, framework_id,
                    start_date, end_date, end_reason, weekly_cost_pence, social_care_pence,
                    education_pence, health_pence, distance_reason)
                VALUES (tenant, org, c.id, np.external_ref, np.provider_id, np.setting_id,
                    np.placement_type, np.provision, np.sourcing, np.contract_id, np.framework_id,
                    np.start_date, np.end_date, np.end_reason, np.weekly_cost_pence,
                    np.social_care_pence, np.education_pence, np.health_pence, np.distance_reason)
                ON CONFLICT (tenant_id, org_id, external_ref) DO NOTHING
                RETURNING * INTO p;
                IF FOUND THEN
                    item_outcome := 'created';
                ELSE
                    SELECT * INTO STRICT p FROM placements
                     WHERE tenant_id = tenant AND org_id = org AND external_ref = np.external_ref;
                END IF;
            END IF;
            IF item_outcome IS NULL THEN
                IF (p.child_id, p.provider_id, p.setting_id, p.placement_type, p.provision,
                    p.sourcing, p.contract_id, p.framework_id, p.start_date, p.end_date,
                    p.end_reason, p.weekly_cost_pence, p.social_care_pence, p.education_pence,
                    p.health_pence, p.distance_reason)
                   IS DISTINCT FROM
                   (c.id, np.provider_id, np.setting_id, np.placement_type, np.provision,
                    np.sourcing, np.contract_id, np.framework_id, np.start_date, np.end_date,
                    np.end_reason, np.weekly_cost_pence, np.social_care_pence, np.education_pence,
                    np.health_pence, np.distance_reason) THEN
                    UPDATE placements SET child_id = c.id, provider_id = np.provider_id,
                        setting_id = np.setting_id, placement_type = np.placement_type,
                        provision = np.provision, sourcing = np.sourcing,
                        contract_id = np.contract_id, framework_id = np.framework_id,
                        start_date = np.start_date, end_date = np.end_date,
                        end_reason = np.end_reason, weekly_cost_pence = np.weekly_cost_pence,
                        social_care_pence = np.social_care_pence,
                        education_pence = np.education_pence, health_pence = np.health_pence,
                        distance_reason = np.distance_reason
                     WHERE id = p.id
                    RETURNING * INTO p;
                    item_outcome := 'updated';
                ELSIF child_status IS NOT NULL THEN
                    -- The placement is as stored but its child changed: the push updated something.
                    item_outcome := 'updated';
                ELSE
                    item_outcome := 'unchanged';
                END IF;
            END IF;
            item_id := p.id;
            item_version := p.version;
            IF audit_method IS NOT NULL THEN
                a_res := a_res || 'placement'::text;
                a_id := a_id || p.id;
                a_status := a_status || CASE item_outcome WHEN 'created' THEN 201 ELSE 200 END;
                IF child_status IS NOT NULL THEN
                    a_res := a_res || 'child'::text;
                    a_id := a_id || c.id;
                    a_status := a_status || child_status;
                END IF;
            END IF;
        EXCEPTION
            -- Rule breaks of this one item; anything else (out of memory, a
            -- cancelled statement, a privilege error) fails the whole push.
            WHEN integrity_constraint_violation OR data_exception OR transaction_rollback THEN
                GET STACKED DIAGNOSTICS item_sqlstate = RETURNED_SQLSTATE,
                                        item_constraint = CONSTRAINT_NAME;
                item_outcome := 'error';
                item_id := NULL;
                item_child_id := NULL;
                item_version := NULL;
        END;
        RETURN NEXT;
    END LOOP;
    IF audit_method IS NOT NULL AND cardinality(a_id) > 0 THEN
        INSERT INTO audit.events (tenant_id, org_id, sub, method, path, resource, resource_id,
                                  status, request_id)
        SELECT tenant, org, nullif(current_setting('hearth.sub', true), ''), audit_method,
               audit_path, a.res, a.id::text, a.st,
               nullif(current_setting('hearth.request_id', true), '')
          FROM unnest(a_res, a_id, a_status) AS a(res, id, st);
    END IF;
END
$$;
