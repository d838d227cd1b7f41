#!/usr/bin/env bash
# Batch memory benchmark (run by tests/bench/run.sh, or alone): start a
# throwaway stack with the local runner and print the resident memory of
# hearth-placements (peak and afterwards) for one valid 10,000-item batch and
# for 8 concurrent maximal malformed bodies (32 MB each), posted to the service
# port: first from 8 tenants with the shipped caps (per tenant 2, per process 4;
# the rest answered 503), then, on a second process with
# HEARTH_BATCH_CONCURRENCY=8, with all 8 parsed at once.
#
# Settings: HEARTH_BENCH_BATCH_DIR [build/bench-batch].
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_BATCH_DIR:-$root/build/bench-batch}
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
council=00000000-0000-4000-8000-00000000c002

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers|placements'
port=$HEARTH_PORT_PLACEMENTS
pid=$(head -n1 "$HEARTH_RUN_DIR/pids/placements.pid")

token=$(hearth_token integration)
tokens=()
for i in 1 2 3 4 5 6 7 8; do
	tokens+=("$(hearth_ctl token --tenant "00000000-0000-4000-b000-0000000bb00$i" --org "$council" \
		--roles integration --sub bench --ttl 3600)")
done

echo "bench: shipped caps (HEARTH_BATCH_CONCURRENCY_PER_TENANT=2, HEARTH_BATCH_CONCURRENCY=4)"
/usr/bin/python3 tests/bench/batch_memory.py "$port" "$pid" "$token" "${tokens[@]}"

# A second process with every body admitted at once, on its own port.
port2=$(hearth_free_port)
(
	while IFS= read -r -d '' kv; do
		case $kv in HEARTH_*) export "${kv?}" ;; esac
	done <"/proc/$pid/environ"
	export HEARTH_PORT=$port2 HEARTH_BATCH_CONCURRENCY=8 HEARTH_BATCH_CONCURRENCY_PER_TENANT=8
	exec "$(readlink "/proc/$pid/exe")"
) >>"$HEARTH_RUN_DIR/logs/placements-8.log" 2>&1 &
pid2=$!
trap 'kill "$pid2" 2>/dev/null || true; bench_on_exit' EXIT
hearth_wait_http "http://127.0.0.1:$port2/readyz" 30 "$pid2" hearth-placements
echo "bench: every body admitted (HEARTH_BATCH_CONCURRENCY=8, per tenant 8)"
/usr/bin/python3 tests/bench/batch_memory.py "$port2" "$pid2" "$token" "${tokens[@]}"
kill "$pid2"
wait "$pid2" || true
