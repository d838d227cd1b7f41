-- 006_birth_month_rules: a child's birth month is checked against the record,
-- not against today's date, so history loads: a council's 2015 placements of
-- children born in 1997-2000 are valid, and its reports for 2015 reproduce.
--
-- The rules, on every write path (children and placements resources, pushes
-- by reference and in batches, a future import):
--   * birth_month is not in the future (children_birth_month_future_check);
--   * the child is under 26 on each placement's start_date, counting age from
--     the first of birth_month as the reports do (the start is before the
--     26th anniversary of that day): checked when a placement is written
--     (placements_child_age_check) and when a child's birth_month changes
--     under its placements (children_placement_age_check).
-- The service checks what it can before the database (pushes carry both
-- dates); these triggers are the rule itself. Raised as check violations
-- (SQLSTATE 23514) with the constraint named, which the service turns into a
-- 400 naming the field. Search paths are pinned and names qualified: the demo
-- seed writes as another role. Plans are made per execution, as for the
-- overlap check (005): a push grows the tables within one transaction.

CREATE FUNCTION check_child_birth_month() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
BEGIN
    IF NEW.birth_month > date_trunc('month', current_date)::date THEN
        RAISE EXCEPTION 'birth_month % is in the future', to_char(NEW.birth_month, 'YYYY-MM')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'children_birth_month_future_check';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.birth_month IS DISTINCT FROM OLD.birth_month AND EXISTS (
            SELECT 1 FROM placements.placements p
            WHERE p.tenant_id = NEW.tenant_id AND p.org_id = NEW.org_id AND p.child_id = NEW.id
              AND p.start_date >= NEW.birth_month + interval '26 years') THEN
        RAISE EXCEPTION 'the child would be 26 or over when one of its placements starts'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'children_placement_age_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER children_birth_month BEFORE INSERT OR UPDATE OF birth_month ON children
    FOR EACH ROW EXECUTE FUNCTION check_child_birth_month();

CREATE FUNCTION check_placement_child_age() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
DECLARE
    born date;
BEGIN
    SELECT c.birth_month INTO born FROM placements.children c
    WHERE c.tenant_id = NEW.tenant_id AND c.org_id = NEW.org_id AND c.id = NEW.child_id;
    IF born IS NOT NULL AND NEW.start_date >= born + interval '26 years' THEN
        RAISE EXCEPTION 'the child is 26 or over on start_date %', NEW.start_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placements_child_age_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placements_child_age BEFORE INSERT OR UPDATE OF child_id, start_date ON placements
    FOR EACH ROW EXECUTE FUNCTION check_placement_child_age();
