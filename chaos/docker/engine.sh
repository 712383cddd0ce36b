# Sourced by prepare-images.sh and stop-engine.sh: where the private Docker engine lives, and how
# to tell its dockerd from any other process.

D=${LOGKV_DOCKER_DIR:-/var/tmp/logkv-docker}

# Whether pid $1 is the dockerd of $D (a pid file can outlive its process and name another one).
own_dockerd() {
  [[ -n ${1:-} ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "dockerd.*--data-root $D/root"
}
