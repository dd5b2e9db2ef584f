#!/usr/bin/env bash
# The one command that runs WattWitness locally (see README.md "Quick start").
# Builds what is needed (dashboard, contracts, Maven), then starts the stack; Ctrl-C stops what it started.
# Options are passed to the stack: --devices N, --replay FILE, --speed X, --start ISO|now, --fresh, --help.
# When mosquitto is installed the stack runs the shipped broker configuration (deploy/mosquitto: accounts per device,
# ACL, persistence) on a free port (--mqtt-port N to choose it); --no-shipped-mosquitto keeps the previous behaviour
# (the broker on 127.0.0.1:1883, else an embedded HiveMQ CE, both without accounts).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${SKIP_BUILD:-}" != "1" ]; then
    echo "==> building the dashboard"
    (cd dashboard && npm ci --no-audit --no-fund --loglevel=error && npm run build)
    echo "==> installing the contracts' toolchain"
    (cd contracts && npm ci --no-audit --no-fund --loglevel=error && node_modules/.bin/forge build)
    echo "==> building the services"
    mvn -B -q install -DskipTests
fi
exec java -jar deploy/local/target/local-stack.jar --repo "$(pwd)" "$@"
