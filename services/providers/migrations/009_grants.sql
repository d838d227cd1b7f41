-- 009_grants: privileges per table, stated here rather than by default.
--
-- Until now every table of the schema got SELECT, INSERT and UPDATE by default
-- privileges, history included. The runner no longer grants table privileges
-- by default; each table gets what the service's statements need, and no
-- more. The outbox and idempotency tables are the shared migrations' (002).
-- A new table must grant its own privileges in the migration that creates it.

DO $$
DECLARE
    r text := current_setting('hearth.service_role');
BEGIN
    EXECUTE format('REVOKE ALL ON organisations, providers, settings, frameworks, framework_lots, '
                   'framework_members, framework_member_history, framework_scores, contracts '
                   'FROM %I', r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON organisations, providers, settings, frameworks, '
                   'framework_members, framework_scores, contracts TO %I', r);
    -- Replacing a framework's lots deletes the lots no longer listed (003).
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON framework_lots TO %I', r);
    -- History is appended, never rewritten.
    EXECUTE format('GRANT SELECT, INSERT ON framework_member_history TO %I', r);
END
$$;
