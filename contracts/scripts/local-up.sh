#!/usr/bin/env bash
# Local anchoring stack: anvil + deploy + register installations from the API + the workflow's local runner.
# Usage: API_BASE_URL=http://127.0.0.1:8080 contracts/scripts/local-up.sh   (Ctrl-C stops everything)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/bun ] || npm ci --no-audit --no-fund
exec node_modules/.bin/bun workflow/local/up.ts
