#!/usr/bin/env bash
# Deploys WattWitnessAnchor to Avalanche Fuji (chain id 43113) against the CRE Keystone forwarder.
# Required env: FUJI_RPC_URL, DEPLOYER_PRIVATE_KEY, FORWARDER_ADDRESS (Fuji forwarder from the CRE docs),
#               WORKFLOW_OWNER (the address that runs `cre workflow deploy`), WORKFLOW_NAME (as in workflow.yaml).
# Writes deployments/43113.json. Then register installations with scripts/register.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FUJI_RPC_URL:?}" "${DEPLOYER_PRIVATE_KEY:?}" "${FORWARDER_ADDRESS:?}" "${WORKFLOW_OWNER:?}" "${WORKFLOW_NAME:?}"
exec node_modules/.bin/forge script script/Deploy.s.sol:Deploy --rpc-url "$FUJI_RPC_URL" --broadcast
