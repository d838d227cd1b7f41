-- 004_qa_policy: the tenant's thresholds and intervals (API.md §5,
-- /v1/qa-policy). One row per tenant at most; a tenant without one has the
-- defaults, which qa_policy_doc() supplies (version 0), so every reader of a
-- threshold asks this one function and never repeats a default.

CREATE TABLE qa_policies (
    tenant_id              uuid PRIMARY KEY REFERENCES hearth.tenants (id),
    visit_interval_red     integer NOT NULL CHECK (visit_interval_red BETWEEN 1 AND 36),
    visit_interval_amber   integer NOT NULL CHECK (visit_interval_amber BETWEEN 1 AND 36),
    visit_interval_green   integer NOT NULL CHECK (visit_interval_green BETWEEN 1 AND 36),
    reg44_due_days         integer NOT NULL CHECK (reg44_due_days BETWEEN 0 AND 60),
    instability_endings    integer NOT NULL CHECK (instability_endings BETWEEN 1 AND 100),
    reg45_max_months       integer NOT NULL CHECK (reg45_max_months BETWEEN 1 AND 24),
    version                bigint NOT NULL DEFAULT 1,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE qa_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE qa_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY qa_policies_tenant ON qa_policies
    USING (tenant_id = hearth.current_tenant())
    WITH CHECK (tenant_id = hearth.current_tenant());

CREATE TRIGGER qa_policies_version BEFORE UPDATE ON qa_policies
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- The request's tenant's policy as a document; the defaults (version 0, no
-- updated_at) when the tenant has never set one. Runs as the caller.
CREATE FUNCTION qa_policy_doc() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'visit_interval_months', jsonb_build_object(
            'red', coalesce(p.visit_interval_red, 3),
            'amber', coalesce(p.visit_interval_amber, 6),
            'green', coalesce(p.visit_interval_green, 12)),
        'reg44_due_days', coalesce(p.reg44_due_days, 10),
        'instability_endings', coalesce(p.instability_endings, 3),
        'reg45_max_months', coalesce(p.reg45_max_months, 6),
        'version', coalesce(p.version, 0),
        'updated_at', hearth.ts(p.updated_at))
    FROM (SELECT 1) AS one
    LEFT JOIN qa.qa_policies p ON p.tenant_id = hearth.current_tenant()
    $$;

-- The visit interval in months for a setting whose current RAG is p_rag
-- (NULL, never visited with a RAG: the green interval).
CREATE FUNCTION qa_policy_visit_interval(p_policy jsonb, p_rag text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT (p_policy -> 'visit_interval_months' ->> coalesce(p_rag, 'green'))::integer
    $$;

-- The policy is set and reset, never removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON qa_policies TO %I',
                   current_setting('hearth.service_role'));
END
$$;
