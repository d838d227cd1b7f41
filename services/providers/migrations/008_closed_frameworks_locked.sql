-- 008_closed_frameworks_locked: a closed framework admits no one, on every
-- path and under concurrency.
--
-- 006 checked only INSERT, and without a lock: a removed member could be
-- reinstated into a closed framework by PATCH, and an admission could read
-- "open" while a close was committing. Now any write that brings a member in
-- (an INSERT, or an UPDATE leaving `removed`, or moving to another framework)
-- locks the framework row FOR SHARE before reading its status. A close is an
-- UPDATE of that row, so the two serialise: either the admission commits
-- first (and the member was admitted while the framework was open), or it
-- waits for the close and then reads `closed`.

CREATE OR REPLACE FUNCTION admit_only_to_open_frameworks() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_status text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.framework_id IS NOT DISTINCT FROM OLD.framework_id
       AND NOT (OLD.status = 'removed' AND NEW.status IS DISTINCT FROM 'removed') THEN
        RETURN NEW;
    END IF;
    SELECT f.status INTO v_status FROM providers.frameworks f
    WHERE f.tenant_id = NEW.tenant_id AND f.id = NEW.framework_id
    FOR SHARE;
    IF v_status = 'closed' THEN
        RAISE EXCEPTION 'framework % is closed', NEW.framework_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'framework_members_framework_open_check';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER framework_members_open_framework_update BEFORE UPDATE ON framework_members
    FOR EACH ROW EXECUTE FUNCTION admit_only_to_open_frameworks();
