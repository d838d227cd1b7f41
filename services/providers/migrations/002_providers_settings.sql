-- 002_providers_settings: the register of providers and their registered
-- settings (homes, fostering services, supported accommodation). Provider
-- intelligence: every organisation of the tenant reads it.
--
-- Cross-table references carry the tenant (composite foreign keys), because a
-- foreign-key check ignores row-level security: a plain provider_id reference
-- would let one tenant point at, and so probe for, another tenant's rows.

ALTER TABLE organisations ADD CONSTRAINT organisations_tenant_id_key UNIQUE (tenant_id, id);

CREATE TABLE providers (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES hearth.tenants (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    legal_name      text CHECK (length(legal_name) BETWEEN 1 AND 200),
    company_number  text CHECK (company_number ~ '^[A-Z0-9]{8}$'),
    charity_number  text CHECK (length(charity_number) BETWEEN 1 AND 20),
    provider_types  text[] NOT NULL CHECK (
                        cardinality(provider_types) >= 1 AND
                        provider_types <@ ARRAY['fostering_agency', 'childrens_home',
                            'supported_accommodation', 'residential_school', 'secure_home',
                            'other']),
    ownership       text NOT NULL CHECK (ownership IN ('private', 'voluntary', 'local_authority', 'other')),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    address_line1   text,
    address_line2   text,
    address_town    text,
    address_postcode text,
    contact_name    text,
    contact_email   text,
    contact_phone   text,
    lead_org_id     uuid,
    version         bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT providers_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT providers_lead_org_fkey FOREIGN KEY (tenant_id, lead_org_id)
        REFERENCES organisations (tenant_id, id)
);

CREATE INDEX providers_list_idx ON providers (tenant_id, created_at, id);
CREATE INDEX providers_name_idx ON providers (tenant_id, lower(name) text_pattern_ops);
CREATE INDEX providers_status_idx ON providers (tenant_id, status, created_at, id);

ALTER TABLE organisations ADD CONSTRAINT organisations_provider_fkey
    FOREIGN KEY (tenant_id, provider_id) REFERENCES providers (tenant_id, id);

CREATE TABLE settings (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid NOT NULL REFERENCES hearth.tenants (id),
    provider_id         uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    regulator           text NOT NULL CHECK (regulator IN ('ofsted', 'ciw', 'cqc', 'cis', 'none')),
    urn                 text CHECK (length(urn) BETWEEN 1 AND 40),
    setting_type        text NOT NULL CHECK (setting_type IN ('childrens_home', 'fostering_service',
                            'supported_accommodation', 'residential_school',
                            'secure_childrens_home', 'other')),
    registered_places   integer CHECK (registered_places BETWEEN 0 AND 10000),
    address_line1       text,
    address_line2       text,
    address_town        text,
    address_postcode    text,
    location_lat        double precision CHECK (location_lat BETWEEN -90 AND 90),
    location_lon        double precision CHECK (location_lon BETWEEN -180 AND 180),
    host_authority_code text CHECK (length(host_authority_code) BETWEEN 1 AND 40),
    manager_name        text,
    manager_in_post_since date,
    manager_absent_since  date,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    version             bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((location_lat IS NULL) = (location_lon IS NULL)),
    CONSTRAINT settings_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT settings_provider_fkey FOREIGN KEY (tenant_id, provider_id)
        REFERENCES providers (tenant_id, id)
);

-- A URN names one registered setting per regulator within a tenant.
CREATE UNIQUE INDEX settings_urn_key ON settings (tenant_id, regulator, urn)
    WHERE urn IS NOT NULL;
CREATE INDEX settings_list_idx ON settings (tenant_id, created_at, id);
CREATE INDEX settings_provider_idx ON settings (tenant_id, provider_id, created_at, id);

ALTER TABLE providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE providers FORCE ROW LEVEL SECURITY;
CREATE POLICY providers_tenant ON providers
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE settings FORCE ROW LEVEL SECURITY;
CREATE POLICY settings_tenant ON settings
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER providers_version BEFORE UPDATE ON providers
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();
CREATE TRIGGER settings_version BEFORE UPDATE ON settings
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- An address document, or null when no address is recorded.
CREATE FUNCTION address_doc(line1 text, line2 text, town text, postcode text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN line1 IS NULL THEN NULL ELSE
        jsonb_build_object('line1', line1, 'line2', line2, 'town', town, 'postcode', postcode) END
    $$;

CREATE FUNCTION provider_doc(p providers) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'name', p.name, 'legal_name', p.legal_name,
        'company_number', p.company_number, 'charity_number', p.charity_number,
        'provider_types', to_jsonb(p.provider_types), 'ownership', p.ownership,
        'status', p.status,
        'address', address_doc(p.address_line1, p.address_line2, p.address_town, p.address_postcode),
        'contact', CASE WHEN p.contact_name IS NULL AND p.contact_email IS NULL
                         AND p.contact_phone IS NULL THEN NULL
                    ELSE jsonb_build_object('name', p.contact_name, 'email', p.contact_email,
                                            'phone', p.contact_phone) END,
        'lead_org_id', p.lead_org_id, 'version', p.version,
        'created_at', hearth.ts(p.created_at), 'updated_at', hearth.ts(p.updated_at))
    $$;

CREATE FUNCTION setting_doc(s settings) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', s.id, 'provider_id', s.provider_id, 'name', s.name, 'regulator', s.regulator,
        'urn', s.urn, 'setting_type', s.setting_type, 'registered_places', s.registered_places,
        'address', address_doc(s.address_line1, s.address_line2, s.address_town, s.address_postcode),
        'location', CASE WHEN s.location_lat IS NULL THEN NULL
                         ELSE jsonb_build_object('lat', s.location_lat, 'lon', s.location_lon) END,
        'host_authority_code', s.host_authority_code,
        'registered_manager', CASE WHEN s.manager_name IS NULL AND s.manager_in_post_since IS NULL
                                    AND s.manager_absent_since IS NULL THEN NULL
                               ELSE jsonb_build_object('name', s.manager_name,
                                    'in_post_since', s.manager_in_post_since,
                                    'absent_since', s.manager_absent_since) END,
        'status', s.status, 'version', s.version,
        'created_at', hearth.ts(s.created_at), 'updated_at', hearth.ts(s.updated_at))
    $$;
