# shellcheck shell=bash
# Source this to reach a running local stack from a shell:
#   . deploy/local/env.sh
#   psql                                  # the hearth database, as superuser
#   build/bin/hearthctl token --tenant ... --org ... --roles viewer
#   curl -H "Authorization: Bearer $(hearth_token viewer)" "$HEARTH_GATEWAY_URL/v1/providers"
# hearth_token [roles] [org] [tenant] [ttl-s] mints a development token.
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hearth_env_init
if [ -r "$HEARTH_RUN/stack.env" ]; then
	set -a
	# shellcheck disable=SC1091
	. "$HEARTH_RUN/stack.env"
	set +a
	export PGHOST=$HEARTH_PG_SOCKET_DIR PGPORT=$HEARTH_PG_PORT PGDATABASE=hearth PGUSER=postgres
else
	echo "hearth: no stack has been started from $HEARTH_RUN (make run)" >&2
fi
