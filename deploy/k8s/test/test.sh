#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (deploy/k8s overlays and components, deploy/mosquitto): renders them with
# `kubectl kustomize`, validates every object with kubernetes-models, asserts the structure of the operators' custom
# resources and the deployment rules (README.md of deploy/k8s). Needs kubectl 1.21 or later (its kustomize must know
# components) and Node.js with npm; skips with a message without such a kubectl, except under CI (CI=true), where
# manifests that were not checked fail the run.
set -euo pipefail
cd "$(dirname "$0")"
skip() {
    echo "SKIPPED: $*; the Kubernetes manifests were not checked"
    if [ "${CI:-}" = true ]; then
        echo "CI=true: a check that cannot run fails the build" >&2
        exit 1
    fi
    exit 0
}
if ! command -v kubectl >/dev/null 2>&1; then
    skip "kubectl not found (apt-get install kubernetes-client)"
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
    skip "this kubectl's kustomize has no components (needs kubectl 1.21 or later)"
fi
npm ci --no-audit --no-fund --loglevel=error
node --test manifests.test.mjs
