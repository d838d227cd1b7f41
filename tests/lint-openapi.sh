#!/usr/bin/env bash
# Lint every OpenAPI file with Redocly (installed by `make deps` into tests/).
set -euo pipefail
cd "$(dirname "$0")/.."
exec tests/node_modules/.bin/redocly lint --config tests/redocly.yaml openapi/*.yaml
