-- 004_policies_once: the outbox and the Idempotency-Key records (001) read
-- the request's tenant and organisation once per statement, as init plans,
-- instead of calling hearth.current_tenant() and hearth.current_org() for
-- every row: a batch push writes an event per placement it stores. Same
-- rows visible and accepted (the pattern of qa 016).

ALTER POLICY outbox_tenant ON outbox
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY idempotency_keys_tenant_org ON idempotency_keys
    USING (tenant_id = (SELECT hearth.current_tenant())
           AND org_id = (SELECT hearth.current_org()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant())
                AND org_id = (SELECT hearth.current_org()));
