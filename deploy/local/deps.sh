#!/usr/bin/env bash
# Install what Hearth needs to build, run and test, only what is missing.
# Idempotent; safe to run on every `make run` / `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."

debs=(
  build-essential pkg-config clang libclang-rt-14-dev
  libulfius-dev libjansson-dev libpq-dev libjwt-dev libssl-dev
  # libcurl for the webhook sender: the GnuTLS flavour, because libulfius-dev
  # depends on it and Debian's OpenSSL flavour (libcurl4-openssl-dev) conflicts.
  libcurl4-gnutls-dev
  check libsubunit-dev
  postgresql-15 postgresql-client-15 nginx-light gettext-base
  openssl curl jq wrk valgrind docker-compose
  python3 python3-pytest python3-requests python3-jsonschema python3-yaml
  python3-jwt python3-cryptography
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${debs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

# Node.js may come from elsewhere than Debian (with its own npm): only ask for
# Debian's when there is none at all.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# kubectl (for `kubectl kustomize` in the Kubernetes check) may come from
# elsewhere too; Debian's is kubernetes-client.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node is preinstalled on some machines (newer than Debian's); either works.
# npm ci again whenever package-lock.json is newer than what was installed.
if [ ! -x tests/node_modules/.bin/redocly ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  echo "deps: installing the OpenAPI lint and Kubernetes check tools (npm ci in tests/)"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
