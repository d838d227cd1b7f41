#!/usr/bin/env bash
# Webhook delivery (run alone, or by tests/bench/run.sh): a fresh stack with the
# demo data, a local receiver verifying every signature, then the throughput
# of a burst and the commit-to-arrival latency of single events
# (tests/bench/webhooks.py). Prints figures; never fails on absolute times.
#
# Settings: HEARTH_BENCH_WEBHOOKS_DIR [build/bench-webhooks],
# HEARTH_BENCH_WEBHOOK_BURST [2000], HEARTH_BENCH_WEBHOOK_SINGLE [200].
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_WEBHOOKS_DIR:-$root/build/bench-webhooks}
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
export HEARTH_WEBHOOK_ALLOW_HOSTS=127.0.0.1

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers|placements|qa|alerts'
echo "bench: webhooks ($(nproc) CPUs, HEARTH_WEBHOOK_CONCURRENCY ${HEARTH_WEBHOOK_CONCURRENCY:-16})"
HEARTH_ADMIN_DATABASE_URL=$HEARTH_ADMIN_DATABASE_URL /usr/bin/python3 tests/bench/webhooks.py \
	"${HEARTH_BENCH_WEBHOOK_BURST:-2000}" "${HEARTH_BENCH_WEBHOOK_SINGLE:-200}"
pid=$(head -n1 "$HEARTH_RUN_DIR/pids/alerts.pid")
echo "hearth-alerts RSS after the webhook runs: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB"
