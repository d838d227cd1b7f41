-- 013_name_search: GET /v1/providers?q= (part of the name, case-insensitive,
-- plain text) served by a trigram index instead of reading every provider of
-- the tenant.
--
-- The test is lower(name) LIKE '%' || the escaped lower(q) || '%', the same
-- as strpos(lower(name), lower(q)) > 0: % _ and \ in q are escaped, so q stays
-- plain text. A GIN trigram index on lower(name) serves that LIKE for any q
-- (with fewer than three characters it has no trigram to look up and reads
-- the whole index, still not the table); every match is rechecked on the row.
--
-- pg_trgm ships with PostgreSQL's contrib modules: Debian's postgresql-15, the
-- postgres images used by docker-compose and CloudNativePG's images all carry
-- it. It is a trusted extension, so the migrating role needs only CREATE on
-- the database (hearthctl migrate runs as the cluster's superuser in every
-- deployment here). It lives in public, where the migrations' search path
-- looks for extensions; the services call none of its functions.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- fastupdate off: new names go straight into the index rather than into a
-- pending list that every search reads whole until the next vacuum, and that
-- the planner prices so high that a register loaded in bulk is searched by
-- reading the table. Providers are written rarely.
CREATE INDEX providers_name_trgm_idx ON providers USING gin (lower(name) public.gin_trgm_ops)
    WITH (fastupdate = off);

-- The prefix index of 002 served no statement (the list never searched by
-- prefix); the trigram index serves every q.
DROP INDEX providers_name_idx;

-- Under row-level security the planner may use an index for a condition only
-- when its operator is leakproof (it could otherwise see rows of other
-- tenants before the policy hides them), and LIKE is not: the service's own
-- query would read the whole tenant. So the page is found here, as the owner
-- (the admin role that runs migrations, which bypasses row-level security),
-- on the request's tenant named explicitly (the providers policy's test), and
-- only the page's ids leave; the service's statement (providers_repo.c,
-- provider_search) then reads those providers under row-level security as
-- every list does. The filters, cursor and order are the list's (the same as
-- provider_list's). Dynamic SQL, so each call is planned for its own q: a
-- common q walks the keyset index and stops at the page, a rare one reads the
-- trigram index. ROWS: a page (the default of 1,000 had the list read the whole
-- tenant to join 50 ids). search_path is pinned and every name qualified.
CREATE FUNCTION providers.provider_search_page(p_q text, p_status text, p_type text,
                                               p_framework uuid, p_after text, p_after_id uuid,
                                               p_limit integer)
    RETURNS TABLE (id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT p.id FROM providers.providers p
        WHERE p.tenant_id = hearth.current_tenant()
          AND lower(p.name) LIKE '%' || replace(replace(replace(lower($1), '\', '\\'),
                                                        '%', '\%'), '_', '\_') || '%'
          AND ($2::text IS NULL OR p.status = $2)
          AND ($3::text IS NULL OR $3 = ANY (p.provider_types))
          AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM providers.framework_members m
                WHERE m.tenant_id = p.tenant_id AND m.provider_id = p.id
                  AND m.framework_id = $4 AND m.status = 'active'))
          AND ($5::text IS NULL OR (p.created_at, p.id) > (hearth.from_sort_ts($5), $6::uuid))
        ORDER BY p.created_at, p.id LIMIT $7
        $q$ USING p_q, p_status, p_type, p_framework, p_after, p_after_id, p_limit;
END
$fn$;

REVOKE ALL ON FUNCTION providers.provider_search_page(text, text, text, uuid, text, uuid, integer)
    FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION providers.provider_search_page(text, text, text, '
                   'uuid, text, uuid, integer) TO %I', current_setting('hearth.service_role'));
END
$$;
