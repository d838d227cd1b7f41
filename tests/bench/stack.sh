# Sourced by the benchmark scripts: start a throwaway stack of the named
# services with the local runner, on free ports, with the gateway's rate limit
# off (it would measure itself), and stop it again when the script exits.
#
#   bench_stack_up 'providers|placements'
#
# With HEARTH_BENCH_KEEP set the stack is left running at exit (to EXPLAIN
# against its data). Needs HEARTH_RUN_DIR and pgbin set and deploy/local/lib.sh sourced. Leaves
# stack.env's variables, `gateway` (its URL) and admin_psql (psql as the
# cluster's superuser) for the caller.

bench_stop_stack() {
	deploy/local/stop.sh >/dev/null 2>&1 || true
}

bench_on_exit() {
	local rc=$?
	if [ -n "${HEARTH_BENCH_KEEP:-}" ]; then
		echo "bench: the stack in $HEARTH_RUN_DIR keeps running (HEARTH_BENCH_KEEP);" \
			"HEARTH_RUN_DIR=$HEARTH_RUN_DIR deploy/local/stop.sh stops it" >&2
		exit "$rc"
	fi
	# The next bench loads its rows afresh: its cluster (up to a gigabyte)
	# goes; the logs stay.
	deploy/local/lib.sh stack-discard >/dev/null 2>&1 || true
	rm -f "$HEARTH_SERVICES_FILE"
	exit "$rc"
}

admin_psql() { "$pgbin/psql" -d "$HEARTH_ADMIN_DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 "$@"; }

bench_stack_up() { # <extended regex of service names>
	# Only the measured services run, so a bench does not depend on the
	# others being built.
	export HEARTH_SERVICES_FILE=$HEARTH_RUN_DIR.services
	grep -E "^($1) " deploy/services.txt >"$HEARTH_SERVICES_FILE"
	bench_stop_stack
	rm -rf "$HEARTH_RUN_DIR"
	mkdir -p "$HEARTH_RUN_DIR"
	trap bench_on_exit EXIT
	trap 'exit 130' INT TERM

	hearth_env_init
	HEARTH_GATEWAY_PORT=$(hearth_free_port)
	HEARTH_PG_PORT=$(hearth_free_port)
	export HEARTH_GATEWAY_PORT HEARTH_PG_PORT
	local name _port
	while read -r name _port; do
		export "HEARTH_PORT_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')=$(hearth_free_port)"
	done < <(hearth_services)
	export HEARTH_RATE_LIMIT_RPS=0

	echo "bench: starting a stack in $HEARTH_RUN_DIR"
	if ! HEARTH_DETACH=1 deploy/local/run.sh >"$HEARTH_RUN_DIR/run.log" 2>&1; then
		cat "$HEARTH_RUN_DIR/run.log" >&2
		exit 1
	fi
	# shellcheck disable=SC1091
	source "$HEARTH_RUN_DIR/stack.env"
	gateway=http://127.0.0.1:$HEARTH_GATEWAY_PORT
}

# bench_pgbench <service> <script>: pgbench running the script as the
# service's own role ($conns clients, $duration s, prepared statements), its
# output on stdout; exits the bench when pgbench fails (its figures would lie).
bench_pgbench() {
	local out
	out=$(PGOPTIONS="-c search_path=$1,hearth,public" "$pgbin/pgbench" -n -M prepared \
		-c "$conns" -j 2 -T "$duration" -f "$2" "$(hearth_service_url "$1")" 2>&1) || {
		printf '%s\n' "$out" >&2
		exit 1
	}
	printf '%s\n' "$out"
}
# pgbench_tps / pgbench_latency <output>: its transactions/s and average ms.
pgbench_tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$1" | head -n1; }
pgbench_latency() { sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$1"; }
