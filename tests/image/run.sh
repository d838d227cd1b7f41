#!/usr/bin/env bash
# `make image-test`: build the Hearth image from the Dockerfile with podman and
# run it as docker-compose.yml declares: migrate, seed-demo, every service of
# deploy/services.txt and the gateway, each from the image, with the compose
# file's environment, secret files (deploy/docker/init-secrets.sh into a
# temporary directory), read-only root filesystem, tmpfs and health checks;
# then the smoke tests of tests/image through the containerised gateway.
#
# No Docker engine and no image registry are needed: podman (Debian's, with
# runc) builds and runs the image on the host network, the Debian base images
# come from mmdebstrap (made once, then kept in podman's image store), and the
# compose file's PostgreSQL is replaced by a throwaway cluster of the host's
# PostgreSQL 15 that checks passwords as the postgres image does.
#
# Where podman cannot run (not root, a kernel or sandbox that refuses its
# containers) it prints one "image-test: skipped: <why>" line and succeeds.
# Everything it starts carries this run's id and is removed again; it never
# touches another container. Prints "N passed, N failed" (pytest's line).
#
# Settings: HEARTH_IMAGE_TEST_KEEP=1 keeps this run's directory (logs, secrets).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
source deploy/local/lib.sh

base_slim=docker.io/library/debian:bookworm-slim
base_full=docker.io/library/debian:bookworm
# Kept between runs as the build cache: the image and its build stage of the
# last run (their apt layers are what makes a rebuild fast).
cache_repo=localhost/hearth-image-test

say() { echo "image-test: $*"; }
skip() {
	say "skipped: $*"
	exit 0
}
fail() {
	say "$*" >&2
	say "0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root to run podman here (rootless podman needs subuids); run make test as root"

# ---- tools ------------------------------------------------------------------
# Only this tier needs them, so they are installed here rather than by make deps.
need=()
for p in podman runc mmdebstrap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if ((${#need[@]})); then
	say "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
			skip "cannot install ${need[*]} from Debian"
	fi
fi

run_id=$(date +%s)-$$-$(openssl rand -hex 3)
run_dir=$root/build/image-test/$run_id
mkdir -p "$run_dir"
# podman reads only this file, not /etc/containers/containers.conf: Debian's
# runc (crun refuses hybrid cgroup hierarchies), and no default ulimits
# (setrlimit is refused in some sandboxes; containers inherit ours).
export CONTAINERS_CONF=$run_dir/containers.conf
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = []
log_driver = "k8s-file"

[engine]
runtime = "runc"
events_logger = "file"
EOF

export HEARTH_IMAGE_TEST_RUN_ID=$run_id HEARTH_IMAGE_TEST_DIR=$run_dir
image=$cache_repo:run-$run_id
build_tag=$cache_repo:build-$run_id

pg_started=0
cleanup() {
	local name
	# Only the containers this run created (the fixtures record each name
	# before starting it).
	if [ -s "$run_dir/containers" ]; then
		while read -r name; do
			podman rm -f -t 2 "$name" >/dev/null 2>&1
		done <"$run_dir/containers"
	fi
	if ((pg_started)); then
		(hearth_env_init && hearth_stack_discard) >/dev/null 2>&1
	fi
	rotate_cache
	if [ "${HEARTH_IMAGE_TEST_KEEP:-0}" = 1 ]; then
		say "kept $run_dir"
	else
		rm -rf "$run_dir"
	fi
	rmdir "$root/build/image-test" 2>/dev/null
}

# This run's images become the cache; the previous cache (when it differs) and
# this run's own tags are removed. Images of other runs running now are left.
rotate_cache() {
	local kind old new
	for kind in image build; do
		if [ "$kind" = image ]; then new=$image; else new=$build_tag; fi
		podman image exists "$new" || continue
		old=$(podman image inspect -f '{{.Id}}' "$cache_repo:$kind-cache" 2>/dev/null)
		podman tag "$new" "$cache_repo:$kind-cache" >/dev/null 2>&1
		podman untag "$new" "$new" >/dev/null 2>&1
		if [ -n "$old" ] && [ "$old" != "$(podman image inspect -f '{{.Id}}' "$cache_repo:$kind-cache" 2>/dev/null)" ]; then
			podman rmi "$old" >/dev/null 2>&1
		fi
	done
}
trap cleanup EXIT

# ---- base images ------------------------------------------------------------
if ! podman image exists "$base_slim" || ! podman image exists "$base_full"; then
	say "creating the Debian bookworm base images with mmdebstrap (once; kept in podman's store)"
	t0=$SECONDS
	mmdebstrap --variant=minbase --quiet bookworm "$run_dir/base.tar" >"$run_dir/mmdebstrap.log" 2>&1 || {
		tail -n 20 "$run_dir/mmdebstrap.log" >&2
		fail "mmdebstrap failed; see above"
	}
	podman import -q "$run_dir/base.tar" "$base_slim" >/dev/null &&
		podman tag "$base_slim" "$base_full" || fail "podman import of the base image failed"
	rm -f "$run_dir/base.tar"
	say "base images ready in $((SECONDS - t0)) s"
fi

# Can podman run a container here at all? If not, it is this machine, not Hearth.
if ! probe=$(podman run --rm --network host "$base_slim" true 2>&1); then
	skip "podman cannot run containers here: $(printf '%s' "$probe" | grep -v '^$' | tail -n 1)"
fi

# ---- the image ----------------------------------------------------------------
t0=$SECONDS
# Both stages at once (their apt installs are most of a cold build). Then the
# build stage gets a tag too, all from the cache, so its layers are kept (and
# replaced, not accumulated) from run to run.
if ! podman build --network host --jobs 2 -t "$image" . >"$run_dir/build.log" 2>&1 ||
	! podman build --network host --target build -t "$build_tag" . >>"$run_dir/build.log" 2>&1; then
	tail -n 40 "$run_dir/build.log" >&2
	fail "podman build failed; see above"
fi
say "image built in $((SECONDS - t0)) s ($(podman image inspect -f '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
export HEARTH_IMAGE=$image

# ---- PostgreSQL -----------------------------------------------------------------
# The host's PostgreSQL 15 in a throwaway cluster on a free port. Like the
# postgres image, it checks passwords on TCP (scram-sha-256) and the
# superuser's is the postgres_password secret, so the services' own passwords,
# set by migrate, are really used.
secrets=$run_dir/secrets
deploy/docker/init-secrets.sh "$secrets" >/dev/null || fail "init-secrets.sh failed"
export HEARTH_RUN_DIR=$run_dir/stack HEARTH_PG_PORT
HEARTH_PG_PORT=$(hearth_free_port)
hearth_env_init
pg_started=1
(hearth_pg_start) >"$run_dir/pg.log" 2>&1 || {
	cat "$run_dir/pg.log" >&2
	fail "PostgreSQL did not start"
}
sock=$(hearth_pg_sockdir)
echo "ALTER ROLE postgres PASSWORD :'pw'" |
	"$HEARTH_PGBIN/psql" -Xq -v ON_ERROR_STOP=1 -v pw="$(cat "$secrets/postgres_password")" \
		-d "host=$sock port=$HEARTH_PG_PORT dbname=postgres user=postgres" >/dev/null ||
	fail "cannot set the postgres password"
cat >"$HEARTH_PGDATA/pg_hba.conf" <<'EOF'
local all all               trust
host  all all 127.0.0.1/32  scram-sha-256
host  all all ::1/128       scram-sha-256
EOF
hearth_pg_as "$HEARTH_PGBIN/pg_ctl" reload -D "$HEARTH_PGDATA" -s || fail "cannot reload PostgreSQL"

export HEARTH_IMAGE_TEST_SECRETS=$secrets HEARTH_IMAGE_TEST_PG_PORT=$HEARTH_PG_PORT
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/image "$@"
rc=$?
say "tier took $SECONDS s"
if ((rc != 0)); then
	for f in "$run_dir"/logs/*.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") (last lines)" >&2
		tail -n 15 "$f" >&2
	done
fi
exit $rc
