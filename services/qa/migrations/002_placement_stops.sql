-- 002_placement_stops: placement stops (no new placements at a provider or one
-- of its settings), the councils' acknowledgements of them, and the one
-- question the placements service may ask about them (API.md §5, §7).
--
-- Provider intelligence: every organisation of the tenant reads stops and
-- acknowledgements. Who must acknowledge is computed on each read from the
-- placements service's published aggregate (placements_api, placements 008)
-- and the provider's lead authority (providers_api, providers 010), never
-- copied here, so it is always current.

CREATE TABLE placement_stops (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES hearth.tenants (id),
    provider_id      uuid NOT NULL,
    setting_id       uuid,
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    effective_from   date NOT NULL,
    lifted_on        date,
    lift_reason      text CHECK (length(lift_reason) BETWEEN 1 AND 2000),
    issued_by_org_id uuid NOT NULL DEFAULT hearth.current_org(),
    status           text NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'lifted')),
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT placement_stops_tenant_id_key UNIQUE (tenant_id, id),
    -- A lifted stop says when and why; a stop in force says neither.
    CONSTRAINT placement_stops_lift_check CHECK (
        (status = 'lifted') = (lifted_on IS NOT NULL) AND
        (lifted_on IS NULL) = (lift_reason IS NULL)),
    CONSTRAINT placement_stops_lift_date_check CHECK (lifted_on >= effective_from)
);

CREATE INDEX placement_stops_list_idx ON placement_stops (tenant_id, created_at, id);
CREATE INDEX placement_stops_provider_idx ON placement_stops (tenant_id, provider_id, created_at, id);
-- stop_in_force(): the stops in force of one provider, tenant-wide.
CREATE INDEX placement_stops_in_force_idx ON placement_stops (tenant_id, provider_id, effective_from)
    INCLUDE (setting_id) WHERE status = 'in_force';

ALTER TABLE placement_stops ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_stops FORCE ROW LEVEL SECURITY;
CREATE POLICY placement_stops_tenant ON placement_stops
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER placement_stops_version BEFORE UPDATE ON placement_stops
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- Lifting is final: councils were told the stop ended, and a new concern is a
-- new stop with its own date and its own acknowledgements. What a stop is
-- against, and who issued it, never changes.
CREATE FUNCTION placement_stops_keep_history() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF OLD.status = 'lifted' AND NEW.status <> 'lifted' THEN
        RAISE EXCEPTION 'a lifted placement stop cannot be put back in force'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_stops_lift_is_final';
    END IF;
    IF NEW.provider_id IS DISTINCT FROM OLD.provider_id OR
       NEW.setting_id IS DISTINCT FROM OLD.setting_id OR
       NEW.issued_by_org_id IS DISTINCT FROM OLD.issued_by_org_id OR
       NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        RAISE EXCEPTION 'a placement stop''s subject and issuer cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placement_stops_subject_immutable';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placement_stops_history BEFORE UPDATE ON placement_stops
    FOR EACH ROW EXECUTE FUNCTION placement_stops_keep_history();

CREATE FUNCTION placement_stop_doc(s placement_stops) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', s.id, 'provider_id', s.provider_id, 'setting_id', s.setting_id,
        'reason', s.reason, 'effective_from', s.effective_from, 'lifted_on', s.lifted_on,
        'lift_reason', s.lift_reason, 'issued_by_org_id', s.issued_by_org_id,
        'status', s.status, 'version', s.version,
        'created_at', hearth.ts(s.created_at), 'updated_at', hearth.ts(s.updated_at))
    $$;

-- One acknowledgement per organisation and stop, never rewritten. An
-- organisation acknowledges for itself only (the policy's WITH CHECK).
CREATE TABLE placement_stop_acknowledgements (
    tenant_id       uuid NOT NULL,
    stop_id         uuid NOT NULL,
    org_id          uuid NOT NULL DEFAULT hearth.current_org(),
    acknowledged_by text NOT NULL CHECK (length(acknowledged_by) BETWEEN 1 AND 256),
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    note            text CHECK (length(note) BETWEEN 1 AND 2000),
    CONSTRAINT placement_stop_acknowledgements_once PRIMARY KEY (tenant_id, stop_id, org_id),
    CONSTRAINT placement_stop_acknowledgements_stop_fkey FOREIGN KEY (tenant_id, stop_id)
        REFERENCES placement_stops (tenant_id, id)
);

ALTER TABLE placement_stop_acknowledgements ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_stop_acknowledgements FORCE ROW LEVEL SECURITY;
CREATE POLICY placement_stop_acknowledgements_read ON placement_stop_acknowledgements FOR SELECT
    USING (tenant_id = hearth.current_tenant());
CREATE POLICY placement_stop_acknowledgements_own ON placement_stop_acknowledgements FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

-- Councils and the consortium team acknowledge; a provider's staff are told
-- of a stop, they do not acknowledge one. Only a stop in force is
-- acknowledged. The stop row is locked, so a lift and an acknowledgement of
-- the same stop serialise.
CREATE FUNCTION placement_stop_acknowledgements_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_status text;
BEGIN
    IF coalesce(current_setting('hearth.org_kind', true), '') NOT IN ('local_authority',
                                                                    'consortium') THEN
        RAISE EXCEPTION 'only councils and the consortium team acknowledge placement stops'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'placement_stop_acknowledgements_by_council';
    END IF;
    SELECT s.status INTO v_status FROM qa.placement_stops s
    WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.stop_id FOR SHARE;
    IF v_status = 'lifted' THEN
        RAISE EXCEPTION 'the placement stop has been lifted'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'placement_stop_acknowledgements_in_force';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placement_stop_acknowledgements_check
    BEFORE INSERT ON placement_stop_acknowledgements
    FOR EACH ROW EXECUTE FUNCTION placement_stop_acknowledgements_check();

CREATE FUNCTION placement_stop_acknowledgement_doc(a placement_stop_acknowledgements)
    RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'stop_id', a.stop_id, 'org_id', a.org_id, 'acknowledged_by', a.acknowledged_by,
        'acknowledged_at', hearth.ts(a.acknowledged_at), 'note', a.note)
    $$;

-- Who must acknowledge stop p_stop, and who has: every local authority with
-- a child placed at the provider (or the stop's setting) on effective_from,
-- plus the provider's lead authority, then any other organisation that has
-- acknowledged. NULL when the tenant has no such stop. Runs as the caller
-- (row-level security applies); the published functions check the tenant.
CREATE FUNCTION placement_stop_acknowledgement_list(p_stop uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    WITH stop AS (
        SELECT s.* FROM qa.placement_stops s WHERE s.id = p_stop
    ), grounds AS (
        SELECT c.org_id, 'child_placed' AS ground
        FROM stop, placements_api.councils_with_child_at(stop.tenant_id, stop.provider_id,
                                                         stop.setting_id, stop.effective_from) c
        UNION ALL
        SELECT p.lead_org_id, 'lead_authority'
        FROM stop, providers_api.provider_profile(stop.tenant_id, stop.provider_id) p
        WHERE p.lead_org_id IS NOT NULL
    ), required AS (
        SELECT g.org_id, jsonb_agg(g.ground ORDER BY g.ground) AS grounds
        FROM grounds g GROUP BY g.org_id
    ), entries AS (
        SELECT coalesce(r.org_id, a.org_id) AS org_id, r.grounds, a.org_id AS acknowledger,
               a.acknowledged_by, a.acknowledged_at, a.note
        FROM required r
        FULL JOIN (SELECT a.* FROM qa.placement_stop_acknowledgements a, stop
                   WHERE a.tenant_id = stop.tenant_id AND a.stop_id = stop.id) a
          ON a.org_id = r.org_id
    )
    SELECT jsonb_build_object(
        'stop_id', stop.id,
        'outstanding', (SELECT count(*) FROM entries e
                        WHERE e.grounds IS NOT NULL AND e.acknowledger IS NULL),
        'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
                    'org_id', e.org_id,
                    'must_acknowledge', e.grounds IS NOT NULL,
                    'grounds', coalesce(e.grounds, '[]'::jsonb),
                    'acknowledged', e.acknowledger IS NOT NULL,
                    'acknowledged_by', e.acknowledged_by,
                    'acknowledged_at', hearth.ts(e.acknowledged_at),
                    'note', e.note) ORDER BY e.org_id) FROM entries e), '[]'::jsonb),
        'next_cursor', NULL)
    FROM stop
    $$;

-- Published for the placements service (API.md §7): the stop in force at
-- provider p_provider, or at setting p_setting of it, that a new placement
-- starting on p_day must respect: a stop not lifted whose effective_from is
-- on or before p_day, against the whole provider or that setting. The
-- earliest such stop's id, or NULL. Only about the request's own tenant.
CREATE SCHEMA IF NOT EXISTS qa_api;
REVOKE ALL ON SCHEMA qa_api FROM PUBLIC;

CREATE FUNCTION qa_api.stop_in_force(p_tenant uuid, p_provider uuid, p_setting uuid, p_day date)
    RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_stop uuid;
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM hearth.current_tenant() THEN
        RAISE EXCEPTION 'qa answers only about the request''s own tenant'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT s.id INTO v_stop FROM qa.placement_stops s
    WHERE s.tenant_id = p_tenant AND s.provider_id = p_provider AND s.status = 'in_force'
      AND s.effective_from <= p_day
      AND (s.setting_id IS NULL OR s.setting_id = p_setting)
    ORDER BY s.effective_from, s.id
    LIMIT 1;
    RETURN v_stop;
END
$$;

REVOKE ALL ON FUNCTION qa_api.stop_in_force(uuid, uuid, uuid, date) FROM PUBLIC;
GRANT USAGE ON SCHEMA qa_api TO hearth_placements;
GRANT EXECUTE ON FUNCTION qa_api.stop_in_force(uuid, uuid, uuid, date) TO hearth_placements;

-- Stops are issued and lifted, never removed; acknowledgements only added.
DO $$
DECLARE
    r text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON placement_stops TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT ON placement_stop_acknowledgements TO %I', r);
END
$$;
