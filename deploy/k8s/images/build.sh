#!/usr/bin/env bash
# Builds the container images of the four services without a Docker daemon: the Debian JRE base (build-base.sh,
# cached), then Quarkus with Jib (Maven profile container-image) on that base, each image handed to podman as
# <registry>/wattwitness/<service>:<tag> (default localhost/wattwitness/<service>:0.1.0, the manifests' tag).
# Extra arguments go to Maven, e.g. -o (offline), or -Dquarkus.container-image.push=true with IMAGE_REGISTRY set to
# push to a registry instead.
# Settings (environment): IMAGE_REGISTRY (localhost), IMAGE_TAG (0.1.0), CONTAINERS_CONF (../podman/containers.conf),
# and those of build-base.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/../podman/containers.conf}
registry=${IMAGE_REGISTRY:-localhost}
tag=${IMAGE_TAG:-0.1.0}
services=(ingest-service verify-service query-service chain-listener-service)

command -v podman >/dev/null 2>&1 || { echo "podman not found (apt-get install podman runc)" >&2; exit 1; }
start=$(date +%s)
base=$("$here/build-base.sh" | tail -1)
base_done=$(date +%s)

cd "$root"
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    revision="$revision-dirty"
fi
# the images these tags name now: replaced by the build, removed after it (they would pile up untagged)
previous=()
for service in "${services[@]}"; do
    id=$(podman image inspect --format '{{.Id}}' "$registry/wattwitness/$service:$tag" 2>/dev/null) && previous+=("$id")
done
modules=$(IFS=,; echo "${services[*]}")
mvn -B -q package -Pcontainer-image -Dmaven.test.skip=true -pl "$modules" -am "$@" \
    -Dquarkus.jib.base-jvm-image="tar://$base" \
    -Dimage.registry="$registry" -Dimage.tag="$tag" \
    -Dgit.revision="$revision"
end=$(date +%s)
for id in "${previous[@]}"; do
    if [ -z "$(podman image inspect --format '{{join .RepoTags ","}}' "$id" 2>/dev/null)" ]; then
        podman rmi "$id" >/dev/null 2>&1 || true
    fi
done

echo "images (base $((base_done - start)) s, services $((end - base_done)) s, total $((end - start)) s):"
for service in "${services[@]}"; do
    podman image inspect --format "{{.RepoTags}} {{.Size}} bytes, user {{.Config.User}}, ports {{.Config.ExposedPorts}}" \
        "$registry/wattwitness/$service:$tag"
done
