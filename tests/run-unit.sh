#!/usr/bin/env bash
# Run Check unit-test binaries; print each suite's summary and a total line
# "unit: N passed, N failed". Under VALGRIND=1 each runs under valgrind
# (CK_FORK=no so valgrind sees the tests themselves) and any error fails it;
# under sanitizers a UBSan report fails its suite. Suites run side by side,
# HEARTH_UNIT_JOBS [the number of CPUs] at a time (they share nothing but the
# key cache, which is written aside and renamed); their reports come in the
# order given.
set -uo pipefail
passed=0 failed=0
max_jobs=${HEARTH_UNIT_JOBS:-$(nproc 2>/dev/null || echo 2)}
results=$(mktemp -d)
cleanup() {
	rm -rf "$results"
	[ -z "${own_key_cache:-}" ] || rm -rf "$own_key_cache"
}
trap cleanup EXIT
# Test keys generated once for the whole run (see tests/unit/common/support_auth.c).
if [ -z "${HEARTH_TEST_KEY_CACHE:-}" ]; then
	own_key_cache=$(mktemp -d)
	HEARTH_TEST_KEY_CACHE=$own_key_cache
	export HEARTH_TEST_KEY_CACHE
fi

run_suite() { # <bin>: its output and exit status into $results/<name>.out/.rc
	local result
	result=$results/$(basename "$1")
	if [ "${VALGRIND:-0}" = 1 ]; then
		CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 "$1" >"$result.out" 2>&1
	else
		"$1" >"$result.out" 2>&1
	fi
	echo $? >"$result.rc"
}

# shellcheck source=tests/jobs.sh
source "$(dirname "$0")/jobs.sh"
run_each_parallel "$max_jobs" run_suite "$@"

for bin in "$@"; do
	out=$(cat "$results/$(basename "$bin").out")
	rc=$(cat "$results/$(basename "$bin").rc" 2>/dev/null || echo 1)
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' <<<"$out" | tail -n 1)
	checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
	bad=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2/' <<<"$line" | awk '{print $1+$2}')
	if [ -z "$line" ]; then
		checks=1 bad=1
	fi
	# UBSan reports and goes on: its report is a failure all the same.
	if grep -q 'runtime error:' <<<"$out"; then
		rc=98
	fi
	if ((rc != 0)) && ((bad == 0)); then
		bad=1 # a crash, a leak, a valgrind or UBSan error after the suite's summary
	fi
	passed=$((passed + checks - bad))
	failed=$((failed + bad))
	if ((rc != 0 || bad != 0)); then
		printf '%s\n' "$out"
		echo "FAIL $(basename "$bin")"
	else
		echo "ok   $(basename "$bin"): $line"
	fi
done
echo "unit: $passed passed, $failed failed"
((failed == 0))
