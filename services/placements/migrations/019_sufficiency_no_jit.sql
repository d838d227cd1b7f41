-- 019_sufficiency_no_jit: the tenant-wide sufficiency query (004) is costed
-- far above PostgreSQL's JIT threshold, and compiling its expressions took
-- ~140 ms of every call (EXPLAIN ANALYZE over 1,000,000 placements: 120
-- functions, emission ~120 ms) to save less than that in execution. The
-- document is planned afresh on each call (dynamic SQL), so it paid for the
-- compilation each time. The setting holds for the report's own statement.
ALTER FUNCTION sufficiency_doc(date, uuid, uuid, jsonb) SET jit = off;
