-- 007_action_plans: action plans after an inspection, a visit, a concern or a
-- Reg 44 report, their items and the evidence that closes them (API.md §5).
--
-- Items live in the plan's row (a jsonb array): they are read, written and
-- versioned with the plan, under its ETag. The database gives every item its
-- id and updated_at, keeps every item once written (an item is done or not
-- done, never removed), and keeps a provider organisation's users to what is
-- theirs: the items' status and evidence of their own provider's plans.
--
-- A provider's action plans are its own business with the tenant: row-level
-- security shows a provider organisation only its own provider's plans; every
-- other organisation of the tenant reads them all.

CREATE TABLE action_plans (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES hearth.tenants (id),
    provider_id uuid NOT NULL,
    setting_id  uuid,
    source      text NOT NULL CHECK (source IN ('inspection', 'visit', 'concern', 'reg44',
                    'other')),
    source_id   uuid,
    items       jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(items) = 'array'),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by_org_id uuid NOT NULL DEFAULT hearth.current_org(),
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Only "other" plans stand without the record they answer.
    CONSTRAINT action_plans_source_id_check CHECK (source = 'other' OR source_id IS NOT NULL)
);

CREATE INDEX action_plans_list_idx ON action_plans (tenant_id, created_at, id);
CREATE INDEX action_plans_provider_idx ON action_plans (tenant_id, provider_id, created_at, id);

-- Is the request's organisation a provider's, and which? NULL when it is not
-- a provider organisation.
CREATE FUNCTION action_plans_own_provider() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN current_setting('hearth.org_kind', true) = 'provider'
                THEN placements_api.own_provider(hearth.current_tenant()) END
    $$;

ALTER TABLE action_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_plans FORCE ROW LEVEL SECURITY;
CREATE POLICY action_plans_visible ON action_plans FOR SELECT
    USING (tenant_id = hearth.current_tenant()
           AND (coalesce(current_setting('hearth.org_kind', true), '') <> 'provider'
                OR provider_id = qa.action_plans_own_provider()));
CREATE POLICY action_plans_create ON action_plans FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant()
                AND coalesce(current_setting('hearth.org_kind', true), '') <> 'provider');
CREATE POLICY action_plans_update ON action_plans FOR UPDATE
    USING (tenant_id = hearth.current_tenant()
           AND (coalesce(current_setting('hearth.org_kind', true), '') <> 'provider'
                OR provider_id = qa.action_plans_own_provider()))
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER action_plans_version BEFORE UPDATE ON action_plans
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The items open past their due day on p_day.
CREATE FUNCTION action_plan_overdue_items(p_items jsonb, p_day date) RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT count(*)::integer FROM jsonb_array_elements(p_items) i
    WHERE i ->> 'status' = 'open' AND (i ->> 'due_on')::date < p_day
    $$;

-- Items as written: an id for a new item, updated_at moved only for an item
-- that changed, every earlier item kept, done and not_done with evidence.
-- A provider organisation's user changes items' status and evidence only.
CREATE FUNCTION action_plans_items() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_old jsonb := CASE WHEN TG_OP = 'UPDATE' THEN OLD.items ELSE '[]'::jsonb END;
    v_items jsonb := '[]'::jsonb;
    v_item jsonb;
    v_prev jsonb;
    v_id text;
BEGIN
    FOR v_item IN SELECT e FROM jsonb_array_elements(NEW.items) e LOOP
        v_id := v_item ->> 'id';
        v_prev := NULL;
        IF v_id IS NOT NULL THEN
            SELECT o INTO v_prev FROM jsonb_array_elements(v_old) o WHERE o ->> 'id' = v_id;
            IF v_prev IS NULL THEN
                RAISE EXCEPTION 'no such item in this plan'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_item_known';
            END IF;
        END IF;
        IF v_item ->> 'status' IN ('done', 'not_done') AND
           coalesce(v_item ->> 'evidence', '') = '' THEN
            RAISE EXCEPTION 'a done or not done item carries its evidence'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_item_evidence';
        END IF;
        v_item := jsonb_build_object(
            'id', coalesce(v_id, gen_random_uuid()::text),
            'action', v_item -> 'action', 'owner', v_item -> 'owner',
            'due_on', v_item -> 'due_on', 'status', coalesce(v_item -> 'status', '"open"'),
            'evidence', coalesce(v_item -> 'evidence', 'null'));
        IF v_prev IS NOT NULL AND v_item - 'id' = v_prev - 'id' - 'updated_at' THEN
            v_item := v_item || jsonb_build_object('updated_at', v_prev -> 'updated_at');
        ELSE
            v_item := v_item || jsonb_build_object('updated_at', hearth.ts(now()));
        END IF;
        v_items := v_items || jsonb_build_array(v_item);
    END LOOP;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(v_old) o
               WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v_items) n
                                 WHERE n ->> 'id' = o ->> 'id')) THEN
        RAISE EXCEPTION 'an action plan''s items are kept once written'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_items_kept';
    END IF;
    IF (SELECT count(DISTINCT n ->> 'id') FROM jsonb_array_elements(v_items) n)
       <> jsonb_array_length(v_items) THEN
        RAISE EXCEPTION 'an item appears once in its plan'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_item_known';
    END IF;
    NEW.items := v_items;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.provider_id IS DISTINCT FROM OLD.provider_id OR
           NEW.setting_id IS DISTINCT FROM OLD.setting_id OR
           NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR
           NEW.created_by_org_id IS DISTINCT FROM OLD.created_by_org_id THEN
            RAISE EXCEPTION 'an action plan''s subject cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_subject_immutable';
        END IF;
        IF coalesce(current_setting('hearth.org_kind', true), '') = 'provider' AND (
               NEW.source IS DISTINCT FROM OLD.source OR
               NEW.source_id IS DISTINCT FROM OLD.source_id OR
               NEW.status IS DISTINCT FROM OLD.status OR
               jsonb_array_length(NEW.items) <> jsonb_array_length(OLD.items) OR
               EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.items) n
                       JOIN jsonb_array_elements(OLD.items) o ON o ->> 'id' = n ->> 'id'
                       WHERE n -> 'action' IS DISTINCT FROM o -> 'action'
                          OR n -> 'owner' IS DISTINCT FROM o -> 'owner'
                          OR n -> 'due_on' IS DISTINCT FROM o -> 'due_on')) THEN
            RAISE EXCEPTION 'a provider answers its action items: status and evidence only'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'action_plans_provider_answers';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER action_plans_items BEFORE INSERT OR UPDATE ON action_plans
    FOR EACH ROW EXECUTE FUNCTION action_plans_items();

CREATE FUNCTION action_plan_doc(a action_plans) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'provider_id', a.provider_id, 'setting_id', a.setting_id,
        'source', a.source, 'source_id', a.source_id, 'items', a.items, 'status', a.status,
        'overdue_items', qa.action_plan_overdue_items(a.items, current_date),
        'created_by_org_id', a.created_by_org_id, 'version', a.version,
        'created_at', hearth.ts(a.created_at), 'updated_at', hearth.ts(a.updated_at))
    $$;

-- Plans are opened and closed, never removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON action_plans TO %I',
                   current_setting('hearth.service_role'));
END
$$;
