-- 017_policies_once: the register's row-level security reads the request's
-- tenant once per statement, as an init plan, instead of calling
-- hearth.current_tenant() (current_setting() and a uuid parse) for every row
-- it tests and every inner scan of a join (the pattern of qa 016 and
-- placements 042). Same rows visible and accepted.

ALTER POLICY organisations_tenant ON organisations
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY providers_tenant ON providers
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY settings_tenant ON settings
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY frameworks_tenant ON frameworks
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY framework_lots_tenant ON framework_lots
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY framework_members_tenant ON framework_members
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY framework_member_history_tenant ON framework_member_history
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY framework_scores_tenant ON framework_scores
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));

ALTER POLICY contracts_tenant ON contracts
    USING (tenant_id = (SELECT hearth.current_tenant()))
    WITH CHECK (tenant_id = (SELECT hearth.current_tenant()));
