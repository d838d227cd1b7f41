#!/usr/bin/env bash
# Start the local Hearth stack (`make run`): PostgreSQL, migrations and demo
# data, every service in deploy/services.txt, and the gateway. Prints a token
# and a curl command, then waits; Ctrl-C stops what this script started.
# HEARTH_DETACH=1 starts the stack and returns; `make stop` stops it.
# Settings: see deploy/local/lib.sh.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hearth_env_init

started_pg=0
started_gateway=0
started_names=()
started_pids=()

cleanup() {
	local rc=$? i
	trap '' INT TERM
	((rc == 0)) || hearth_log "exiting with status $rc; logs are in $HEARTH_RUN/logs"
	((started_gateway)) && hearth_gateway_stop
	for ((i = ${#started_names[@]} - 1; i >= 0; i--)); do
		hearth_service_stop "${started_names[i]}"
	done
	((started_pg)) && hearth_pg_stop
	hearth_log "stopped"
}
on_signal() {
	echo >&2
	hearth_log "stopping"
	exit 0
}

# ---- checks before touching anything ----
[ -x "$HEARTH_BIN/hearthctl" ] || hearth_die "$HEARTH_BIN/hearthctl not found; run make first"
services=()
while read -r name port; do
	[ -x "$HEARTH_BIN/hearth-$name" ] || hearth_die "$HEARTH_BIN/hearth-$name not found; run make first"
	services+=("$name $port")
done < <(hearth_services)
((${#services[@]})) || hearth_die "$HEARTH_SERVICES_FILE lists no service"
command -v nginx >/dev/null || hearth_die "nginx not found (make deps)"

if hearth_stack_running; then
	hearth_die "a Hearth stack is already running from $HEARTH_RUN; stop it with make stop${HEARTH_RUN_DIR:+ (HEARTH_RUN_DIR=$HEARTH_RUN_DIR)}"
fi
hearth_require_port "$HEARTH_GATEWAY_PORT" gateway HEARTH_GATEWAY_PORT
if [ -n "${HEARTH_TLS_CERT:-}" ]; then
	hearth_require_port "${HEARTH_TLS_PORT:-8443}" "gateway TLS" HEARTH_TLS_PORT
fi
for entry in "${services[@]}"; do
	read -r name port <<<"$entry"
	hearth_require_port "$port" "$name" "HEARTH_PORT_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')"
done
rm -f "$HEARTH_RUN/stopping"

trap cleanup EXIT
trap on_signal INT TERM

# ---- start ----
hearth_keys
hearth_pg_start
started_pg=1
hearth_log "PostgreSQL on port $(hearth_pg_port); applying migrations"
hearth_migrate
hearth_seed_demo

for entry in "${services[@]}"; do
	read -r name port <<<"$entry"
	hearth_service_start "$name" "$port"
	started_names+=("$name")
	started_pids+=("$HEARTH_LAST_PID")
done
for i in "${!services[@]}"; do
	read -r name port <<<"${services[i]}"
	hearth_service_wait "$name" "$port" "${started_pids[i]}" || exit 1
	hearth_log "$name ready on port $port"
done

hearth_gateway_start
started_gateway=1
hearth_write_stack_env
token=$(hearth_token) || hearth_die "hearthctl token failed"

rel=${HEARTH_RUN#"$PWD"/}
gw=http://localhost:$HEARTH_GATEWAY_PORT
cat <<EOF

Hearth is running (run directory $rel).
  Gateway     $gw  (health $gw/healthz, readiness $gw/readyz)
  API docs    $gw/docs/  (try a call: Authorize with the token below)
EOF
for entry in "${services[@]}"; do
	read -r name port <<<"$entry"
	printf '  %-11s http://127.0.0.1:%s  (metrics /metrics)\n' "$name" "$port"
done
cat <<EOF
  PostgreSQL  psql "$(hearth_admin_url)"
              (data in $HEARTH_PGDATA)
  Logs        $rel/logs/

Try it, as a commissioner of the demo council (token valid 8 hours):

curl -H "Authorization: Bearer $token" $gw/v1/organisations

EOF

if [ "${HEARTH_DETACH:-0}" = 1 ]; then
	trap - EXIT INT TERM
	echo "Started in the background; stop it with: ${HEARTH_RUN_DIR:+HEARTH_RUN_DIR=$HEARTH_RUN_DIR }make stop"
	exit 0
fi
echo "Press Ctrl-C to stop (or run make stop elsewhere)."

# ---- wait, watching what we started ----
gateway_pid=$(cat "$HEARTH_RUN/pids/gateway.pid")
while :; do
	sleep 1 &
	wait $! || true
	for i in "${!started_names[@]}"; do
		name=${started_names[i]}
		hearth_pid_is "${started_pids[i]}" "hearth-$name" && continue
		[ -e "$HEARTH_RUN/stopping" ] && exit 0
		hearth_log "$name exited unexpectedly; see $HEARTH_RUN/logs/$name.log"
		exit 1
	done
	if ! hearth_pid_is "$gateway_pid" "$(hearth_gateway_dir)/"; then
		[ -e "$HEARTH_RUN/stopping" ] && exit 0
		hearth_log "the gateway exited unexpectedly; see $HEARTH_RUN/logs/gateway-error.log"
		exit 1
	fi
done
