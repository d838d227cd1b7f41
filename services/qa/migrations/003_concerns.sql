-- 003_concerns: concerns, complaints, compliments, allegations, notifiable
-- events and whistleblowing about a provider or one of its settings, with
-- escalation levels and LADO referrals (API.md §5).
--
-- Shared across the tenant, except a concern that names a child: the child is
-- the raising organisation's own (placements_api.is_own_child, checked by the
-- service), and such a concern is a child-level record, visible only to that
-- organisation. Row-level security enforces it, like placements: a forgotten
-- WHERE clause cannot show it to another council.

CREATE TABLE concerns (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES hearth.tenants (id),
    kind             text NOT NULL CHECK (kind IN ('concern', 'complaint', 'compliment',
                         'allegation', 'notifiable_event', 'whistleblowing')),
    provider_id      uuid NOT NULL,
    setting_id       uuid,
    raised_by_org_id uuid NOT NULL DEFAULT hearth.current_org(),
    severity         text NOT NULL CHECK (severity IN ('low', 'moderate', 'significant')),
    summary          text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
    child_id         uuid,
    lado_referral    boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating',
                         'escalated', 'closed')),
    escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
    outcome          text CHECK (length(outcome) BETWEEN 1 AND 4000),
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- An escalated concern is escalated to some level; a closed one says how it ended.
    CONSTRAINT concerns_escalated_level_check CHECK (status <> 'escalated' OR escalation_level >= 1),
    CONSTRAINT concerns_closed_outcome_check CHECK (status <> 'closed' OR outcome IS NOT NULL)
);

CREATE INDEX concerns_list_idx ON concerns (tenant_id, created_at, id);
CREATE INDEX concerns_provider_idx ON concerns (tenant_id, provider_id, created_at, id);

ALTER TABLE concerns ENABLE ROW LEVEL SECURITY;
ALTER TABLE concerns FORCE ROW LEVEL SECURITY;
CREATE POLICY concerns_visible ON concerns FOR SELECT
    USING (tenant_id = hearth.current_tenant()
           AND (child_id IS NULL OR raised_by_org_id = hearth.current_org()));
CREATE POLICY concerns_raise ON concerns FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant() AND raised_by_org_id = hearth.current_org());
CREATE POLICY concerns_update ON concerns FOR UPDATE
    USING (tenant_id = hearth.current_tenant()
           AND (child_id IS NULL OR raised_by_org_id = hearth.current_org()))
    WITH CHECK (tenant_id = hearth.current_tenant()
                AND (child_id IS NULL OR raised_by_org_id = hearth.current_org()));

CREATE TRIGGER concerns_version BEFORE UPDATE ON concerns
    FOR EACH ROW EXECUTE FUNCTION hearth.bump_version();

-- What a concern is about and who raised it never change, and an escalation
-- is never undone: a lower level is a new decision recorded in the outcome.
CREATE FUNCTION concerns_keep_history() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.escalation_level < OLD.escalation_level THEN
        RAISE EXCEPTION 'a concern''s escalation level cannot go down'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'concerns_escalation_kept';
    END IF;
    IF NEW.provider_id IS DISTINCT FROM OLD.provider_id OR
       NEW.setting_id IS DISTINCT FROM OLD.setting_id OR
       NEW.child_id IS DISTINCT FROM OLD.child_id OR
       NEW.raised_by_org_id IS DISTINCT FROM OLD.raised_by_org_id OR
       NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        RAISE EXCEPTION 'a concern''s subject and raiser cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'concerns_subject_immutable';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER concerns_history BEFORE UPDATE ON concerns
    FOR EACH ROW EXECUTE FUNCTION concerns_keep_history();

CREATE FUNCTION concern_doc(c concerns) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'kind', c.kind, 'provider_id', c.provider_id, 'setting_id', c.setting_id,
        'raised_by_org_id', c.raised_by_org_id, 'severity', c.severity, 'summary', c.summary,
        'child_id', c.child_id, 'lado_referral', c.lado_referral, 'status', c.status,
        'escalation_level', c.escalation_level, 'outcome', c.outcome, 'version', c.version,
        'created_at', hearth.ts(c.created_at), 'updated_at', hearth.ts(c.updated_at))
    $$;

-- qa.concern.escalated, in the same transaction, whenever a concern's
-- escalation level rises (raised already escalated, or escalated later) by
-- any write path. The payload is the document with the previous level.
CREATE FUNCTION concerns_escalated_event() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_before integer := CASE WHEN TG_OP = 'UPDATE' THEN OLD.escalation_level ELSE 0 END;
BEGIN
    IF NEW.escalation_level > v_before THEN
        INSERT INTO qa.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
        VALUES (NEW.tenant_id, hearth.current_org(), 'qa.concern.escalated', 'concern', NEW.id,
                qa.concern_doc(NEW) || jsonb_build_object('previous_escalation_level', v_before));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concerns_escalated AFTER INSERT OR UPDATE OF escalation_level ON concerns
    FOR EACH ROW EXECUTE FUNCTION concerns_escalated_event();

-- Concerns are raised and worked on, never removed.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON concerns TO %I',
                   current_setting('hearth.service_role'));
END
$$;
