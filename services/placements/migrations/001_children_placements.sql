-- 001_children_placements: child-level records. They belong to the placing
-- organisation: row-level security keys them on the request's tenant AND
-- organisation, so a forgotten WHERE clause cannot show one council's children
-- to another. A provider organisation's users see the placements at their own
-- provider (not the children). A consortium sees only aggregates, through the
-- report functions (SECURITY DEFINER, aggregates only), never rows.
--
-- The placements service reads (never writes) the providers service's
-- organisations, providers and settings: the organisation's centre and radius,
-- the provider and setting a placement names, the setting's location.

GRANT USAGE ON SCHEMA providers TO hearth_placements;
GRANT SELECT ON providers.organisations, providers.providers, providers.settings TO hearth_placements;

-- The organisation of the request, when it is a provider's staff: its provider.
CREATE FUNCTION current_provider() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
    SELECT o.provider_id FROM providers.organisations o
    WHERE o.id = hearth.current_org() AND o.kind = 'provider'
    $$;

CREATE TABLE children (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL,
    org_id       uuid NOT NULL,
    local_ref    text NOT NULL CHECK (length(local_ref) BETWEEN 1 AND 64),
    birth_month  date NOT NULL CHECK (extract(day FROM birth_month) = 1),
    gender       text NOT NULL CHECK (gender IN ('female', 'male', 'other', 'unknown')),
    legal_status text NOT NULL CHECK (legal_status IN ('s20', 'full_care_order',
                     'interim_care_order', 'placement_order', 'remand', 'other')),
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT children_local_ref_key UNIQUE (tenant_id, org_id, local_ref),
    CONSTRAINT children_owner_key UNIQUE (tenant_id, org_id, id),
    CONSTRAINT children_org_fkey FOREIGN KEY (tenant_id, org_id)
        REFERENCES providers.organisations (tenant_id, id)
);
CREATE INDEX children_list_idx ON children (tenant_id, org_id, created_at, id);

CREATE TABLE placements (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL,
    org_id             uuid NOT NULL,
    child_id           uuid NOT NULL,
    external_ref       text NOT NULL CHECK (length(external_ref) BETWEEN 1 AND 64),
    provider_id        uuid,
    setting_id         uuid,
    placement_type     text NOT NULL CHECK (placement_type IN ('fostering', 'residential',
                           'supported_accommodation', 'residential_school', 'other')),
    provision          text NOT NULL CHECK (provision IN ('internal', 'external')),
    sourcing           text CHECK (sourcing IN ('framework', 'block', 'spot', 'dps', 'in_house', 'other')),
    contract_id        uuid,
    framework_id       uuid,
    start_date         date NOT NULL,
    end_date           date,
    end_reason         text CHECK (end_reason IN ('planned', 'breakdown_provider', 'breakdown_child',
                           'breakdown_council', 'returned_home', 'adopted', 'independence', 'other')),
    weekly_cost_pence  bigint CHECK (weekly_cost_pence >= 0),
    social_care_pence  bigint CHECK (social_care_pence >= 0),
    education_pence    bigint CHECK (education_pence >= 0),
    health_pence       bigint CHECK (health_pence >= 0),
    distance_reason    text CHECK (length(distance_reason) <= 500),
    ipa_reissue_required boolean NOT NULL DEFAULT false,
    version            bigint NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT placements_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT placements_end_reason_required CHECK ((end_date IS NULL) = (end_reason IS NULL)),
    CONSTRAINT placements_external_provider_check
        CHECK (provision = 'internal' OR provider_id IS NOT NULL),
    CONSTRAINT placements_external_ref_key UNIQUE (tenant_id, org_id, external_ref),
    CONSTRAINT placements_owner_key UNIQUE (tenant_id, org_id, id),
    CONSTRAINT placements_child_fkey FOREIGN KEY (tenant_id, org_id, child_id)
        REFERENCES children (tenant_id, org_id, id),
    CONSTRAINT placements_provider_fkey FOREIGN KEY (tenant_id, provider_id)
        REFERENCES providers.providers (tenant_id, id),
    CONSTRAINT placements_setting_fkey FOREIGN KEY (tenant_id, setting_id)
        REFERENCES providers.settings (tenant_id, id)
);
CREATE INDEX placements_list_idx ON placements (tenant_id, org_id, created_at, id);
CREATE INDEX placements_child_idx ON placements (tenant_id, org_id, child_id, start_date);
CREATE INDEX placements_provider_idx ON placements (tenant_id, provider_id, created_at, id);
CREATE INDEX placements_active_idx ON placements (tenant_id, org_id, start_date, end_date);

-- One child, one placement at a time, enforced by the database so that two
-- concurrent pushes can never both succeed. Every write of a child's
-- placements first locks the child's row, so writers of one child queue up and
-- each checks the others' committed rows (a fresh snapshot per statement).
-- Why not an exclusion constraint (EXCLUDE USING gist with btree_gist): its
-- index degrades badly when the leading keys (tenant, organisation) barely
-- vary; building it for a million placements took many minutes, and every
-- insert pays for it. The btree index on (tenant, org, child, start_date) makes
-- this check one short index scan.
CREATE FUNCTION prevent_overlap() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    clash uuid;
BEGIN
    PERFORM 1 FROM placements.children c
    WHERE c.tenant_id = NEW.tenant_id AND c.org_id = NEW.org_id AND c.id = NEW.child_id
    FOR UPDATE;
    SELECT p.id INTO clash FROM placements.placements p
    WHERE p.tenant_id = NEW.tenant_id AND p.org_id = NEW.org_id AND p.child_id = NEW.child_id
      AND p.id <> NEW.id
      AND p.start_date <= coalesce(NEW.end_date, 'infinity'::date)
      AND coalesce(p.end_date, 'infinity'::date) >= NEW.start_date
    LIMIT 1;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'the child already has placement % in these dates', clash
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'placements_no_overlap';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placements_no_overlap BEFORE INSERT OR UPDATE OF child_id, start_date, end_date
    ON placements FOR EACH ROW EXECUTE FUNCTION prevent_overlap();

-- A placement's setting must be one of its provider's settings.
CREATE FUNCTION check_setting_provider() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.setting_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM providers.settings s
        WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.setting_id
          AND s.provider_id IS NOT DISTINCT FROM NEW.provider_id) THEN
        RAISE EXCEPTION 'the setting does not belong to the placement''s provider'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'placements_setting_provider_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placements_setting_provider BEFORE INSERT OR UPDATE OF setting_id, provider_id
    ON placements FOR EACH ROW EXECUTE FUNCTION check_setting_provider();

CREATE TABLE ipas (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL,
    org_id           uuid NOT NULL,
    placement_id     uuid NOT NULL,
    version_no       integer NOT NULL CHECK (version_no >= 1),
    issued_on        date NOT NULL,
    effective_from   date NOT NULL,
    weekly_fee_pence bigint NOT NULL CHECK (weekly_fee_pence >= 0),
    outcomes         jsonb NOT NULL DEFAULT '[]',
    review_due       date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ipas_version_key UNIQUE (placement_id, version_no),
    CONSTRAINT ipas_placement_fkey FOREIGN KEY (tenant_id, org_id, placement_id)
        REFERENCES placements (tenant_id, org_id, id)
);
-- IPA versions are immutable: a change is a new version.
REVOKE UPDATE, DELETE ON ipas FROM hearth_placements;

ALTER TABLE children ENABLE ROW LEVEL SECURITY;
ALTER TABLE children FORCE ROW LEVEL SECURITY;
CREATE POLICY children_owner ON children
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

ALTER TABLE placements ENABLE ROW LEVEL SECURITY;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;
CREATE POLICY placements_owner ON placements
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());
-- A provider's staff read the placements at their provider (not the children).
CREATE POLICY placements_at_own_provider ON placements FOR SELECT
    USING (tenant_id = hearth.current_tenant() AND provider_id = (SELECT current_provider()));

ALTER TABLE ipas ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipas FORCE ROW LEVEL SECURITY;
CREATE POLICY ipas_owner ON ipas
    USING (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org())
    WITH CHECK (tenant_id = hearth.current_tenant() AND org_id = hearth.current_org());

CREATE TRIGGER children_version BEFORE UPDATE ON children
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();
CREATE TRIGGER placements_version BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- Great-circle distance in miles (haversine, mean Earth radius 3958.8 miles).
CREATE FUNCTION great_circle_miles(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
    RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT 2 * 3958.8 * asin(sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2) +
        cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))
    $$;
