#!/usr/bin/env bash
# Run Check unit-test binaries; print each suite's summary and a total line
# "unit: N passed, N failed". Under VALGRIND=1 each runs under valgrind
# (CK_FORK=no so valgrind sees the tests themselves) and any error fails it;
# under sanitizers a UBSan report fails its suite.
set -uo pipefail
passed=0 failed=0
# Test keys generated once for the whole run (see tests/unit/common/support_auth.c).
if [ -z "${HEARTH_TEST_KEY_CACHE:-}" ]; then
	HEARTH_TEST_KEY_CACHE=$(mktemp -d)
	trap 'rm -rf "$HEARTH_TEST_KEY_CACHE"' EXIT
	export HEARTH_TEST_KEY_CACHE
fi
for bin in "$@"; do
	if [ "${VALGRIND:-0}" = 1 ]; then
		out=$(CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 "$bin" 2>&1)
	else
		out=$("$bin" 2>&1)
	fi
	rc=$?
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
	if ((rc != 0)); then
		printf '%s\n' "$out"
		echo "FAIL $(basename "$bin")"
	else
		echo "ok   $(basename "$bin"): $line"
	fi
done
echo "unit: $passed passed, $failed failed"
((failed == 0))
