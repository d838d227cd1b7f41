#!/usr/bin/env bash
# test_db.sh - run the database-layer tests against a throwaway PostgreSQL.
#
# Starts a private cluster (initdb refuses root, so as the `postgres` OS user
# when run by root) with only a Unix socket in its own temporary directory (as
# root under /var/lib/hearth, which that user reaches wherever the clone and
# TMPDIR are), builds each tests/dbtest/test_db_*.c suite, runs them, and removes
# everything again.
# VALGRIND=1 runs each under valgrind. Exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
port=${HEARTH_TEST_PG_PORT:-55432}
if [ "$(id -u)" -eq 0 ]; then
	(umask 022 && mkdir -p /var/lib/hearth)
	tmp=$(mktemp -d -p /var/lib/hearth dbtest.XXXXXX)
else
	tmp=$(mktemp -d)
fi
data=$tmp/data

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
	# A server a failed deadline test left paused would ignore the stop.
	(source "$repo/deploy/local/lib.sh" && hearth_pg_signal CONT "$data") >/dev/null 2>&1 || true
	as_pg "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] && chown postgres "$tmp"
as_pg "$pgbin/initdb" -D "$data" -A trust -U postgres >"$tmp/initdb.log" 2>&1 ||
	{ cat "$tmp/initdb.log"; exit 1; }
pg_opts="-p $port -k $tmp -c listen_addresses=''"
start_cmd="$pgbin/pg_ctl -D $data -o \"$pg_opts\" -l $tmp/server.log -w start"
stop_cmd="$pgbin/pg_ctl -D $data -m fast -w stop"
if [ "$(id -u)" -eq 0 ]; then
	start_cmd="runuser -u postgres -- $start_cmd"
	stop_cmd="runuser -u postgres -- $stop_cmd"
fi
eval "$start_cmd" >/dev/null
"$pgbin/psql" -q -h "$tmp" -p "$port" -U postgres -d postgres -c "CREATE DATABASE hearth_test"

# A migrations tree of its own: the real shared migrations plus a probe table,
# so the test does not depend on the state of the services' own migrations.
mkdir -p "$tmp/root/services/providers/migrations"
ln -s "$repo/services/common" "$tmp/root/services/common"
cat >"$tmp/root/services/providers/migrations/001_probe.sql" <<'SQL'
CREATE TABLE probe (
    id        int PRIMARY KEY,
    tenant_id uuid NOT NULL DEFAULT hearth.current_tenant(),
    val       text
);
ALTER TABLE probe ENABLE ROW LEVEL SECURITY;
ALTER TABLE probe FORCE ROW LEVEL SECURITY;
CREATE POLICY probe_tenant ON probe USING (tenant_id = hearth.current_tenant());
GRANT SELECT, INSERT, UPDATE ON probe TO hearth_providers;

-- The organisation register that hearth.begin_request() consults, in miniature:
-- the providers service's table and published function have this shape.
CREATE TABLE organisations (
    id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    kind      text NOT NULL,
    name      text NOT NULL,
    status    text NOT NULL DEFAULT 'active'
);
INSERT INTO organisations (id, tenant_id, kind, name) VALUES
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '11111111-1111-4111-8111-111111111111',
     'local_authority', 'Council A'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '22222222-2222-4222-8222-222222222222',
     'local_authority', 'Council B'),
    ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '11111111-1111-4111-8111-111111111111',
     'local_authority', 'Closed Council');
UPDATE organisations SET status = 'closed' WHERE name = 'Closed Council';
CREATE SCHEMA providers_api;
CREATE FUNCTION providers_api.organisation_standing(p_tenant uuid, p_org uuid) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT o.kind FROM providers.organisations o
          WHERE o.id = p_org AND o.tenant_id = p_tenant AND o.status = 'active' $$;
SQL

# Build: the library if it builds, else just the modules this test needs.
cd "$repo"
pkgs=$(pkg-config --cflags --libs libulfius jansson libpq libjwt openssl check)
cflags="-std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -Iservices/admin"
objs="build/lib/libhearth.a"
if ! make -s build/lib/libhearth.a >"$tmp/make.log" 2>&1; then
	echo "test_db.sh: libhearth.a does not build; compiling the database modules directly"
	objs="services/common/db_pool.c services/common/db_tx.c services/common/db_errors.c
	      services/common/db_wait.c services/common/db_snapshot.c
	      services/common/audit.c services/common/outbox.c services/common/idempotency.c
	      services/common/problem.c services/common/log.c"
fi
# One binary per suite (test_db_*.c), each over the shared fixture support_db.c.
suites=()
for src in tests/dbtest/test_db_*.c; do
	bin=$tmp/$(basename "$src" .c)
	# shellcheck disable=SC2086
	cc $cflags -Itests/dbtest -o "$bin" "$src" tests/dbtest/support_db.c \
		services/admin/migrate*.c services/admin/tenant.c $objs $pkgs -lpthread
	suites+=("$bin")
done

export HEARTH_TEST_DATABASE_URL="host=$tmp port=$port dbname=hearth_test user=postgres"
export HEARTH_TEST_MIGRATIONS_ROOT="$tmp/root"
export HEARTH_TEST_PG_STOP="$stop_cmd >/dev/null"
export HEARTH_TEST_PG_START="$start_cmd >/dev/null"
# Pause and resume the whole server (SIGSTOP/SIGCONT), for the deadline tests.
signal_cmd="bash -c 'source $repo/deploy/local/lib.sh && hearth_pg_signal \$0 $data'"
export HEARTH_TEST_PG_PAUSE="$signal_cmd STOP" HEARTH_TEST_PG_RESUME="$signal_cmd CONT"

# Each suite works in a database of its own, so they run in any order; the
# totals end in one "N passed, N failed" line.
passed=0 failed=0
for bin in "${suites[@]}"; do
	rc=0
	if [ "${VALGRIND:-0}" = 1 ]; then
		out=$(CK_FORK=no valgrind -q --leak-check=full --error-exitcode=1 "$bin" 2>&1) || rc=$?
	else
		out=$("$bin" 2>&1) || rc=$?
	fi
	printf '%s\n' "$out"
	line=$(grep -Eo 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		continue
	fi
	read -r c f e < <(grep -Eo '[0-9]+' <<<"$line" | xargs)
	passed=$((passed + c - f - e)) failed=$((failed + f + e))
	if ((rc != 0)) && ((f + e == 0)); then
		failed=$((failed + 1))
	fi
done
echo "database: $passed passed, $failed failed"
((failed == 0))
