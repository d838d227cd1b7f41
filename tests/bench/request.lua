-- wrk script for the Hearth benchmarks: every request carries the bearer token
-- from BENCH_TOKEN. With BENCH_ID_COUNT set, requests rotate through the ids
-- BENCH_ID_PREFIX .. 12 hex digits of 1..BENCH_ID_COUNT appended to BENCH_PATH
-- (the bench loader makes ids that way); otherwise every request is BENCH_PATH.
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/"
local prefix = os.getenv("BENCH_ID_PREFIX") or ""
local count = tonumber(os.getenv("BENCH_ID_COUNT") or "0")

local threads = 0
local next_id = 1

-- Threads start at different ids so they do not read the same rows in step.
function setup(thread)
	threads = threads + 1
	thread:set("start", threads * 7919)
end

function init(args)
	next_id = (start or 1) % math.max(count, 1) + 1
	if token ~= "" then
		wrk.headers["Authorization"] = "Bearer " .. token
	end
	wrk.headers["Accept"] = "application/json"
end

function request()
	if count <= 0 then
		return wrk.format("GET", path)
	end
	local id = prefix .. string.format("%012x", next_id)
	next_id = next_id % count + 1
	return wrk.format("GET", path .. id)
end

-- One summary line wrk's caller can parse, next to wrk's own report.
function done(summary, latency, requests)
	local errors = summary.errors
	local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
	io.write(string.format("BENCH rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d failed=%d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.requests, failed))
end
