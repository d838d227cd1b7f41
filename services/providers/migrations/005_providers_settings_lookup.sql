-- 005_providers_settings_lookup: what the providers and settings endpoints need
-- beyond their tables: one spelling of a postcode, and indexes for the lookups
-- the list filters and the URN conflict explanation make.

-- A UK postcode in its one printed form: capitals and one space before the
-- inward code ("cf101aa" and "CF10  1AA" both become "CF10 1AA"), so filters and
-- comparisons never miss a record for its spelling. The API has already checked
-- the shape.
CREATE FUNCTION uk_postcode(pc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN pc IS NULL THEN NULL
                ELSE regexp_replace(upper(replace(pc, ' ', '')), '^(.+)(.{3})$', '\1 \2') END
    $$;

-- ?urn= without ?regulator= (settings_urn_key leads with the regulator).
CREATE INDEX settings_urn_idx ON settings (tenant_id, urn, created_at, id) WHERE urn IS NOT NULL;
