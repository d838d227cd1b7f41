#!/usr/bin/env bash
# The README's `make run` from a clone in a fresh `mktemp -d` folder (mode 700,
# like /root): the stack must start on free ports, answer /readyz and an
# authenticated request with the token it prints, stop with `make stop`, and a
# second `make run` must find the same PostgreSQL cluster. Catches a runner
# that puts files where the `postgres` user or the gateway's workers cannot
# reach them. Between the two runs the demo is changed as someone trying it
# would (its placement stop lifted): the second run seeds the demo again and
# must still start.
#
# The copy is of the working tree (tracked and new files, as a clone of it
# would be once committed); it builds its own binaries. Everything it creates
# is removed again. Prints "fresh-clone: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0
dir=$(mktemp -d)
repo=$dir/repo
log=$dir/run.log

check() { # <description> <command...>
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "fresh-clone: FAILED: $what" >&2
	fi
}

cleanup() {
	if [ -d "$repo" ]; then
		(cd "$repo" && deploy/local/lib.sh stack-discard >/dev/null 2>&1)
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

start() { # start the stack detached, on free ports; its output in $log
	(cd "$repo" && HEARTH_DETACH=1 make -s run) >"$log" 2>&1 && return 0
	cat "$log" >&2
	tail -n 20 "$repo"/.run/logs/*.log >&2 2>/dev/null
	return 1
}

# The demo's placement stop at Pen y Lodge lifted, as a QA officer would
# after a monitoring visit (the seed acknowledges it for one council).
lift_demo_stop() {
	(cd "$repo" && HEARTH_RUN_DIR=$repo/.run hearth_env_init && "$HEARTH_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "$(hearth_admin_url)" -c "UPDATE qa.placement_stops SET status = 'lifted',
		    lifted_on = current_date, lift_reason = 'Monitoring visit found improvement.'
		  WHERE id = '00000000-0000-4000-8000-000000110001' AND status = 'in_force'")
}

status() { # <url> [token]: the HTTP status
	local auth=()
	[ -z "${2:-}" ] || auth=(-H "Authorization: Bearer $2")
	curl -s -o /dev/null -m 10 -w '%{http_code}' "${auth[@]}" "$1"
}

mkdir "$repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$repo"
# The npm tools `make deps` would install; the stack does not use them.
[ -d "$root/tests/node_modules" ] && ln -s "$root/tests/node_modules" "$repo/tests/node_modules"

source "$root/deploy/local/lib.sh"
export HEARTH_GATEWAY_PORT HEARTH_PG_PORT
HEARTH_GATEWAY_PORT=$(hearth_free_port)
HEARTH_PG_PORT=$(hearth_free_port)
while read -r name _port; do
	export "HEARTH_PORT_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')=$(hearth_free_port)"
done < <(HEARTH_SERVICES_FILE=$repo/deploy/services.txt hearth_services)
gw=http://127.0.0.1:$HEARTH_GATEWAY_PORT
echo "fresh-clone: make run in $repo (mode $(stat -c %a "$dir"))"

if check "make run starts the stack" start; then
	token=$(grep -o 'Bearer [^"]*' "$log" | head -n1 | cut -d' ' -f2)
	data=$(grep -o 'data in [^)]*' "$log")
	check "/readyz answers 200" [ "$(status "$gw/readyz")" = 200 ]
	check "the printed token is accepted" [ "$(status "$gw/v1/organisations" "$token")" = 200 ]
	check "the demo's stop can be lifted" lift_demo_stop
	(cd "$repo" && make -s stop) >/dev/null 2>&1
	check "make stop stops it" [ "$(status "$gw/healthz")" = 000 ]
	if check "a second make run starts" start; then
		check "the second run reuses the cluster" \
			bash -c '! grep -q "creating the PostgreSQL cluster" "$1" && grep -qF "$2" "$1"' _ "$log" "$data"
		check "the second run is ready" [ "$(status "$gw/readyz")" = 200 ]
	fi
fi
echo "fresh-clone: $passed passed, $failed failed"
((failed == 0))
