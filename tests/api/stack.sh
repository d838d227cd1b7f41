#!/usr/bin/env bash
# Stack operations the API tests need (stop and start PostgreSQL under running
# services), done by the local runner's own functions on the test stack.
set -euo pipefail
exec "$(dirname "$0")/../../deploy/local/lib.sh" "$@"
