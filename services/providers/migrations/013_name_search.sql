-- 013_name_search: GET /v1/providers?q= (part of the name, case-insensitive,
-- plain text) served by a trigram index instead of reading every provider of
-- the tenant. The list statement (providers_repo.c, provider_search) matches
-- lower(name) LIKE '%' || the escaped lower(q) || '%', which is the same test
-- as strpos(lower(name), lower(q)) > 0: % _ and \ in q are escaped, so q stays
-- plain text. A GIN trigram index on lower(name) serves that LIKE for any q
-- (with fewer than three characters it has no trigram to look up and reads
-- its whole index, still without touching the table), and every match is
-- rechecked against the row.
--
-- pg_trgm ships with PostgreSQL's contrib modules: Debian's postgresql-15, the
-- postgres images used by docker-compose and the CloudNativePG images all
-- carry it. It is a trusted extension, so the migration role needs only
-- CREATE on the database (hearthctl migrate runs as the cluster's superuser in
-- every deployment here). It lives in public, where the migrations' search
-- path already looks for extensions; the services call none of its functions
-- (LIKE is a core operator; the index names its operator class itself).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE INDEX providers_name_trgm_idx ON providers USING gin (lower(name) public.gin_trgm_ops);

-- The prefix index of 002 served no statement: the list never searched by
-- prefix. A trigram index covers every q.
DROP INDEX providers_name_idx;
