#!/usr/bin/env bash
# test_push_sets.sh - a batch chunk stored set-based (upsert_placements_set,
# placements migration 015) answers and writes exactly what the item-by-item
# loop (upsert_placements, 010) does, against a throwaway PostgreSQL with the
# real migrations of providers, placements and qa.
#
# Each case runs one chunk twice over the same committed rows, each time in a
# transaction rolled back afterwards: once through the loop, once through the
# set-based function. The two must give the same per-item results (outcome,
# placement, version, SQLSTATE, constraint), the same audit rows in the same
# order, the same outbox events (each placement's in the same order) and the
# same rows afterwards; ids are compared by the references they belong to.
# Each case also says whether the set-based function must fall back to the
# loop (it says so at DEBUG level), so a case meant for the set-based path
# cannot pass by quietly taking the loop.
#
# The set-based path checks the insert rules for a whole chunk and runs as the
# set writer role, for which the row triggers of INSERT do not fire
# (migration 020); the guards at the end check that only its one function
# runs as that role and that the service role cannot become it, and that the
# placements.placement.started events (built in one pass, 021) carry
# placement_doc() of their rows, and the document the reads build in their
# own statement (placement_doc_of with placement_distance, 041).
#
# Uses the local runner's PostgreSQL functions on HEARTH_TEST_PG_PORT (or a
# free port) in a private run directory, removed again on exit. Prints
# "N passed, N failed" and exits non-zero on a failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=$repo/build/dbtest-push-sets
export HEARTH_SERVICES_FILE=$HEARTH_RUN_DIR.services
tenant=00000000-0000-4000-a000-00000000ce01
council=00000000-0000-4000-a001-00000000ce02
consortium=00000000-0000-4000-a001-00000000ce08
provider=00000000-0000-4000-a002-00000000ce03
stopped=00000000-0000-4000-a002-00000000ce04
setting=00000000-0000-4000-a003-00000000ce05
stopped_setting=00000000-0000-4000-a003-00000000ce06
other_setting=00000000-0000-4000-a003-00000000ce07
passed=0 failed=0

holder_pid=
cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null
	{ exec 3>&-; } 2>/dev/null
	hearth_stack_discard >/dev/null 2>&1 || true
	rm -rf "$HEARTH_RUN_DIR" "$HEARTH_SERVICES_FILE"
}
trap cleanup EXIT

make -s build/bin/hearthctl >/dev/null || { echo "test_push_sets: hearthctl does not build"; exit 1; }
rm -rf "$HEARTH_RUN_DIR"
grep -E '^(providers|placements|qa) ' deploy/services.txt >"$HEARTH_SERVICES_FILE"
hearth_env_init
HEARTH_PG_PORT=${HEARTH_TEST_PG_PORT:-$(hearth_free_port)}
export HEARTH_PG_PORT
hearth_pg_init && hearth_pg_start >/dev/null || { echo "test_push_sets: PostgreSQL did not start"; exit 1; }
hearth_migrate
admin() { "$HEARTH_PGBIN/psql" -d "$(hearth_admin_url)" -XAtq -v ON_ERROR_STOP=1 "$@"; }
service() { "$HEARTH_PGBIN/psql" -d "$(hearth_service_url placements)" -XAtq -v ON_ERROR_STOP=1 "$@"; }
hearth_ctl tenant create --name "Push sets" --slug push-sets --id "$tenant" >/dev/null ||
	{ echo "test_push_sets: tenant not created"; exit 1; }
admin <<SQL || { echo "test_push_sets: rows not created"; exit 1; }
INSERT INTO providers.organisations (id, tenant_id, kind, name, code) VALUES
    ('$council', '$tenant', 'local_authority', 'Push Council', 'PSC'),
    ('$consortium', '$tenant', 'consortium', 'Push Consortium', 'PSX');
INSERT INTO providers.providers (id, tenant_id, name, provider_types, ownership) VALUES
    ('$provider', '$tenant', 'Open Homes', '{childrens_home}', 'private'),
    ('$stopped', '$tenant', 'Stopped Homes', '{childrens_home}', 'private');
INSERT INTO providers.settings (id, tenant_id, provider_id, name, regulator, setting_type) VALUES
    ('$setting', '$tenant', '$provider', 'Open House', 'ofsted', 'childrens_home'),
    ('$other_setting', '$tenant', '$provider', 'Other House', 'ofsted', 'childrens_home'),
    ('$stopped_setting', '$tenant', '$stopped', 'Stopped House', 'ofsted', 'childrens_home');
INSERT INTO qa.placement_stops (tenant_id, provider_id, reason, effective_from, issued_by_org_id)
VALUES ('$tenant', '$stopped', 'Inadequate judgement', '2024-01-01', '$council');
SQL

# item <ref> <child> <birth_month> <start> [extra JSON members]: one payload.
item() {
	printf '{"external_ref": "%s", "child": {"local_ref": "%s", "birth_month": "%s", "gender": "female", "legal_status": "s20"}, "placement_type": "residential", "provision": "external", "provider_id": "%s", "setting_id": "%s", "start_date": "%s"%s}' \
		"$1" "$2" "$3" "$provider" "$setting" "$4" "${5:+, $5}"
}
# chunk <item>...: the JSON array.
chunk() { local IFS=,; printf '[%s]' "$*"; }

# The request's organisation: the council, unless a case names another.
org=$council
context() {
	cat <<SQL
SELECT set_config('hearth.tenant_id', '$tenant', true),
       set_config('hearth.org_id', '$org', true),
       set_config('hearth.sub', 'push-sets-test', true),
       set_config('hearth.request_id', 'push-sets-req', true);
SQL
}

# What a push answered and wrote, ids replaced by references.
observed="
SELECT 'result', r.item_ord, r.item_outcome, p.external_ref, r.item_version, r.item_sqlstate,
       r.item_constraint
  FROM pg_temp.results r LEFT JOIN placements.placements p ON p.id = r.item_id ORDER BY 2;
SELECT 'audit', a.resource, coalesce(p.external_ref, c.local_ref), a.status, a.method, a.sub,
       a.request_id, a.service
  FROM audit.events a
  LEFT JOIN placements.placements p ON a.resource = 'placement' AND p.id::text = a.resource_id
  LEFT JOIN placements.children c ON a.resource = 'child' AND c.id::text = a.resource_id
 WHERE a.path = '/push-sets' ORDER BY a.id;
SELECT 'event', p.external_ref, o.type,
       row_number() OVER (PARTITION BY o.subject_id ORDER BY o.seq),
       o.payload - '{id,child_id,created_at,updated_at,stop_id,placement_id,overridden_by}'::text[]
  FROM placements.outbox o JOIN placements.placements p ON p.id = o.subject_id
 WHERE o.xid = pg_current_xact_id() ORDER BY 2, 4;
SELECT 'started event not the document', p.external_ref
  FROM placements.outbox o JOIN placements.placements p ON p.id = o.subject_id
 WHERE o.xid = pg_current_xact_id() AND o.type = 'placements.placement.started'
   AND o.payload IS DISTINCT FROM placements.placement_doc(p);
SELECT 'started event not the document read in a statement (041)', p.external_ref
  FROM placements.outbox o JOIN placements.placements p ON p.id = o.subject_id
  LEFT JOIN LATERAL placements.placement_distance(p.tenant_id, p.org_id, p.setting_id) AS g ON true
 WHERE o.xid = pg_current_xact_id() AND o.type = 'placements.placement.started'
   AND o.payload IS DISTINCT FROM placements.placement_doc_of(p, g.miles, g.radius);
SELECT 'placement', p.external_ref, c.local_ref, p.provider_id, p.setting_id, p.start_date,
       p.end_date, p.end_reason, p.weekly_cost_pence, p.stop_override_reason,
       p.overridden_stop_id IS NOT NULL, p.version
  FROM placements.placements p JOIN placements.children c ON c.id = p.child_id ORDER BY 2;
SELECT 'child', c.local_ref, c.birth_month, c.gender, c.legal_status, c.version
  FROM placements.children c ORDER BY 2;"

# run_push <function> <chunk>: what it answered and wrote, then DEBUG lines.
# The push runs as the service role; what it wrote is read back as the
# administrator (the audit log is not the service's to read).
run_push() {
	admin 2>&1 <<SQL
BEGIN;
CREATE TEMP TABLE results (item_ord integer, item_outcome text, item_id uuid,
    item_child_id uuid, item_version bigint, item_sqlstate text, item_constraint text)
    ON COMMIT DROP;
GRANT INSERT ON results TO hearth_placements;
SET LOCAL ROLE hearth_placements;
$(context)
SET LOCAL client_min_messages = debug1;
INSERT INTO results
    SELECT * FROM placements.$1('$2'::jsonb, '$tenant', '$org', 'POST', '/push-sets');
SET LOCAL client_min_messages = notice;
RESET ROLE;
SET LOCAL search_path = placements, hearth, public;
$observed
ROLLBACK;
SQL
}

# rows <output>: the observed rows of a run (DEBUG messages, with their
# context lines, come and go with the session's catalog caches).
rows() { grep -E "^(result|audit|event|started event not the document|placement|child)\|" <<<"$1"; }

# case_same <name> <fallback: yes|no> <chunk>
case_same() {
	local name=$1 want_fallback=$2 loop set fell=no
	loop=$(run_push upsert_placements "$3")
	set=$(run_push upsert_placements_set "$3")
	grep -q 'upsert_placements_set: .* item by item' <<<"$set" && fell=yes
	if [ "$(rows "$loop")" = "$(rows "$set")" ] &&
		[ "$fell" = "$want_fallback" ] && ! grep -q '^ERROR' <<<"$set$loop" &&
		! grep -q '^started event not the document' <<<"$set$loop"; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAILED: $name (fell back: $fell, expected $want_fallback)"
		diff <(rows "$loop") <(rows "$set") | head -n 40
		grep -A3 '^ERROR' <<<"$set$loop" | head -n 8
		failed=$((failed + 1))
	fi
}

# The committed rows every case starts from: three children, four
# placements (one ended), pushed through the loop and committed.
base=$(chunk "$(item S-1 C-1 2010-03 2023-01-10 '"end_date": "2023-06-30", "end_reason": "planned"')" \
	"$(item S-2 C-1 2010-03 2023-07-01)" \
	"$(item S-3 C-2 2011-05 2023-02-01 '"end_date": "2023-12-31", "end_reason": "planned", "weekly_cost_pence": 450000')" \
	"$(item S-4 C-3 2012-08 2023-03-01)")
service >/dev/null <<SQL || { echo "test_push_sets: base rows not pushed"; exit 1; }
BEGIN;
$(context)
SELECT count(*) FROM placements.upsert_placements('$base'::jsonb, '$tenant', '$council');
COMMIT;
SQL

case_same "new placements and children, one child named twice alike" no \
	"$(chunk "$(item N-1 K-1 2013-01 2024-02-01 '"end_date": "2024-03-01", "end_reason": "planned"')" \
		"$(item N-2 K-1 2013-01 2024-03-02)" "$(item N-3 K-2 2014-02 2024-02-05)" \
		"$(item N-4 C-2 2011-05 2024-01-01)")"
case_same "the stored rows pushed again unchanged" no "$base"
case_same "changed placements, a changed child, unchanged and new items" no \
	"$(chunk "$(item S-3 C-2 2011-05 2023-02-01 '"end_date": "2023-12-31", "end_reason": "planned", "weekly_cost_pence": 470000')" \
		"$(item S-4 C-3 2012-09 2023-03-01)" \
		"$(item S-2 C-1 2010-03 2023-07-01 '"end_date": "2024-01-31", "end_reason": "breakdown_child"')" \
		"$(item N-5 K-5 2015-06 2024-04-01)")"
case_same "a child with two placements: its details and one's cost changed" no \
	"$(chunk "$(item S-1 C-1 2010-02 2023-01-10 '"end_date": "2023-06-30", "end_reason": "planned"')" \
		"$(item S-2 C-1 2010-02 2023-07-01 '"weekly_cost_pence": 380000')")"
case_same "a child's details changed with its placement unchanged" no \
	"$(chunk "$(item S-4 C-3 2012-07 2023-03-01)")"
case_same "an overlapping new placement among good ones" yes \
	"$(chunk "$(item N-6 K-6 2013-01 2024-02-01)" "$(item N-7 C-1 2010-03 2024-01-01)" \
		"$(item N-8 K-8 2013-01 2024-02-01)")"
case_same "two new placements of one child overlapping each other" yes \
	"$(chunk "$(item N-9 K-9 2013-01 2024-02-01)" "$(item N-10 K-9 2013-01 2024-03-01)")"
case_same "a setting of another provider" yes \
	"$(chunk "$(item N-11 K-11 2013-01 2024-02-01)" \
		"$(item N-12 K-12 2013-01 2024-02-01 "\"setting_id\": \"$stopped_setting\"")")"
case_same "one child named twice with different details" yes \
	"$(chunk "$(item N-13 K-13 2013-01 2024-02-01)" "$(item N-14 K-13 2013-02 2024-06-01)")"
case_same "an update and a new placement of one child" yes \
	"$(chunk "$(item S-2 C-1 2010-03 2023-07-01 '"end_date": "2023-12-31", "end_reason": "planned"')" \
		"$(item N-15 C-1 2010-03 2024-01-01)")"
case_same "a stored placement moved to another child" yes \
	"$(chunk "$(item S-4 C-2 2011-05 2025-03-01)")"
case_same "a new placement at a stopped provider without a reason" yes \
	"$(chunk "$(item N-16 K-16 2013-01 2024-02-01)" \
		"$(item N-17 K-17 2013-01 2024-02-01 "\"provider_id\": \"$stopped\", \"setting_id\": \"$stopped_setting\"")")"
case_same "a new placement at a stopped provider with a reason" no \
	"$(chunk "$(item N-18 K-18 2013-01 2024-02-01)" \
		"$(item N-19 K-19 2013-01 2024-02-01 "\"provider_id\": \"$stopped\", \"setting_id\": \"$stopped_setting\", \"stop_override_reason\": \"Sibling placed there\"")")"
stopped_at="\"provider_id\": \"$stopped\", \"setting_id\": \"$stopped_setting\""
case_same "placements at a stopped provider that start before the stop" no \
	"$(chunk "$(item N-30 K-30 2013-01 2023-10-01 "$stopped_at")" \
		"$(item N-31 K-31 2013-01 2023-12-31 "$stopped_at")")"
case_same "a stopped provider: one placement before the stop, one after it with a reason" no \
	"$(chunk "$(item N-32 K-32 2013-01 2023-12-01 "$stopped_at")" \
		"$(item N-33 K-33 2013-01 2024-03-01 "$stopped_at, \"stop_override_reason\": \"Urgent\"")")"
case_same "a stopped provider: one before the stop with a reason, one after it without" yes \
	"$(chunk "$(item N-34 K-34 2013-01 2023-12-01 "$stopped_at, \"stop_override_reason\": \"Kept\"")" \
		"$(item N-35 K-35 2013-01 2024-03-01 "$stopped_at")")"
case_same "a child 26 or over at the start" yes \
	"$(chunk "$(item N-20 K-20 1990-01 2024-02-01)")"
case_same "a setting of the same provider: another house" no \
	"$(chunk "$(item N-21 K-21 2013-01 2024-02-01 "\"setting_id\": \"$other_setting\"")")"
case_same "a stop reason where no stop is in force is not kept" no \
	"$(chunk "$(item N-22 K-22 2013-01 2024-02-01 '"stop_override_reason": "Just in case"')")"
case_same "a child born in the future" yes \
	"$(chunk "$(item N-23 K-23 2013-01 2024-02-01)" \
		"$(item N-24 K-24 "$(($(date +%Y) + 1))-01" 2024-02-01)")"
case_same "a setting without a provider" yes \
	"$(chunk "$(item N-25 K-25 2013-01 2024-02-01 '"provision": "internal", "provider_id": null')")"
case_same "an unknown provider" yes \
	"$(chunk "$(item N-26 K-26 2013-01 2024-02-01 \
		'"provider_id": "00000000-0000-4000-a002-0000000000ff", "setting_id": null')")"
case_same "two new placements of a stored child, one after the other" no \
	"$(chunk "$(item N-27 C-2 2011-05 2024-01-01 '"end_date": "2024-03-01", "end_reason": "planned"')" \
		"$(item N-28 C-2 2011-05 2024-03-02)")"
org=$consortium
case_same "a consortium records no children" yes "$(chunk "$(item N-29 K-29 2013-01 2024-02-01)")"
org=$council

# A concurrent push stores a reference of the chunk and commits while the
# set-based push waits on it: the set-based INSERT meets the unique key, the
# chunk falls back, and the loop answers it (the stored item unchanged, the
# other created), as it would have on its own.
concurrent_reference() {
	local holder_in=$HEARTH_RUN/holder.in holder_out=$HEARTH_RUN/holder.out out waited=no
	local chunk_text pusher
	rm -f "$holder_in"
	mkfifo "$holder_in"
	: >"$holder_out"
	service <"$holder_in" >"$holder_out" 2>&1 &
	holder_pid=$!
	exec 3>"$holder_in"
	{
		echo "BEGIN;"
		context
		echo "SELECT count(*) FROM placements.upsert_placements('$(chunk "$(item M-1 MC-1 2013-01 2024-02-01)")'::jsonb, '$tenant', '$council');"
		echo "SELECT 'pushed';"
	} >&3
	for _ in $(seq 1 100); do
		grep -q '^pushed$' "$holder_out" && break
		sleep 0.1
	done
	chunk_text=$(chunk "$(item M-1 MC-1 2013-01 2024-02-01)" "$(item M-2 MC-2 2013-01 2024-02-01)")
	run_push upsert_placements_set "$chunk_text" >"$HEARTH_RUN/pusher.out" 2>&1 &
	pusher=$!
	for _ in $(seq 1 100); do
		[ "$(admin -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
		               AND query LIKE '%upsert_placements_set%'")" = 1 ] && { waited=yes; break; }
		sleep 0.1
	done
	echo "COMMIT;" >&3
	exec 3>&-
	wait "$holder_pid"
	holder_pid=
	wait "$pusher"
	out=$(cat "$HEARTH_RUN/pusher.out")
	[ "$waited" = yes ] && grep -q 'item by item (23505' <<<"$out" &&
		grep -q '^result|1|unchanged|M-1|1||$' <<<"$out" &&
		grep -q '^result|2|created|M-2|1||$' <<<"$out" ||
		{ printf 'waited: %s\n%s\n' "$waited" "$(rows "$out"; grep DEBUG <<<"$out")"; false; }
}
if concurrent_reference; then
	echo "ok: a reference stored meanwhile by a concurrent push"
	passed=$((passed + 1))
else
	echo "FAILED: a reference stored meanwhile by a concurrent push"
	failed=$((failed + 1))
fi

# guard <name> <expected> <command...>: the command's output is exactly expected.
guard() {
	local out
	out=$("${@:3}" 2>&1)
	if [ "$out" = "$2" ]; then
		echo "ok: $1"
		passed=$((passed + 1))
	else
		echo "FAILED: $1 (got: $out)"
		failed=$((failed + 1))
	fi
}
writer=hearth_placements_set_writer
guard "only store_push_chunk runs as the set writer, pinned" \
	'store_push_chunk|t|{"search_path=pg_catalog, pg_temp",enable_seqscan=off,enable_bitmapscan=off}' \
	admin -F '|' -c "SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc p
	                 WHERE p.proowner = '$writer'::regrole"
guard "the service role cannot become the set writer, nor log in as it" "f|f" \
	admin -F '|' -c "SELECT pg_has_role('hearth_placements', '$writer', 'MEMBER'), r.rolcanlogin
	                 FROM pg_roles r WHERE r.rolname = '$writer'"
# The service's own INSERT of an overlapping placement (C-1 has S-2 from
# 2023-07-01, open) still meets the row trigger.
guard "the insert rules still hold for the service role" "NOTICE:  refused: placements_no_overlap" \
	service -o /dev/null -c "BEGIN;
$(context)
DO \$\$
DECLARE
    c text;
BEGIN
    INSERT INTO placements.placements (tenant_id, org_id, child_id, external_ref,
                                       placement_type, provision, start_date)
    SELECT '$tenant', '$council', c.id, 'D-1', 'fostering', 'internal', '2024-01-01'
    FROM placements.children c WHERE c.local_ref = 'C-1';
    RAISE NOTICE 'stored';
EXCEPTION WHEN exclusion_violation THEN
    GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME;
    RAISE NOTICE 'refused: %', c;
END
\$\$;
ROLLBACK;" -c "" 

echo "test_push_sets: $passed passed, $failed failed"
((failed == 0))
