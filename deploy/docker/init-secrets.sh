#!/usr/bin/env bash
# Create the files docker-compose.yml mounts at /run/hearth/secrets, once:
#   jwt-es256.pem / jwt-es256.pub.pem   development token signing key pair
#   cursor_secret                       pagination cursor HMAC key
#   postgres_password                   the database superuser's password
#   db_password_<svc>                   one per service in deploy/services.txt
# Existing files are kept, so running it again only adds what is missing.
# Usage: deploy/docker/init-secrets.sh [dir]   (default deploy/docker/secrets,
# or $HEARTH_SECRETS_DIR)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-${HEARTH_SECRETS_DIR:-$root/deploy/docker/secrets}}
mkdir -p "$dir"
# The containers read these as uid 10001 (Hearth) and 999 (postgres).
chmod 755 "$dir"

secret() { # <file>: 32 random bytes, hex
	[ -s "$dir/$1" ] && return 0
	openssl rand -hex 32 >"$dir/$1"
	echo "created $dir/$1"
}

if [ ! -s "$dir/jwt-es256.pem" ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/jwt-es256.pem"
	openssl pkey -in "$dir/jwt-es256.pem" -pubout -out "$dir/jwt-es256.pub.pem"
	echo "created $dir/jwt-es256.pem and jwt-es256.pub.pem"
fi
secret cursor_secret
secret postgres_password
while read -r name _; do
	case "$name" in '' | '#'*) continue ;; esac
	secret "db_password_$name"
done <"$root/deploy/services.txt"
chmod 644 "$dir"/*
