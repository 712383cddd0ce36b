#!/usr/bin/env bash
# Prepares logkv's Docker images on a machine without any registry, and never pulls.
#
#   chaos/docker/prepare-images.sh          # engine + base images + project images, then a summary
#   source "${LOGKV_DOCKER_DIR:-/var/tmp/logkv-docker}/env"   # DOCKER_HOST for docker, compose, tests
#   chaos/docker/stop-engine.sh             # the counterpart: stops the engine this script started
#
# 1. Engine: the one DOCKER_HOST names when it is set and answers; otherwise a private dockerd
#    under $LOGKV_DOCKER_DIR whose HTTP(S) proxy is a closed loopback port, so that any pull fails
#    at once and visibly instead of hanging. A system-wide engine is not used unless DOCKER_HOST
#    names it: its pulls would go out.
# 2. Base images, built from Debian packages with debootstrap and tagged with the public names the
#    Dockerfiles use: eclipse-temurin:17-jre (Debian's OpenJDK 17 JRE) and nginx:stable (Debian's
#    nginx-light and envsubst). They stand in for the registry's images; skipped when present.
# 3. Project images, from the Dockerfiles the project owns (classic builder, no --pull): unchanged
#    inputs reuse the layer cache, so a second run rebuilds nothing. The jars must be built first
#    (`mvn -q package -DskipTests`); the script runs that when they are missing.
#
# Exit status: 0 done; 3 no engine could be reached or started here (CI then reports the Docker
# stage as not run, with this script's reason); anything else, a real failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=chaos/docker/engine.sh
source "$ROOT/chaos/docker/engine.sh"
MIRROR=${LOGKV_DEBIAN_MIRROR:-}
SUITE=bookworm
CLOSED_PROXY=http://127.0.0.1:9   # the discard port: nothing listens there
declare -a SUMMARY=()

say() { printf '[prepare-images] %s\n' "$*"; }
fail() { printf '[prepare-images] FAILED: %s\n' "$*" >&2; exit 1; }
no_engine() { printf '[prepare-images] NO ENGINE: %s\n' "$*" >&2; exit 3; }
note() { SUMMARY+=("$(printf '%-26s %s' "$1" "$2")"); }

need_tools() {
  local missing=()
  command -v docker >/dev/null || missing+=(docker.io)
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || no_engine "missing ${missing[*]}; install them: sudo apt-get install -y docker.io debootstrap"
    say "installing ${missing[*]} from Debian"
    # Keep the package from starting a system-wide dockerd: this script runs its own.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker.io debootstrap >/dev/null) \
      || { rm -f /usr/sbin/policy-rc.d; no_engine "apt-get could not install docker.io and debootstrap"; }
    rm -f /usr/sbin/policy-rc.d
  fi
}

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

PRIVATE_ENGINE=false
start_engine() {
  mkdir -p "$D"
  if [[ -n ${DOCKER_HOST:-} && $DOCKER_HOST != "unix://$D/docker.sock" ]] && engine_answers; then
    note engine "existing, at $DOCKER_HOST (not started here; pulls are up to that engine)"
    printf 'export DOCKER_HOST=%s\n' "$DOCKER_HOST" > "$D/env"
    return
  fi
  export DOCKER_HOST="unix://$D/docker.sock"
  PRIVATE_ENGINE=true
  if own_dockerd "$(cat "$D/dockerd.pid" 2>/dev/null)" && engine_answers; then
    note engine "private dockerd already running (pid $(cat "$D/dockerd.pid")), $DOCKER_HOST"
  else
    [[ $(id -u) == 0 ]] || no_engine "no Docker engine answers and starting one needs root"
    say "starting a private dockerd in $D (pulls go to the closed proxy $CLOSED_PROXY)"
    rm -f "$D/docker.sock" "$D/dockerd.pid" "$D/started-by-logkv"
    # Its own configuration (none of /etc/docker/daemon.json) and no default bridge: every
    # container here is on a network its user creates, and a system engine keeps docker0.
    printf '{}\n' > "$D/daemon.json"
    HTTP_PROXY=$CLOSED_PROXY HTTPS_PROXY=$CLOSED_PROXY NO_PROXY= \
      setsid dockerd --config-file "$D/daemon.json" --bridge=none --storage-driver=overlay2 \
      --data-root "$D/root" --exec-root "$D/exec" -H "$DOCKER_HOST" --pidfile "$D/dockerd.pid" \
      >"$D/dockerd.log" 2>&1 </dev/null &
    local pid=$!
    touch "$D/started-by-logkv" # at once: stop-engine.sh must find it even if this script dies
    local deadline=$((SECONDS + 30))
    until timeout 2 docker info >/dev/null 2>&1; do
      if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
        kill "$pid" 2>/dev/null || true
        rm -f "$D/started-by-logkv"
        no_engine "dockerd did not answer within 30 s; the end of its log ($D/dockerd.log):
$(tail -5 "$D/dockerd.log")"
      fi
      sleep 0.5
    done
    note engine "private dockerd started (pid $pid), $DOCKER_HOST"
  fi
  printf 'export DOCKER_HOST=%s\n' "$DOCKER_HOST" > "$D/env"
}

check_pulls_refused() {
  # Only on the private engine, whose proxy is the closed port: elsewhere a pull could go out.
  [[ $PRIVATE_ENGINE == true ]] || return 0
  local t0 t1
  t0=$(date +%s%N)
  if timeout 30 docker pull logkv-pull-check/none:latest >/dev/null 2>&1; then
    fail "a pull succeeded; this engine is not isolated from registries"
  fi
  t1=$(date +%s%N)
  note "pull attempt" "refused in $(( (t1 - t0) / 1000000 )) ms (as intended: nothing is ever pulled)"
}

base_image() { # tag, packages to include
  local tag=$1 include=$2 rootfs
  if docker image inspect "$tag" >/dev/null 2>&1; then
    note "$tag" "present ($(docker image inspect -f '{{.Id}}' "$tag" | cut -c8-19))"
    return
  fi
  [[ $(id -u) == 0 ]] || fail "building $tag with debootstrap needs root"
  rootfs=$(mktemp -d "$D/rootfs.XXXXXX")
  local log="$D/debootstrap-${tag//[:\/]/_}.log" t0=$SECONDS
  say "debootstrap $SUITE with $include from $MIRROR for $tag (about a minute)"
  if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$rootfs" "$MIRROR" >"$log" 2>&1; then
    rm -rf "$rootfs"
    fail "debootstrap for $tag failed; its log: $log"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  if ! tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --message "logkv stand-in for $tag: Debian $SUITE packages $include" - "$tag" >/dev/null; then
    rm -rf "$rootfs"
    fail "docker import of $tag failed"
  fi
  rm -rf "$rootfs"
  note "$tag" "built from Debian packages in $((SECONDS - t0)) s"
}

jars_present() {
  [[ -f $ROOT/store/target/logkv-store.jar && -f $ROOT/kafka-local/target/logkv-kafka-local.jar \
    && -d $ROOT/kafka-local/target/lib && -f $ROOT/toxiproxy/target/logkv-toxiproxy.jar && -d $ROOT/toxiproxy/target/lib ]]
}

project_image() { # tag, dockerfile
  local tag=$1 file=$2 before after
  before=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  docker build -q -f "$ROOT/$file" -t "$tag" "$ROOT" >"$D/build.log" 2>&1 \
    || { cat "$D/build.log" >&2; fail "building $tag from $file failed"; }
  after=$(docker image inspect -f '{{.Id}}' "$tag")
  if [[ $before == "$after" ]]; then
    note "$tag" "unchanged (${after:7:12}), from $file"
  else
    note "$tag" "built (${after:7:12}), from $file"
  fi
}

# The Debian mirror and proxy apt uses, so that debootstrap works wherever apt does.
debian_source() {
  if [[ -z $MIRROR ]]; then
    MIRROR=$(awk '/^URIs:/ {uri=$2} /^Suites:/ && $0 ~ /(^| )bookworm( |$)/ && uri {print uri; exit}' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [[ -n $MIRROR ]] || MIRROR=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [[ -n $MIRROR ]] || MIRROR=http://deb.debian.org/debian
  fi
  local proxy
  proxy=$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' || true)
  proxy=${proxy%%$'\n'*}
  if [[ -n $proxy && -z ${http_proxy:-} ]]; then
    export http_proxy=$proxy
  fi
}

need_tools
debian_source
start_engine
check_pulls_refused
base_image eclipse-temurin:17-jre openjdk-17-jre-headless
base_image nginx:stable nginx-light,gettext-base
if ! jars_present; then
  say "the jars are missing: mvn -q -B package -DskipTests"
  (cd "$ROOT" && mvn -q -B -ntp package -DskipTests)
fi
project_image logkv/node:dev store/Dockerfile
project_image logkv/kafka:dev kafka-local/Dockerfile
project_image logkv/nginx:dev nginx/Dockerfile
project_image logkv/toxiproxy:dev toxiproxy/Dockerfile

say "summary"
for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
say "for docker, docker-compose and the tests: source $D/env"
