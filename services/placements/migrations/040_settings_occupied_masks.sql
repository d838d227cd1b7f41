-- 040_settings_occupied_masks: the months of settings_occupied (022) as a
-- bit mask, for callers that test months rather than list them.
--
--   settings_occupied_masks: as settings_occupied, with months_mask in
--     place of months: bit j - 1 (1 << (j - 1)) set when a child was placed
--     at the setting in the j-th month from p_from's month (j = 1 for
--     p_from's month itself, at most 36 months). Rows in no order.
--   settings_occupied: unchanged in what it answers; now the months of
--     settings_occupied_masks, listed.
--
-- Why: risk (qa 016) asks for the three months of its Reg 44 rule for every
-- setting of the tenant. Listing each setting's months (an aggregate a
-- setting, ~6,600 of them), then unnesting the lists into three parallel
-- arrays of ~19,600 entries for the rules to unnest again cost more than the
-- probes that found them. A mask a setting crosses as one bigint.
--
-- The body is 022's (moved, not changed): 022 cannot be edited, and the
-- listing now has one definition, below, on top of this one.

CREATE FUNCTION placements_api.settings_occupied_masks(p_tenant uuid, p_provider uuid,
                                                       p_day date, p_from date, p_to date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, occupied boolean, months_mask bigint)
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
    SELECT m.setting_id, m.provider_id, m.on_day, m.mask
    FROM per_setting m
    WHERE m.on_day OR m.mask <> 0;
END
$$;

REVOKE ALL ON FUNCTION placements_api.settings_occupied_masks(uuid, uuid, date, date, date)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.settings_occupied_masks(uuid, uuid, date, date, date)
    TO hearth_qa;

CREATE OR REPLACE FUNCTION placements_api.settings_occupied(p_tenant uuid, p_provider uuid,
                                                           p_day date, p_from date, p_to date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, occupied boolean, months date[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    -- The months of each mask: an aggregate over the window's months (a few
    -- microseconds a setting; an ARRAY() subquery with its own sort took
    -- five times that). settings_occupied_masks checks the tenant and the
    -- arguments.
    SELECT m.setting_id, m.provider_id, m.occupied, coalesce(x.months, '{}')
    FROM placements_api.settings_occupied_masks(p_tenant, p_provider, p_day, p_from, p_to) m
    CROSS JOIN LATERAL (
        SELECT array_agg(b.month::date ORDER BY b.j) AS months
        FROM generate_series(date_trunc('month', p_from), date_trunc('month', p_to),
                             interval '1 month') WITH ORDINALITY AS b(month, j)
        WHERE m.months_mask & (1::bigint << (b.j - 1)::integer) <> 0) x
    ORDER BY m.setting_id
    $$;
