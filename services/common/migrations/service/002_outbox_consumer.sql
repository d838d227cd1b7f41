-- 002_outbox_consumer: the outbox is written by its service and read only by
-- the event consumer.
--
-- Events carry documents, and placement events carry child-level ones, so a
-- tenant-wide read policy would show one council's children to another. The
-- service role may only INSERT events (no SELECT, UPDATE or DELETE): nothing in
-- a service reads its own outbox. Reading is for hearth_event_reader, a role
-- without login that the alerts service's role is granted (API.md §7): it
-- reads every tenant's events, and decides per recipient what it may pass on.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_event_reader') THEN
        CREATE ROLE hearth_event_reader NOLOGIN;
    END IF;
    EXECUTE format('REVOKE ALL ON outbox FROM %I', current_setting('hearth.service_role'));
    EXECUTE format('GRANT INSERT ON outbox TO %I', current_setting('hearth.service_role'));
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO hearth_event_reader', current_schema());
END
$$;

GRANT SELECT ON outbox TO hearth_event_reader;

-- The service's own policy (outbox_tenant) still binds what it inserts to the
-- request's tenant; the reader sees every row.
CREATE POLICY outbox_event_reader ON outbox FOR SELECT TO hearth_event_reader USING (true);

-- Idempotency records: claimed, replayed, completed and expired by the service.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON idempotency_keys FROM %I', current_setting('hearth.service_role'));
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO %I',
                   current_setting('hearth.service_role'));
END
$$;
