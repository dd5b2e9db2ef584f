#!/usr/bin/env bash
# Builds the services' base image from Debian packages, without a Docker daemon: a minimal Debian root file system
# with the OpenJDK 17 JRE (debootstrap), a non-root user (uid/gid 185, the manifests' runAsUser), imported into
# podman's image store as wattwitness/jre-base:<key> and saved as a docker-archive, the `tar://` base of the Jib
# build (build.sh).
#
# The archive is cached under $WATTWITNESS_CACHE (default ~/.cache/wattwitness) keyed by this script and its
# settings, so a second run reuses it. Prints the archive's path as its last line.
# Settings (environment): DEBIAN_SUITE (bookworm), DEBIAN_MIRROR (the mirror of the machine's apt sources, else
# http://deb.debian.org/debian), BASE_PACKAGES (openjdk-17-jre-headless,ca-certificates), CONTAINERS_CONF (default
# ../podman/containers.conf).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/../podman/containers.conf}
suite=${DEBIAN_SUITE:-bookworm}
packages=${BASE_PACKAGES:-openjdk-17-jre-headless,ca-certificates}
if [ -z "${DEBIAN_MIRROR:-}" ]; then
    DEBIAN_MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
    DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fi
cache=${WATTWITNESS_CACHE:-$HOME/.cache/wattwitness}
key=$( (cat "$0"; echo "$suite $packages") | sha256sum | cut -c1-16)
archive=$cache/jre-base-$key.tar
image=localhost/wattwitness/jre-base:$key

if [ -s "$archive" ]; then
    echo "base image cached: $archive" >&2
    if ! podman image exists "$image"; then
        podman load -q -i "$archive" >&2
    fi
    echo "$archive"
    exit 0
fi

for tool in debootstrap podman; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found (apt-get install $tool)" >&2; exit 1; }
done
mkdir -p "$cache"
rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'rm -rf "$rootfs" "$archive.part"' EXIT
start=$(date +%s)
echo "debootstrap $suite with $packages from $DEBIAN_MIRROR" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$DEBIAN_MIRROR" >&2
# The runtime user (no login; its home /deployments, where Jib puts the application, stays root's and read-only)
mkdir -p "$rootfs/deployments"
chroot "$rootfs" groupadd --system --gid 185 wattwitness
chroot "$rootfs" useradd --system --uid 185 --gid 185 --home-dir /deployments --no-create-home \
    --shell /usr/sbin/nologin wattwitness
# What a running JRE does not need: package caches and lists, documentation, locales
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*
java_home=$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")
java_home=${java_home#"$rootfs"}
tar -C "$rootfs" -c . | podman import -q \
    --change "ENV JAVA_HOME=$java_home" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change "USER 185:185" \
    --change "WORKDIR /deployments" \
    --change "LABEL org.opencontainers.image.title=wattwitness-jre-base" \
    --change "LABEL org.opencontainers.image.base.name=debian:$suite" \
    - "$image" >&2
podman save -q --format docker-archive -o "$archive.part" "$image" >&2
mv "$archive.part" "$archive"
echo "base image $image built in $(($(date +%s) - start)) s: $archive" >&2
echo "$archive"
