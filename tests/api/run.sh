#!/usr/bin/env bash
# API tests: start a throwaway stack (PostgreSQL, services, nginx gateway) with
# the local runner's own code on free ports under build/test-stack, run pytest
# against the gateway, and stop everything again whatever happened.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
source deploy/local/lib.sh

# HEARTH_TEST_STACK_DIR lets several test runs share a tree without sharing a stack.
export HEARTH_RUN_DIR="${HEARTH_TEST_STACK_DIR:-$root/build/test-stack}"
if [ -f "$HEARTH_RUN_DIR/stack.env" ]; then
	(hearth_env_init && hearth_stack_down) >/dev/null 2>&1 || true
fi
rm -rf "$HEARTH_RUN_DIR"
mkdir -p "$HEARTH_RUN_DIR"

hearth_env_init
HEARTH_GATEWAY_PORT=$(hearth_free_port)
HEARTH_PG_PORT=$(hearth_free_port)
export HEARTH_GATEWAY_PORT HEARTH_PG_PORT
while read -r name _port; do
	export "HEARTH_PORT_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')=$(hearth_free_port)"
done < <(hearth_services)
# Generous limits for the suite itself; the rate-limit test sets its own burst.
export HEARTH_RATE_LIMIT_RPS=${HEARTH_RATE_LIMIT_RPS:-2000} HEARTH_RATE_LIMIT_BURST=${HEARTH_RATE_LIMIT_BURST:-4000}
export HEARTH_DRAIN_TIMEOUT_S=2
# The stack's hearth-qa checks for overdue action items only at start, so the
# tests that call the check themselves see exactly what they made.
export HEARTH_QA_OVERDUE_CHECK_S=86400
# The origin tests/api/test_cors.py calls from as a browser application would.
export HEARTH_CORS_ORIGINS=${HEARTH_CORS_ORIGINS-https://app.example.test}
# Webhooks: receivers on this machine, retries a second apart, a quick poll.
export HEARTH_WEBHOOK_ALLOW_HOSTS=127.0.0.1,localhost HEARTH_WEBHOOK_RETRY_SCHEDULE=1,1,1,1,1
export HEARTH_WEBHOOK_POLL_MS=200

echo "api-test: starting a stack in $HEARTH_RUN_DIR (gateway port $HEARTH_GATEWAY_PORT)"
if ! HEARTH_DETACH=1 deploy/local/run.sh >"$HEARTH_RUN_DIR/run.log" 2>&1; then
	cat "$HEARTH_RUN_DIR/run.log" >&2
	tail -n 40 "$HEARTH_RUN_DIR"/logs/*.log >&2 2>/dev/null
	exit 1
fi

export HEARTH_TEST_STACK_ENV="$HEARTH_RUN_DIR/stack.env"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "${@:-tests/api}"
rc=$?

if ((rc != 0)); then
	echo "api-test: service logs (last lines):" >&2
	tail -n 30 "$HEARTH_RUN_DIR"/logs/*.log >&2 2>/dev/null
fi
# The logs stay in the run directory; the cluster (as root, outside it) goes.
(hearth_env_init && hearth_stack_discard) >/dev/null 2>&1

# With services built under sanitizers (HEARTH_BIN_DIR=build/san/bin), any
# report in their logs fails the run, even when every request was answered.
if grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$HEARTH_RUN_DIR"/logs/*.log 2>/dev/null; then
	grep -hE -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$HEARTH_RUN_DIR"/logs/*.log >&2
	echo "api-test: sanitizer reports in the service logs" >&2
	echo "api-test: 0 passed, 1 failed"
	rc=1
fi
exit $rc
