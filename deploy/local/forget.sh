#!/usr/bin/env bash
# Stop a local stack and delete it with its data: the run directory (`.run/`,
# or HEARTH_RUN_DIR) and, as root, its PostgreSQL cluster and gateway buffers
# under /var/lib/hearth/<hash>/ (`make forget`). `make clean` does the same
# for the throwaway stacks the tests and benches leave under build/.
# Usage: forget.sh [run directory...]  (none: the one HEARTH_RUN_DIR names)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

forget_one() { # [run directory]: in a subshell, so each has its own settings
	(
		[ -z "${1:-}" ] || export HEARTH_RUN_DIR=$1
		# shellcheck source=deploy/local/lib.sh
		source "$here/lib.sh"
		hearth_env_init
		hearth_stack_discard || hearth_die "PostgreSQL still runs in $HEARTH_PGDATA"
		rm -rf "$HEARTH_RUN"
		echo "hearth: deleted the stack in $HEARTH_RUN and its data"
	)
}

if (($# == 0)); then
	forget_one
	exit 0
fi
for run in "$@"; do
	[ -d "$run" ] && forget_one "$run"
done
exit 0
