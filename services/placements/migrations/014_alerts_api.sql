-- 014_alerts_api: what the alerts service may read of placements (API.md §7):
-- the councils with a child placed at a setting or provider on a day (the
-- recipients of a setting's or provider's alerts), and how many placements a
-- placement's child started in the months up to it (a third within 12 months
-- is instability). Counts and organisation ids cross; no child-level row does.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hearth_alerts') THEN
        CREATE ROLE hearth_alerts LOGIN;
    END IF;
END
$$;

-- Placements of the child of placement p_placement that started in the
-- p_months months up to and including that placement's start (it counts).
-- 0 when the tenant has no such placement. A child is its council's: the
-- join names the organisation so placements_child_idx serves it.
CREATE FUNCTION placements_api.placements_started_by_child(p_tenant uuid, p_placement uuid,
                                                           p_months integer)
    RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_count bigint;
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    SELECT count(*) INTO v_count
    FROM placements.placements me
    JOIN placements.placements p
      ON p.tenant_id = me.tenant_id AND p.org_id = me.org_id AND p.child_id = me.child_id
     AND p.start_date <= me.start_date
     AND p.start_date > me.start_date - make_interval(months => p_months)
    WHERE me.tenant_id = p_tenant AND me.id = p_placement;
    RETURN v_count;
END
$$;

REVOKE ALL ON FUNCTION placements_api.placements_started_by_child(uuid, uuid, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA placements_api TO hearth_alerts;
GRANT EXECUTE ON FUNCTION placements_api.councils_with_child_at(uuid, uuid, uuid, date)
    TO hearth_alerts;
GRANT EXECUTE ON FUNCTION placements_api.placements_started_by_child(uuid, uuid, integer)
    TO hearth_alerts;

-- The push's per-item lookups by reference (generic plans, 005) estimate
-- "tenant_id = $1 AND org_id = $2" from the number of distinct tenants and
-- organisations. Once a database holds a few dozen small tenants (the alerts
-- tests make them, as a consortium adding councils does), that estimate
-- reaches one row and an index that only leads with the tenant ties with the
-- unique reference index; the planner took the former, and each lookup of a
-- 10,000-item push scanned the tenant's rows so far. One tenant or one
-- organisation may hold most of these rows, so the statistics say so: the
-- reference indexes, which name all three columns, win again.
ALTER TABLE placements.placements ALTER COLUMN tenant_id SET (n_distinct = 1),
                                  ALTER COLUMN org_id SET (n_distinct = 1);
ALTER TABLE placements.children ALTER COLUMN tenant_id SET (n_distinct = 1),
                                ALTER COLUMN org_id SET (n_distinct = 1);
ANALYZE placements.placements;
ANALYZE placements.children;
