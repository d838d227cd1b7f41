#!/usr/bin/env bash
# test_push_locks.sh - council pushes and table statistics, against a
# throwaway PostgreSQL with the real migrations (placements migration 005).
#
#   1. a push in progress (its transaction open, as the service role) holds no
#      lock that conflicts with itself on children or placements: no SHARE
#      UPDATE EXCLUSIVE (ANALYZE's) or stronger;
#   2. meanwhile another tenant's push, with lock_timeout set, goes through;
#   3. refresh_push_statistics() does not wait for a table another session
#      holds in SHARE UPDATE EXCLUSIVE mode (it skips it);
#   4. refresh_push_statistics() runs with search_path = pg_catalog, pg_temp.
#
# Uses the local runner's PostgreSQL functions on HEARTH_TEST_PG_PORT (or a
# free port) in a private run directory, removed again on exit. Prints
# "N passed, N failed" and exits non-zero on a failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=deploy/local/lib.sh
source deploy/local/lib.sh

export HEARTH_RUN_DIR=$repo/build/dbtest-push-locks
export HEARTH_SERVICES_FILE=$HEARTH_RUN_DIR.services
tenant_a=00000000-0000-4000-a000-00000000aa01
tenant_b=00000000-0000-4000-a000-00000000bb01
council_a=00000000-0000-4000-a001-00000000aa02
council_b=00000000-0000-4000-a001-00000000bb02
passed=0 failed=0
holder_pid=

cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null
	{ exec 3>&-; } 2>/dev/null
	hearth_stack_discard >/dev/null 2>&1 || true
	rm -rf "$HEARTH_RUN_DIR" "$HEARTH_SERVICES_FILE"
}
trap cleanup EXIT

check() { # <name> <command...>
	if "${@:2}"; then
		echo "ok: $1"
		passed=$((passed + 1))
	else
		echo "FAILED: $1"
		failed=$((failed + 1))
	fi
}

make -s build/bin/hearthctl >/dev/null || { echo "test_push_locks: hearthctl does not build"; exit 1; }
rm -rf "$HEARTH_RUN_DIR"
grep -E '^(providers|placements) ' deploy/services.txt >"$HEARTH_SERVICES_FILE"
hearth_env_init
HEARTH_PG_PORT=${HEARTH_TEST_PG_PORT:-$(hearth_free_port)}
export HEARTH_PG_PORT
hearth_pg_init && hearth_pg_start >/dev/null || { echo "test_push_locks: PostgreSQL did not start"; exit 1; }
hearth_migrate
admin() { "$HEARTH_PGBIN/psql" -d "$(hearth_admin_url)" -XAtq -v ON_ERROR_STOP=1 "$@"; }
service() { "$HEARTH_PGBIN/psql" -d "$(hearth_service_url placements)" -XAtq -v ON_ERROR_STOP=1 "$@"; }
hearth_ctl tenant create --name "Locks A" --slug locks-a --id "$tenant_a" >/dev/null &&
	hearth_ctl tenant create --name "Locks B" --slug locks-b --id "$tenant_b" >/dev/null ||
	{ echo "test_push_locks: tenants not created"; exit 1; }
admin <<SQL
INSERT INTO providers.organisations (id, tenant_id, kind, name, code) VALUES
    ('$council_a', '$tenant_a', 'local_authority', 'Locks Council A', 'LKA'),
    ('$council_b', '$tenant_b', 'local_authority', 'Locks Council B', 'LKB');
SQL

# push_sql <tenant> <org> <ref>: the statements of one push, as the service
# sends them (the context, then upsert_placements), without BEGIN/COMMIT.
push_sql() {
	cat <<SQL
SELECT set_config('hearth.tenant_id', '$1', true), set_config('hearth.org_id', '$2', true);
SELECT count(*) FROM placements.upsert_placements(
    '[{"external_ref": "$3", "child": {"local_ref": "C-$3", "birth_month": "2012-04",
       "gender": "female", "legal_status": "s20"}, "placement_type": "fostering",
       "provision": "internal", "start_date": "2024-01-15"}]'::jsonb, '$1', '$2');
SQL
}

# Tenant A's push, left open: psql reads its commands from a pipe.
mkfifo "$HEARTH_RUN/holder.in"
service <"$HEARTH_RUN/holder.in" >"$HEARTH_RUN/holder.out" 2>&1 &
holder_pid=$!
exec 3>"$HEARTH_RUN/holder.in"
{
	echo "SELECT 'pid=' || pg_backend_pid();"
	echo "BEGIN;"
	push_sql "$tenant_a" "$council_a" A-1
	echo "SELECT 'pushed';"
} >&3
for _ in $(seq 1 100); do
	grep -q '^pushed$' "$HEARTH_RUN/holder.out" && break
	sleep 0.1
done
holder=$(sed -n 's/^pid=//p' "$HEARTH_RUN/holder.out")

push_open() { grep -q '^pushed$' "$HEARTH_RUN/holder.out"; }
check "tenant A's push is open" push_open

# Self-conflicting modes and above: what ANALYZE, VACUUM or DDL would take.
no_self_conflicting_lock() {
	local n
	n=$(admin -c "SELECT count(*) FROM pg_locks l WHERE l.pid = ${holder:-0}
	              AND l.locktype = 'relation' AND l.granted
	              AND l.relation IN ('placements.children'::regclass, 'placements.placements'::regclass)
	              AND l.mode IN ('ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
	                             'ExclusiveLock', 'AccessExclusiveLock')")
	[ "$n" = 0 ] || { admin -c "SELECT relation::regclass, mode FROM pg_locks WHERE pid = ${holder:-0}"; false; }
}
check "an open push holds no self-conflicting lock on children or placements" no_self_conflicting_lock

other_tenant_push() {
	{
		echo "SET lock_timeout = '2s';"
		echo "BEGIN;"
		push_sql "$tenant_b" "$council_b" B-1
		echo "COMMIT;"
	} | service >/dev/null
}
check "tenant B pushes while tenant A's push is open (lock_timeout 2s)" other_tenant_push

echo "COMMIT; SELECT 'committed';" >&3
for _ in $(seq 1 50); do
	grep -q '^committed$' "$HEARTH_RUN/holder.out" && break
	sleep 0.1
done
exec 3>&-
wait "$holder_pid"
holder_pid=

stored() { [ "$(admin -c "SELECT count(*) FROM placements.placements WHERE external_ref IN ('A-1', 'B-1')")" = 2 ]; }
check "both pushes are stored" stored

# Another session holds ANALYZE's lock mode on placements; the refresh skips
# the table instead of queueing behind it.
refresh_skips_locked() {
	mkfifo "$HEARTH_RUN/locker.in"
	admin <"$HEARTH_RUN/locker.in" >"$HEARTH_RUN/locker.out" 2>&1 &
	local locker=$! rc
	exec 4>"$HEARTH_RUN/locker.in"
	echo "BEGIN; LOCK TABLE placements.placements IN SHARE UPDATE EXCLUSIVE MODE; SELECT 'locked';" >&4
	for _ in $(seq 1 50); do
		grep -q '^locked$' "$HEARTH_RUN/locker.out" && break
		sleep 0.1
	done
	printf "SET lock_timeout = '2s';\nSELECT placements.refresh_push_statistics();\n" | service >/dev/null 2>&1
	rc=$?
	echo "ROLLBACK;" >&4
	exec 4>&-
	wait "$locker"
	return $rc
}
check "refresh_push_statistics() skips a table another session holds" refresh_skips_locked

search_path_pinned() {
	[ "$(admin -c "SELECT array_to_string(proconfig, ';') FROM pg_proc
	               WHERE oid = 'placements.refresh_push_statistics()'::regprocedure")" = \
	  "search_path=pg_catalog, pg_temp" ]
}
check "refresh_push_statistics() pins search_path to pg_catalog, pg_temp" search_path_pinned

echo "test_push_locks: $passed passed, $failed failed"
((failed == 0))
