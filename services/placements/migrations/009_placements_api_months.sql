-- 009_placements_api_months: two more answers for hearth-qa (API.md §7).
--
--   settings_with_children_by_month: for each month from p_from to p_to (the
--     first days of months), each setting with a child placed by an
--     organisation of the tenant on any day of that month, and which
--     organisations placed there then (a placement that ended mid-month
--     counts for that month): the Reg 44 reports that fall due. Counts only;
--     no child or placement crosses.
--   own_provider: the provider of the request's own organisation when it is
--     a provider organisation (placements_at_own_provider uses the same
--     answer, current_provider(), 001/007), so QA can let a provider submit
--     returns for its own settings only.
--
-- As in 008: SECURITY DEFINER, search_path pinned, the tenant checked.

CREATE FUNCTION placements_api.settings_with_children_by_month(p_tenant uuid, p_from date,
                                                               p_to date)
    RETURNS TABLE (month date, setting_id uuid, provider_id uuid, org_id uuid, placements bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    IF p_to < p_from OR p_to > p_from + interval '36 months' THEN
        RAISE EXCEPTION 'a range of at most 36 months is answered'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT m.month::date, p.setting_id, p.provider_id, p.org_id, count(*)
    FROM generate_series(date_trunc('month', p_from), date_trunc('month', p_to),
                         interval '1 month') AS m(month)
    JOIN placements.placements p
      ON p.tenant_id = p_tenant AND p.setting_id IS NOT NULL
     AND p.start_date < (m.month + interval '1 month')::date
     AND (p.end_date IS NULL OR p.end_date >= m.month::date)
    GROUP BY m.month, p.setting_id, p.provider_id, p.org_id
    ORDER BY m.month, p.setting_id, p.org_id;
END
$$;

CREATE FUNCTION placements_api.own_provider(p_tenant uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM placements_api.require_request_tenant(p_tenant);
    RETURN placements.current_provider();
END
$$;

REVOKE ALL ON FUNCTION placements_api.settings_with_children_by_month(uuid, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION placements_api.own_provider(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.settings_with_children_by_month(uuid, date, date)
    TO hearth_qa;
GRANT EXECUTE ON FUNCTION placements_api.own_provider(uuid) TO hearth_qa;
