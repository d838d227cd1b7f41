#!/usr/bin/env bash
# First pushes into a young database (run alone, or by tests/bench/run.sh):
# a fresh stack with only the demo data, a new tenant whose council has never
# pushed, and these batches through the gateway, each 10,000 items:
#   1. two councils of two tenants pushing 200 items each at the same time,
#      into tables that hold a few dozen rows: the time of each, and of both
#      together (when neither waits for the other, both take about as long as
#      one);
#   2. a third council's first push, 10,000 items (all created), into tables
#      of a few hundred rows and no statistics of its organisation;
#   3. the same push again (all unchanged);
#   4. a fourth council's first push, issued at once while the tables have
#      10,000 fresh rows that autovacuum may not have analysed yet.
# Then what autovacuum did (pg_stat_user_tables) and the plans of the per-item
# lookups. Prints figures; never fails on absolute times, only when the stack
# cannot start or a push answers errors.
#
# Settings: HEARTH_BENCH_YOUNG_DIR [build/bench-young].
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=${HEARTH_BENCH_YOUNG_DIR:-$root/build/bench-young}
pgbin=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
tenant_a=00000000-0000-4000-b000-00000000ae01
tenant_b=00000000-0000-4000-b000-00000000ae02
council_a1=00000000-0000-4000-b001-0000000000a1
council_a2=00000000-0000-4000-b001-0000000000a2
council_a3=00000000-0000-4000-b001-0000000000a3
council_b1=00000000-0000-4000-b001-0000000000b1
provider_prefix=00000000-0000-4000-b002-
setting_prefix=00000000-0000-4000-b003-

# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
bench_stack_up 'providers|placements'

for t in "$tenant_a:a" "$tenant_b:b"; do
	hearth_ctl tenant create --name "Young ${t#*:}" --slug "young-${t#*:}" --id "${t%%:*}" >/dev/null
done
admin_psql <<SQL
INSERT INTO providers.organisations (id, tenant_id, kind, name, code) VALUES
    ('$council_a1', '$tenant_a', 'local_authority', 'Young Council A1', 'YA1'),
    ('$council_a2', '$tenant_a', 'local_authority', 'Young Council A2', 'YA2'),
    ('$council_a3', '$tenant_a', 'local_authority', 'Young Council A3', 'YA3'),
    ('$council_b1', '$tenant_b', 'local_authority', 'Young Council B1', 'YB1');
INSERT INTO providers.providers (id, tenant_id, name, provider_types, ownership)
SELECT ('$provider_prefix' || lpad(to_hex(v), 12, '0'))::uuid, '$tenant_a',
       format('Young Care %s', v), ARRAY['childrens_home'], 'private'
FROM generate_series(1, 20) AS v;
INSERT INTO providers.settings (id, tenant_id, provider_id, name, regulator, urn, setting_type,
    registered_places)
SELECT ('$setting_prefix' || lpad(to_hex(s), 12, '0'))::uuid, '$tenant_a',
       ('$provider_prefix' || lpad(to_hex((s - 1) / 5 + 1), 12, '0'))::uuid,
       format('Young Home %s', s), 'ciw', format('YOUNG-%s', s), 'childrens_home', 6
FROM generate_series(1, 100) AS s;
SQL

token() { hearth_ctl token --tenant "$1" --org "$2" --roles integration --sub bench --ttl 3600; }
token_a1=$(token "$tenant_a" "$council_a1")
token_a2=$(token "$tenant_a" "$council_a2")
token_a3=$(token "$tenant_a" "$council_a3")
token_b1=$(token "$tenant_b" "$council_b1")

# batch <file> <count> <ref prefix> <with providers 0|1>
batch() {
	python3 - "$@" "$setting_prefix" "$provider_prefix" <<'PY'
import json, sys
out, count, prefix, external, setting_prefix, provider_prefix = sys.argv[1:7]
items = []
for i in range(int(count)):
    item = {"external_ref": f"{prefix}-{i}",
            "child": {"local_ref": f"{prefix}C-{i}", "birth_month": f"{2008 + i % 10}-{1 + i % 12:02d}",
                      "gender": ("female", "male", "other", "unknown")[i % 4],
                      "legal_status": "full_care_order"},
            "placement_type": "fostering", "provision": "internal", "sourcing": "in_house",
            "start_date": f"{2018 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "weekly_cost_pence": 40000 + i}
    if external == "1" and i % 2:
        s = 1 + i % 100
        item.update(provision="external", placement_type="residential", sourcing="spot",
                    provider_id=f"{provider_prefix}{(s - 1) // 5 + 1:012x}",
                    setting_id=f"{setting_prefix}{s:012x}")
    items.append(item)
json.dump({"items": items}, open(out, "w"))
PY
}
# push <token> <file> <expected outcome> <count>: prints seconds
push() {
	local out code secs
	out=$(curl -s -o "$2.out" -w '%{http_code} %{time_total}' -X POST \
		-H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		--data-binary "@$2" "$gateway/v1/placements/batch")
	read -r code secs <<<"$out"
	python3 - "$2.out" "$3" "$code" "$4" <<'PY' || exit 1
import collections, json, sys
path, expect, code, count = sys.argv[1:5]
body = json.load(open(path))
seen = collections.Counter(r["outcome"] for r in body.get("results", []))
if code != "200" or seen != {expect: int(count)}:
    sys.exit(f"bench: batch answered {code} with {dict(seen) or body}")
PY
	echo "$secs"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

dir=$HEARTH_RUN_DIR
batch "$dir/a3.json" 200 YA3 0
batch "$dir/b1.json" 200 YB1 0
batch "$dir/a1.json" 10000 YA1 1
batch "$dir/a2.json" 10000 YA2 0
echo "bench: tenants A and B push 200 items each at the same time"
t0=$(date +%s.%N)
push "$token_a3" "$dir/a3.json" created 200 >"$dir/par-a" &
pid_a=$!
push "$token_b1" "$dir/b1.json" created 200 >"$dir/par-b" &
pid_b=$!
wait "$pid_a" && wait "$pid_b"
both=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "bench: first push of council A1 (10,000 items)"
first=$(push "$token_a1" "$dir/a1.json" created 10000)
echo "bench: the same push again"
again=$(push "$token_a1" "$dir/a1.json" unchanged 10000)
echo "bench: first push of council A2 (10,000 items), at once"
second=$(push "$token_a2" "$dir/a2.json" created 10000)

echo
echo "Hearth placements, first pushes into a young database: $(nproc) CPUs"
printf '%-58s %s\n' "tenants A and B at once, 200 items each: A / B / both" \
	"$(cat "$dir/par-a") s / $(cat "$dir/par-b") s / $both s"
printf '%-58s %s\n' "council A1 first push, 10,000 items (all created)" \
	"$first s, $(rate 10000 "$first") rows/s"
printf '%-58s %s\n' "council A1 re-push, 10,000 items (all unchanged)" \
	"$again s, $(rate 10000 "$again") rows/s"
printf '%-58s %s\n' "council A2 first push, 10,000 items, right after" \
	"$second s, $(rate 10000 "$second") rows/s"
echo
echo "statistics of the tables now:"
admin_psql -F ' ' <<'SQL'
SELECT relname, n_live_tup, coalesce(to_char(last_analyze, 'HH24:MI:SS'), '-') AS last_analyze,
       coalesce(to_char(last_autoanalyze, 'HH24:MI:SS'), '-') AS last_autoanalyze
FROM pg_stat_user_tables WHERE schemaname = 'placements' AND relname IN ('children', 'placements')
ORDER BY relname;
SQL
