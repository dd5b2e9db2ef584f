#!/usr/bin/env bash
# contracts/ test entry point (called by the repository's test command). Exits non-zero on the first failure.
#   npm ci -> forge fmt --check -> forge build --deny warnings -> forge test (+ gas report) ->
#   tsc --noEmit -> workflow unit tests (bun test) -> anvil end-to-end test (bun test e2e/)
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n=== contracts: %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund
step "forge fmt --check"
forge fmt --check
step "forge build --deny warnings"
forge build --deny warnings
step "forge test (gas report: reports/gas-report.txt)"
mkdir -p reports
forge test --gas-report | tee reports/gas-report.txt
step "gas benchmark (1,000-reading batch)"
forge test --match-contract GasBenchmark -vv | tee reports/gas-benchmark.txt
step "tsc --noEmit"
tsc --noEmit -p tsconfig.json
step "workflow unit tests"
bun test workflow/test
step "anvil end-to-end test"
bun test e2e/
step "all contracts checks passed"
