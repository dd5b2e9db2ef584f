#!/usr/bin/env bash
# Registers (or rotates) every installation listed by the API on a deployed WattWitnessAnchor.
# Required env: RPC_URL, DEPLOYER_PRIVATE_KEY (anchor owner), ANCHOR_ADDRESS, API_BASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RPC_URL:?}" "${DEPLOYER_PRIVATE_KEY:?}" "${ANCHOR_ADDRESS:?}" "${API_BASE_URL:?}"
mkdir -p deployments
node -e 'fetch(process.argv[1]).then(async r => { if (!r.ok) { console.error("installations: HTTP " + r.status); process.exit(1) } process.stdout.write(await r.text()) })' \
  "$API_BASE_URL/api/v1/installations/" > deployments/installations.json
INSTALLATIONS_FILE=deployments/installations.json \
  exec node_modules/.bin/forge script script/RegisterInstallations.s.sol:RegisterInstallations --rpc-url "$RPC_URL" --broadcast
