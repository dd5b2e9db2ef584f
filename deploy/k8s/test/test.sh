#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (deploy/k8s overlays and deploy/mosquitto): renders them with
# `kubectl kustomize`, validates every object with kubernetes-models and asserts the deployment rules (README.md of
# deploy/k8s). Needs kubectl (Debian's kubernetes-client) and Node.js with npm; skips with a message without kubectl.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v kubectl >/dev/null 2>&1; then
    echo "SKIPPED: kubectl not found (apt-get install kubernetes-client); the Kubernetes manifests were not checked"
    exit 0
fi
kubectl version --client 2>/dev/null | head -2
npm ci --no-audit --no-fund --loglevel=error
node --test manifests.test.mjs
