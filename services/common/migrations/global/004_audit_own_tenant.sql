-- 004_audit_own_tenant: a service may add audit rows only for the request it
-- is serving. Privileges keep the service roles to INSERT (no SELECT, UPDATE
-- or DELETE); this policy binds each row to the request's tenant, organisation
-- and the inserting role, so a compromised or buggy service cannot write the
-- trail of another tenant or pose as another service. The admin role owns the
-- table and is not bound (no FORCE): it reads the trail for investigations.

ALTER TABLE audit.events ENABLE ROW LEVEL SECURITY;

CREATE POLICY events_insert_own_request ON audit.events FOR INSERT
    WITH CHECK (tenant_id = hearth.current_tenant()
                AND org_id IS NOT DISTINCT FROM hearth.current_org()
                AND service = current_user);
