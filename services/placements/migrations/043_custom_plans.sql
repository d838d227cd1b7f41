-- 043_custom_plans: the quality-assurance aggregates planned for each
-- call's own arguments.
--
-- A PL/pgSQL function's statement is planned for its arguments five times
-- per connection, then PostgreSQL may keep one generic plan that fits any
-- argument. For these three, whose statements take a branch by their
-- arguments (one provider or the whole tenant, one council or the
-- consortium) and a range of days, the generic plan is far slower. Seen
-- from a pooled connection's sixth request on (tests/bench/placements.sh,
-- 1,000,000 placements):
--   settings_placed              /v1/visits/due 123 ms a call -> 315 ms
--                                (the request 220 -> 400 ms);
--   settings_occupied_masks and  /v1/reg44-reports/missing, its first
--   councils_at_settings_by_month page, 270 -> 228 ms with both planned
--                                per call.
-- Planning each call costs well under a millisecond here. The answers do
-- not change.
ALTER FUNCTION placements_api.settings_placed(uuid, uuid, uuid, date, date, date)
    SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION placements_api.settings_occupied_masks(uuid, uuid, date, date, date)
    SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION placements_api.councils_at_settings_by_month(uuid, uuid[], date[])
    SET plan_cache_mode = force_custom_plan;
