-- 006_closed_frameworks: a closed framework admits no one. Members already in
-- it keep their rows and history; a new admission is refused, in the database
-- so that every write path obeys it.

CREATE FUNCTION admit_only_to_open_frameworks() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM providers.frameworks f
               WHERE f.tenant_id = NEW.tenant_id AND f.id = NEW.framework_id
                 AND f.status = 'closed') THEN
        RAISE EXCEPTION 'framework % is closed', NEW.framework_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'framework_members_framework_open_check';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER framework_members_open_framework BEFORE INSERT ON framework_members
    FOR EACH ROW EXECUTE FUNCTION admit_only_to_open_frameworks();
