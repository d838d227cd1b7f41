-- 042_policies_once: the row-level security of the children's data reads
-- the request's tenant, organisation and provider once per statement.
--
-- The policies (001, 018, 030) called hearth.current_tenant() and
-- hearth.current_org() (current_setting() and a uuid parse each) for every
-- row they tested and for every inner scan of a join: a batch chunk's lookup
-- of 500 children and 500 placements by reference ran four of them an item,
-- and a list walking the organisation's placements ran them for every row
-- it read. As init plans, (SELECT ...), they are evaluated once per
-- statement and compared as constants, still usable as index conditions
-- (the pattern of qa 016). Measured on the bench's tenant (1,000,000
-- placements), as the service role: 10,000 children and placements looked
-- up by reference in one statement 120-127 -> 67-69 ms; the latest 2,000
-- open placements' documents 833 -> 292 ms; through the service, with the
-- audit trail's and the outbox's checks (common 006, service 004), a
-- 10,000-item re-push 0.67 -> 0.63 s and the list page +3% (A B A B; the
-- service's statements already probed by constants). The same rows are
-- visible to the same callers: each request's context is set once, before
-- its statements, and a statement never changes it.

-- The owners' policies (001), each on the placing council's own rows.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['children', 'placements', 'ipas'] LOOP
        EXECUTE format('ALTER POLICY %I ON %I
                            USING (tenant_id = (SELECT hearth.current_tenant())
                                   AND org_id = (SELECT hearth.current_org()))
                            WITH CHECK (tenant_id = (SELECT hearth.current_tenant())
                                        AND org_id = (SELECT hearth.current_org()))',
                       t || '_owner', t);
    END LOOP;
END
$$;

-- 018's meaning kept: a NULL provider comparison shows nothing, and the
-- test stays out of the index conditions.
ALTER POLICY placements_at_own_provider ON placements
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND (provider_id = (SELECT current_provider())) IS TRUE);

ALTER POLICY sufficiency_open_owner ON sufficiency_open
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND org_id = (SELECT hearth.current_org()));
