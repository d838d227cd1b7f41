#!/usr/bin/env bash
# Placements benchmarks (run by tests/bench/run.sh, or alone): start a
# throwaway stack with the local runner, load one tenant of 150 councils with
# 500,000 children and 1,000,000 placements directly in SQL, and measure:
#   1. POST /v1/placements/batch with 10,000 items through the gateway: the
#      first push (all created) and the same push again (all unchanged), rows/s;
#   2. GET /v1/reports/sufficiency p50 for one council and for the whole tenant
#      (consortium token), when the endpoint exists; and the tenant's document
#      in SQL from the kept counts (what the service runs) and from the rows
#      (the computation before them), A B A B;
#   3. a filtered list page (/v1/placements?status=active&limit=50), p50/p99;
#      with the plans (EXPLAIN ANALYZE, BUFFERS) of 2.'s tenant-wide report and
#      of this list;
#   4. authenticated GET /v1/placements/{id} requests/s at 64 connections, and
#      its ratio to pgbench running the same read as hearth_placements;
#   5. quality assurance over the same placements (tests/bench/qa.sh): the cost
#      of the placement-stop check on a 10,000-item first push, the whole
#      tenant's GET /v1/risk, /v1/visits/due and /v1/reg44-reports/missing
#      (p50/p99), the plans of risk's parts, and hearth-qa's resident memory.
# Prints figures; never fails on absolute times, only when the stack cannot
# start or a run answers errors (then its figures would lie).
#
# Settings: HEARTH_BENCH_PLACEMENTS_DIR [build/bench-placements],
# HEARTH_BENCH_DURATION [10] s per wrk run, HEARTH_BENCH_CONNECTIONS [64],
# HEARTH_BENCH_THREADS [2], HEARTH_BENCH_CHILDREN [500000] (two placements each),
# HEARTH_BENCH_SETTINGS [10000] (five per provider), HEARTH_BENCH_ONLY=qa (load
# the data, then measure only the quality-assurance figures), HEARTH_BENCH_KEEP=1
# (leave the stack running afterwards, for EXPLAIN; deploy/local/stop.sh with
# the same HEARTH_RUN_DIR stops it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_PLACEMENTS_DIR:-$root/build/bench-placements}
duration=${HEARTH_BENCH_DURATION:-10}
conns=${HEARTH_BENCH_CONNECTIONS:-64}
threads=${HEARTH_BENCH_THREADS:-2}
n_children=${HEARTH_BENCH_CHILDREN:-500000}
n_councils=150
n_settings=${HEARTH_BENCH_SETTINGS:-10000}
n_providers=$(((n_settings + 4) / 5))
only=${HEARTH_BENCH_ONLY:-}
lua=$root/tests/bench/request.lua
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
# Bench rows have ids <prefix><12 hex digits of n>, so wrk and pgbench can name
# any of them without a lookup table. Child m (1..n_children) belongs to council
# (m-1)/per_council+1 and has placements 2m-1 (ended) and 2m (active for three
# children in five), so council 1 owns placements 1..2*per_council.
tenant=00000000-0000-4000-b000-00000000be11
consortium=00000000-0000-4000-b000-00000000be12
org_prefix=00000000-0000-4000-b001-
provider_prefix=00000000-0000-4000-b002-
setting_prefix=00000000-0000-4000-b003-
child_prefix=00000000-0000-4000-b004-
placement_prefix=00000000-0000-4000-b005-
per_council=$(((n_children + n_councils - 1) / n_councils))
council1=${org_prefix}000000000001

command -v wrk >/dev/null || { echo "bench: wrk not found (make deps)" >&2; exit 1; }
[ -x "$pgbin/pgbench" ] || { echo "bench: pgbench not found in $pgbin" >&2; exit 1; }

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers|placements|qa'

# ---- data ----------------------------------------------------------------------
echo "bench: loading $n_councils councils, $n_children children, $((2 * n_children)) placements"
load_start=$(date +%s.%N)
hearth_ctl tenant create --name "Bench placements consortium" --slug bench-placements \
	--id "$tenant" >/dev/null
admin_psql <<SQL
-- Councils around south Wales, each with a centre and a local radius.
INSERT INTO providers.organisations (id, tenant_id, kind, name, code, centre_lat, centre_lon,
    local_radius_miles)
SELECT ('$org_prefix' || lpad(to_hex(c), 12, '0'))::uuid, '$tenant', 'local_authority',
       format('Bench Council %s', c), format('BENCH%s', lpad(c::text, 4, '0')),
       51.2 + (c % 15) * 0.08, -4.2 + (c / 15) * 0.15, 15 + c % 10
FROM generate_series(1, $n_councils) AS c;
INSERT INTO providers.organisations (id, tenant_id, kind, name, code)
VALUES ('$consortium', '$tenant', 'consortium', 'Bench Consortium Team', 'BENCHCONS');
-- Providers with 5 settings each, spread over the same area; every fifth
-- setting a fostering service, the others children's homes.
INSERT INTO providers.providers (id, tenant_id, name, provider_types, ownership)
SELECT ('$provider_prefix' || lpad(to_hex(v), 12, '0'))::uuid, '$tenant',
       format('Bench Care %s', v), ARRAY['childrens_home', 'fostering_agency'], 'private'
FROM generate_series(1, $n_providers) AS v;
INSERT INTO providers.settings (id, tenant_id, provider_id, name, regulator, urn, setting_type,
    registered_places, location_lat, location_lon)
SELECT ('$setting_prefix' || lpad(to_hex(s), 12, '0'))::uuid, '$tenant',
       ('$provider_prefix' || lpad(to_hex((s - 1) / 5 + 1), 12, '0'))::uuid,
       format('Bench Home %s', s), 'ciw', format('BENCH-%s', s),
       CASE WHEN s % 5 = 0 THEN 'fostering_service' ELSE 'childrens_home' END, 6,
       51.1 + (s % 20) * 0.06, -4.4 + (s % 300 / 20) * 0.12
FROM generate_series(1, $n_settings) AS s;

-- Bulk load: row triggers off (the placement-started events, the no-overlap
-- check and the foreign-key checks; the generated rows are consistent by
-- construction: each child's two placements follow one another). Unique
-- constraints still hold, and so do the sufficiency report's kept counts
-- (placements 030: statement triggers enabled ALWAYS).
SET session_replication_role = replica;
INSERT INTO placements.children (id, tenant_id, org_id, local_ref, birth_month, gender,
    legal_status, created_at)
SELECT ('$child_prefix' || lpad(to_hex(m), 12, '0'))::uuid, '$tenant',
       ('$org_prefix' || lpad(to_hex((m - 1) / $per_council + 1), 12, '0'))::uuid,
       format('BC%s', m), make_date(2006 + m % 17, 1 + m % 12, 1),
       (ARRAY['female', 'male', 'other', 'unknown'])[1 + m % 4],
       (ARRAY['s20', 'full_care_order', 'interim_care_order', 'placement_order', 'remand',
              'other'])[1 + m % 6],
       now() - make_interval(secs => $n_children - m)
FROM generate_series(1, $n_children) AS m;
-- Placement 2m-1 ended; placement 2m started the day after, still active for
-- three children in five. Two in three are external, at a setting of its provider.
-- One ended placement in eleven broke down (the QA instability rule counts those).
INSERT INTO placements.placements (id, tenant_id, org_id, child_id, external_ref, provider_id,
    setting_id, placement_type, provision, sourcing, start_date, end_date, end_reason,
    weekly_cost_pence, created_at)
SELECT ('$placement_prefix' || lpad(to_hex(2 * m - 1 + k), 12, '0'))::uuid, '$tenant',
       ('$org_prefix' || lpad(to_hex((m - 1) / $per_council + 1), 12, '0'))::uuid,
       ('$child_prefix' || lpad(to_hex(m), 12, '0'))::uuid,
       format('BP%s', 2 * m - 1 + k),
       CASE WHEN (m + k) % 3 <> 0 THEN ('$provider_prefix' || lpad(to_hex(s / 5 + 1), 12, '0'))::uuid END,
       CASE WHEN (m + k) % 3 <> 0 THEN ('$setting_prefix' || lpad(to_hex(s + 1), 12, '0'))::uuid END,
       (ARRAY['fostering', 'residential', 'supported_accommodation', 'residential_school',
              'other'])[1 + (m + k) % 5],
       CASE WHEN (m + k) % 3 <> 0 THEN 'external' ELSE 'internal' END,
       CASE WHEN (m + k) % 3 <> 0 THEN 'spot' ELSE 'in_house' END,
       d.start_date, d.end_date,
       CASE WHEN d.end_date IS NULL THEN NULL WHEN m % 11 = 0 THEN 'breakdown_provider'
            ELSE 'planned' END,
       30000 + (m % 50) * 10000,
       now() - make_interval(secs => 2 * ($n_children - m) + 1 - k)
FROM generate_series(1, $n_children) AS m
CROSS JOIN generate_series(0, 1) AS k
CROSS JOIN LATERAL (SELECT (m * 7 + k * 3) % $n_settings AS s) AS pick
CROSS JOIN LATERAL (SELECT
       CASE k WHEN 0 THEN date '2016-01-01' + (m % 2500) ELSE date '2016-01-01' + (m % 2500) + 400 END
           AS start_date,
       CASE WHEN k = 0 THEN date '2016-01-01' + (m % 2500) + 399
            WHEN m % 5 < 3 THEN NULL
            ELSE date '2016-01-01' + (m % 2500) + 400 + 200 + m % 300 END AS end_date) AS d;
SET session_replication_role = origin;
-- Vacuumed as well as analysed, as after any bulk load: otherwise autovacuum
-- takes the million new rows and their sixteen indexes while the pushes below
-- are timed (pg_stat_user_tables showed its vacuum of placements ending during
-- them), and on two cores those figures would share the load's clean-up.
VACUUM (ANALYZE) providers.organisations, providers.providers, providers.settings;
VACUUM (ANALYZE) placements.children, placements.placements, placements.sufficiency_open;
SQL
load_s=$(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "bench: loaded and vacuumed in ${load_s} s"

council_token=$(hearth_ctl token --tenant "$tenant" --org "$council1" --roles integration \
	--sub bench --ttl 3600)
consortium_token=$(hearth_ctl token --tenant "$tenant" --org "$consortium" --roles viewer \
	--sub bench --ttl 3600)
probe=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $council_token" \
	"$gateway/v1/placements/${placement_prefix}000000000001")
[ "$probe" = 200 ] || { echo "bench: probe GET /v1/placements/{id} answered $probe" >&2; exit 1; }

# ---- 1. batch pushes -------------------------------------------------------------
# make_batch <file> <tag>: 10,000 new items (references PUSH<tag>-i, children
# PUSH<tag>C-i), every other one external at an even-numbered setting of 1..300.
make_batch() {
	python3 - "$1" "$2" "$setting_prefix" "$provider_prefix" <<'PY'
import json, sys
out, tag, setting_prefix, provider_prefix = sys.argv[1:5]
items = []
for i in range(10000):
    item = {"external_ref": f"PUSH{tag}-{i}",
            "child": {"local_ref": f"PUSH{tag}C-{i}", "birth_month": f"{2008 + i % 10}-{1 + i % 12:02d}",
                      "gender": ("female", "male", "other", "unknown")[i % 4],
                      "legal_status": "full_care_order"},
            "placement_type": "fostering", "provision": "internal", "sourcing": "in_house",
            "start_date": f"{2018 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "weekly_cost_pence": 40000 + i}
    if i % 2:
        s = 1 + i % 300
        item.update(provision="external", placement_type="residential", sourcing="spot",
                    provider_id=f"{provider_prefix}{(s - 1) // 5 + 1:012x}",
                    setting_id=f"{setting_prefix}{s:012x}")
    items.append(item)
json.dump({"items": items}, open(out, "w"))
PY
}
# push <label> <expected outcome> [batch file]: POST the batch, check every
# result has the expected outcome, print the seconds it took.
push() {
	local label=$1 expect=$2 file=${3:-$HEARTH_RUN_DIR/batch.json} out code secs
	out=$(curl -s -o "$HEARTH_RUN_DIR/batch-$label.json" -w '%{http_code} %{time_total}' \
		-X POST -H "Authorization: Bearer $council_token" -H 'Content-Type: application/json' \
		--data-binary "@$file" "$gateway/v1/placements/batch")
	read -r code secs <<<"$out"
	python3 - "$HEARTH_RUN_DIR/batch-$label.json" "$expect" "$code" <<'PY' || exit 1
import collections, json, sys
path, expect, code = sys.argv[1:4]
body = json.load(open(path))
seen = collections.Counter(r["outcome"] for r in body.get("results", []))
if code != "200" or seen != {expect: 10000}:
    sys.exit(f"bench: batch answered {code} with {dict(seen) or body}")
PY
	echo "$secs"
}
rate() { awk -v s="$1" 'BEGIN { printf "%.0f", 10000 / s }'; }
if [ "$only" != qa ]; then
	make_batch "$HEARTH_RUN_DIR/batch.json" ""
	echo "bench: POST /v1/placements/batch, 10,000 items, first push"
	batch_first=$(push first created)
	echo "bench: the same batch again, three times"
	# One re-push's time varies by a tenth from run to run; three show the
	# spread (the first may also be the first batch on its pooled connection).
	batch_again=$(push again unchanged)
	batch_again2=$(push again2 unchanged)
	batch_again3=$(push again3 unchanged)
fi

# timed <token> <url> <n>: "p50 max" in ms of n sequential requests, or
# "status N" at the first answer that is not 200.
timed() {
	local token=$1 url=$2 n=$3 times=() i out code t
	for i in $(seq 1 "$n"); do
		out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" "$url")
		read -r code t <<<"$out"
		[ "$code" = 200 ] || { echo "status $code"; return; }
		times+=("$t")
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk -v n="$n" '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((n + 1) / 2)] * 1000, v[n] * 1000 }'
}
declare -A rps p50 p99 failed
# run_wrk <label> <path> <id count> [token] [connections]: wrk for $duration s
# through the gateway, results into the maps.
run_wrk() {
	local label=$1 path=$2 count=$3 token=${4:-$council_token} c=${5:-$conns} t out line
	t=$((c < threads ? c : threads))
	echo "bench: $label"
	out=$(BENCH_TOKEN=$token BENCH_PATH=$path BENCH_ID_PREFIX=$placement_prefix \
		BENCH_ID_COUNT=$count wrk -t "$t" -c "$c" -d "${duration}s" --latency \
		--timeout 10s -s "$lua" "$gateway")
	line=$(printf '%s\n' "$out" | grep '^BENCH ')
	rps[$label]=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$line")
	p50[$label]=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
	p99[$label]=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
	failed[$label]=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
}
check_failed() { # <label>...: exit when a wrk run answered errors
	local label
	for label in "$@"; do
		if [ "${failed[$label]:-0}" != 0 ]; then
			echo "bench: \"$label\" had ${failed[$label]} failed requests; its figures are not valid" >&2
			exit 1
		fi
	done
}

# plan_nodes [indent]: the plan's nodes from EXPLAIN (ANALYZE, BUFFERS) text on
# stdin, costs and per-node details dropped, those indented at most `indent`
# [20] columns, and its times.
plan_nodes() {
	awk -v deepest="${1:-20}" '/Execution Time|Planning Time|JIT:|Timing:/ { sub(/^ */, ""); print "      " $0; next }
	     /->/ { match($0, /^ */); if (RLENGTH > deepest) next }
	     /^ *(->|[A-Z])/ && !/Buffers|Planning|I\/O|Filter|Cond|Key|Sort Method|Rows Removed|Output|Batches|Memory|Worker|Hits|Functions|Options|Query Text|Recheck/ {
	         sub(/ \(cost=[0-9.]*\.\.[0-9.]* rows=[0-9]* width=[0-9]*\)/, "");
	         sub(/ \(actual time=[0-9.]*\.\./, " (");
	         sub(/ loops=1\)/, ")");
	         print "      " $0 }'
}
# list_statement: the list statement of placements_repo.c (placement_list;
# kept in step with it here), with its parameters $1..$10.
list_statement() {
	local filters="AND (\$1::uuid IS NULL OR p.child_id = \$1) AND (\$2::uuid IS NULL OR p.provider_id = \$2)
  AND (\$3::uuid IS NULL OR p.setting_id = \$3) AND (\$4::text IS NULL OR p.placement_type = \$4)
  AND (\$5::text IS NULL OR p.provision = \$5)
  AND (\$6::text IS NULL OR (\$6 = 'active') = (p.end_date IS NULL OR p.end_date >= current_date))
  AND (\$7::date IS NULL OR placement_active_on(p, \$7::date))
  AND (\$8::text IS NULL OR (p.created_at, p.id) > (hearth.from_sort_ts(\$8), \$9::uuid))"
	cat <<SQL
SELECT placement_doc_of(p, g.miles, g.radius), hearth.sort_ts(l.created_at), l.id FROM (
 (SELECT p.created_at, p.id FROM placements p
  WHERE p.tenant_id = hearth.current_tenant() AND p.org_id = hearth.current_org()
  $filters
  ORDER BY p.created_at, p.id LIMIT \$10)
 UNION ALL
 (SELECT p.created_at, p.id FROM placements p
  WHERE p.tenant_id = hearth.current_tenant() AND p.provider_id = (SELECT current_provider())
    AND p.org_id <> hearth.current_org()
  $filters
  ORDER BY p.created_at, p.id LIMIT \$10)
 ORDER BY 1, 2 LIMIT \$10) AS l JOIN placements p ON p.id = l.id
 LEFT JOIN LATERAL placement_distance(p.tenant_id, p.org_id, p.setting_id) AS g ON true
 ORDER BY l.created_at, l.id
SQL
}
# explain_list: the list statement with ?status=active&limit=50, as
# hearth_placements in council 1's request context, custom and generic plans
# (the service's prepared statement may use either).
explain_list() {
	"$pgbin/psql" -d "$(hearth_service_url placements)" -XAtq -v ON_ERROR_STOP=1 <<SQL
SET search_path = placements, hearth, public;
BEGIN READ ONLY;
SELECT hearth.begin_request('$tenant', '$council1', 'bench', 'integration', 'bench') \\g /dev/null
PREPARE list(uuid, uuid, uuid, text, text, text, date, text, uuid, int) AS
$(list_statement);
SET LOCAL plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE list(NULL, NULL, NULL, NULL, NULL, 'active', NULL, NULL, NULL, 51);
SET LOCAL plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE list(NULL, NULL, NULL, NULL, NULL, 'active', NULL, NULL, NULL, 51);
COMMIT;
SQL
}
# explain_sufficiency: the plan of the tenant-wide report's own query (dynamic
# SQL inside report_sufficiency(), so through auto_explain, as the cluster's
# superuser), in the consortium team's request context.
explain_sufficiency() {
	# Each statement run inside it logs its own plan (after its text); the
	# report's query has the longest.
	admin_psql 2>&1 <<SQL | awk '/plan:$/ { n++; next } n && !started[n] && !/\(cost=/ { next }
		n { started[n] = 1; block[n] = block[n] $0 "\n"; lines[n]++ }
		END { for (i = 1; i <= n; i++) if (lines[i] > lines[best]) best = i; printf "%s", block[best] }'
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
BEGIN READ ONLY;
SELECT hearth.begin_request('$tenant', '$consortium', 'bench', 'viewer', 'bench') \\g /dev/null
SET LOCAL client_min_messages = notice;
SELECT placements.report_sufficiency('2024-06-30') IS NOT NULL \\g /dev/null
COMMIT;
SQL
}

if [ "$only" != qa ]; then
	# ---- 2. sufficiency report -------------------------------------------------
	# The sufficiency report's p50 of 11, or "status N".
	report_p50() {
		local v
		v=$(timed "$1" "$gateway/v1/reports/sufficiency?as_at=2024-06-30" 11)
		echo "${v% *}"
	}
	suff_council=$(report_p50 "$council_token")
	suff_tenant=$(report_p50 "$consortium_token")
	# The same document in SQL, A B A B in one transaction: from the kept
	# counts (placements 030/031, what the service runs) and from the rows
	# (004's computation, kept as sufficiency_doc_from_rows); medians of 5 ms.
	suff_sql=$(admin_psql <<SQL
CREATE FUNCTION pg_temp.suff_ms(kind text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz := clock_timestamp();
    scope jsonb := jsonb_build_object('kind', 'tenant', 'tenant_id', '$tenant'::uuid);
BEGIN
    IF kind = 'kept' THEN
        PERFORM placements.sufficiency_doc('2024-06-30', '$tenant', NULL, scope);
    ELSE
        PERFORM placements.sufficiency_doc_from_rows('2024-06-30', '$tenant', NULL, scope);
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
\$\$;
SELECT string_agg(format('%s %s', kind, round(ms::numeric)), ' ' ORDER BY kind)
FROM (SELECT kind, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms
      FROM (SELECT r.kind, pg_temp.suff_ms(r.kind) AS ms
            FROM generate_series(1, 5) AS n CROSS JOIN unnest(ARRAY['kept', 'rows']) AS r(kind)
            ORDER BY n, r.kind) AS t
      GROUP BY kind) AS m;
SQL
)

	# ---- 3./4. lists and reads with wrk, and pgbench -------------------------------
	run_wrk list "/v1/placements?status=active&limit=50" 0
	{
		echo "EXPLAIN (ANALYZE, BUFFERS), as_at 2024-06-30 / today:"
		echo "  sufficiency, whole tenant (consortium): the report's query"
		explain_sufficiency | plan_nodes 44
		echo "  list ?status=active&limit=50, council 1 (custom plan, then generic)"
		explain_list | plan_nodes
	} >"$HEARTH_RUN_DIR/placements-explain.txt" 2>&1 || true
	run_wrk get /v1/placements/ $((2 * per_council))

	# The service's own transaction, statement for statement: BEGIN,
	# hearth.begin_request() (the RLS context and the organisation's standing),
	# the route's statement (placements_repo.c, kept in step with it here), the
	# read's audit row (audit.c), COMMIT. The
	# service waits for the document before it queues the audit row; here all
	# five go in one round trip.
	echo "bench: pgbench, the same read as hearth_placements ($conns clients, -j 2)"
	pg_id="'$placement_prefix' || lpad(to_hex(:n::int), 12, '0')"
	cat >"$HEARTH_RUN_DIR/placement_get.sql" <<SQL
\\set n random(1, $((2 * per_council)))
\\startpipeline
BEGIN;
SELECT hearth.begin_request('$tenant', '$council1', 'bench', 'integration', 'bench');
SELECT placement_doc_of(p, g.miles, g.radius), p.version FROM placements p LEFT JOIN LATERAL placement_distance(p.tenant_id, p.org_id, p.setting_id) AS g ON true WHERE p.id = ($pg_id)::uuid;
INSERT INTO audit.events (tenant_id, org_id, sub, method, path, resource, resource_id, status, request_id) VALUES ('$tenant', '$council1', 'bench', 'GET', '/v1/placements/' || $pg_id, 'placement', $pg_id, 200, 'bench');
COMMIT;
\\endpipeline
SQL
	pg_out=$(bench_pgbench placements "$HEARTH_RUN_DIR/placement_get.sql") || exit 1
	pg_tps=$(pgbench_tps "$pg_out")

	# The list page's transaction the same way (BEGIN, the context, the list
	# statement, its audit row, COMMIT), its parameters written in as
	# constants, as pgbench cannot send NULL parameters. The service runs
	# that page on its generic plan, made once per connection (a status is a
	# broad filter, hearth/resource.h), and pgbench plans its constants on
	# each call: if anything this favours the service, and what pgbench
	# reaches is the most the database answers of that page on this machine.
	echo "bench: pgbench, the list page's transaction ($conns clients, -j 2)"
	{
		echo '\startpipeline'
		echo 'BEGIN;'
		echo "SELECT hearth.begin_request('$tenant', '$council1', 'bench', 'integration', 'bench');"
		list_statement | perl -pe 'BEGIN { @v = (undef, "NULL::uuid", "NULL::uuid", "NULL::uuid",
			"NULL::text", "NULL::text", "'"'"'active'"'"'::text", "NULL::date", "NULL::text",
			"NULL::uuid", "51") } s/\$(\d+)/$v[$1]/g'
		echo ';'
		echo "INSERT INTO audit.events (tenant_id, org_id, sub, method, path, resource, resource_id, status, request_id) VALUES ('$tenant', '$council1', 'bench', 'GET', '/v1/placements', 'placement', NULL, 200, 'bench');"
		echo 'COMMIT;'
		echo '\endpipeline'
	} >"$HEARTH_RUN_DIR/placement_list.sql"
	pg_list_out=$(bench_pgbench placements "$HEARTH_RUN_DIR/placement_list.sql") || exit 1
	pg_list_tps=$(pgbench_tps "$pg_list_out")
	pg_list_lat=$(pgbench_latency "$pg_list_out")
fi

# ---- 5. quality assurance over the same placements ----------------------------------
# shellcheck source=tests/bench/qa.sh
source "$root/tests/bench/qa.sh"
qa_load
qa_measure

# ---- report --------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo
echo "Hearth placements benchmarks: $(nproc) CPUs; $n_councils councils, $n_children children,"
echo "$((2 * n_children)) placements at $n_settings settings of $n_providers providers loaded and vacuumed in ${load_s} s;"
echo "wrk ${duration} s, $conns connections"
if [ "$only" != qa ]; then
	printf '%-52s %s\n' "batch 10,000 items, first push (all created)" \
		"${batch_first} s, $(rate "$batch_first") rows/s"
	printf '%-52s %s\n' "batch 10,000 items, re-push (all unchanged)" \
		"${batch_again} s, $(rate "$batch_again") rows/s"
	printf '%-52s %s\n' "  the same re-push twice more" "${batch_again2} s, ${batch_again3} s"
	for scope in council tenant; do
		v=$([ "$scope" = council ] && echo "$suff_council" || echo "$suff_tenant")
		if [[ "$v" == status* ]]; then
			printf '%-52s %s\n' "sufficiency report, one $scope" "skipped: the endpoint answered ${v#status }"
		else
			printf '%-52s %s\n' "sufficiency report, one $scope, p50" "$v ms"
		fi
	done
	read -r _ kept_ms _ rows_ms <<<"$suff_sql"
	printf '%-52s %s\n' "sufficiency, whole tenant, in SQL, median of 5" \
		"kept counts ${kept_ms} ms / from the rows ${rows_ms} ms"
	printf '%-52s %s\n' "list ?status=active&limit=50, p50 / p99" \
		"${p50[list]} ms / ${p99[list]} ms (${rps[list]} requests/s)"
	printf '%-52s %s\n' "GET /v1/placements/{id}, gateway" \
		"${rps[get]} requests/s (p50 ${p50[get]} ms, p99 ${p99[get]} ms)"
	printf '%-52s %s\n' "pgbench, same read (transactions/s)" "$pg_tps"
	printf '%-52s %s\n' "GET placement, gateway / pgbench" "$(ratio "${rps[get]}" "$pg_tps")"
	printf '%-52s %s\n' "pgbench, the list page's transaction" \
		"$pg_list_tps transactions/s (latency average $pg_list_lat ms)"
	printf '%-52s %s\n' "list, gateway / pgbench" "$(ratio "${rps[list]}" "$pg_list_tps")"
	echo
	cat "$HEARTH_RUN_DIR/placements-explain.txt"
	check_failed list get
fi
qa_report
