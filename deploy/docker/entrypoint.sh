#!/usr/bin/env bash
# Entrypoint of the Hearth image. One image, three roles:
#   <service>           run hearth-<service> (a name from services.txt)
#   hearthctl ARGS...   run the admin tool (migrate, seed-demo, token, tenant)
#   gateway             render the nginx gateway and run it in the foreground
# Anything else is run as given (e.g. bash).
#
# Secrets may come as files: HEARTH_CURSOR_SECRET_FILE, HEARTH_DB_ADMIN_PASSWORD_FILE
# and HEARTH_DB_PASSWORD_<SVC>_FILE set the variable without _FILE.
# Database URLs are built from HEARTH_DB_HOST [postgres], HEARTH_DB_PORT [5432],
# HEARTH_DB_NAME [hearth], HEARTH_DB_SSLMODE [prefer], HEARTH_DB_ADMIN_USER
# [postgres] unless HEARTH_DATABASE_URL / HEARTH_ADMIN_DATABASE_URL are given.
set -euo pipefail

share=${HEARTH_HOME:-/usr/share/hearth}
services_file=$share/services.txt
die() { echo "hearth-entrypoint: $*" >&2; exit 1; }

# <VAR>_FILE -> <VAR>, trailing newline dropped.
from_file() { # <VAR>
	local file_var=$1_FILE
	[ -n "${!file_var:-}" ] || return 0
	[ -r "${!file_var}" ] || die "$file_var: cannot read ${!file_var}"
	export "$1=$(cat "${!file_var}")"
	unset "$file_var"
}
from_file HEARTH_CURSOR_SECRET
from_file HEARTH_DB_ADMIN_PASSWORD
for v in $(compgen -e | sed -n 's/^\(HEARTH_DB_PASSWORD_[A-Z0-9_]*\)_FILE$/\1/p'); do
	from_file "$v"
done

# A libpq conninfo value, quoted so any password is safe.
quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
conninfo() { # <user> <password>
	printf 'host=%s port=%s dbname=%s sslmode=%s user=%s' "${HEARTH_DB_HOST:-postgres}" \
		"${HEARTH_DB_PORT:-5432}" "${HEARTH_DB_NAME:-hearth}" "${HEARTH_DB_SSLMODE:-prefer}" "$(quote "$1")"
	[ -z "$2" ] || printf ' password=%s' "$(quote "$2")"
}

service_port() { # <name>: its port in services.txt, or nothing
	awk -v n="$1" '$1 == n { print $2 }' "$services_file"
}

cmd=${1:-help}
case "$cmd" in
hearthctl)
	shift
	: "${HEARTH_ADMIN_DATABASE_URL:=$(conninfo "${HEARTH_DB_ADMIN_USER:-postgres}" "${HEARTH_DB_ADMIN_PASSWORD:-}")}"
	export HEARTH_ADMIN_DATABASE_URL
	exec hearthctl "$@"
	;;
gateway)
	# Each service is reached by its name on the compose network, unless
	# HEARTH_UPSTREAM_<SVC> says otherwise.
	while read -r name port _; do
		case "$name" in '' | '#'*) continue ;; esac
		var=HEARTH_UPSTREAM_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
		export "$var=${!var:-$name:$port}"
	done <"$services_file"
	out=${HEARTH_GATEWAY_DIR:-/tmp/hearth-gateway}
	mkdir -p "$out"
	access_log=${HEARTH_GATEWAY_ACCESS_LOG:-}
	if [ -z "$access_log" ]; then
		# Access log to our stdout. nginx would reopen /dev/stdout by path,
		# which a non-root user may not do on a pipe the runtime owns, so a
		# reader that inherited the descriptor copies a private fifo to it.
		# Opened read-write, the fifo never reports end of file between writers.
		access_log=$out/access.fifo
		rm -f "$access_log"
		mkfifo -m 600 "$access_log"
		cat <>"$access_log" &
	fi
	HEARTH_GATEWAY_LISTEN=${HEARTH_GATEWAY_LISTEN:-8080} \
		HEARTH_GATEWAY_TLS_LISTEN=${HEARTH_GATEWAY_TLS_LISTEN:-8443} \
		HEARTH_GATEWAY_ACCESS_LOG=$access_log \
		HEARTH_GATEWAY_ERROR_LOG=${HEARTH_GATEWAY_ERROR_LOG:-stderr} \
		HEARTH_GATEWAY_DOCS_DIR=${HEARTH_GATEWAY_DOCS_DIR-$share/docs} \
		"$share/gateway/render.sh" "$out" "$services_file"
	exec nginx -p "$out/" -c nginx.conf -g 'daemon off;'
	;;
help | --help)
	echo "usage: <service> | hearthctl ARGS... | gateway   (services: $(awk '!/^#/ && NF { printf "%s ", $1 }' "$services_file"))"
	;;
*)
	port=$(service_port "$cmd")
	if [ -n "$port" ]; then
		shift
		pw_var=HEARTH_DB_PASSWORD_$(printf '%s' "$cmd" | tr '[:lower:]' '[:upper:]')
		: "${HEARTH_DATABASE_URL:=$(conninfo "hearth_$cmd" "${!pw_var:-}")}"
		# The service needs only its own password.
		unset "$pw_var" HEARTH_DB_ADMIN_PASSWORD
		export HEARTH_DATABASE_URL HEARTH_PORT=${HEARTH_PORT:-$port} \
			HEARTH_LISTEN_ADDR=${HEARTH_LISTEN_ADDR:-0.0.0.0}
		exec "hearth-$cmd" "$@"
	fi
	exec "$@"
	;;
esac
