#!/usr/bin/env bash
# `make k8s-check`: the Kubernetes manifests, offline. The rendered service
# manifests must be up to date with deploy/services.txt; the base and every
# overlay must render with `kubectl kustomize` and pass validate.mjs.
set -uo pipefail
cd "$(dirname "$0")/../.."
k8s=deploy/k8s
out=build/k8s
mkdir -p "$out"
passed=0 failed=0
result() { # <ok 0|1> <what>
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $2"; fi
}

"$k8s/generate.sh" "$out/services.generated.yaml"
cmp -s "$out/services.generated.yaml" "$k8s/base/services.generated.yaml"
result $? "$k8s/base/services.generated.yaml is out of date: run $k8s/generate.sh"

for dir in "$k8s/base" "$k8s"/overlays/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	# Older kubectl reads `bases`; newer ones warn that it is deprecated.
	if ! kubectl kustomize "$dir" >"$out/$name.yaml" 2>"$out/$name.err"; then
		cat "$out/$name.err"
		result 1 "kubectl kustomize $dir"
		continue
	fi
	result 0 "kubectl kustomize $dir"
	flag=()
	[ "$name" = base ] && flag=(--base)
	echo "== $dir ($(grep -c '^kind:' "$out/$name.yaml") objects)"
	line=$(node tests/k8s/validate.mjs "$out/$name.yaml" docker-compose.yml deploy/services.txt "${flag[@]}" |
		tee "$out/$name.validate.log" | grep -E '^(FAIL|[0-9]+ passed)')
	echo "$line"
	p=$(grep -Eo '^[0-9]+ passed' <<<"$line" | grep -Eo '^[0-9]+')
	f=$(grep -Eo '[0-9]+ failed' <<<"$line" | grep -Eo '^[0-9]+')
	passed=$((passed + ${p:-0})) failed=$((failed + ${f:-1}))
done
# The validator must refuse what it is there to catch: each edit of the
# rendered base below breaks one promise, and must fail the check.
refuses() { # <what> <sed expression>
	sed -e "$2" "$out/base.yaml" >"$out/broken.yaml"
	if node tests/k8s/validate.mjs "$out/broken.yaml" docker-compose.yml deploy/services.txt --base >"$out/broken.log"; then
		result 1 "the validator accepts $1"
	else
		result 0 "the validator refuses $1"
	fi
}
if [ -s "$out/base.yaml" ]; then
	refuses "a writable root filesystem" '0,/readOnlyRootFilesystem: true/s//readOnlyRootFilesystem: false/'
	refuses "a port compose does not give" '0,/containerPort: 8101/s//containerPort: 8199/'
	refuses "a port as a string (schema)" '0,/containerPort: 8101/s//containerPort: "8101"/'
	refuses "another image" '0,/image: hearth:latest/s//image: hearth:other/'
	refuses "a missing readiness probe" '0,/path: \/readyz/s//path: \/other/'
	refuses "one replica" '0,/replicas: 2/s//replicas: 1/'
	refuses "an unknown kind" '0,/^kind: Service$/s//kind: Servce/'
fi
echo "k8s: $passed passed, $failed failed"
((failed == 0))
