-- 017_policies_once: the register's row-level security reads the request's
-- tenant once per statement, as an init plan, instead of calling
-- hearth.current_tenant() (current_setting() and a uuid parse) for every row
-- it tests and every inner scan of a join (the pattern of qa 016 and
-- placements 042). Same rows visible and accepted. Every table here has one
-- policy, <table>_tenant (001-004), on its tenant alone.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'providers', 'settings', 'frameworks',
                             'framework_lots', 'framework_members', 'framework_member_history',
                             'framework_scores', 'contracts'] LOOP
        EXECUTE format('ALTER POLICY %I ON %I
                            USING (tenant_id = (SELECT hearth.current_tenant()))
                            WITH CHECK (tenant_id = (SELECT hearth.current_tenant()))',
                       t || '_tenant', t);
    END LOOP;
END
$$;
