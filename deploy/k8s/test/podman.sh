#!/usr/bin/env bash
# Runs the Kubernetes manifests for real with podman: builds the images (images/build.sh), starts the data layer on
# the host (a Mosquitto and a Kafka broker of its own, anvil, a database of its own in the host's PostgreSQL), renders
# the test overlay test/podman with kubectl kustomize, validates and converts it (podman-kube.mjs), plays it with
# `podman kube play`, and shows the pipeline working in containers: /q/health/ready UP in each pod, simulated meters
# publish over MQTT, and every reading arrives verified in PostgreSQL through the containerised services. Prints
# the time from `kube play` to the first verified reading. Cleans up everything it started, also on failure.
# Needs podman (with runc), kubectl 1.21 or later, Node.js with npm, mosquitto, psql, the Maven build of
# kafka-broker and device-simulator (`mvn install`), and anvil (`npm ci` in contracts); skips with a message without
# one of them, except under CI (CI=true), where it fails.
# Settings (environment): SKIP_IMAGE_BUILD=1 (use the images already built), PG_HOST (127.0.0.1), PG_PORT (5432),
# PG_USER (postgres), PODMAN_TEST_DEVICES (2), PODMAN_TEST_READINGS (readings per device, 20), PODMAN_TEST_TIMEOUT
# (seconds per wait, 180).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/k8s/podman/containers.conf}
pg_host=${PG_HOST:-127.0.0.1}
pg_port=${PG_PORT:-5432}
pg_user=${PG_USER:-postgres}
devices=${PODMAN_TEST_DEVICES:-2}
readings=${PODMAN_TEST_READINGS:-20}
timeout=${PODMAN_TEST_TIMEOUT:-180}
# the host ports of the test overlay (test/podman/kustomization.yaml)
ports=(28081 28082 28083 28084)
names=(ingest-service query-service verify-service chain-listener-service)
operator_token=podman-test-operator-token
anvil=$root/contracts/node_modules/.bin/anvil
kafka_classes=$root/kafka-broker/target/classes
simulator=$root/device-simulator/target/device-simulator.jar

skip() {
    echo "SKIPPED: $*; the manifests were not run with podman"
    if [ "${CI:-}" = true ]; then
        echo "CI=true: a check that cannot run fails the build" >&2
        exit 1
    fi
    exit 0
}
for tool in podman runc kubectl node npm mosquitto psql java curl; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done
[ -x "$anvil" ] || skip "anvil not found (npm ci in contracts)"
[ -f "$kafka_classes/io/wattwitness/kafka/broker.classpath" ] || skip "kafka-broker is not built (mvn install)"
[ -f "$simulator" ] || skip "device-simulator is not built (mvn install)"
for port in "${ports[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is taken: the test overlay's pods need it" >&2
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/wattwitness-podman.XXXXXX")
database=wattwitness_podman_$$
pids=()
played=""
psql_() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1 -qtA "$@"; }
cleanup() {
    local rc=$?
    set +e
    if [ -n "$played" ]; then
        if [ "$rc" -ne 0 ]; then
            for name in "${names[@]}"; do
                echo "--- last log lines of $name" >&2
                podman logs --tail 40 "$name-pod-0-$name" >&2 2>&1
            done
        fi
        podman kube down "$played" >/dev/null 2>&1
    fi
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
    local what=$1
    shift
    local deadline=$((SECONDS + timeout))
    until "$@"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "timed out after ${timeout} s: $what" >&2
            return 1
        fi
        sleep 1
    done
}
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- images ------------------------------------------------------------------------------------------------------
if [ "${SKIP_IMAGE_BUILD:-}" != 1 ]; then
    "$root/deploy/k8s/images/build.sh"
fi
for name in "${names[@]}"; do
    podman image exists "localhost/wattwitness/$name:0.1.0" || { echo "image of $name missing" >&2; exit 1; }
done

# --- the host's data layer ---------------------------------------------------------------------------------------
mqtt_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
kafka_port=$(free_port)
java -cp "$kafka_classes" io.wattwitness.kafka.LocalKafkaBroker "$work/kafka" "$kafka_port" >"$work/kafka.log" 2>&1 &
pids+=($!)
anvil_port=$(free_port)
"$anvil" --chain-id 43113 --host 127.0.0.1 --port "$anvil_port" --silent >"$work/anvil.log" 2>&1 &
pids+=($!)
wait_for "Mosquitto on $mqtt_port" tcp_open "$mqtt_port"
wait_for "anvil on $anvil_port" tcp_open "$anvil_port"
wait_for "Kafka on $kafka_port" tcp_open "$kafka_port"
psql_ -d postgres -c "CREATE DATABASE $database"
echo "data layer: Mosquitto 127.0.0.1:$mqtt_port, Kafka 127.0.0.1:$kafka_port, anvil 127.0.0.1:$anvil_port," \
    "PostgreSQL $pg_host:$pg_port database $database"

# --- render, validate, convert -----------------------------------------------------------------------------------
# kustomize takes relative paths only: the run's overlay refers to the test overlay from the temporary folder
mkdir -p "$work/overlay"
cat >"$work/overlay/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$work/overlay" "$here/podman")
configMapGenerator:
  - name: wattwitness-config
    behavior: merge
    literals:
      - DB_HOST=$pg_host
      - DB_PORT=$pg_port
      - DB_USER=$pg_user
      - DB_NAME=$database
      - KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka_port
      - MQTT_PORT=$mqtt_port
  - name: wattwitness-chain
    behavior: merge
    literals:
      - CHAIN_RPC_URL=http://127.0.0.1:$anvil_port
generatorOptions:
  disableNameSuffixHash: true
EOF
kubectl kustomize "$work/overlay" >"$work/rendered.yaml"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
node "$here/podman-kube.mjs" <"$work/rendered.yaml" >"$work/play.yaml"

# --- play --------------------------------------------------------------------------------------------------------
played=$work/play.yaml
play_start=$(date +%s%N)
podman kube play "$played" >/dev/null
ready() { curl -fsS "http://127.0.0.1:$1/q/health/ready" 2>/dev/null | grep -q '"status": *"UP"'; }
for i in "${!names[@]}"; do
    wait_for "${names[$i]} ready on ${ports[$i]}" ready "${ports[$i]}"
done
ready_ms=$((($(date +%s%N) - play_start) / 1000000))
echo "all four pods ready (/q/health/ready UP) $ready_ms ms after kube play"
# what the image and the manifests promise inside each container: the JVM as uid 185 with the manifests'
# JAVA_OPTS_APPEND, a read-only root
for name in "${names[@]}"; do
    container=$name-pod-0-$name
    jvm=$(podman exec "$container" cat /proc/1/cmdline | tr '\0' ' ')
    uid=$(podman exec "$container" id -u)
    case "$jvm" in *"-XX:MaxRAMPercentage=75"*"-jar /deployments/quarkus-run.jar"*) ;; *)
        echo "$name: JAVA_OPTS_APPEND did not reach the JVM: $jvm" >&2; exit 1 ;; esac
    [ "$uid" = 185 ] || { echo "$name runs as uid $uid, not 185" >&2; exit 1; }
    if podman exec "$container" touch /deployments/probe 2>/dev/null; then
        echo "$name: the root file system is writable" >&2; exit 1
    fi
done
echo "each container: uid 185, read-only root, JVM with JAVA_OPTS_APPEND (-XX:MaxRAMPercentage=75)"

# --- simulated meters through the containerised pipeline ---------------------------------------------------------
start=$(date -u -d '-15 minutes' +%Y-%m-%dT%H:%M:%SZ)
java -jar "$simulator" --devices "$devices" --count "$readings" --interval 10s --speed 0 --start "$start" \
    --state "$work/simulator" --mqtt "tcp://127.0.0.1:$mqtt_port" \
    --register "http://127.0.0.1:${ports[1]}" --token "$operator_token" >"$work/simulator.log" 2>&1 &
simulator_pid=$!
pids+=($simulator_pid)
verified() { psql_ -d "$database" -c "SELECT count(*) FROM readings WHERE status = 'verified' AND is_verified"; }
first_verified() { [ "$(verified 2>/dev/null || echo 0)" -gt 0 ]; }
wait_for "a verified reading" first_verified
first_ms=$((($(date +%s%N) - play_start) / 1000000))
echo "first verified reading $first_ms ms after kube play"
expected=$((devices * readings))
all_verified() { [ "$(verified 2>/dev/null || echo 0)" -ge "$expected" ]; }
wait_for "$expected verified readings" all_verified
total=$(psql_ -d "$database" -c "SELECT count(*) FROM readings")
echo "$(verified) of $expected readings verified ($total stored) from $devices simulated meters"
[ "$total" -eq "$expected" ] || { echo "expected exactly $expected readings, found $total" >&2; exit 1; }
# and through the API of the containerised query-service
installations=$(curl -fsS -H "Authorization: Bearer $operator_token" \
    "http://127.0.0.1:${ports[1]}/api/v1/installations/" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d if isinstance(d, list) else d.get("items", d.get("installations", []))))')
echo "query-service lists $installations installations"
[ "$installations" -ge "$devices" ] || { echo "expected $devices installations from the API" >&2; exit 1; }
for i in "${!names[@]}"; do
    ready "${ports[$i]}" || { echo "${names[$i]} no longer ready" >&2; exit 1; }
done
# the containers' memory after the run (a figure for docs/benchmarks.md, not a check)
for name in "${names[@]}"; do
    podman stats --no-stream --format "memory $name {{.MemUsage}}" "$name-pod-0-$name" || true
done
echo "podman kube play: pipeline verified in containers (ready ${ready_ms} ms, first verified reading ${first_ms} ms)"
