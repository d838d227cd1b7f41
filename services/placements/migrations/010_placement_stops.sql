-- 010_placement_stops: a new placement respects the placement stops of the
-- QA service (API.md §5 "placement stop", §7).
--
-- A placement created at a provider, or at a setting, with a stop in force on
-- its start_date (a stop not lifted whose effective_from is on or before it,
-- against the whole provider or that setting) is refused with SQLSTATE 23514
-- and constraint placements_stop_in_force, unless it carries a
-- stop_override_reason: then it is stored with the reason and the stop it
-- overrode, and placements.placement.stop_overridden goes to this service's
-- outbox in the same transaction. The check is a trigger on INSERT, so the
-- resource, the push by reference and every batch item obey it alike; an
-- UPDATE never fires it (changing an existing placement is never blocked).
--
-- The question is asked of qa_api.stop_in_force() (qa 002), the function QA
-- publishes for this role, as the caller: EXECUTE is granted to
-- hearth_placements and the function checks the request's tenant itself.
-- qa migrates after placements (qa/migrations/AFTER), so the function may not
-- exist when this file runs: PL/pgSQL resolves the name when the trigger first
-- runs, not when it is created, and `hearthctl migrate` applies every
-- service's migrations in one run before any service starts, so by the time a
-- placement is written it exists. Were it ever missing the insert fails (an
-- error, never a placement let through unchecked).
--
-- The event is a placements event, not qa.placement_stop.overridden: the
-- override is a write of this service, recorded in this service's outbox in
-- the transaction of that write; each service writes only its own outbox and
-- the alerts service reads them all.

ALTER TABLE placements
    ADD COLUMN stop_override_reason text
        CONSTRAINT placements_stop_override_reason_check
        CHECK (length(stop_override_reason) BETWEEN 1 AND 500),
    ADD COLUMN overridden_stop_id uuid,
    -- A stop is overridden with a reason; a reason without a stop is not kept.
    ADD CONSTRAINT placements_stop_override_check
        CHECK ((overridden_stop_id IS NULL) = (stop_override_reason IS NULL));

CREATE FUNCTION placements_respect_stops() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_stop uuid;
BEGIN
    -- Without a request's tenant this is not a service's write (those run
    -- under row-level security, which needs one) but the administrator's, a
    -- seed or a repair, which no policy binds either; QA would refuse the
    -- question.
    IF NEW.provider_id IS NOT NULL AND hearth.current_tenant() IS NOT NULL THEN
        v_stop := qa_api.stop_in_force(NEW.tenant_id, NEW.provider_id, NEW.setting_id,
                                       NEW.start_date);
    END IF;
    IF v_stop IS NULL THEN
        NEW.stop_override_reason := NULL;
        NEW.overridden_stop_id := NULL;
        RETURN NEW;
    END IF;
    IF NEW.stop_override_reason IS NULL THEN
        RAISE EXCEPTION 'placement stop % is in force at the provider or setting', v_stop
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placements_stop_in_force';
    END IF;
    NEW.overridden_stop_id := v_stop;
    RETURN NEW;
END
$$;
CREATE TRIGGER placements_respect_stops BEFORE INSERT ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_respect_stops();

-- The announcement: which stop, which placement, which council, and why.
CREATE FUNCTION placements_stop_overridden_events() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = placements, hearth, public
    AS $$
BEGIN
    INSERT INTO placements.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
    SELECT n.tenant_id, n.org_id, 'placements.placement.stop_overridden', 'placement', n.id,
           jsonb_build_object('stop_id', n.overridden_stop_id, 'placement_id', n.id,
                              'org_id', n.org_id, 'provider_id', n.provider_id,
                              'setting_id', n.setting_id, 'start_date', n.start_date,
                              'reason', n.stop_override_reason,
                              'overridden_by', nullif(current_setting('hearth.sub', true), ''))
    FROM new_rows n WHERE n.overridden_stop_id IS NOT NULL
    ORDER BY n.created_at, n.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_stop_overridden AFTER INSERT ON placements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION placements_stop_overridden_events();

-- For the 409's detail: the stop a refused placement ran into (the failed
-- write is rolled back, so the question is asked again). PL/pgSQL, like the
-- trigger, so that nothing resolves qa_api before qa has migrated.
CREATE FUNCTION placement_stop_in_force(p_provider uuid, p_setting uuid, p_day date)
    RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF p_provider IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN qa_api.stop_in_force(hearth.current_tenant(), p_provider, p_setting, p_day);
END
$$;

-- The push, as in 005 but for the override reason a created placement carries.
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
                    education_pence, health_pence, distance_reason, stop_override_reason)
                VALUES (tenant, org, c.id, np.external_ref, np.provider_id, np.setting_id,
                    np.placement_type, np.provision, np.sourcing, np.contract_id, np.framework_id,
                    np.start_date, np.end_date, np.end_reason, np.weekly_cost_pence,
                    np.social_care_pence, np.education_pence, np.health_pence, np.distance_reason,
                    item->>'stop_override_reason')
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
