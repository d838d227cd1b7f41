# jobs.sh - sourced by the test runners (run-unit.sh, fuzz/run.sh).
#
# run_each_parallel <max jobs> <function> <item...>: `function item` for
# every item, at most <max jobs> at a time, in the background; returns when
# all have ended. The function keeps its own result (a file per item), so
# that the caller reports them in the order given, whatever order they end.
run_each_parallel() {
	local max=$1 fn=$2 item
	shift 2
	for item in "$@"; do
		while (($(jobs -rp | wc -l) >= max)); do
			wait -n
		done
		"$fn" "$item" &
	done
	wait
}
