-- 002_api_helpers: small functions every service's SQL uses to speak the API's
-- formats, so each document is built the same way in every schema.

-- RFC 3339 in UTC with whole seconds: "2026-01-31T09:00:00Z" (API.md §1).
CREATE FUNCTION hearth.ts(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- Keyset sort key text for a timestamp: full microsecond precision, so two rows
-- created in the same second still order (and page) exactly.
CREATE FUNCTION hearth.sort_ts(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') $$;

CREATE FUNCTION hearth.from_sort_ts(t text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (t || '+00')::timestamptz $$;

-- BEFORE UPDATE trigger for every versioned table: bump `version` and
-- `updated_at` only when something else changed, so re-sending the same data
-- (a council re-pushing, a client retrying a PATCH) bumps nothing.
CREATE FUNCTION hearth.bump_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF (to_jsonb(NEW) - 'version' - 'updated_at') = (to_jsonb(OLD) - 'version' - 'updated_at') THEN
        NEW.version := OLD.version;
        NEW.updated_at := OLD.updated_at;
    ELSE
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
