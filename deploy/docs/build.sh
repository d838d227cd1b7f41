#!/usr/bin/env bash
# Build the API reference the gateway serves at /docs into a directory:
# Swagger UI (the npm package swagger-ui-dist, pinned below by version and
# the registry's sha512, downloaded once at build time into deploy/docs/.cache,
# which a container build then reuses from its context),
# the page, and every service's OpenAPI file under openapi/. The gateway
# serves the result as it is; no browser ever reaches a CDN. Needs curl,
# openssl and tar only (no Node.js, no install scripts).
#   deploy/docs/build.sh <out-dir> [services-file]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: build.sh <out-dir> [services-file]}
services_file=${2:-$root/deploy/services.txt}

swagger_ui_version=5.35.0
swagger_ui_sha512=U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==
registry=${HEARTH_NPM_REGISTRY:-https://registry.npmjs.org}

cache=${HEARTH_DOCS_CACHE:-$here/.cache}
tarball=$cache/swagger-ui-dist-$swagger_ui_version.tgz
sha512_of() { openssl dgst -sha512 -binary "$1" | openssl base64 -A; }
if [ ! -s "$tarball" ] || [ "$(sha512_of "$tarball")" != "$swagger_ui_sha512" ]; then
	mkdir -p "$cache"
	echo "docs: downloading swagger-ui-dist $swagger_ui_version"
	curl -fsSL --retry 3 -o "$tarball.part" \
		"$registry/swagger-ui-dist/-/swagger-ui-dist-$swagger_ui_version.tgz"
	if [ "$(sha512_of "$tarball.part")" != "$swagger_ui_sha512" ]; then
		rm -f "$tarball.part"
		echo "docs: swagger-ui-dist $swagger_ui_version does not match its pinned sha512" >&2
		exit 1
	fi
	mv "$tarball.part" "$tarball"
fi
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
tar -xzf "$tarball" -C "$dist"
dist=$dist/package

rm -rf "$out.tmp"
mkdir -p "$out.tmp/openapi"
cp "$dist/swagger-ui-bundle.js" "$dist/swagger-ui-standalone-preset.js" "$dist/swagger-ui.css" \
	"$dist/favicon-32x32.png" "$dist/favicon-16x16.png" "$dist/LICENSE" "$out.tmp/"
cp "$here/index.html" "$here/hearth-docs.js" "$here/hearth-docs.css" "$out.tmp/"
cp "$root/openapi/common.yaml" "$out.tmp/openapi/"
names=()
while read -r name _; do
	case "$name" in '' | '#'*) continue ;; esac
	[ -r "$root/openapi/$name.yaml" ] || { echo "docs: no openapi/$name.yaml for service $name" >&2; exit 1; }
	cp "$root/openapi/$name.yaml" "$out.tmp/openapi/"
	names+=("\"$name\"")
done <"$services_file"
((${#names[@]})) || { echo "docs: $services_file lists no service" >&2; exit 1; }
printf 'window.HEARTH_SERVICES = [%s];\n' "$(IFS=,; echo "${names[*]}")" >"$out.tmp/services.js"
chmod -R a+rX "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
