#!/usr/bin/env bash
# Render the Hearth gateway's nginx configuration into a directory, for
# `nginx -p <dir> -c nginx.conf`, and check it with `nginx -t`.
#
# Usage: render.sh <out-dir> [services-file]
#
# The services file (default deploy/services.txt next to this directory, or
# $HEARTH_SERVICES_FILE) lists `name port`; only those services get an
# upstream and routes. Settings, from the environment (default in brackets):
#   HEARTH_GATEWAY_LISTEN      [127.0.0.1:8080]  address:port or port
#   HEARTH_GATEWAY_TLS_LISTEN  [127.0.0.1:8443]  used only with TLS
#   HEARTH_TLS_CERT, HEARTH_TLS_KEY              both set: add a TLS server
#   HEARTH_UPSTREAM_HOST       [127.0.0.1]  host of every service
#   HEARTH_UPSTREAM_<SVC>      host:port of one service (overrides the above)
#   HEARTH_PORT_<SVC>          port of one service (overrides services file)
#   HEARTH_RATE_LIMIT_RPS      [50]   per client address; 0 turns it off
#   HEARTH_RATE_LIMIT_BURST    [100]
#   HEARTH_GATEWAY_MAX_BODY    [1m]   HEARTH_GATEWAY_BATCH_MAX_BODY [32m]
#   HEARTH_GATEWAY_ACCESS_LOG  [<out>/logs/access.log]  or /dev/stdout
#   HEARTH_GATEWAY_ERROR_LOG   [<out>/logs/error.log]   or stderr
#   HEARTH_GATEWAY_WORKERS     [auto]  HEARTH_GATEWAY_WORKER_CONNECTIONS [1024]
#   HEARTH_GATEWAY_TEMP_DIR    [<out>/tmp]  body buffers; the workers' user
#                              must reach it
#   HEARTH_GATEWAY_USER        user for worker processes when started by
#                              root [nobody]; ignored otherwise
#   HEARTH_TRUSTED_PROXIES     CIDRs whose X-Forwarded-For names the client
#   HEARTH_GATEWAY_DOCS_DIR    the built API reference (deploy/docs/build.sh),
#                              served at /docs and /openapi/ [none: 404]
#   HEARTH_CORS_ORIGINS        origins (scheme://host[:port], space or comma
#                              separated) browsers may call from [none]
# Exits non-zero, saying why, on a bad setting or an invalid configuration.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "gateway: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: render.sh <out-dir> [services-file]"
out=$1
services_file=${2:-${HEARTH_SERVICES_FILE:-$here/../services.txt}}
[ -r "$services_file" ] || die "cannot read services file $services_file"
command -v envsubst >/dev/null || die "envsubst not found (package gettext-base)"

export HEARTH_GW_TEMP_DIR=${HEARTH_GATEWAY_TEMP_DIR:-$out/tmp}
mkdir -p "$out/conf/routes" "$out/logs" "$HEARTH_GW_TEMP_DIR"
out=$(cd "$out" && pwd)
rm -f "$out"/conf/routes/*.conf "$out"/conf/*.conf

# envsubst substitutes only the variables named here; nginx's own $vars stay.
render() { # render <template> [output]: to the output file, or to stdout
	# (never via /dev/stdout: reopening it would truncate an appended file).
	if [ $# -ge 2 ]; then
		envsubst "$gw_vars" <"$1" >"$2"
	else
		envsubst "$gw_vars" <"$1"
	fi
}
gw_vars='${HEARTH_GW_USER_DIRECTIVE} ${HEARTH_GW_WORKERS} ${HEARTH_GW_WORKER_CONNECTIONS} ${HEARTH_GW_ERROR_LOG}
${HEARTH_GW_ACCESS_LOG} ${HEARTH_GW_TEMP_DIR} ${HEARTH_GW_MAX_BODY}
${HEARTH_GW_BATCH_MAX_BODY} ${HEARTH_GW_REAL_IP} ${HEARTH_GW_LIMIT_ZONE}
${HEARTH_GW_LIMIT_REQ} ${HEARTH_GW_LISTEN} ${HEARTH_GW_TLS_SERVER}
${HEARTH_GW_TLS_LISTEN} ${HEARTH_TLS_CERT} ${HEARTH_TLS_KEY}
${HEARTH_GW_READY_SERVICE} ${HEARTH_GW_SVC} ${HEARTH_GW_UPSTREAM_ADDR}
${HEARTH_GW_CORS_ORIGINS} ${HEARTH_GW_CORS_VARY} ${HEARTH_GW_DOCS_DIR}'

valid_listen() { [[ $1 =~ ^([0-9.]+:|\[[0-9a-fA-F:]+\]:)?[0-9]{1,5}$ ]]; }
valid_size() { [[ $1 =~ ^[0-9]{1,9}[kKmM]?$ ]]; }
valid_uint() { [[ $1 =~ ^[0-9]{1,6}$ ]]; }

export HEARTH_GW_LISTEN=${HEARTH_GATEWAY_LISTEN:-127.0.0.1:8080}
export HEARTH_GW_TLS_LISTEN=${HEARTH_GATEWAY_TLS_LISTEN:-127.0.0.1:8443}
export HEARTH_GW_MAX_BODY=${HEARTH_GATEWAY_MAX_BODY:-1m}
export HEARTH_GW_BATCH_MAX_BODY=${HEARTH_GATEWAY_BATCH_MAX_BODY:-32m}
export HEARTH_GW_ACCESS_LOG=${HEARTH_GATEWAY_ACCESS_LOG:-$out/logs/access.log}
export HEARTH_GW_ERROR_LOG=${HEARTH_GATEWAY_ERROR_LOG:-$out/logs/error.log}
export HEARTH_GW_WORKERS=${HEARTH_GATEWAY_WORKERS:-auto}
export HEARTH_GW_WORKER_CONNECTIONS=${HEARTH_GATEWAY_WORKER_CONNECTIONS:-1024}
rps=${HEARTH_RATE_LIMIT_RPS:-50}
burst=${HEARTH_RATE_LIMIT_BURST:-100}

valid_listen "$HEARTH_GW_LISTEN" || die "HEARTH_GATEWAY_LISTEN must be [address:]port, got \"$HEARTH_GW_LISTEN\""
valid_size "$HEARTH_GW_MAX_BODY" || die "HEARTH_GATEWAY_MAX_BODY must be a size like 1m, got \"$HEARTH_GW_MAX_BODY\""
valid_size "$HEARTH_GW_BATCH_MAX_BODY" || die "HEARTH_GATEWAY_BATCH_MAX_BODY must be a size like 32m, got \"$HEARTH_GW_BATCH_MAX_BODY\""
valid_uint "$rps" || die "HEARTH_RATE_LIMIT_RPS must be a whole number, got \"$rps\""
valid_uint "$burst" || die "HEARTH_RATE_LIMIT_BURST must be a whole number, got \"$burst\""
[[ $HEARTH_GW_WORKER_CONNECTIONS =~ ^[1-9][0-9]{1,5}$ ]] || die "HEARTH_GATEWAY_WORKER_CONNECTIONS must be a number, got \"$HEARTH_GW_WORKER_CONNECTIONS\""
[[ $HEARTH_GW_TEMP_DIR =~ ^[A-Za-z0-9._/+-]+$ ]] || die "HEARTH_GATEWAY_TEMP_DIR must be a plain path, got \"$HEARTH_GW_TEMP_DIR\""
[[ $HEARTH_GW_WORKERS =~ ^(auto|[1-9][0-9]{0,2})$ ]] || die "HEARTH_GATEWAY_WORKERS must be auto or a number, got \"$HEARTH_GW_WORKERS\""

# CORS: exact origins only, lowercased as browsers send them; no wildcard, no
# path (read into an array, so a "*" is never expanded as a file name).
HEARTH_GW_CORS_ORIGINS="" HEARTH_GW_CORS_VARY=""
cors_list=${HEARTH_CORS_ORIGINS:-}
read -ra cors_origins <<<"${cors_list//,/ }"
for origin in "${cors_origins[@]}"; do
	origin=${origin,,}
	[[ $origin =~ ^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$ ]] ||
		die "HEARTH_CORS_ORIGINS: \"$origin\" is not an origin such as https://app.example.org"
	HEARTH_GW_CORS_ORIGINS+="        \"$origin\" 1;"$'\n'
	HEARTH_GW_CORS_VARY=Origin
done
export HEARTH_GW_CORS_ORIGINS HEARTH_GW_CORS_VARY

# Workers drop root only when the master has it; otherwise no user directive.
HEARTH_GW_USER_DIRECTIVE=""
if [ "$(id -u)" -eq 0 ]; then
	gw_user=${HEARTH_GATEWAY_USER:-nobody}
	gw_group=$(id -gn "$gw_user" 2>/dev/null) || die "no such user $gw_user"
	HEARTH_GW_USER_DIRECTIVE="user $gw_user $gw_group;"
	# Workers buffer large bodies in the temp directory: they must reach it.
	chown "$gw_user:$gw_group" "$HEARTH_GW_TEMP_DIR"
	runuser -u "$gw_user" -- test -w "$HEARTH_GW_TEMP_DIR" ||
		die "user $gw_user cannot write $HEARTH_GW_TEMP_DIR (is a parent directory private? set HEARTH_GATEWAY_TEMP_DIR)"
fi
export HEARTH_GW_USER_DIRECTIVE

if [ "$rps" -gt 0 ]; then
	export HEARTH_GW_LIMIT_ZONE="    limit_req_zone \$binary_remote_addr zone=hearth_clients:10m rate=${rps}r/s;"
	export HEARTH_GW_LIMIT_REQ="limit_req zone=hearth_clients burst=$burst nodelay;"
else
	export HEARTH_GW_LIMIT_ZONE="    # rate limit off (HEARTH_RATE_LIMIT_RPS=0)" HEARTH_GW_LIMIT_REQ=""
fi

HEARTH_GW_REAL_IP=""
if [ -n "${HEARTH_TRUSTED_PROXIES:-}" ]; then
	for cidr in $HEARTH_TRUSTED_PROXIES; do
		[[ $cidr =~ ^[0-9a-fA-F.:/]+$ ]] || die "HEARTH_TRUSTED_PROXIES: bad address \"$cidr\""
		HEARTH_GW_REAL_IP+="    set_real_ip_from $cidr;"$'\n'
	done
	HEARTH_GW_REAL_IP+="    real_ip_header X-Forwarded-For;"$'\n'"    real_ip_recursive on;"
fi
export HEARTH_GW_REAL_IP

export HEARTH_TLS_CERT=${HEARTH_TLS_CERT:-} HEARTH_TLS_KEY=${HEARTH_TLS_KEY:-}
HEARTH_GW_TLS_SERVER=""
if [ -n "$HEARTH_TLS_CERT" ] || [ -n "$HEARTH_TLS_KEY" ]; then
	[ -n "$HEARTH_TLS_CERT" ] && [ -n "$HEARTH_TLS_KEY" ] ||
		die "set both HEARTH_TLS_CERT and HEARTH_TLS_KEY, or neither"
	[ -r "$HEARTH_TLS_CERT" ] || die "cannot read HEARTH_TLS_CERT $HEARTH_TLS_CERT"
	[ -r "$HEARTH_TLS_KEY" ] || die "cannot read HEARTH_TLS_KEY $HEARTH_TLS_KEY"
	valid_listen "$HEARTH_GW_TLS_LISTEN" || die "HEARTH_GATEWAY_TLS_LISTEN must be [address:]port, got \"$HEARTH_GW_TLS_LISTEN\""
	HEARTH_GW_TLS_SERVER=$(render "$here/tls-server.conf.template")
fi
export HEARTH_GW_TLS_SERVER

# One upstream and one routes file per listed service.
HEARTH_GW_READY_SERVICE=""
: >"$out/conf/upstreams.conf"
while read -r name port _; do
	case "$name" in '' | '#'*) continue ;; esac
	[[ $name =~ ^[a-z][a-z0-9_]*$ ]] || die "$services_file: bad service name \"$name\""
	upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	port_var="HEARTH_PORT_$upper" addr_var="HEARTH_UPSTREAM_$upper"
	port=${!port_var:-$port}
	valid_uint "$port" || die "$services_file: bad port for $name"
	export HEARTH_GW_SVC=$name
	export HEARTH_GW_UPSTREAM_ADDR=${!addr_var:-${HEARTH_UPSTREAM_HOST:-127.0.0.1}:$port}
	[[ $HEARTH_GW_UPSTREAM_ADDR =~ ^[A-Za-z0-9._-]+:[0-9]{1,5}$ ]] ||
		die "$addr_var must be host:port, got \"$HEARTH_GW_UPSTREAM_ADDR\""
	[ -r "$here/routes/$name.conf.template" ] || die "no routes for service $name (routes/$name.conf.template)"
	render "$here/upstream.conf.template" >>"$out/conf/upstreams.conf"
	render "$here/routes/$name.conf.template" "$out/conf/routes/$name.conf"
	: "${HEARTH_GW_READY_SERVICE:=$name}"
done <"$services_file"
[ -n "$HEARTH_GW_READY_SERVICE" ] || die "$services_file lists no service"
export HEARTH_GW_READY_SERVICE

cp "$here/headers.conf" "$here/error_pages.conf" "$here/problems.conf" "$out/conf/"
docs_dir=${HEARTH_GATEWAY_DOCS_DIR:-}
if [ -n "$docs_dir" ]; then
	[ -r "$docs_dir/index.html" ] || die "HEARTH_GATEWAY_DOCS_DIR: no index.html in $docs_dir (build it with make docs)"
	[[ $docs_dir =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "HEARTH_GATEWAY_DOCS_DIR must be a plain absolute path, got \"$docs_dir\""
	export HEARTH_GW_DOCS_DIR=${docs_dir%/}
	render "$here/docs.conf.template" "$out/conf/docs.conf"
else
	cp "$here/docs-missing.conf" "$out/conf/docs.conf"
fi
render "$here/api.conf.template" "$out/conf/api.conf"
render "$here/nginx.conf.template" "$out/nginx.conf"

if [ "${HEARTH_GATEWAY_CHECK:-1}" != 0 ]; then
	if ! check=$(nginx -t -q -p "$out/" -c nginx.conf 2>&1); then
		echo "$check" >&2
		die "the rendered configuration in $out is invalid"
	fi
fi
