#!/usr/bin/env bash
# Render service.template.yaml once per service of deploy/services.txt into
# base/services.generated.yaml (committed, so `kubectl apply -k` needs no
# script). Run it after adding a service or editing the template;
# `make k8s-check` fails while the file is out of date.
#   deploy/k8s/generate.sh [output]   (default base/services.generated.yaml)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
services=$here/../services.txt
out=${1:-$here/base/services.generated.yaml}

{
	echo "# Rendered by deploy/k8s/generate.sh from service.template.yaml and"
	echo "# deploy/services.txt. Do not edit by hand."
	first=1
	while read -r name port _; do
		case "$name" in '' | '#'*) continue ;; esac
		((first)) || echo "---"
		first=0
		upper=$(printf '%s' "$name" | tr '[:lower:]-' '[:upper:]_')
		sed -e '/^# /d' -e "s/@NAME@/$name/g" -e "s/@PORT@/$port/g" -e "s/@UPPER@/$upper/g" \
			"$here/service.template.yaml"
	done <"$services"
} >"$out.tmp"
mv "$out.tmp" "$out"
