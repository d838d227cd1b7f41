#!/usr/bin/env bash
# Stop a local Hearth stack (`make stop`): one started with HEARTH_DETACH=1,
# one still in the foreground elsewhere, or one left over after a crash.
# Only processes recorded in the run directory's pid files (checked to still
# be the same programs) and the cluster of its own data directory are touched.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hearth_env_init

if ! hearth_stack_running; then
	echo "hearth: nothing is running from $HEARTH_RUN"
	exit 0
fi
# Tells a foreground run.sh that this stop is intended.
touch "$HEARTH_RUN/stopping"
hearth_stack_down
echo "hearth: stopped the stack in $HEARTH_RUN"
