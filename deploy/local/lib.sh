# shellcheck shell=bash
# Functions of the local runner: a private PostgreSQL 15 cluster, development
# keys, the Hearth services and the nginx gateway, all under one run directory.
#
# Source it (then call hearth_env_init) or run it as a command:
#   deploy/local/lib.sh free-port | pg-start | pg-stop | pg-status | pg-pause | pg-resume | token | ...
#
# Settings (default in brackets):
#   HEARTH_RUN_DIR [<repo>/.run]      everything the stack writes
#   HEARTH_GATEWAY_PORT [8080]        HEARTH_PG_PORT [54329, or a free one]
#   HEARTH_PORT_<SVC> [deploy/services.txt]
#   HEARTH_BIN_DIR [<repo>/build/bin] HEARTH_PG_BIN [/usr/lib/postgresql/15/bin]
#   HEARTH_PG_OPTIONS                 extra postgres options, e.g. "-c fsync=off"
#   HEARTH_START_TIMEOUT_S [30]       wait for each service's /readyz
#   HEARTH_SHARED_DIR [see hearth_env_init] what other OS users must reach
# Functions report failures on stderr and return non-zero; hearth_die exits.

HEARTH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Fixed ids of the demo data that `hearthctl seed-demo` creates: its tenant and
# one of its councils (consortium ...c001, councils ...c002 to ...c004).
HEARTH_DEMO_TENANT=00000000-0000-4000-8000-00000000d001
HEARTH_DEMO_COUNCIL=00000000-0000-4000-8000-00000000c002

hearth_log() { printf 'hearth: %s\n' "$*" >&2; }
hearth_die() { hearth_log "$*"; exit 1; }

# Resolve every setting once. Safe to call again.
hearth_env_init() {
	local run=${HEARTH_RUN_DIR:-$HEARTH_ROOT/.run}
	mkdir -p "$run" || hearth_die "cannot create run directory $run"
	HEARTH_RUN=$(cd "$run" && pwd)
	HEARTH_SERVICES_FILE=${HEARTH_SERVICES_FILE:-$HEARTH_ROOT/deploy/services.txt}
	HEARTH_BIN=${HEARTH_BIN_DIR:-$HEARTH_ROOT/build/bin}
	HEARTH_PGBIN=${HEARTH_PG_BIN:-/usr/lib/postgresql/15/bin}
	HEARTH_GATEWAY_PORT=${HEARTH_GATEWAY_PORT:-8080}
	HEARTH_JWT_ISSUER=${HEARTH_JWT_ISSUER:-hearth-dev}
	HEARTH_JWT_AUDIENCE=${HEARTH_JWT_AUDIENCE:-hearth-api}
	HEARTH_JWT_PEM_KID=${HEARTH_JWT_PEM_KID:-dev}
	HEARTH_KEYS=$HEARTH_RUN/keys
	# The PostgreSQL cluster and socket (used by the `postgres` user when we
	# are root) and the gateway's body buffers (its workers run as `nobody`)
	# must be reachable by those users. A run directory often is not: root's
	# clone sits under /root (mode 700), and so is any `mktemp -d`. So as root
	# they live under /var/lib/hearth/<hash of the run directory's path>, one
	# directory per run directory, found again by every later run and stop;
	# otherwise in the run directory itself.
	if [ -n "${HEARTH_SHARED_DIR:-}" ]; then
		HEARTH_SHARED=$HEARTH_SHARED_DIR
	elif [ "$(id -u)" -eq 0 ]; then
		HEARTH_SHARED=/var/lib/hearth/$(printf '%s' "$HEARTH_RUN" | sha256sum | cut -c1-16)
	else
		HEARTH_SHARED=$HEARTH_RUN
	fi
	HEARTH_PGDATA=$HEARTH_SHARED/pg/data
	mkdir -p "$HEARTH_RUN/logs" "$HEARTH_RUN/pids"
}

# Create the shared directory. One we made for an earlier run directory of the
# same path (deleted since, e.g. to start afresh) is removed first: the two
# carry the same random id only when they were made together.
hearth_shared_prepare() {
	local mine theirs
	[ "$HEARTH_SHARED" != "$HEARTH_RUN" ] || return 0
	mine=$(cat "$HEARTH_RUN/shared.id" 2>/dev/null || true)
	theirs=$(cat "$HEARTH_SHARED/shared.id" 2>/dev/null || true)
	[ -n "$mine" ] && [ "$mine" = "$theirs" ] && return 0
	if [ -n "$theirs" ]; then
		if hearth_pg_running; then
			hearth_die "PostgreSQL of an earlier run directory $HEARTH_RUN still runs in $HEARTH_PGDATA; stop it with make stop"
		fi
		hearth_log "removing $HEARTH_SHARED, left by an earlier run directory $HEARTH_RUN"
		rm -rf "$HEARTH_SHARED"
	fi
	# Every parent must stay traversable by the other users, whatever our umask.
	(umask 022 && mkdir -p "$HEARTH_SHARED") || hearth_die "cannot create $HEARTH_SHARED"
	chmod 755 "$HEARTH_SHARED"
	mine=$(openssl rand -hex 8) || hearth_die "openssl rand failed"
	echo "$mine" >"$HEARTH_SHARED/shared.id"
	echo "$mine" >"$HEARTH_RUN/shared.id"
	# For whoever finds the directory: which run directory it belongs to.
	printf '%s\n' "$HEARTH_RUN" >"$HEARTH_SHARED/run-dir"
}

# Remove the shared directory of a stopped stack (a throwaway stack's cleanup).
hearth_shared_remove() {
	[ "$HEARTH_SHARED" != "$HEARTH_RUN" ] || return 0
	hearth_pg_running && return 1
	rm -rf "$HEARTH_SHARED" "$HEARTH_RUN/shared.id"
}

# ---- ports and processes ----------------------------------------------------

# Print a TCP port on 127.0.0.1 that is free now.
hearth_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True when 127.0.0.1:<port> can be bound (nothing listens there).
hearth_port_free() {
	python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# Die with a useful message when a port we need is taken.
hearth_require_port() { # <port> <what> <variable that changes it>
	hearth_port_free "$1" && return 0
	local who
	who=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*"' | head -1 | cut -d'"' -f2)
	hearth_die "port $1 ($2) is already in use${who:+ by $who}; stop that program or pick another port, e.g. $3=$(hearth_free_port) make run"
}

# True when <pid> is alive, not a zombie, and its command line contains <text>.
hearth_pid_is() { # <pid> <text>
	local pid=$1 state cmd
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[ -r "/proc/$pid/stat" ] || return 1
	# The process may vanish while we look: read quietly.
	state=$({ sed 's/^.*) //' "/proc/$pid/stat" | cut -c1; } 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] || return 1
	cmd=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)
	[[ $cmd == *"$2"* ]]
}

# Print the pid recorded in <pidfile> if that process is alive and is <text>;
# a stale file (dead or reused pid) is removed.
hearth_pidfile_live() { # <pidfile> <text>
	local pid
	[ -s "$1" ] || return 1
	pid=$(head -n1 "$1")
	if hearth_pid_is "$pid" "$2"; then
		echo "$pid"
		return 0
	fi
	rm -f "$1"
	return 1
}

# Wait until <url> answers 2xx; fail early when <pid> (if given) dies.
hearth_wait_http() { # <url> <timeout-s> [pid] [text]
	local url=$1 deadline=$((SECONDS + $2))
	while ((SECONDS < deadline)); do
		curl -fsS -o /dev/null -m 2 "$url" 2>/dev/null && return 0
		if [ -n "${3:-}" ] && ! hearth_pid_is "$3" "$4"; then
			return 1
		fi
		sleep 0.2
	done
	return 1
}

# SIGTERM <pid> and wait for it to go (then SIGKILL after <grace> seconds).
hearth_kill_wait() { # <pid> <text> <grace-s>
	local pid=$1 deadline=$((SECONDS + $3))
	hearth_pid_is "$pid" "$2" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	while hearth_pid_is "$pid" "$2"; do
		if ((SECONDS >= deadline)); then
			hearth_log "pid $pid did not stop in $3 s; killing it"
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	# Reap it when it is our child (foreground run.sh); harmless otherwise.
	wait "$pid" 2>/dev/null || true
}

# ---- services list ------------------------------------------------------------

# Print "name port" for each service, with HEARTH_PORT_<NAME> applied.
hearth_services() {
	local name port var
	[ -r "$HEARTH_SERVICES_FILE" ] || hearth_die "cannot read $HEARTH_SERVICES_FILE"
	while read -r name port _; do
		case "$name" in '' | '#'*) continue ;; esac
		var=HEARTH_PORT_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
		echo "$name ${!var:-$port}"
	done <"$HEARTH_SERVICES_FILE"
}

# ---- PostgreSQL ---------------------------------------------------------------

# Run a PostgreSQL program as the cluster's owner: `postgres` when we are root
# (initdb refuses root), ourselves otherwise.
hearth_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

# The socket directory: next to the data, unless that path is too long for a
# unix socket name (107 bytes), then a private directory under /tmp.
hearth_pg_sockdir() {
	local dir=$HEARTH_SHARED/pg/sock
	if ((${#dir} > 90)); then
		dir=/tmp/hearth-pg-$(printf '%s' "$HEARTH_SHARED" | sha256sum | cut -c1-16)
	fi
	echo "$dir"
}

hearth_pg_port() { cat "$HEARTH_RUN/pg/port" 2>/dev/null || true; }

# libpq conninfo of the superuser and of a service's own role (trust auth over
# the private socket).
hearth_admin_url() {
	echo "host=$(hearth_pg_sockdir) port=$(hearth_pg_port) dbname=hearth user=postgres"
}
hearth_service_url() { # <service>
	echo "host=$(hearth_pg_sockdir) port=$(hearth_pg_port) dbname=hearth user=hearth_$1 application_name=hearth-$1"
}

# Create the cluster once; later calls reuse its data.
hearth_pg_init() {
	local owner sock
	[ -x "$HEARTH_PGBIN/initdb" ] || hearth_die "PostgreSQL 15 not found in $HEARTH_PGBIN (make deps)"
	hearth_shared_prepare
	sock=$(hearth_pg_sockdir)
	mkdir -p "$HEARTH_RUN/pg" "$HEARTH_PGDATA" "$sock"
	if [ "$(id -u)" -eq 0 ]; then
		owner=postgres
		chown postgres: "$HEARTH_PGDATA" "$sock"
		runuser -u postgres -- test -w "$HEARTH_PGDATA" ||
			hearth_die "user postgres cannot reach $HEARTH_PGDATA (a parent directory is private); choose another HEARTH_SHARED_DIR"
	else
		owner=$(id -un)
	fi
	chmod 700 "$HEARTH_PGDATA" "$sock"
	[ -s "$HEARTH_PGDATA/PG_VERSION" ] && return 0
	hearth_log "creating the PostgreSQL cluster in $HEARTH_PGDATA (owner $owner)"
	hearth_pg_as "$HEARTH_PGBIN/initdb" -D "$HEARTH_PGDATA" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 >>"$HEARTH_RUN/logs/postgres.log" 2>&1 ||
		hearth_die "initdb failed; see $HEARTH_RUN/logs/postgres.log"
}

hearth_pg_running() {
	[ -s "$HEARTH_PGDATA/PG_VERSION" ] &&
		hearth_pg_as "$HEARTH_PGBIN/pg_ctl" status -D "$HEARTH_PGDATA" >/dev/null 2>&1
}

# A postmaster.pid whose process is gone, or is not a postgres of this data
# directory (pid reused after a crash or reboot), would block the start.
hearth_pg_clear_stale_pid() {
	local file=$HEARTH_PGDATA/postmaster.pid pid
	[ -f "$file" ] || return 0
	pid=$(head -n1 "$file")
	if hearth_pid_is "$pid" postgres; then
		return 0
	fi
	hearth_log "removing stale $file (pid $pid is not running PostgreSQL)"
	rm -f "$file"
}

# Choose the port: HEARTH_PG_PORT, else the last one used if still free, else
# 54329 if free, else any free port. Recorded in $RUN/pg/port.
hearth_pg_choose_port() {
	local port
	if [ -n "${HEARTH_PG_PORT:-}" ]; then
		port=$HEARTH_PG_PORT
		hearth_require_port "$port" PostgreSQL HEARTH_PG_PORT
	else
		port=$(hearth_pg_port)
		if [ -z "$port" ] || ! hearth_port_free "$port"; then
			port=54329
			hearth_port_free "$port" || port=$(hearth_free_port)
		fi
	fi
	echo "$port" >"$HEARTH_RUN/pg/port"
}

# Start the cluster (creating it and the `hearth` database when missing).
hearth_pg_start() {
	local sock port
	hearth_pg_init
	if hearth_pg_running; then
		hearth_log "PostgreSQL already running in $HEARTH_PGDATA"
		return 0
	fi
	hearth_pg_clear_stale_pid
	hearth_pg_choose_port
	sock=$(hearth_pg_sockdir)
	port=$(hearth_pg_port)
	# The server writes to the log through the descriptor we open here (not
	# pg_ctl -l): the `postgres` user may not reach the run directory.
	hearth_pg_as "$HEARTH_PGBIN/pg_ctl" start -D "$HEARTH_PGDATA" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$sock ${HEARTH_PG_OPTIONS:-}" \
		>>"$HEARTH_RUN/logs/postgres.log" 2>&1 || {
		tail -n 20 "$HEARTH_RUN/logs/postgres.log" >&2
		hearth_die "PostgreSQL did not start; see $HEARTH_RUN/logs/postgres.log"
	}
	local maint="host=$sock port=$port dbname=postgres user=postgres"
	if [ -z "$("$HEARTH_PGBIN/psql" -d "$maint" -XAtqc \
		"SELECT 1 FROM pg_database WHERE datname = 'hearth'")" ]; then
		"$HEARTH_PGBIN/psql" -d "$maint" -Xqc 'CREATE DATABASE hearth' ||
			hearth_die "cannot create database hearth"
	fi
}

# Stop the cluster if it runs (fast shutdown: sessions end, data is safe).
hearth_pg_stop() {
	hearth_pg_running || return 0
	hearth_pg_as "$HEARTH_PGBIN/pg_ctl" stop -D "$HEARTH_PGDATA" -m fast -w -t 60 >/dev/null
}

# Send <signal> to the postmaster of <data directory> [this stack's] and to
# every process it started: STOP pauses the whole server (the kernel still
# accepts connections and bytes, nothing answers), CONT resumes it. For the
# fault tests.
hearth_pg_signal() { # <STOP|CONT> [data directory]
	local pm pid ppid pids=() f
	pm=$(head -n1 "${2:-$HEARTH_PGDATA}/postmaster.pid" 2>/dev/null) || return 1
	hearth_pid_is "$pm" postgres || return 1
	# The postmaster first: stopped, it starts no new process.
	[ "$1" = STOP ] && pids+=("$pm")
	for f in /proc/[0-9]*/stat; do
		read -r pid _ _ ppid _ <"$f" 2>/dev/null || continue
		[ "$ppid" = "$pm" ] && pids+=("$pid")
	done
	[ "$1" = STOP ] || pids+=("$pm")
	kill -"$1" "${pids[@]}"
}

hearth_pg_pause() { hearth_pg_signal STOP; }
hearth_pg_resume() { hearth_pg_signal CONT; }

hearth_pg_status() {
	if hearth_pg_running; then
		echo "PostgreSQL running on port $(hearth_pg_port), data $HEARTH_PGDATA, socket $(hearth_pg_sockdir)"
	else
		echo "PostgreSQL not running"
		return 1
	fi
}

# ---- keys and secrets ---------------------------------------------------------

# Development ES256 key pair and cursor secret, created once and kept.
hearth_keys() {
	mkdir -p "$HEARTH_KEYS" "$HEARTH_RUN/secrets"
	chmod 700 "$HEARTH_KEYS" "$HEARTH_RUN/secrets"
	if [ ! -s "$HEARTH_KEYS/dev-es256.pem" ] || [ ! -s "$HEARTH_KEYS/dev-es256.pub.pem" ]; then
		hearth_log "creating development signing keys in $HEARTH_KEYS"
		(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$HEARTH_KEYS/dev-es256.pem") || hearth_die "openssl genpkey failed"
		openssl pkey -in "$HEARTH_KEYS/dev-es256.pem" -pubout \
			-out "$HEARTH_KEYS/dev-es256.pub.pem" || hearth_die "openssl pkey failed"
	fi
	if [ ! -s "$HEARTH_RUN/secrets/cursor_secret" ]; then
		(umask 077 && openssl rand -hex 32 >"$HEARTH_RUN/secrets/cursor_secret") ||
			hearth_die "openssl rand failed"
	fi
}

# ---- hearthctl ----------------------------------------------------------------

hearth_ctl() { # <hearthctl arguments...>
	HEARTH_ADMIN_DATABASE_URL=$(hearth_admin_url) \
		HEARTH_JWT_PRIVATE_KEY_FILE=$HEARTH_KEYS/dev-es256.pem \
		HEARTH_JWT_PEM_KID=$HEARTH_JWT_PEM_KID HEARTH_JWT_ISSUER=$HEARTH_JWT_ISSUER \
		HEARTH_JWT_AUDIENCE=$HEARTH_JWT_AUDIENCE \
		"$HEARTH_BIN/hearthctl" "$@"
}

hearth_migrate() {
	hearth_ctl migrate --dir "$HEARTH_ROOT" >>"$HEARTH_RUN/logs/hearthctl.log" 2>&1 || {
		tail -n 20 "$HEARTH_RUN/logs/hearthctl.log" >&2
		hearth_die "hearthctl migrate failed; see $HEARTH_RUN/logs/hearthctl.log"
	}
}

hearth_seed_demo() {
	hearth_ctl seed-demo --dir "$HEARTH_ROOT" >>"$HEARTH_RUN/logs/hearthctl.log" 2>&1 || {
		tail -n 20 "$HEARTH_RUN/logs/hearthctl.log" >&2
		hearth_die "hearthctl seed-demo failed; see $HEARTH_RUN/logs/hearthctl.log"
	}
}

# Print a development token. Defaults: commissioner of the demo council.
hearth_token() { # [roles] [org] [tenant] [ttl-s]
	hearth_ctl token --tenant "${3:-$HEARTH_DEMO_TENANT}" --org "${2:-$HEARTH_DEMO_COUNCIL}" \
		--roles "${1:-commissioner}" --sub dev-user --ttl "${4:-28800}"
}

# ---- services -----------------------------------------------------------------

# Start one service in its own session (so a terminal's Ctrl-C reaches only
# the runner, which then stops everything in order). Sets HEARTH_LAST_PID.
hearth_service_start() { # <name> <port>
	local name=$1 port=$2 bin=$HEARTH_BIN/hearth-$1 pidfile=$HEARTH_RUN/pids/$1.pid
	[ -x "$bin" ] || hearth_die "$bin not found; build it with make"
	rm -f "$pidfile"
	HEARTH_LISTEN_ADDR=127.0.0.1 HEARTH_PORT=$port \
		HEARTH_DATABASE_URL=$(hearth_service_url "$name") \
		HEARTH_JWT_KEYS_FILE=$HEARTH_KEYS/dev-es256.pub.pem \
		HEARTH_JWT_PEM_KID=$HEARTH_JWT_PEM_KID HEARTH_JWT_ISSUER=$HEARTH_JWT_ISSUER \
		HEARTH_JWT_AUDIENCE=$HEARTH_JWT_AUDIENCE \
		HEARTH_CURSOR_SECRET=$(cat "$HEARTH_RUN/secrets/cursor_secret") \
		HEARTH_LOG_LEVEL=${HEARTH_LOG_LEVEL:-info} \
		HEARTH_WEBHOOK_ALLOW_HOSTS=${HEARTH_WEBHOOK_ALLOW_HOSTS-127.0.0.1,localhost} \
		setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$bin" \
		>>"$HEARTH_RUN/logs/$name.log" 2>&1 </dev/null &
	local _
	for _ in $(seq 50); do
		[ -s "$pidfile" ] && break
		sleep 0.05
	done
	[ -s "$pidfile" ] || hearth_die "$name did not start"
	HEARTH_LAST_PID=$(head -n1 "$pidfile")
}

hearth_service_wait() { # <name> <port> <pid>
	if ! hearth_wait_http "http://127.0.0.1:$2/readyz" "${HEARTH_START_TIMEOUT_S:-30}" "$3" "hearth-$1"; then
		tail -n 20 "$HEARTH_RUN/logs/$1.log" >&2
		hearth_log "$1 did not become ready on port $2; see $HEARTH_RUN/logs/$1.log"
		return 1
	fi
}

hearth_service_stop() { # <name>
	local pid grace=$((${HEARTH_DRAIN_TIMEOUT_S:-10} + 5))
	if pid=$(hearth_pidfile_live "$HEARTH_RUN/pids/$1.pid" "hearth-$1"); then
		hearth_kill_wait "$pid" "hearth-$1" "$grace"
	fi
	rm -f "$HEARTH_RUN/pids/$1.pid"
}

# ---- gateway ------------------------------------------------------------------

hearth_gateway_dir() { echo "$HEARTH_RUN/nginx"; }

hearth_gateway_render() {
	local dir
	dir=$(hearth_gateway_dir)
	hearth_shared_prepare
	# The API reference, when built (make docs), copied where the workers'
	# user can read it (the run directory may be private).
	local docs=""
	if [ -r "$HEARTH_ROOT/build/docs/index.html" ]; then
		docs=$HEARTH_SHARED/docs
		rm -rf "$docs" && (umask 022 && cp -r "$HEARTH_ROOT/build/docs" "$docs") ||
			hearth_die "cannot copy the API reference to $docs"
		chmod -R a+rX "$docs"
	fi
	HEARTH_GATEWAY_DOCS_DIR=$docs \
		HEARTH_GATEWAY_LISTEN=127.0.0.1:$HEARTH_GATEWAY_PORT \
		HEARTH_GATEWAY_TEMP_DIR=$HEARTH_SHARED/gateway-tmp \
		HEARTH_GATEWAY_TLS_LISTEN=127.0.0.1:${HEARTH_TLS_PORT:-8443} \
		HEARTH_GATEWAY_ACCESS_LOG=$HEARTH_RUN/logs/gateway-access.log \
		HEARTH_GATEWAY_ERROR_LOG=$HEARTH_RUN/logs/gateway-error.log \
		HEARTH_GATEWAY_WORKERS=${HEARTH_GATEWAY_WORKERS:-2} \
		"$HEARTH_ROOT/deploy/gateway/render.sh" "$dir" "$HEARTH_SERVICES_FILE" ||
		hearth_die "cannot render the gateway configuration"
}

hearth_gateway_start() {
	local dir pid
	dir=$(hearth_gateway_dir)
	hearth_gateway_render
	nginx -p "$dir/" -c nginx.conf 2>>"$HEARTH_RUN/logs/gateway-error.log" || {
		tail -n 5 "$HEARTH_RUN/logs/gateway-error.log" >&2
		hearth_die "nginx did not start; see $HEARTH_RUN/logs/gateway-error.log"
	}
	pid=$(head -n1 "$dir/nginx.pid" 2>/dev/null)
	echo "$pid" >"$HEARTH_RUN/pids/gateway.pid"
	hearth_wait_http "http://127.0.0.1:$HEARTH_GATEWAY_PORT/healthz" 10 "$pid" "$dir/" ||
		hearth_die "the gateway did not answer on port $HEARTH_GATEWAY_PORT"
}

# Graceful stop: finish requests in flight, then exit.
hearth_gateway_stop() {
	local dir pid
	dir=$(hearth_gateway_dir)
	if pid=$(hearth_pidfile_live "$HEARTH_RUN/pids/gateway.pid" "$dir/"); then
		kill -QUIT "$pid" 2>/dev/null
		local deadline=$((SECONDS + 15))
		while hearth_pid_is "$pid" "$dir/" && ((SECONDS < deadline)); do sleep 0.1; done
		hearth_pid_is "$pid" "$dir/" && kill -TERM "$pid" 2>/dev/null
	fi
	rm -f "$HEARTH_RUN/pids/gateway.pid"
}

# ---- the whole stack ----------------------------------------------------------

# True when anything of a stack in this run directory still runs.
hearth_stack_running() {
	local name _port
	hearth_pidfile_live "$HEARTH_RUN/pids/gateway.pid" "$(hearth_gateway_dir)/" >/dev/null && return 0
	while read -r name _port; do
		hearth_pidfile_live "$HEARTH_RUN/pids/$name.pid" "hearth-$name" >/dev/null && return 0
	done < <(hearth_services)
	hearth_pg_running
}

# What other programs (tests, env.sh) need to reach this stack.
hearth_write_stack_env() {
	local name port upper
	{
		printf '%s=%q\n' HEARTH_RUN_DIR "$HEARTH_RUN" \
			HEARTH_GATEWAY_PORT "$HEARTH_GATEWAY_PORT" \
			HEARTH_GATEWAY_URL "http://127.0.0.1:$HEARTH_GATEWAY_PORT" \
			HEARTH_PG_PORT "$(hearth_pg_port)" \
			HEARTH_PG_SOCKET_DIR "$(hearth_pg_sockdir)" \
			HEARTH_ADMIN_DATABASE_URL "$(hearth_admin_url)" \
			HEARTH_JWT_PRIVATE_KEY_FILE "$HEARTH_KEYS/dev-es256.pem" \
			HEARTH_JWT_KEYS_FILE "$HEARTH_KEYS/dev-es256.pub.pem" \
			HEARTH_JWT_PEM_KID "$HEARTH_JWT_PEM_KID" \
			HEARTH_JWT_ISSUER "$HEARTH_JWT_ISSUER" \
			HEARTH_JWT_AUDIENCE "$HEARTH_JWT_AUDIENCE"
		while read -r name port; do
			upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
			printf '%s=%q\n' "HEARTH_PORT_$upper" "$port"
		done < <(hearth_services)
	} >"$HEARTH_RUN/stack.env"
}

# Stop whatever of the stack runs, gateway first, database last.
hearth_stack_down() {
	local name _port
	hearth_gateway_stop
	while read -r name _port; do
		hearth_service_stop "$name"
	done < <(hearth_services)
	hearth_pg_stop
}

# Stop whatever runs from this run directory and delete its PostgreSQL
# cluster: what a throwaway stack (tests, benches) does when it is done, and
# `make forget` before it deletes the run directory. As root the cluster is
# outside the run directory (hearth_env_init) and nothing else would ever
# remove it; otherwise it is inside, and goes with the run directory. The
# run directory itself (logs) stays. 1 when the cluster would not stop.
hearth_stack_discard() {
	if hearth_stack_running; then
		# As `make stop` does: a foreground run.sh then knows it was intended.
		touch "$HEARTH_RUN/stopping"
		hearth_stack_down
	fi
	hearth_shared_remove
}

# Run as a command: `lib.sh <function-name-without-hearth_> [args]`.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	hearth_env_init
	case "${1:-}" in
	free-port | port-free | pg-start | pg-stop | pg-status | pg-pause | pg-resume | token | admin-url | services | stack-discard)
		cmd=hearth_${1//-/_}
		shift
		"$cmd" "$@"
		;;
	*)
		echo "usage: $0 free-port|port-free PORT|pg-start|pg-stop|pg-status|pg-pause|pg-resume|token [roles] [org]|admin-url|services|stack-discard" >&2
		exit 2
		;;
	esac
fi
