-- 013_placements_api_one_pass: the answers hearth-qa needs for risk, the
-- visits due and the missing Reg 44 reports over a whole tenant, in one pass
-- over its placements each (API.md §7).
--
--   settings_placed: for each setting of the tenant where a child was placed
--     on p_day or on any day of a month from p_from to p_to (first days of
--     months, at most 36), by one council (p_org) or any (NULL), optionally at
--     one provider (p_provider): how many placements were active there on
--     p_day and the earliest start among them (0 and NULL when none was),
--     and the months in which a child was placed there. What
--     settings_with_children (008) and settings_with_children_by_month (009)
--     answer together, without a row per month and council: one index range
--     (the placements ending on or after the earliest day asked about) read
--     once, each placement turned into a bit mask of the months it overlaps.
--   councils_at_settings_by_month: the councils with a child placed at
--     setting p_settings[i] in month p_months[i] (parallel arrays of pairs,
--     at most 100,000), how many placements each: the councils concerned by a
--     missing Reg 44 report, asked only for the pairs that are missing.
--
-- Counts only; no child or placement crosses. As in 008: SECURITY DEFINER,
-- search_path pinned, the tenant checked. A placement is active on D when
-- start_date <= D and (end_date is null or end_date >= D); it is placed in a
-- month when it is active on any day of it.

CREATE FUNCTION placements_api.settings_placed(p_tenant uuid, p_org uuid, p_provider uuid,
                                               p_day date, p_from date, p_to date)
    RETURNS TABLE (setting_id uuid, provider_id uuid, placements bigint, first_start date,
                   months date[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_from date := date_trunc('month', p_from)::date;
    v_to date := date_trunc('month', p_to)::date;
    -- Month boundaries: v_bounds[j] is the first day of month j (1-based),
    -- the last element the day after the last month. width_bucket() of a day
    -- is then the month it falls in (0 before the first, n + 1 after the last).
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
    WITH per_setting AS (
        SELECT p.setting_id, p.provider_id,
               count(*) FILTER (WHERE p.start_date <= p_day
                                  AND (p.end_date IS NULL OR p.end_date >= p_day)) AS on_day,
               min(p.start_date) FILTER (WHERE p.start_date <= p_day
                                           AND (p.end_date IS NULL OR p.end_date >= p_day))
                   AS first_start,
               -- Open placements cover every month from the earliest start on.
               min(p.start_date) FILTER (WHERE p.end_date IS NULL) AS open_from,
               -- Ended ones, the months from their start's to their end's.
               bit_or((1::bigint << least(width_bucket(p.end_date, v_bounds), v_n))
                      - (1::bigint << greatest(width_bucket(p.start_date, v_bounds) - 1, 0)))
                   FILTER (WHERE p.end_date IS NOT NULL) AS ended_mask
        FROM placements.placements p
        WHERE p.tenant_id = p_tenant AND p.setting_id IS NOT NULL
          AND coalesce(p.end_date, 'infinity'::date) >= v_low AND p.start_date <= v_high
          AND (p_org IS NULL OR p.org_id = p_org)
          AND (p_provider IS NULL OR p.provider_id = p_provider)
        GROUP BY p.setting_id, p.provider_id
    ), masked AS (
        SELECT s.*, coalesce(s.ended_mask, 0)
                    | CASE WHEN s.open_from IS NULL THEN 0
                           ELSE (1::bigint << v_n)
                                - (1::bigint << greatest(width_bucket(s.open_from, v_bounds) - 1,
                                                         0)) END AS mask
        FROM per_setting s
    )
    SELECT m.setting_id, m.provider_id, m.on_day, m.first_start,
           ARRAY(SELECT v_bounds[j] FROM generate_series(1, v_n) AS j
                 WHERE m.mask & (1::bigint << (j - 1)) <> 0 ORDER BY j)
    FROM masked m
    WHERE m.on_day > 0 OR m.mask <> 0
    ORDER BY m.setting_id;
END
$$;

CREATE FUNCTION placements_api.councils_at_settings_by_month(p_tenant uuid, p_settings uuid[],
                                                             p_months date[])
    RETURNS TABLE (month date, setting_id uuid, org_id uuid, placements bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    IF cardinality(p_settings) IS DISTINCT FROM cardinality(p_months)
       OR cardinality(p_settings) > 100000 THEN
        RAISE EXCEPTION 'as many months as settings, at most 100,000 pairs, are answered'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT q.month, q.setting_id, p.org_id, count(*)
    FROM (SELECT DISTINCT u.setting_id, date_trunc('month', u.month)::date AS month
          FROM unnest(p_settings, p_months) AS u(setting_id, month)) q
    JOIN placements.placements p
      ON p.tenant_id = p_tenant AND p.setting_id = q.setting_id
     AND coalesce(p.end_date, 'infinity'::date) >= q.month
     AND p.start_date < (q.month + interval '1 month')::date
    GROUP BY q.month, q.setting_id, p.org_id
    ORDER BY q.month, q.setting_id, p.org_id;
END
$$;

-- The pass of settings_placed: placements at a setting by the day they stop
-- being active, with what the answer needs, so it reads the index alone.
CREATE INDEX placements_setting_span_idx ON placements.placements
    (tenant_id, coalesce(end_date, 'infinity'::date), start_date)
    INCLUDE (setting_id, provider_id, org_id, end_date)
    WHERE setting_id IS NOT NULL;
-- councils_at_settings_by_month: one setting's placements still active at a
-- month's start.
CREATE INDEX placements_setting_until_idx ON placements.placements
    (tenant_id, setting_id, coalesce(end_date, 'infinity'::date))
    INCLUDE (start_date, org_id)
    WHERE setting_id IS NOT NULL;

-- A setting has one provider: without telling the planner so, it takes the
-- (setting, provider) groups of settings_placed for ten times the settings,
-- and sorts instead of hashing. The statistics come with the next ANALYZE
-- (autovacuum's, or this one's on a fresh database).
CREATE STATISTICS placements.placements_setting_provider_stats (ndistinct)
    ON setting_id, provider_id FROM placements.placements;
ANALYZE placements.placements;

REVOKE ALL ON FUNCTION placements_api.settings_placed(uuid, uuid, uuid, date, date, date)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION placements_api.councils_at_settings_by_month(uuid, uuid[], date[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.settings_placed(uuid, uuid, uuid, date, date, date)
    TO hearth_qa;
GRANT EXECUTE ON FUNCTION placements_api.councils_at_settings_by_month(uuid, uuid[], date[])
    TO hearth_qa;
