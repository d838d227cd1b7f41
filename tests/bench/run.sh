#!/usr/bin/env bash
# Benchmarks (`make bench`): start a throwaway stack with the local runner, load
# a tenant of 10,000 providers, and measure with wrk and pgbench:
#   1. GET /healthz on the service port and through the gateway;
#   2. authenticated GET /v1/providers/{id} (rotating ids) through the gateway
#      and on the service port, alternating with the Fastify peer
#      (../shared/bench-peers/fastify, or HEARTH_BENCH_PEER_DIR: Fastify + pg +
#      jose on the same rows with the same token; its npm packages go under
#      build/) round after round (A B A B), medians and ratios printed; and
#      pgbench running the same read (BEGIN READ ONLY, hearth.begin_request:
#      the RLS context and the organisation's standing, the route's statement,
#      COMMIT, pipelined into one round trip as the service does) as the
#      service's own role, and the same without the standing check;
#   3. filtered lists of 50 providers through the gateway (status; a common
#      and a rare q, p50/p99), and the plans of the q lists;
#   4. resident memory of hearth-providers idle and under load;
#   5. then placements.sh, batch_memory.sh (peak and settled memory of
#      hearth-placements for a 10,000-item batch and 8 concurrent 32 MB bodies)
#      and alerts.sh (commit-to-alert latency, catch-up, hearth-alerts memory);
#   6. webhooks.sh: webhook deliveries/s to a local receiver and their latency.
# Prints figures and a table; never fails on absolute times, only when the
# stack cannot start or a run answers errors (then the figures would lie).
#
# Settings: HEARTH_BENCH_DIR [build/bench-stack], HEARTH_BENCH_DURATION [15] s
# per run, HEARTH_BENCH_CONNECTIONS [64], HEARTH_BENCH_THREADS [2] wrk threads,
# HEARTH_BENCH_PROVIDERS [10000], HEARTH_BENCH_ROUNDS [2] A B rounds of the
# provider read, HEARTH_BENCH_ONLY [all] `providers` stops after this stack
# (no placements or batch memory runs). The service keeps its shipped settings
# (HEARTH_DB_POOL_SIZE etc. may be exported to try others).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_DIR:-$root/build/bench-stack}
duration=${HEARTH_BENCH_DURATION:-15}
conns=${HEARTH_BENCH_CONNECTIONS:-64}
threads=${HEARTH_BENCH_THREADS:-2}
n_providers=${HEARTH_BENCH_PROVIDERS:-10000}
rounds=${HEARTH_BENCH_ROUNDS:-2}
only=${HEARTH_BENCH_ONLY:-all}
peer_src=${HEARTH_BENCH_PEER_DIR:-$root/../shared/bench-peers/fastify}
peer_dir=$root/build/bench-peer-fastify
lua=$root/tests/bench/request.lua
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
# Bench rows have ids <prefix><12 hex digits of n>, so wrk and pgbench can name
# any of them without a lookup table.
tenant=00000000-0000-4000-b000-00000000be01
org=00000000-0000-4000-b000-00000000be02
id_prefix=00000000-0000-4000-b000-

command -v wrk >/dev/null || { echo "bench: wrk not found (make deps)" >&2; exit 1; }
[ -x "$pgbin/pgbench" ] || { echo "bench: pgbench not found in $pgbin" >&2; exit 1; }

# The peer's packages, installed once under build/ (never beside its source).
peer_ready=
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "bench: node or npm not found: the Fastify peer is skipped"
elif [ ! -r "$peer_src/server.js" ]; then
	echo "bench: no Fastify peer at $peer_src: it is skipped"
else
	mkdir -p "$peer_dir"
	cp "$peer_src/server.js" "$peer_src/package.json" "$peer_dir/"
	if [ -d "$peer_dir/node_modules/fastify" ] ||
		(cd "$peer_dir" && npm install --no-audit --no-fund --silent >npm.log 2>&1); then
		peer_ready=1
	else
		echo "bench: npm install of the Fastify peer failed ($peer_dir/npm.log): it is skipped"
	fi
fi

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers'
direct=http://127.0.0.1:$HEARTH_PORT_PROVIDERS
svc_pid=$(head -n1 "$HEARTH_RUN_DIR/pids/providers.pid")

# ---- data ----------------------------------------------------------------------
echo "bench: loading $n_providers providers into a bench tenant"
hearth_ctl tenant create --name "Bench consortium" --slug bench --id "$tenant" >/dev/null
admin_psql <<SQL
INSERT INTO providers.organisations (id, tenant_id, kind, name, code)
VALUES ('$org', '$tenant', 'local_authority', 'Bench County Council', 'BENCH001');
-- Every fifth provider suspended or closed, names "Bench Provider 00042 ...",
-- so the status and name filters have something to do.
INSERT INTO providers.providers (id, tenant_id, name, legal_name, provider_types, ownership,
    status, address_line1, address_town, address_postcode, contact_name, contact_email,
    lead_org_id, created_at)
SELECT ('$id_prefix' || lpad(to_hex(n), 12, '0'))::uuid, '$tenant',
       format('Bench Provider %s %s', lpad(n::text, 5, '0'),
              (ARRAY['Care', 'Fostering', 'Homes', 'Living', 'Futures'])[1 + n % 5]),
       format('Bench Provider %s Ltd', lpad(n::text, 5, '0')),
       CASE WHEN n % 3 = 0 THEN ARRAY['fostering_agency'] ELSE ARRAY['childrens_home'] END,
       CASE WHEN n % 7 = 0 THEN 'voluntary' ELSE 'private' END,
       CASE n % 10 WHEN 3 THEN 'suspended' WHEN 7 THEN 'closed' ELSE 'active' END,
       format('%s High Street', 1 + n % 200), 'Benchton', 'CF10 1AA',
       'Registered Manager', format('manager%s@example.org', n), '$org',
       now() - make_interval(secs => $n_providers - n)
FROM generate_series(1, $n_providers) AS n;
ANALYZE providers.providers;
SQL
token=$(hearth_ctl token --tenant "$tenant" --org "$org" --roles viewer --sub bench --ttl 3600)

probe=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
	"$gateway/v1/providers/${id_prefix}000000000001")
[ "$probe" = 200 ] || { echo "bench: probe GET /v1/providers/{id} answered $probe" >&2; exit 1; }

# ---- measuring -----------------------------------------------------------------
declare -A rps p50 p99 failed
order=()

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$svc_pid/status"; }

# run_wrk <label> <base-url> <path> [rotate]: wrk for $duration s, results into the maps.
run_wrk() {
	local label=$1 url=$2 path=$3 rotate=${4:-} out line
	echo "bench: $label"
	out=$(BENCH_TOKEN=${BENCH_TOKEN:-} BENCH_PATH=$path BENCH_ID_PREFIX=$id_prefix \
		BENCH_ID_COUNT=$([ -n "$rotate" ] && echo "$n_providers" || echo 0) \
		wrk -t "$threads" -c "$conns" -d "${duration}s" --latency -s "$lua" "$url")
	printf '%s\n' "$out" | sed -n '/Latency Distribution/,/Requests\/sec/p' | sed 's/^/    /'
	line=$(printf '%s\n' "$out" | grep '^BENCH ')
	rps[$label]=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$line")
	p50[$label]=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
	p99[$label]=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
	failed[$label]=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
	order+=("$label")
}

rss_idle=$(rss_kb)

BENCH_TOKEN='' run_wrk "healthz, service port" "$direct" /healthz
BENCH_TOKEN='' run_wrk "healthz, gateway (nginx answers)" "$gateway" /healthz

export BENCH_TOKEN=$token

peer_pid=
peer_url=
stop_peer() { [ -z "$peer_pid" ] || kill "$peer_pid" 2>/dev/null || true; }
trap 'rc=$?; stop_peer; (exit "$rc"); bench_on_exit' EXIT
if [ -n "$peer_ready" ]; then
	peer_port=$(hearth_free_port)
	# The superuser bypasses row-level security: the peer filters on the
	# token's tenant in its query instead, as its README says.
	(cd "$peer_dir" && PGHOST=$(hearth_pg_sockdir) PGPORT=$(hearth_pg_port) PGUSER=postgres \
		PGDATABASE=hearth PGOPTIONS="-c search_path=providers,hearth,public" \
		PEER_SQL='SELECT providers.provider_doc(p) FROM providers.providers p WHERE p.id = $1 AND p.tenant_id = $2::uuid' \
		PEER_PUBKEY=$HEARTH_RUN_DIR/keys/dev-es256.pub.pem PEER_ISS=hearth-dev PEER_AUD=hearth-api \
		PEER_PORT=$peer_port exec node server.js >"$HEARTH_RUN_DIR/logs/peer.log" 2>&1) &
	peer_pid=$!
	peer_url=http://127.0.0.1:$peer_port
	for _ in $(seq 50); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
			"$peer_url/v1/providers/${id_prefix}000000000001")" = 200 ] && break
		sleep 0.2
	done
	probe=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
		"$peer_url/v1/providers/${id_prefix}000000000001")
	[ "$probe" = 200 ] || { echo "bench: the Fastify peer answered $probe ($HEARTH_RUN_DIR/logs/peer.log)" >&2; exit 1; }
fi

# A B A B: Hearth through the gateway, the peer, Hearth on its own port, so a
# neighbour's load on this machine falls on both sides alike.
for round in $(seq 1 "$rounds"); do
	if [ "$round" = 1 ]; then
		# Sample the service's memory half-way through the gateway run.
		( sleep $((duration / 2)); rss_kb >"$HEARTH_RUN_DIR/rss_load" ) &
		sampler=$!
	fi
	run_wrk "GET provider, gateway #$round" "$gateway" /v1/providers/ rotate
	[ "$round" != 1 ] || wait "$sampler" || true
	[ -z "$peer_url" ] || run_wrk "GET provider, Fastify peer #$round" "$peer_url" /v1/providers/ rotate
	run_wrk "GET provider, service port #$round" "$direct" /v1/providers/ rotate
done
stop_peer
peer_pid=
rss_load=$(cat "$HEARTH_RUN_DIR/rss_load" 2>/dev/null || echo "?")

# median <label prefix> <map name>: the median over the rounds.
median() {
	local -n m=$2
	local i
	for ((i = 1; i <= rounds; i++)); do key="$1 #$i"; echo "${m[$key]:-}"; done |
		awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "?";
			else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for side in gateway "Fastify peer" "service port"; do
	label="GET provider, $side"
	key="$label #1"
	[ -n "${rps[$key]:-}" ] || continue
	rps[$label]=$(median "$label" rps)
	p50[$label]=$(median "$label" p50)
	p99[$label]=$(median "$label" p99)
	sum=0
	for ((i = 1; i <= rounds; i++)); do
		key="$label #$i"
		sum=$((sum + ${failed[$key]:-0}))
	done
	failed[$label]=$sum
	order+=("$label")
done
medians_of="median of $rounds"

# pgbench runs the service's own transaction, statement for statement: BEGIN
# READ ONLY, hearth.begin_request() (the RLS context and the organisation's
# standing, db_pool.c), the route's statement (providers_repo.c), COMMIT,
# pipelined into one round trip as the service sends them. A second run sets
# the context alone (set_config, no standing check), to show what that check
# costs the database.
echo "bench: pgbench, the same read as hearth_providers ($conns clients, -j 2)"
pg_id="('$id_prefix' || lpad(to_hex(:n::integer), 12, '0'))::uuid"
cat >"$HEARTH_RUN_DIR/provider_get.sql" <<SQL
\\set n random(1, $n_providers)
\\startpipeline
BEGIN READ ONLY;
SELECT hearth.begin_request('$tenant', '$org', 'bench', 'viewer', 'bench');
SELECT provider_doc(p), p.version FROM providers p WHERE p.id = $pg_id;
COMMIT;
\\endpipeline
SQL
cat >"$HEARTH_RUN_DIR/provider_get_context_only.sql" <<SQL
\\set n random(1, $n_providers)
\\startpipeline
BEGIN READ ONLY;
SELECT set_config('hearth.tenant_id', '$tenant', true), set_config('hearth.org_id', '$org', true), set_config('hearth.sub', 'bench', true), set_config('hearth.roles', 'viewer', true), set_config('hearth.request_id', 'bench', true);
SELECT provider_doc(p), p.version FROM providers p WHERE p.id = $pg_id;
COMMIT;
\\endpipeline
SQL
pg_out=$(bench_pgbench providers "$HEARTH_RUN_DIR/provider_get.sql") || exit 1
printf '%s\n' "$pg_out" | grep -E 'latency average|tps =|failed' | sed 's/^/    /'
pg_tps=$(pgbench_tps "$pg_out")
pg_lat=$(pgbench_latency "$pg_out")
pg_ctx_out=$(bench_pgbench providers "$HEARTH_RUN_DIR/provider_get_context_only.sql") || exit 1
pg_ctx_tps=$(pgbench_tps "$pg_ctx_out")
pg_failed=$(printf '%s\n' "$pg_out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')

run_wrk "list 50, status=active, gateway" "$gateway" "/v1/providers?status=active&limit=50"
# A common substring (a fifth of the names) fills the page early; a rare one
# (10 names) makes every request scan the whole tenant.
run_wrk "list 50, q=fostering, gateway" "$gateway" "/v1/providers?q=fostering&limit=50"
run_wrk "list 50, q=0420 (rare), gateway" "$gateway" "/v1/providers?q=0420&limit=50"

# The plans of the two q lists: provider_search of providers_repo.c (kept in
# step with it here) and, nested in it, the page found by
# provider_search_page() (013), through auto_explain (loaded as the
# superuser), run as hearth_providers in the bench organisation's request
# context; single-node plans (provider_doc's lookups) are left out.
explain_q() { # <q>
	admin_psql 2>&1 <<SQL |
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET ROLE hearth_providers;
SET search_path = providers, hearth, public;
BEGIN READ ONLY;
SELECT hearth.begin_request('$tenant', '$org', 'bench', 'viewer', 'bench') \\g /dev/null
SET LOCAL client_min_messages = notice;
SELECT provider_doc(p), hearth.sort_ts(p.created_at), p.id FROM providers p
WHERE p.id IN (SELECT s.id FROM provider_search_page('$1', NULL, NULL, NULL, NULL, NULL, 51) AS s)
ORDER BY p.created_at, p.id \\g /dev/null
COMMIT;
SQL
		awk '/plan:$/ { if (n > 1) printf "%s", block; block = ""; n = 0; skip = 1; next }
		     skip && !/\(cost=/ { next } { skip = 0 }
		     /^ *(->|[A-Z])/ && !/Buffers|Planning|I\/O|Filter|Cond|Key|Sort Method|Rows Removed|Output|Batches|Memory|Worker|Hits|Recheck|Heap Blocks/ {
		         sub(/ \(cost=[0-9.]*\.\.[0-9.]* rows=[0-9]* width=[0-9]*\)/, "");
		         sub(/ \(actual time=[0-9.]*\.\./, " (");
		         sub(/ loops=1\)/, ")");
		         block = block "      " $0 "\n"; n++ }
		     END { if (n > 1) printf "%s", block }'
}
{
	echo "EXPLAIN (ANALYZE, BUFFERS) as hearth_providers (auto_explain: the page's search,"
	echo "then the list that reads it):"
	for q in fostering 0420; do
		echo "  list 50, q=$q"
		explain_q "$q"
	done
} >"$HEARTH_RUN_DIR/providers-explain.txt" 2>&1 || true

# ---- report --------------------------------------------------------------------
echo
echo "Hearth benchmarks: $(nproc) CPUs, ${duration} s per run, $conns connections, $threads wrk threads,"
echo "$n_providers providers in the bench tenant, gateway rate limit off"
printf '%-36s %12s %10s %10s %8s\n' "run" "requests/s" "p50 ms" "p99 ms" "errors"
for label in "${order[@]}"; do
	printf '%-36s %12s %10s %10s %8s\n' "$label" "${rps[$label]}" "${p50[$label]}" \
		"${p99[$label]}" "${failed[$label]}"
done
printf '%-36s %12.1f %10s %10s %8s\n' "pgbench, same read (transactions/s)" "$pg_tps" \
	"avg $pg_lat" "" "${pg_failed:-?}"
printf '%-36s %12.1f\n' "pgbench, context only, no standing" "$pg_ctx_tps"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo
echo "GET provider ($medians_of rounds, A B A B):"
if [ -n "$peer_url" ]; then
	echo "GET provider, gateway / Fastify peer: $(ratio "${rps[GET provider, gateway]}" "${rps[GET provider, Fastify peer]}")"
else
	echo "GET provider, gateway / Fastify peer: skipped (no peer)"
fi
echo "GET provider, service port / pgbench: $(ratio "${rps[GET provider, service port]}" "$pg_tps")"
echo "GET provider, gateway / pgbench:      $(ratio "${rps[GET provider, gateway]}" "$pg_tps")"
echo "pgbench, the standing check's share:  $(ratio "$pg_tps" "$pg_ctx_tps") of the context-only rate"
echo "hearth-providers RSS: idle ${rss_idle} kB, under load ${rss_load} kB"
echo
cat "$HEARTH_RUN_DIR/providers-explain.txt"
for label in "${order[@]}"; do
	if [ "${failed[$label]:-0}" != 0 ]; then
		echo "bench: \"$label\" had ${failed[$label]} failed requests; its figures are not valid" >&2
		exit 1
	fi
done

# The placements figures: their own stack (1,000,000 placements), after this one
# stops (kept instead, with HEARTH_BENCH_KEEP, when this is the only stack).
[ "$only" = providers ] && [ -n "${HEARTH_BENCH_KEEP:-}" ] && exit 0
bench_stop_stack
[ "$only" != providers ] || exit 0
"$root/tests/bench/placements.sh"

# Batch memory: its own small stack, after the placements one stops.
"$root/tests/bench/batch_memory.sh"

# Alerts: latency from an event's commit to its alerts, catch-up, memory.
"$root/tests/bench/alerts.sh"

# Webhook throughput and latency: its own stack with every service.
"$root/tests/bench/webhooks.sh"
