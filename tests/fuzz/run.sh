#!/usr/bin/env bash
# Run each libFuzzer harness for SECONDS seconds on its own corpus folder
# (build/fuzz/corpus-<name>, seeded from tests/fuzz/seeds/<name> when present).
# A crash, leak or sanitizer report fails the run and leaves the reproducer
# in build/fuzz/.
set -uo pipefail
seconds=$1
shift
failed=0 passed=0
# Harnesses run side by side, one per CPU (each is single-threaded, so each
# still gets a whole CPU for its SECONDS); reports come in the order given.
max_jobs=${HEARTH_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
fuzz_one() { # <bin>: its exit status into build/fuzz/<name>.rc
	local name corpus seeds
	name=$(basename "$1")
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus"
	seeds=tests/fuzz/seeds/$name
	"$1" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=build/fuzz/"$name"- -print_final_stats=0 "$corpus" \
		$([ -d "$seeds" ] && echo "$seeds") >build/fuzz/"$name".log 2>&1
	echo $? >build/fuzz/"$name".rc
}
# shellcheck source=tests/jobs.sh
source "$(dirname "$0")/../jobs.sh"
run_each_parallel "$max_jobs" fuzz_one "$@"
for bin in "$@"; do
	name=$(basename "$bin")
	if [ "$(cat build/fuzz/"$name".rc 2>/dev/null)" = 0 ]; then
		runs=$(grep -Eo 'Done [0-9]+ runs' build/fuzz/"$name".log | tail -n 1)
		echo "ok   $name: ${runs:-done} in ${seconds}s"
		passed=$((passed + 1))
	else
		tail -n 40 build/fuzz/"$name".log
		echo "FAIL $name (see build/fuzz/$name.log)"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
