-- 001_inspections: regulators' inspections of the tenant's settings, in each
-- regulator's own words, with a normalised risk band derived here.
--
-- Provider intelligence: every organisation of the tenant reads it. The
-- setting and its provider belong to the providers service; this schema never
-- reads its tables, only providers_api.setting_profile() (providers 010), so an
-- inspection's provider_id is taken from its setting at insert and cannot be
-- supplied. Which judgement fields an inspection may carry depends on the
-- regulator, the setting's type and the inspection's type; the service checks
-- that (naming the field) before it writes.

CREATE TABLE inspections (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES hearth.tenants (id),
    setting_id      uuid NOT NULL,
    provider_id     uuid NOT NULL,
    regulator       text NOT NULL CHECK (regulator IN ('ofsted', 'ciw', 'cqc')),
    inspection_type text NOT NULL CHECK (inspection_type IN ('full', 'interim', 'monitoring',
                        'assurance', 'focused', 'registration')),
    inspected_on    date NOT NULL,
    published_on    date,
    judgements      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(judgements) = 'object'),
    report_url      text CHECK (length(report_url) BETWEEN 1 AND 2000),
    source          text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'regulator_feed')),
    version         bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inspections_published_after_check
        CHECK (published_on IS NULL OR published_on >= inspected_on),
    -- A regulator inspects a setting once per day and type: a feed that sends
    -- the same inspection twice gets a conflict, not a duplicate.
    CONSTRAINT inspections_once_key UNIQUE (tenant_id, setting_id, inspection_type, inspected_on)
);

-- The risk band of a set of judgements (API.md §5): red for any inadequate,
-- outcome_3 or requires_significant_improvement; amber for any
-- requires_improvement, outcome_2 or declined_in_effectiveness; green for any
-- other judgement; none when there is no judgement (an empty set, or CIW
-- themes all not_rated). Immutable: it depends on the judgements alone, so
-- the band is a stored generated column no client can set.
CREATE FUNCTION inspection_risk_band(j jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM jsonb_each_text(j) e
                     WHERE e.value IN ('inadequate', 'outcome_3',
                                       'requires_significant_improvement')) THEN 'red'
        WHEN EXISTS (SELECT 1 FROM jsonb_each_text(j) e
                     WHERE e.value IN ('requires_improvement', 'outcome_2',
                                       'declined_in_effectiveness')) THEN 'amber'
        WHEN EXISTS (SELECT 1 FROM jsonb_each_text(j) e WHERE e.value <> 'not_rated') THEN 'green'
        ELSE 'none' END
    $$;

ALTER TABLE inspections ADD COLUMN risk_band text NOT NULL
    GENERATED ALWAYS AS (qa.inspection_risk_band(judgements)) STORED;

CREATE INDEX inspections_list_idx ON inspections (tenant_id, created_at, id);
CREATE INDEX inspections_setting_idx ON inspections (tenant_id, setting_id, inspected_on);
CREATE INDEX inspections_provider_idx ON inspections (tenant_id, provider_id, created_at, id);

ALTER TABLE inspections ENABLE ROW LEVEL SECURITY;
ALTER TABLE inspections FORCE ROW LEVEL SECURITY;
CREATE POLICY inspections_tenant ON inspections
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER inspections_version BEFORE UPDATE ON inspections
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

CREATE FUNCTION inspection_doc(i inspections) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', i.id, 'setting_id', i.setting_id, 'provider_id', i.provider_id,
        'regulator', i.regulator, 'inspection_type', i.inspection_type,
        'inspected_on', i.inspected_on, 'published_on', i.published_on,
        'judgements', i.judgements, 'risk_band', i.risk_band, 'report_url', i.report_url,
        'source', i.source, 'version', i.version,
        'created_at', hearth.ts(i.created_at), 'updated_at', hearth.ts(i.updated_at))
    $$;

-- Inspections are recorded and corrected, never removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON inspections TO %I',
                   current_setting('hearth.service_role'));
END
$$;
