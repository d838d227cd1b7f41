#!/usr/bin/env bash
# `make test`: every tier, in order of cost, each reporting "N passed, N failed";
# a closing summary line adds them up. Exits non-zero if anything failed. A tier
# that cannot run on this machine says "<tier>: skipped: <why>" and passes, with
# that reason in the summary.
#   build        the whole tree with -Wall -Wextra -Werror
#   unit         Check suites, then the same under AddressSanitizer+UBSan and valgrind
#   database     the pool, transactions, audit, outbox, idempotency and migrations
#                against a throwaway PostgreSQL
#   db-pushes    council pushes take no self-conflicting lock; table statistics
#                are kept without waiting (real migrations, throwaway PostgreSQL)
#   db-push-sets a batch chunk stored set-based answers and writes exactly what
#                the item-by-item loop does (real migrations, throwaway PostgreSQL)
#   fresh-clone  `make run` / `make stop` from a copy in a private mktemp -d folder
#   api          black-box tests through the real nginx gateway (tests/api)
#   api-asan     the same against services built with AddressSanitizer and UBSan,
#                beside the api tier
#   openapi      Redocly lint of openapi/*.yaml
#   compose      docker-compose config accepts docker-compose.yml
#   k8s          every kustomize overlay renders and validates against the schemas
#   image        the image built with podman, run as the compose file declares,
#                smoke tests through its gateway (tests/image)
#   fuzz         each libFuzzer harness for a short run
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
total_passed=0 total_failed=0
declare -a report=()

# Take a finished tier's "N passed, N failed" line from its log.
account() { # <name> <log> <exit status> <seconds taken>
	local name=$1 log=$2 rc=$3 seconds=$4 passed failed line skipped
	line=$(grep -Eo '[0-9]+ passed(, [0-9]+ failed)?' "$log" | tail -n 1)
	passed=$(grep -Eo '^[0-9]+' <<<"$line")
	failed=$(grep -Eo '[0-9]+ failed' <<<"$line" | grep -Eo '^[0-9]+')
	if [ -z "$line" ]; then # a Check suite's own summary: "N%: Checks: C, Failures: F, Errors: E"
		line=$(grep -Eo 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			read -r c f e < <(grep -Eo '[0-9]+' <<<"$line" | xargs)
			passed=$((c - f - e)) failed=$((f + e))
		fi
	fi
	passed=${passed:-0} failed=${failed:-0}
	if ((rc != 0)) && ((failed == 0)); then
		failed=1
	fi
	if [ -z "$line" ] && ((rc == 0)); then
		passed=1
	fi
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	skipped=$(grep -m1 -Eo '^[a-z-]+: skipped: .*' "$log" | sed 's/^[a-z-]*: //')
	report+=("$(printf '%-13s %s passed, %s failed%s (%d s)' "$name" "$passed" "$failed" "${skipped:+ ($skipped)}" "$seconds")")
}

tier() { # <name> <command...>: run it, showing its output
	local name=$1 log=build/test-logs/$1.log rc started=$SECONDS
	shift
	mkdir -p build/test-logs
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	account "$name" "$log" "$rc" $((SECONDS - started))
}

# A tier that shares nothing with the others (its own database, its own
# processes) runs beside them: started here, its output shown when collected.
declare -A background=()
tier_start() { # <name> <command...>
	local name=$1 log=build/test-logs/$1.log
	shift
	mkdir -p build/test-logs
	echo "== $name (started in the background)"
	rm -f "$log.rc" "$log.seconds"
	(started=$SECONDS; "$@" >"$log" 2>&1; echo $? >"$log.rc"; echo $((SECONDS - started)) >"$log.seconds") &
	background[$name]=$!
}
tier_collect() { # <name>
	local name=$1 log=build/test-logs/$1.log
	wait "${background[$name]}"
	echo "== $name"
	cat "$log"
	account "$name" "$log" "$(cat "$log.rc" 2>/dev/null || echo 1)" "$(cat "$log.seconds" 2>/dev/null || echo 0)"
}

tier build make -j"$jobs" all docs
# The image tier (podman build, its own PostgreSQL) runs beside the rest.
tier_start image make -s image-test
tier unit make -s -j"$jobs" unit-test
tier unit-asan make -s -j"$jobs" SANITIZE=address,undefined unit-test
tier unit-valgrind env VALGRIND=1 make -s -j"$jobs" unit-test
tier database tests/dbtest/test_db.sh
tier db-pushes tests/dbtest/test_push_locks.sh
tier db-push-sets tests/dbtest/test_push_sets.sh
tier fresh-clone tests/fresh-clone.sh
# The two API tiers, each its own stack, side by side: one alone keeps a
# 2-core machine less than half busy (requests one at a time, waits).
tier_start api-asan make -s api-test-sanitize
tier api make -s api-test
tier_collect api-asan
tier openapi tests/lint-openapi.sh
tier compose make -s compose-check
tier k8s make -s k8s-check
tier_collect image
tier fuzz make -s -j"$jobs" fuzz-short

echo
echo "== summary"
printf '%s\n' "${report[@]}"
echo "make test: $total_passed passed, $total_failed failed ($((SECONDS / 60)) min $((SECONDS % 60)) s)"
((total_failed == 0))
