-- 012_placements_api_scorecards: the cost, count, length and ending
-- aggregates of the provider scorecards of hearth-qa (API.md §5, §7).
--
--   provider_scorecard_aggregates: for each provider of the tenant and each
--     placement type it had a placement of on a day from p_from to p_to, sums
--     a scorecard (and the tenant average of a type) is made of; a provider
--     of the tenant with no placement in the period has one row with
--     placement_type NULL and zeros, so every provider is answered. Sums and
--     counts only; no child, placement or child-level field crosses.
--
-- The days of a placement in the period: from max(start_date, p_from) to
-- min(end_date, p_to), both included (active on D as everywhere in the
-- service). Its weekly cost on a day: a placement row holds only its
-- current weekly_cost_pence (a change overwrites it), while its IPA
-- versions record the agreed weekly_fee_pence with the day each takes
-- effect. So on a day an IPA version is in force (the highest version_no
-- among those with effective_from on or before the day) its fee counts;
-- on a day before the first version takes effect, or for a placement with
-- no IPA, the placement's weekly_cost_pence; no cost at all: the day is
-- uncosted. cost_pence_days sums cost x days, so cost_pence_days /
-- costed_days is the average weekly cost weighted by the days each cost
-- applied: a placement of one day weighs one day, a cost raised mid-period
-- counts at each rate for its own days.
--
--   placements          placements with a day in the period
--   child_days          their days in the period
--   costed_days         those days with a cost
--   cost_pence_days     sum of the weekly cost of each costed day
--   unplanned_endings   placements that ended in the period with an
--                       end_reason breakdown_* (as 011 counts them)
--   ended, ended_days   placements that ended in the period, and the sum of
--                       their whole lengths (end_date - start_date + 1)
--
-- As in 008: SECURITY DEFINER, search_path pinned, every name qualified, the
-- tenant checked; at most 36 months are answered, as in 009 and 011.

CREATE FUNCTION placements_api.provider_scorecard_aggregates(p_tenant uuid, p_from date,
                                                             p_to date)
    RETURNS TABLE (provider_id uuid, placement_type text, placements bigint, child_days bigint,
                   costed_days bigint, cost_pence_days numeric, unplanned_endings bigint,
                   ended bigint, ended_days bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    IF p_from IS NULL OR p_to IS NULL OR p_to < p_from
       OR p_to > p_from + interval '36 months' THEN
        RAISE EXCEPTION 'a range of at most 36 months is answered'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH p AS MATERIALIZED (
        -- placements_scorecard_idx, index only: the tenant's placements at a
        -- provider with a day in the period.
        SELECT pl.id, pl.provider_id, pl.placement_type, pl.start_date, pl.end_date,
               pl.end_reason, pl.weekly_cost_pence,
               greatest(pl.start_date, p_from) AS lo,
               least(coalesce(pl.end_date, 'infinity'::date), p_to) AS hi
        FROM placements.placements pl
        WHERE pl.tenant_id = p_tenant AND pl.provider_id IS NOT NULL
          AND coalesce(pl.end_date, 'infinity'::date) >= p_from AND pl.start_date <= p_to
    ), changes AS (
        -- Each day an IPA version takes effect starts a stretch that runs to
        -- the day before the next such day; its fee is the highest version's
        -- among those in effect by then.
        SELECT i.placement_id, i.effective_from,
               (lead(i.effective_from) OVER w - 1) AS until,
               (max(ARRAY[i.version_no, i.weekly_fee_pence]) OVER w_sofar)[2] AS fee
        FROM placements.ipas i
        WHERE i.tenant_id = p_tenant AND i.placement_id IN (SELECT p.id FROM p)
        WINDOW w AS (PARTITION BY i.placement_id ORDER BY i.effective_from, i.version_no),
               w_sofar AS (PARTITION BY i.placement_id ORDER BY i.effective_from
                           RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ), stretches AS (
        -- For a placement with IPAs: its own cost before the first takes
        -- effect, then each IPA stretch, cut to the period. Versions that
        -- take effect on the same day: the last stretch of that day carries
        -- on (the others end the day before they start, so count no day).
        SELECT p.id, p.lo AS s_from, least(p.hi, f.first_from - 1) AS s_to,
               p.weekly_cost_pence AS weekly
        FROM p
        JOIN (SELECT c.placement_id, min(c.effective_from) AS first_from
              FROM changes c GROUP BY c.placement_id) f ON f.placement_id = p.id
        UNION ALL
        SELECT c.placement_id, greatest(c.effective_from, p.lo),
               least(coalesce(c.until, 'infinity'::date), p.hi), c.fee
        FROM changes c JOIN p ON p.id = c.placement_id
    ), ipa_costs AS (
        SELECT s.id,
               coalesce(sum(s.s_to - s.s_from + 1) FILTER (WHERE s.weekly IS NOT NULL), 0)
                   AS costed_days,
               coalesce(sum(s.weekly::numeric * (s.s_to - s.s_from + 1))
                            FILTER (WHERE s.weekly IS NOT NULL), 0) AS cost_pence_days
        FROM stretches s
        WHERE s.s_to >= s.s_from
        GROUP BY s.id
    ), costs AS (
        -- Most placements have no IPA: their own cost on every day, with no
        -- stretch to build.
        SELECT p.*, p.hi - p.lo + 1 AS days,
               coalesce(c.costed_days,
                        CASE WHEN p.weekly_cost_pence IS NOT NULL THEN p.hi - p.lo + 1 ELSE 0 END)
                   AS costed_days,
               coalesce(c.cost_pence_days,
                        coalesce(p.weekly_cost_pence::numeric * (p.hi - p.lo + 1), 0))
                   AS cost_pence_days
        FROM p LEFT JOIN ipa_costs c ON c.id = p.id
    ), agg AS (
        SELECT p.provider_id, p.placement_type, count(*) AS placements,
               sum(p.days) AS child_days, sum(p.costed_days) AS costed_days,
               sum(p.cost_pence_days) AS cost_pence_days,
               count(*) FILTER (WHERE p.end_date <= p_to AND p.end_reason IN
                   ('breakdown_provider', 'breakdown_child', 'breakdown_council'))
                   AS unplanned_endings,
               count(*) FILTER (WHERE p.end_date <= p_to) AS ended,
               coalesce(sum(p.end_date - p.start_date + 1) FILTER (WHERE p.end_date <= p_to), 0)
                   AS ended_days
        FROM costs p
        GROUP BY p.provider_id, p.placement_type
    )
    SELECT pr.id, a.placement_type, coalesce(a.placements, 0)::bigint,
           coalesce(a.child_days, 0)::bigint, coalesce(a.costed_days, 0)::bigint,
           coalesce(a.cost_pence_days, 0)::numeric, coalesce(a.unplanned_endings, 0)::bigint,
           coalesce(a.ended, 0)::bigint, coalesce(a.ended_days, 0)::bigint
    FROM providers.providers pr
    LEFT JOIN agg a ON a.provider_id = pr.id
    WHERE pr.tenant_id = p_tenant
    ORDER BY pr.id, a.placement_type;
END
$$;

-- The scan above, index only and for the placements at a provider alone
-- (in-house ones have none): overlap with a period is two range conditions,
-- as in 004, carrying what the sums need.
CREATE INDEX placements_scorecard_idx ON placements.placements
    (tenant_id, (coalesce(end_date, 'infinity'::date)), start_date)
    INCLUDE (id, provider_id, placement_type, end_date, end_reason, weekly_cost_pence)
    WHERE provider_id IS NOT NULL;
-- The IPA versions of the tenant's placements, index only.
CREATE INDEX ipas_scorecard_idx ON placements.ipas (tenant_id, placement_id, effective_from)
    INCLUDE (version_no, weekly_fee_pence);

REVOKE ALL ON FUNCTION placements_api.provider_scorecard_aggregates(uuid, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.provider_scorecard_aggregates(uuid, date, date)
    TO hearth_qa;
