#!/usr/bin/env bash
# Runs every test of the repository: the contracts and workflow (forge, bun, anvil), the dashboard (vitest), the
# firmware, the Kubernetes manifests (offline), then the Maven reactor: unit and Quarkus tests against real
# PostgreSQL, Mosquitto and Kafka, the pipeline's end-to-end and crash tests against the packaged services, and the
# local stack's acceptance test (simulated meters to a proof on chain, with the dashboard driven in headless
# Chromium); last, the services' container images run from the Kubernetes manifests with podman kube play.
# Needs PostgreSQL on 127.0.0.1:5432 and an MQTT broker on 127.0.0.1:1883 (`.ci/run` checks and starts them).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
SUMMARY=$(mktemp)
status=0

step() {
    local name=$1
    shift
    echo "==> ${name}"
    if "$@"; then
        echo "${name}: ok" >>"$SUMMARY"
    else
        echo "${name}: FAILED" >>"$SUMMARY"
        status=1
    fi
}

if [ -x contracts/test.sh ]; then
    step "contracts (forge + workflow)" contracts/test.sh
fi
if [ -f dashboard/package.json ]; then
    # Built before Maven: query-service packages dashboard/dist and the stack test drives it in Chromium.
    step "dashboard (typecheck, vitest, build)" bash -c \
        'cd dashboard && npm ci --no-audit --no-fund && npm run typecheck && npm test && npm run build'
fi
if [ -x firmware/test.sh ]; then
    # The meter firmware's core: host tests (cmocka), the Linux meter as a process, rv32imc tests under qemu.
    step "firmware (host, rv32 qemu)" firmware/test.sh
fi
if [ -x deploy/k8s/test/test.sh ]; then
    # The Kubernetes manifests rendered with kubectl kustomize and checked offline (skips without kubectl).
    step "kubernetes manifests (kustomize, kubernetes-models)" deploy/k8s/test/test.sh
fi
step "maven reactor" mvn -B install "$@"
if [ -x deploy/k8s/test/podman.sh ]; then
    # The manifests run for real with podman kube play, after the reactor (it uses the kafka-broker and
    # device-simulator builds): images built without a Docker daemon, simulated meters' readings verified through
    # the containerised services (skips without podman, except under CI).
    step "kubernetes manifests with podman (images, kube play, pipeline)" deploy/k8s/test/podman.sh
fi

echo "==> summary"
cat "$SUMMARY"
# One closing line in the plain form, counting the Maven test reports.
python3 - "$ROOT" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
passed = failed = skipped = 0
for path in glob.glob(root + "/**/target/*-reports/TEST-*.xml", recursive=True):
    suite = ET.parse(path).getroot()
    tests, fail, err, skip = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    failed += fail + err
    skipped += skip
    passed += tests - fail - err - skip
print(f"maven: {passed} passed, {failed} failed, {skipped} skipped")
PY
rm -f "$SUMMARY"
exit $status
