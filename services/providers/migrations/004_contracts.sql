-- 004_contracts: block, framework call-off, spot and DPS contracts with
-- providers, and the contracts register (every contract of £5,000 a year or
-- more). Provider intelligence: every organisation of the tenant reads it;
-- commissioners write it.
--
-- Every reference carries the tenant (composite foreign keys), because a
-- foreign-key check ignores row-level security: one tenant must not be able to
-- point a contract at, and so probe for, another tenant's provider or framework.

CREATE TABLE contracts (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES hearth.tenants (id),
    provider_id        uuid NOT NULL,
    framework_id       uuid,
    lot_id             uuid,
    kind               text NOT NULL CHECK (kind IN ('block', 'framework_call_off', 'spot',
                           'dps_call_off', 'other')),
    reference          text NOT NULL CHECK (length(reference) BETWEEN 1 AND 60),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    start_date         date NOT NULL,
    end_date           date,
    -- Money is integer pence (API.md §1); bigint because a large block
    -- contract's annual value passes the 2^31 pence (£21m) of an integer.
    annual_value_pence bigint NOT NULL CHECK (annual_value_pence BETWEEN 0 AND 1000000000000),
    places             integer CHECK (places BETWEEN 1 AND 10000),
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active',
                           'expired', 'terminated')),
    version            bigint NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contracts_dates_check CHECK (end_date IS NULL OR end_date >= start_date),
    -- Only block contracts buy places, and a block contract always says how many.
    CONSTRAINT contracts_places_kind_check CHECK ((kind = 'block') = (places IS NOT NULL)),
    -- A lot means nothing without its framework (MATCH SIMPLE would skip the
    -- lot's foreign key when framework_id is null).
    CONSTRAINT contracts_lot_needs_framework_check CHECK (lot_id IS NULL OR framework_id IS NOT NULL),
    CONSTRAINT contracts_reference_key UNIQUE (tenant_id, reference),
    CONSTRAINT contracts_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT contracts_provider_fkey FOREIGN KEY (tenant_id, provider_id)
        REFERENCES providers (tenant_id, id),
    CONSTRAINT contracts_framework_fkey FOREIGN KEY (tenant_id, framework_id)
        REFERENCES frameworks (tenant_id, id),
    CONSTRAINT contracts_lot_fkey FOREIGN KEY (tenant_id, framework_id, lot_id)
        REFERENCES framework_lots (tenant_id, framework_id, id)
);

CREATE INDEX contracts_list_idx ON contracts (tenant_id, created_at, id);
CREATE INDEX contracts_provider_idx ON contracts (tenant_id, provider_id, created_at, id);
CREATE INDEX contracts_framework_idx ON contracts (tenant_id, framework_id)
    WHERE framework_id IS NOT NULL;

ALTER TABLE contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contracts FORCE ROW LEVEL SECURITY;
CREATE POLICY contracts_tenant ON contracts
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER contracts_version BEFORE UPDATE ON contracts
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The API document of a contract. provider_name is read-only and joined here
-- so that the register (CSV) reads well to a commissioner without a second
-- lookup; row-level security keeps the join inside the tenant.
CREATE FUNCTION contract_doc(c contracts) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'provider_id', c.provider_id,
        'provider_name', (SELECT p.name FROM providers p
                          WHERE p.tenant_id = c.tenant_id AND p.id = c.provider_id),
        'framework_id', c.framework_id, 'lot_id', c.lot_id, 'kind', c.kind,
        'reference', c.reference, 'title', c.title,
        'start_date', c.start_date, 'end_date', c.end_date,
        'annual_value_pence', c.annual_value_pence, 'places', c.places,
        'status', c.status, 'version', c.version,
        'created_at', hearth.ts(c.created_at), 'updated_at', hearth.ts(c.updated_at))
    $$;
