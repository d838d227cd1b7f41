#!/usr/bin/env bash
# Alerts benchmarks (run by tests/bench/run.sh, or alone): start a throwaway
# stack with the demo data and measure
#   1. resident memory of hearth-alerts idle;
#   2. latency from an Inadequate inspection's event committing in qa's outbox
#      to the alert rows of every organisation concerned (Pen y Lodge: two
#      councils and the consortium team), p50/p99/max over N events committed
#      one by one 10 ms apart. The end is the start of the consumer transaction
#      that wrote the last of them (its now()), which commits with its chunk;
#   3. catch-up: M events queued while hearth-alerts is stopped (at a home with
#      no child placed: one alert each, for the team), then the time from its
#      start until the consumer has handled them all, events/s;
#   4. resident memory of hearth-alerts after the catch-up.
# Prints figures; never fails on absolute times.
#
# Settings: HEARTH_BENCH_ALERTS_DIR [build/bench-alerts],
# HEARTH_BENCH_ALERT_EVENTS [1000], HEARTH_BENCH_CATCHUP_EVENTS [100000].
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_ALERTS_DIR:-$root/build/bench-alerts}
n_events=${HEARTH_BENCH_ALERT_EVENTS:-1000}
n_catchup=${HEARTH_BENCH_CATCHUP_EVENTS:-100000}
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
tenant=00000000-0000-4000-8000-00000000d001
home=00000000-0000-4000-8000-0000000b0013
provider=00000000-0000-4000-8000-0000000a0010

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers|placements|qa|alerts'

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(head -n1 "$HEARTH_RUN_DIR/pids/alerts.pid")/status"; }
event_sql() { # <setting> <provider>
	printf "INSERT INTO qa.outbox (tenant_id, type, subject_type, subject_id, payload) VALUES ('%s', 'qa.inspection.recorded', 'inspection', gen_random_uuid(), jsonb_build_object('setting_id', '%s', 'provider_id', '%s', 'risk_band', 'red', 'regulator', 'ofsted', 'bench', true))" \
		"$tenant" "$1" "$2"
}

sleep 2
idle_kb=$(rss_kb)
echo "bench: hearth-alerts idle RSS ${idle_kb} kB"

# ---- 2. latency ------------------------------------------------------------------
echo "bench: $n_events Inadequate events at Pen y Lodge, committed one by one"
for _ in $(seq "$n_events"); do
	printf '%s;\nSELECT pg_sleep(0.01);\n' "$(event_sql "$home" "$provider")"
done | admin_psql >/dev/null
expected=$((n_events * 3))
for _ in $(seq 600); do
	got=$(admin_psql -c "SELECT count(*) FROM alerts.alerts a JOIN qa.outbox o ON o.id = a.source_event_id WHERE o.payload ? 'bench'")
	[ "$got" -ge "$expected" ] && break
	sleep 0.1
done
latency=$(admin_psql -c "
	WITH per_event AS (
	    SELECT o.id, extract(epoch FROM max(a.created_at) - o.occurred_at) * 1000 AS ms, count(*) AS n
	    FROM qa.outbox o JOIN alerts.alerts a ON a.source_event_id = o.id
	    WHERE o.payload ? 'bench' GROUP BY o.id, o.occurred_at)
	SELECT format('%s events, %s with all 3 alerts; p50 %s ms, p99 %s ms, max %s ms', count(*),
	              count(*) FILTER (WHERE n = 3),
	              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
	              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
	              round(max(ms)::numeric, 1))
	FROM per_event")
echo "bench: latency commit -> alerts: $latency"

# ---- 3. catch-up ------------------------------------------------------------------
empty_home=$(admin_psql -c "SELECT s.id FROM providers.settings s WHERE s.tenant_id = '$tenant'
	AND NOT EXISTS (SELECT 1 FROM placements.placements p WHERE p.setting_id = s.id) LIMIT 1")
empty_provider=$(admin_psql -c "SELECT provider_id FROM providers.settings WHERE id = '$empty_home'")
hearth_service_stop alerts
before=$(admin_psql -c "SELECT events FROM alerts.consumer_positions WHERE source = 'qa'")
echo "bench: queueing $n_catchup events while hearth-alerts is stopped"
admin_psql -c "INSERT INTO qa.outbox (tenant_id, type, subject_type, subject_id, payload)
	SELECT '$tenant', 'qa.inspection.recorded', 'inspection', gen_random_uuid(),
	       jsonb_build_object('setting_id', '$empty_home', 'provider_id', '$empty_provider',
	                          'risk_band', 'red', 'regulator', 'ofsted')
	FROM generate_series(1, $n_catchup)" >/dev/null
t0=$(date +%s.%N)
hearth_service_start alerts "$HEARTH_PORT_ALERTS"
while [ "$(admin_psql -c "SELECT events FROM alerts.consumer_positions WHERE source = 'qa'")" -lt \
	$((before + n_catchup)) ]; do
	sleep 0.2
done
t1=$(date +%s.%N)
busy_kb=$(rss_kb)
awk -v n="$n_catchup" -v a="$t0" -v b="$t1" \
	'BEGIN { printf "bench: catch-up of %d events in %.1f s: %.0f events/s\n", n, b - a, n / (b - a) }'
echo "bench: hearth-alerts RSS after the catch-up ${busy_kb} kB (idle ${idle_kb} kB)"
