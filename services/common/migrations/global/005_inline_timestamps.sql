-- 005_inline_timestamps: hearth.ts() and hearth.sort_ts() are inlined into the
-- statements that call them, instead of running as a function call per row.
--
-- Both were declared IMMUTABLE while their bodies call to_char(), which is
-- STABLE (it reads the session's locale settings). PostgreSQL never inlines a
-- SQL function whose body is more volatile than its declaration, so every
-- document (placement_doc, inspection_doc, ...) and every list's sort key ran
-- each timestamp through a function executor of its own: 3.4 us a call,
-- against 1.1 us for the same expression inlined, two or three calls a row.
-- Declared STABLE, as their bodies are, they are inlined. Same text, same
-- signatures; no index or generated column uses them (an index expression
-- would need IMMUTABLE).

CREATE OR REPLACE FUNCTION hearth.ts(t timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE OR REPLACE FUNCTION hearth.sort_ts(t timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') $$;
