#!/usr/bin/env bash
# The counterpart of prepare-images.sh: removes every container and network left on the private
# engine and stops that engine, if prepare-images.sh started it. An engine it found running is
# left alone. --purge also deletes its data (images included; the next prepare starts over).
set -euo pipefail

# shellcheck source=chaos/docker/engine.sh
source "$(dirname "$0")/engine.sh"
say() { printf '[stop-engine] %s\n' "$*"; }

purge() {
  [[ ${1:-} == --purge && -d $D ]] || return 0
  if pgrep -f "dockerd.*--data-root $D/root" >/dev/null; then
    say "a dockerd still uses $D: not purged"
    return 1
  fi
  # Overlay mounts can outlive the engine; unmount before deleting.
  grep " $D/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$D"
  say "purged $D"
}

if [[ ! -f $D/started-by-logkv ]]; then
  say "no engine started by prepare-images.sh in $D: nothing to stop"
  purge "${1:-}"
  exit 0
fi
export DOCKER_HOST="unix://$D/docker.sock"
pid=$(cat "$D/dockerd.pid" 2>/dev/null || true)
if own_dockerd "$pid"; then
  left=$(docker ps -aq 2>/dev/null || true)
  if [[ -n $left ]]; then
    say "removing $(wc -w <<<"$left") container(s) left on the engine"
    docker rm -fv $left >/dev/null || true
  fi
  docker network prune -f >/dev/null 2>&1 || true
  docker volume prune -f >/dev/null 2>&1 || true
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd $pid did not stop within 30 s: SIGKILL"
    kill -KILL "$pid" || true
  fi
  say "dockerd $pid stopped"
else
  say "no dockerd of $D is running"
fi
rm -f "$D/started-by-logkv" "$D/env"
purge "${1:-}"
