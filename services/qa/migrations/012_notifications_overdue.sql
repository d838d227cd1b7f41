-- 012_notifications_overdue: notifications raised by providers themselves
-- (API.md §5: a provider submits its own notifications), and the
-- announcement of action items that fall overdue (qa.action_item.overdue,
-- API.md §8).

-- ---- notifications raised by providers -------------------------------------
-- A provider organisation raises notifiable events (Reg 40) about its own
-- provider and its settings, and nothing else; it sees the concerns it
-- raised itself and no one else's (other providers' concerns, and those
-- raised about it, such as whistleblowing, are not its to read), and works
-- on none. Every other organisation of the tenant keeps the rules of 003.
-- The service checks the same and names the field; these policies hold
-- the line whatever a query says.
CREATE FUNCTION concerns_org_is_provider() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(current_setting('hearth.org_kind', true), '') = 'provider'
    $$;

ALTER POLICY concerns_visible ON concerns
    USING (tenant_id = hearth.current_tenant()
           AND (child_id IS NULL OR raised_by_org_id = hearth.current_org())
           AND (NOT qa.concerns_org_is_provider() OR raised_by_org_id = hearth.current_org()));
ALTER POLICY concerns_raise ON concerns
    WITH CHECK (tenant_id = hearth.current_tenant() AND raised_by_org_id = hearth.current_org()
                AND (NOT qa.concerns_org_is_provider()
                     OR (kind = 'notifiable_event' AND child_id IS NULL
                         AND provider_id = qa.action_plans_own_provider())));
-- What it may read it may lock (the service then answers 403), never change.
ALTER POLICY concerns_update ON concerns
    USING (tenant_id = hearth.current_tenant()
           AND (child_id IS NULL OR raised_by_org_id = hearth.current_org())
           AND (NOT qa.concerns_org_is_provider() OR raised_by_org_id = hearth.current_org()))
    WITH CHECK (tenant_id = hearth.current_tenant()
                AND (child_id IS NULL OR raised_by_org_id = hearth.current_org())
                AND NOT qa.concerns_org_is_provider());

-- ---- qa.action_item.overdue ----------------------------------------------------
-- Which overdue items have been announced: one row per plan, item and due
-- day, so an item is announced once for its due day (a due day moved later
-- that passes in turn is announced again). Written only by
-- announce_overdue_action_items(); the service role holds no privilege on it.
CREATE TABLE action_item_announcements (
    tenant_id    uuid NOT NULL REFERENCES hearth.tenants (id),
    plan_id      uuid NOT NULL REFERENCES qa.action_plans (id),
    item_id      uuid NOT NULL,
    due_on       date NOT NULL,
    announced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, item_id, due_on)
);
ALTER TABLE action_item_announcements ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_item_announcements FORCE ROW LEVEL SECURITY;
-- Only the admin role (which bypasses row-level security) reads it.
CREATE POLICY action_item_announcements_none ON action_item_announcements USING (false);

-- The open plans' items open past due: the periodic check (a background
-- worker, without a request) finds them for every tenant, writes one
-- qa.action_item.overdue event each into the outbox and marks each one
-- announced, in one statement: a second call, or one running at the same
-- time, announces nothing again (the primary key decides). Returns how many
-- it announced. Runs as its owner (the admin role that runs migrations,
-- which bypasses row-level security: there is no request's tenant), with
-- search_path pinned; EXECUTE for the service role only.
-- The event: org_id NULL (no organisation did it), subject the item, and
-- the payload {plan_id, item_id, provider_id, setting_id, source, source_id,
-- action, owner, due_on, days_overdue}: what the alerts service needs to
-- find the councils concerned, and nothing naming a child.
CREATE FUNCTION announce_overdue_action_items() RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH overdue AS (
        SELECT a.tenant_id, a.id AS plan_id, a.provider_id, a.setting_id, a.source,
               a.source_id, (i ->> 'id')::uuid AS item_id, i ->> 'action' AS action,
               i ->> 'owner' AS owner, (i ->> 'due_on')::date AS due_on
        FROM qa.action_plans a
        CROSS JOIN LATERAL jsonb_array_elements(a.items) i
        WHERE a.status = 'open' AND i ->> 'status' = 'open'
          AND (i ->> 'due_on')::date < current_date
    ), marked AS (
        INSERT INTO qa.action_item_announcements (tenant_id, plan_id, item_id, due_on)
        SELECT o.tenant_id, o.plan_id, o.item_id, o.due_on FROM overdue o
        ON CONFLICT DO NOTHING
        RETURNING plan_id, item_id, due_on
    ), announced AS (
        INSERT INTO qa.outbox (tenant_id, org_id, type, subject_type, subject_id, payload)
        SELECT o.tenant_id, NULL, 'qa.action_item.overdue', 'action_item', o.item_id,
               jsonb_build_object('plan_id', o.plan_id, 'item_id', o.item_id,
                                  'provider_id', o.provider_id, 'setting_id', o.setting_id,
                                  'source', o.source, 'source_id', o.source_id,
                                  'action', o.action, 'owner', o.owner, 'due_on', o.due_on,
                                  'days_overdue', current_date - o.due_on)
        FROM marked m
        JOIN overdue o ON o.plan_id = m.plan_id AND o.item_id = m.item_id AND o.due_on = m.due_on
        ORDER BY o.tenant_id, o.plan_id, o.due_on, o.item_id
        RETURNING 1
    )
    SELECT count(*)::integer FROM announced
    $$;

REVOKE ALL ON FUNCTION announce_overdue_action_items() FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION qa.announce_overdue_action_items() TO %I',
                   current_setting('hearth.service_role'));
END
$$;
