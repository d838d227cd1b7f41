-- 011_placements_api_endings: one more answer for hearth-qa (API.md §7).
--
--   unplanned_endings: for each provider and setting of the tenant, how many
--     placements there ended unplanned (an end_reason breakdown_*) on a day
--     from p_from to p_to: the instability rule of the QA risk. A placement
--     with no setting counts for its provider only (setting_id NULL). Counts
--     only; no child or placement crosses.
--
-- As in 008: SECURITY DEFINER, search_path pinned, the tenant checked.

CREATE FUNCTION placements_api.unplanned_endings(p_tenant uuid, p_from date, p_to date)
    RETURNS TABLE (provider_id uuid, setting_id uuid, endings bigint)
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
    SELECT p.provider_id, p.setting_id, count(*)
    FROM placements.placements p
    WHERE p.tenant_id = p_tenant AND p.provider_id IS NOT NULL
      AND p.end_date BETWEEN p_from AND p_to
      AND p.end_reason IN ('breakdown_provider', 'breakdown_child', 'breakdown_council')
    GROUP BY p.provider_id, p.setting_id
    ORDER BY p.provider_id, p.setting_id;
END
$$;

-- The lookup above: the tenant's unplanned endings by day.
CREATE INDEX placements_unplanned_endings_idx ON placements.placements (tenant_id, end_date)
    INCLUDE (provider_id, setting_id)
    WHERE end_reason IN ('breakdown_provider', 'breakdown_child', 'breakdown_council');

REVOKE ALL ON FUNCTION placements_api.unplanned_endings(uuid, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_api.unplanned_endings(uuid, date, date) TO hearth_qa;
