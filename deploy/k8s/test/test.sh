#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (deploy/k8s overlays and components, deploy/mosquitto): renders them with
# `kubectl kustomize`, validates every object with kubernetes-models, asserts the structure of the operators' custom
# resources and the deployment rules (README.md of deploy/k8s). Needs kubectl 1.21 or later (its kustomize must know
# components) and Node.js with npm; skips with a message without such a kubectl.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v kubectl >/dev/null 2>&1; then
    echo "SKIPPED: kubectl not found (apt-get install kubernetes-client); the Kubernetes manifests were not checked"
    exit 0
fi
kubectl version --client 2>/dev/null | head -2
# The overlays include the data layer as kustomize components (kustomize v3.7, kubectl 1.21); an older kubectl (the
# kustomize v2 of kubectl 1.20) refuses the field `components`. Probe it on a throwaway overlay.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/component" "$probe/overlay"
printf 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  probe: "true"\n' \
    >"$probe/component/kustomization.yaml"
printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n  - ../component\n' \
    >"$probe/overlay/kustomization.yaml"
if ! kubectl kustomize "$probe/overlay" >/dev/null 2>&1; then
    echo "SKIPPED: this kubectl's kustomize has no components (needs kubectl 1.21 or later); the Kubernetes manifests" \
        "were not checked"
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
node --test manifests.test.mjs
