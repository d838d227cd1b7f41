-- 022_settings_occupied: what risk asks of the placements (API.md §7) without
-- reading every placement open in the window.
--
--   settings_occupied: for each setting of the tenant (optionally of one
--     provider, p_provider), whether a child was placed there on p_day and
--     the months from p_from to p_to (first days of months, at most 36) in
--     which one was. What settings_placed (013) answers with its count and
--     earliest start left out, which the risk does not use.
--
-- settings_placed reads every placement still open or ended since the
-- window began: over 1,000,000 placements about 237,000 index entries for a
-- 3-month window, most of them open placements, aggregated (~130 ms). An
-- open placement at a setting only matters here through the earliest start
-- among the open ones there (on p_day if that start is; every month from
-- its month on), so the open ones are read as one probe per (setting,
-- provider) in the index below, each answering that earliest start; the
-- ended ones are the few ending in the window, read as before.
--
-- Counts only; no child or placement crosses. As in 008: SECURITY DEFINER,
-- search_path pinned, the tenant checked. Active on D: start_date <= D and
-- (end_date is null or end_date >= D); placed in a month: active on a day
-- of it. An end_date is a real day or none (the API accepts YYYY-MM-DD);
-- one of 'infinity', which only SQL could write, is counted by neither part.

-- The open placements of each (setting, provider) by start: the first entry
-- of each is the earliest. Partial, so only open placements pay for it.
CREATE INDEX placements_open_setting_idx ON placements.placements
    (tenant_id, setting_id, provider_id, start_date)
    WHERE end_date IS NULL AND setting_id IS NOT NULL;

CREATE FUNCTION placements_api.settings_occupied(p_tenant uuid, p_provider uuid, p_day date,
                                                 p_from date, p_to date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, occupied boolean, months date[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_from date := date_trunc('month', p_from)::date;
    v_to date := date_trunc('month', p_to)::date;
    -- As in settings_placed: v_bounds[j] the first day of month j, the last
    -- element the day after the last month; width_bucket() of a day is the
    -- month it falls in (0 before the first, n + 1 after the last).
    v_bounds date[];
    v_n integer;
    v_low date;
    v_high date;
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    IF p_day IS NULL OR p_from IS NULL OR p_to IS NULL OR p_to < p_from
       OR p_to > p_from + interval '36 months' THEN
        RAISE EXCEPTION 'a day and a range of at most 36 months are answered'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT array_agg(m::date ORDER BY m) INTO v_bounds
    FROM generate_series(v_from, v_to + interval '1 month', interval '1 month') AS m;
    v_n := cardinality(v_bounds) - 1;
    v_low := least(p_day, v_from);
    v_high := greatest(p_day, v_bounds[v_n + 1] - 1);
    RETURN QUERY
    WITH RECURSIVE open_first AS (
        -- The whole tenant: (setting, provider) after (setting, provider),
        -- each the first entry of placements_open_setting_idx after the last.
        (SELECT p.setting_id, p.provider_id, p.start_date
         FROM placements.placements p
         WHERE p_provider IS NULL AND p.tenant_id = p_tenant
           AND p.end_date IS NULL AND p.setting_id IS NOT NULL
         ORDER BY p.setting_id, p.provider_id, p.start_date
         LIMIT 1)
        UNION ALL
        SELECT n.*
        FROM open_first o
        CROSS JOIN LATERAL (
            SELECT p.setting_id, p.provider_id, p.start_date
            FROM placements.placements p
            WHERE p.tenant_id = p_tenant AND p.end_date IS NULL AND p.setting_id IS NOT NULL
              AND (p.setting_id, p.provider_id) > (o.setting_id, o.provider_id)
            ORDER BY p.setting_id, p.provider_id, p.start_date
            LIMIT 1) n
    ), open_earliest AS (
        SELECT o.setting_id, o.provider_id, o.start_date FROM open_first o
        UNION ALL
        -- One provider: its own placements, few, grouped.
        SELECT p.setting_id, p.provider_id, min(p.start_date)
        FROM placements.placements p
        WHERE p_provider IS NOT NULL AND p.tenant_id = p_tenant
          AND p.provider_id = p_provider AND p.end_date IS NULL AND p.setting_id IS NOT NULL
        GROUP BY p.setting_id, p.provider_id
    ), spans AS (
        -- The open placements: from the earliest start's month on.
        SELECT e.setting_id, e.provider_id, e.start_date <= p_day AS on_day,
               (1::bigint << v_n)
               - (1::bigint << greatest(width_bucket(e.start_date, v_bounds) - 1, 0)) AS mask
        FROM open_earliest e
        WHERE e.start_date <= v_high
        UNION ALL
        -- The ended ones that ended in the window: their start's month to
        -- their end's.
        SELECT p.setting_id, p.provider_id, p.start_date <= p_day AND p.end_date >= p_day,
               (1::bigint << least(width_bucket(p.end_date, v_bounds), v_n))
               - (1::bigint << greatest(width_bucket(p.start_date, v_bounds) - 1, 0))
        FROM placements.placements p
        WHERE p.tenant_id = p_tenant AND p.setting_id IS NOT NULL
          AND coalesce(p.end_date, 'infinity'::date) >= v_low
          AND coalesce(p.end_date, 'infinity'::date) < 'infinity'::date
          AND p.start_date <= v_high
          AND (p_provider IS NULL OR p.provider_id = p_provider)
    ), per_setting AS (
        SELECT s.setting_id, s.provider_id, bool_or(s.on_day) AS on_day, bit_or(s.mask) AS mask
        FROM spans s
        GROUP BY s.setting_id, s.provider_id
    )
    -- The months of each mask: an aggregate over the month bounds (a few
    -- microseconds a setting; an ARRAY() subquery with its own sort took
    -- five times that).
    SELECT m.setting_id, m.provider_id, m.on_day, coalesce(x.months, '{}')
    FROM per_setting m
    CROSS JOIN LATERAL (
        SELECT array_agg(b.month ORDER BY b.j) AS months
        FROM unnest(v_bounds[1:v_n]) WITH ORDINALITY AS b(month, j)
        WHERE m.mask & (1::bigint << (b.j - 1)::integer) <> 0) x
    WHERE m.on_day OR m.mask <> 0
    ORDER BY m.setting_id;
END
$$;

REVOKE ALL ON FUNCTION placements_api.settings_occupied(uuid, uuid, date, date, date)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.settings_occupied(uuid, uuid, date, date, date)
    TO hearth_qa;
