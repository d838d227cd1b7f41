-- 003_frameworks: commissioning frameworks (and DPS, approved lists...), their
-- lots, the providers admitted to them (members, with a status history), and
-- the yearly quality/commercial scores that rank members within a lot.
-- Provider intelligence: every organisation of the tenant reads it; tenant
-- admins write it.
--
-- As in 002, every cross-table reference carries the tenant (composite foreign
-- keys), and references to a lot also carry the framework, so a member, score
-- or contract can only name a lot of the framework it belongs to.

CREATE TABLE frameworks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES hearth.tenants (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    vehicle         text NOT NULL CHECK (vehicle IN ('framework', 'flexible_framework',
                        'open_framework', 'dps', 'pseudo_dps', 'approved_list')),
    lead_org_id     uuid,
    start_date      date NOT NULL,
    end_date        date,
    quality_pct     integer NOT NULL CHECK (quality_pct BETWEEN 0 AND 100),
    commercial_pct  integer NOT NULL CHECK (commercial_pct BETWEEN 0 AND 100),
    tier_sizes      integer[] CHECK (cardinality(tier_sizes) BETWEEN 1 AND 10
                        AND 0 < ALL (tier_sizes)),
    -- The lots as the API shows them ([{id, code, title, service_type}], in
    -- request order). framework_lots below is the same list as rows, for the
    -- foreign keys of members, scores and contracts; both are written only by
    -- the framework insert/update statements, in one statement. Keeping the
    -- list on the row also makes a change of lots bump the framework's version.
    lots            jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
    version         bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT frameworks_end_date_check CHECK (end_date >= start_date),
    CONSTRAINT frameworks_weights_check CHECK (quality_pct + commercial_pct = 100),
    CONSTRAINT frameworks_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT frameworks_lead_org_fkey FOREIGN KEY (tenant_id, lead_org_id)
        REFERENCES organisations (tenant_id, id)
);

CREATE INDEX frameworks_list_idx ON frameworks (tenant_id, created_at, id);

CREATE TABLE framework_lots (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES hearth.tenants (id),
    framework_id  uuid NOT NULL,
    code          text NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    service_type  text NOT NULL CHECK (service_type IN ('fostering', 'residential',
                      'supported_accommodation', 'residential_school', 'secure', 'other')),
    position      integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT framework_lots_tenant_framework_id_key UNIQUE (tenant_id, framework_id, id),
    CONSTRAINT framework_lots_code_key UNIQUE (tenant_id, framework_id, code),
    CONSTRAINT framework_lots_framework_fkey FOREIGN KEY (tenant_id, framework_id)
        REFERENCES frameworks (tenant_id, id)
);

-- One row per provider per framework; the provider's lot is one of the
-- framework's lots (the composite key makes "a lot of another framework"
-- impossible). Removed members stay, with left_on: no hard deletes.
CREATE TABLE framework_members (
    tenant_id     uuid NOT NULL REFERENCES hearth.tenants (id),
    framework_id  uuid NOT NULL,
    provider_id   uuid NOT NULL,
    lot_id        uuid NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'removed')),
    joined_on     date NOT NULL DEFAULT current_date,
    left_on       date,
    reason        text CHECK (length(reason) BETWEEN 1 AND 1000),
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT framework_members_pkey PRIMARY KEY (tenant_id, framework_id, provider_id),
    CONSTRAINT framework_members_lot_key UNIQUE (tenant_id, framework_id, provider_id, lot_id),
    CONSTRAINT framework_members_framework_fkey FOREIGN KEY (tenant_id, framework_id)
        REFERENCES frameworks (tenant_id, id),
    CONSTRAINT framework_members_lot_fkey FOREIGN KEY (tenant_id, framework_id, lot_id)
        REFERENCES framework_lots (tenant_id, framework_id, id),
    CONSTRAINT framework_members_provider_fkey FOREIGN KEY (tenant_id, provider_id)
        REFERENCES providers (tenant_id, id),
    CONSTRAINT framework_members_left_on_check CHECK (left_on >= joined_on),
    CONSTRAINT framework_members_reason_required CHECK (status = 'active' OR reason IS NOT NULL)
);

CREATE INDEX framework_members_list_idx
    ON framework_members (tenant_id, framework_id, created_at, provider_id);
CREATE INDEX framework_members_provider_idx
    ON framework_members (tenant_id, provider_id, status);
CREATE INDEX framework_members_lot_idx
    ON framework_members (tenant_id, framework_id, lot_id);

-- Every status a member has had, oldest first: joining (from_status null),
-- suspensions, reinstatements, removal. Written by the member statements in
-- the same statement as the change; never updated.
CREATE TABLE framework_member_history (
    id            bigserial PRIMARY KEY,
    tenant_id     uuid NOT NULL,
    framework_id  uuid NOT NULL,
    provider_id   uuid NOT NULL,
    from_status   text,
    to_status     text NOT NULL,
    reason        text,
    at            timestamptz NOT NULL DEFAULT now(),
    sub           text,
    CONSTRAINT framework_member_history_member_fkey
        FOREIGN KEY (tenant_id, framework_id, provider_id)
        REFERENCES framework_members (tenant_id, framework_id, provider_id)
);

CREATE INDEX framework_member_history_member_idx
    ON framework_member_history (tenant_id, framework_id, provider_id, id);

-- One score per provider, lot and period. The provider must be a member of
-- the framework in that lot (any status: a suspended member may still be
-- scored for a past year); the composite key to framework_members says so.
CREATE TABLE framework_scores (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES hearth.tenants (id),
    framework_id     uuid NOT NULL,
    provider_id      uuid NOT NULL,
    lot_id           uuid NOT NULL,
    period           text NOT NULL CHECK (period ~ '^[0-9]{4}(-Q[1-4])?$'),
    quality_score    numeric(4, 1) NOT NULL CHECK (quality_score BETWEEN 0 AND 100),
    commercial_score numeric(4, 1) NOT NULL CHECK (commercial_score BETWEEN 0 AND 100),
    inputs           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(inputs) = 'object'),
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT framework_scores_key UNIQUE (tenant_id, framework_id, lot_id, period, provider_id),
    CONSTRAINT framework_scores_lot_fkey FOREIGN KEY (tenant_id, framework_id, lot_id)
        REFERENCES framework_lots (tenant_id, framework_id, id),
    CONSTRAINT framework_scores_member_fkey FOREIGN KEY (tenant_id, framework_id, provider_id, lot_id)
        REFERENCES framework_members (tenant_id, framework_id, provider_id, lot_id)
);

CREATE INDEX framework_scores_list_idx ON framework_scores (tenant_id, framework_id, created_at, id);

ALTER TABLE frameworks ENABLE ROW LEVEL SECURITY;
ALTER TABLE frameworks FORCE ROW LEVEL SECURITY;
CREATE POLICY frameworks_tenant ON frameworks
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

ALTER TABLE framework_lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE framework_lots FORCE ROW LEVEL SECURITY;
CREATE POLICY framework_lots_tenant ON framework_lots
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

ALTER TABLE framework_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE framework_members FORCE ROW LEVEL SECURITY;
CREATE POLICY framework_members_tenant ON framework_members
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

ALTER TABLE framework_member_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE framework_member_history FORCE ROW LEVEL SECURITY;
CREATE POLICY framework_member_history_tenant ON framework_member_history
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

ALTER TABLE framework_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE framework_scores FORCE ROW LEVEL SECURITY;
CREATE POLICY framework_scores_tenant ON framework_scores
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER frameworks_version BEFORE UPDATE ON frameworks
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();
CREATE TRIGGER framework_members_version BEFORE UPDATE ON framework_members
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();
CREATE TRIGGER framework_scores_version BEFORE UPDATE ON framework_scores
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- Replacing a framework's lots drops the lots whose code is no longer listed;
-- a lot still named by a member, score or contract then fails its foreign key
-- (23503), which the service answers as 409 naming `lots`. Default privileges
-- grant no DELETE, so grant it here for this table only.
DO $$
BEGIN
    EXECUTE format('GRANT DELETE ON framework_lots TO %I',
                   current_setting('hearth.service_role'));
END
$$;

-- A lot sent with an id must keep its code: ids are the server's, matched by
-- code. Raised from the framework update statement.
CREATE FUNCTION framework_lot_id_mismatch(lot_index integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'lot % names another lot of this framework', lot_index
        USING ERRCODE = 'check_violation', CONSTRAINT = 'framework_lots_id_matches_code',
              DETAIL = lot_index::text;
END
$$;

CREATE FUNCTION framework_doc(f frameworks) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', f.id, 'name', f.name, 'vehicle', f.vehicle, 'lead_org_id', f.lead_org_id,
        'start_date', f.start_date, 'end_date', f.end_date,
        'weights', jsonb_build_object('quality_pct', f.quality_pct,
                                      'commercial_pct', f.commercial_pct),
        'tier_sizes', to_jsonb(f.tier_sizes), 'lots', f.lots, 'status', f.status,
        'version', f.version,
        'created_at', hearth.ts(f.created_at), 'updated_at', hearth.ts(f.updated_at))
    $$;

-- A member's history as the API shows it: [{status, reason, at}], oldest first.
CREATE FUNCTION framework_member_history_doc(t uuid, fw uuid, pr uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('status', h.to_status, 'reason', h.reason,
                                                 'at', hearth.ts(h.at)) ORDER BY h.id), '[]')
    FROM framework_member_history h
    WHERE h.tenant_id = t AND h.framework_id = fw AND h.provider_id = pr
    $$;

-- `history` is passed in: a statement that has just written a history row in
-- a CTE cannot see it through the table, so it appends the new entry itself.
CREATE FUNCTION framework_member_doc(m framework_members, history jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'framework_id', m.framework_id, 'provider_id', m.provider_id, 'lot_id', m.lot_id,
        'status', m.status, 'joined_on', m.joined_on, 'left_on', m.left_on,
        'reason', m.reason, 'history', history, 'version', m.version,
        'created_at', hearth.ts(m.created_at), 'updated_at', hearth.ts(m.updated_at))
    $$;

CREATE FUNCTION framework_score_doc(s framework_scores) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', s.id, 'framework_id', s.framework_id, 'provider_id', s.provider_id,
        'lot_id', s.lot_id, 'period', s.period,
        'quality_score', s.quality_score::float8, 'commercial_score', s.commercial_score::float8,
        'inputs', s.inputs, 'version', s.version,
        'created_at', hearth.ts(s.created_at), 'updated_at', hearth.ts(s.updated_at))
    $$;
