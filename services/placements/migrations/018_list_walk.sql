-- 018_list_walk: a page of GET /v1/placements walks its index in keyset
-- order and stops at the page size, whatever the planner believes of the
-- organisation's size.
--
-- The list statement (placements_repo.c) restates the caller's organisation
-- next to row-level security, so the organisation's clause is counted twice
-- and its rows are underestimated by orders of magnitude (a council of 76,000
-- placements was planned as 64). Two cheaper-looking plans then beat the
-- ordered walk: a bitmap OR of the two policies' indexes (owner, and the
-- placements at the caller's provider), and a bitmap scan of the organisation,
-- both reading every placement of the council and sorting them (~200 ms a
-- page at 76,000; the walk reads ~170 index entries, ~1 ms).
--
-- 1. The list's walk reads its index alone: the keyset columns and every
--    column its filters test, so the page's 51 ids cost no table read until
--    their documents are built (the statement joins back by id). This index
--    replaces placements_list_idx (same key, which it still serves).
CREATE INDEX placements_list_cover_idx ON placements (tenant_id, org_id, created_at, id)
    INCLUDE (end_date, start_date, provider_id, setting_id, child_id, placement_type,
             provision);
DROP INDEX placements_list_idx;

-- 2. The provider policy keeps its meaning (a NULL comparison, like false,
--    shows nothing) but its test is no longer an index condition, so it
--    cannot become one arm of a bitmap OR under the organisation's branch.
--    The provider branch of the list names the provider itself and keeps
--    using placements_provider_idx.
ALTER POLICY placements_at_own_provider ON placements
    USING (tenant_id = hearth.current_tenant()
           AND (provider_id = (SELECT current_provider())) IS TRUE);
