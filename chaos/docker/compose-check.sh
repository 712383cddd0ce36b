#!/usr/bin/env bash
# Brings docker-compose.yml up with the locally built images and checks it: three brokers and a
# topic replicated on them; a key written through nginx read back from every node; a write
# through nginx with one broker stopped; a node that exits is restarted and its health check
# turns healthy. Then the sharded variant (docker-compose.sharded.yml added): every key written
# through nginx read back in full, each node holding only its partitions, and every key still
# served with one node killed. Each is taken down (volumes included), whatever happened.
#
#   chaos/docker/prepare-images.sh && chaos/docker/compose-check.sh
#
# Uses the engine prepare-images.sh prepared ($LOGKV_DOCKER_DIR/env) and docker-compose 1.29 (or
# the compose plugin). Never builds or pulls: the images must be there. Host ports are chosen free
# (LOGKV_PORT_NGINX, LOGKV_PORT_N1..N3), so it runs beside anything else on 8080-8083.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=chaos/docker/engine.sh
source "$ROOT/chaos/docker/engine.sh"
PROJECT=logkvcheck$$
say() { printf '[compose-check] %s\n' "$*"; }
fail() { printf '[compose-check] FAILED: %s\n' "$*" >&2; exit 1; }

[[ -f $D/env ]] && source "$D/env"
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null; then
  COMPOSE=(docker-compose)
else
  fail "no compose client: apt-get install docker-compose (or the docker compose plugin)"
fi
for image in logkv/node:dev logkv/kafka:dev logkv/nginx:dev; do
  docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is missing: run chaos/docker/prepare-images.sh"
done

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
ports=()
while ((${#ports[@]} < 4)); do
  p=$(free_port)
  [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
done
export LOGKV_PORT_NGINX=${ports[0]} LOGKV_PORT_N1=${ports[1]} LOGKV_PORT_N2=${ports[2]} LOGKV_PORT_N3=${ports[3]}
FILES=(-f "$ROOT/docker-compose.yml")
compose() { "${COMPOSE[@]}" -p "$PROJECT" "${FILES[@]}" "$@"; }

down() {
  local rc=$?
  if ((rc != 0)); then
    say "logs of the failed run:"
    compose logs --no-color --tail=40 2>&1 | sed 's/^/  /' || true
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  if [[ -n $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT") ]]; then
    say "containers of $PROJECT are left behind"; rc=1
  fi
  say "down: containers, network and volumes of $PROJECT removed"
  exit $rc
}
trap down EXIT

t0=$SECONDS
say "up: ${COMPOSE[*]} -p $PROJECT up -d --no-build (nginx on 127.0.0.1:$LOGKV_PORT_NGINX)"
up_log=$(mktemp)
compose up -d --no-build >"$up_log" 2>&1 || { sed 's/^/  /' "$up_log"; fail "compose up failed (its output above)"; }

wait_200() { # url, what
  for _ in $(seq 1 240); do
    [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1") == 200 ]] && return 0
    sleep 0.5
  done
  fail "$2 did not answer 200 at $1 within 120 s"
}
# Every partition in sync on all three brokers. Three brokers starting at once on a loaded 2-core
# machine fence each other for a few seconds ("controller event queue overloaded"), and a topic
# made meanwhile starts with partitions whose in-sync set is one broker: below min.insync.replicas
# 2, where the brokers refuse writes and a node answers them 503 or 202, rightly. A deployment
# waits for this as the check does; nodes serve reads meanwhile.
wait_replicated() { # phase
  local replicated=""
  for _ in $(seq 1 240); do
    replicated=$(curl -s -m 2 "http://127.0.0.1:$LOGKV_PORT_N1/status")
    [[ $replicated == *'"under_replicated_partitions":0'* ]] && { say "$1: every partition in sync on its brokers"; return 0; }
    sleep 0.5
  done
  fail "$1: partitions still under-replicated after 120 s: $replicated"
}
wait_200 "http://127.0.0.1:$LOGKV_PORT_NGINX/nginx-health" nginx
for n in 1 2 3; do
  port_var=LOGKV_PORT_N$n
  wait_200 "http://127.0.0.1:${!port_var}/health/ready" "n$n"
done
say "ready: nginx and 3 nodes in $((SECONDS - t0)) s"
wait_replicated "full copy"

value="compose-check-$(date +%s%N)"
reply=$(curl -s -D - -o /dev/null -m 10 -X PUT --data-binary "$value" "http://127.0.0.1:$LOGKV_PORT_NGINX/keys/compose-check")
status=$(awk 'NR == 1 {print $2}' <<<"$reply")
position=$(printf '%s' "$reply" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-log-position"{print $2}')
[[ $status == 200 && -n $position ]] || fail "PUT through nginx answered '$status' (position '$position')"
say "PUT through nginx: 200 at position $position"
for n in 1 2 3; do
  port_var=LOGKV_PORT_N$n
  got=$(curl -s -m 10 -H "X-Min-Position: $position" "http://127.0.0.1:${!port_var}/keys/compose-check")
  [[ $got == "$value" ]] || fail "n$n answered '$got' instead of '$value'"
  say "GET from n$n (X-Min-Position $position): the value written"
done

# Three brokers: every one runs, and the node made the topic on all three.
container() { compose ps -q "$1"; }
for b in 1 2 3; do
  [[ $(docker inspect -f '{{.State.Health.Status}}' "$(container kafka$b)") == healthy ]] \
    || fail "kafka$b is not healthy"
done
status=$(curl -s -m 10 "http://127.0.0.1:$LOGKV_PORT_N1/status")
[[ $status == *'"replication_factor":3'* && $status == *'"min_insync_replicas":2'* ]] \
  || fail "n1's topic is not replicated on three brokers with min.insync.replicas 2: $status"
say "three brokers healthy; topic replication factor 3, min.insync.replicas 2"

# A write survives the loss of a broker, once every partition is on all three (waited for above):
# stopping one broker then leaves every partition at min.insync.replicas.
compose stop kafka2 >/dev/null 2>&1
value2="$value-one-broker-down"
code=$(curl -s -o /dev/null -m 30 -w '%{http_code}' -X PUT --data-binary "$value2" "http://127.0.0.1:$LOGKV_PORT_NGINX/keys/compose-check")
# 200, or 202: acknowledged by the brokers (durable) but not yet applied by the node within its
# write timeout, which a node's consumer moving to a new leader on a loaded machine can take.
[[ $code == 200 || $code == 202 ]] || fail "a PUT through nginx with kafka2 stopped answered $code"
got=""
for _ in $(seq 1 30); do
  got=$(curl -s -m 10 "http://127.0.0.1:$LOGKV_PORT_NGINX/keys/compose-check?consistency=strong")
  [[ $got == "$value2" ]] && break
  sleep 1
done
[[ $got == "$value2" ]] || fail "a strong read with kafka2 stopped answered '$got' for 30 s"
compose start kafka2 >/dev/null 2>&1
say "kafka2 stopped: a PUT through nginx answered $code and a strong read saw it; kafka2 started again"

# The node's health check, and its restart policy: n2's process exits, the engine starts it again.
n2=$(container n2)
for _ in $(seq 1 120); do
  [[ $(docker inspect -f '{{.State.Health.Status}}' "$n2") == healthy ]] && break
  sleep 1
done
[[ $(docker inspect -f '{{.State.Health.Status}}' "$n2") == healthy ]] || fail "n2's health check never turned healthy"
docker exec "$n2" bash -c 'kill -TERM 1'
for _ in $(seq 1 240); do
  restarts=$(docker inspect -f '{{.RestartCount}}' "$n2")
  ((restarts >= 1)) && [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$LOGKV_PORT_N2/health/ready") == 200 ]] && break
  sleep 0.5
done
((restarts >= 1)) || fail "n2 exited but was not restarted"
wait_200 "http://127.0.0.1:$LOGKV_PORT_N2/health/ready" "n2 after its restart"
say "n2 healthy; its process exited and the engine restarted it (restart count $restarts), ready again"
# Its clean stop wrote the class archive (store/docker-entrypoint.sh), and the restart maps it.
archive=$(docker exec "$n2" bash -c 'ls /var/lib/logkv/.class-archive/*.jsa 2>/dev/null' || true)
[[ -n $archive ]] || fail "n2's clean stop left no class archive in its volume"
docker exec "$n2" bash -c 'tr "\0" " " </proc/1/cmdline' | grep -q -- "-XX:SharedArchiveFile=$archive" \
  || fail "n2 restarted without its class archive $archive"
say "n2's clean stop wrote its class archive ($archive); the restart uses it"
compose down -v --remove-orphans >/dev/null 2>&1
say "full copy: PASSED in $((SECONDS - t0)) s"

# ---- Sharded: the same three nodes, each partition on two of them.
PROJECT=${PROJECT}s
FILES+=(-f "$ROOT/docker-compose.sharded.yml")
t1=$SECONDS
say "up: sharded variant, project $PROJECT"
compose up -d --no-build >"$up_log" 2>&1 || { sed 's/^/  /' "$up_log"; fail "compose up (sharded) failed (its output above)"; }
wait_200 "http://127.0.0.1:$LOGKV_PORT_NGINX/nginx-health" nginx
for n in 1 2 3; do
  port_var=LOGKV_PORT_N$n
  wait_200 "http://127.0.0.1:${!port_var}/health/ready" "n$n (sharded)"
done
cluster=$(curl -s -m 10 "http://127.0.0.1:$LOGKV_PORT_N1/cluster")
[[ $cluster == *'"sharded":true'* && $cluster == *'"replicas":2'* ]] || fail "n1's /cluster is not sharded with R 2: $cluster"
say "ready in $((SECONDS - t1)) s; /cluster: sharded, replicas 2"
wait_replicated "sharded"

keys=60
positions=()
for i in $(seq 1 $keys); do
  reply=$(curl -s -D - -o /dev/null -m 10 -X PUT --data-binary "v$i" "http://127.0.0.1:$LOGKV_PORT_NGINX/keys/sharded-$i")
  status=$(awk 'NR == 1 {print $2}' <<<"$reply") # not head: with pipefail, its early exit fails the pipe
  [[ $status == 200 ]] || fail "sharded PUT sharded-$i through nginx answered '$status'"
  positions[i]=$(printf '%s' "$reply" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-log-position"{print $2}')
done
check_all() { # what
  local i got
  for i in $(seq 1 $keys); do
    got=$(curl -s -m 10 -H "X-Min-Position: ${positions[i]}" "http://127.0.0.1:$LOGKV_PORT_NGINX/keys/sharded-$i")
    [[ $got == "v$i" ]] || fail "$1: GET sharded-$i through nginx answered '$got'"
  done
}
check_all "sharded"
held=0
for n in 1 2 3; do
  port_var=LOGKV_PORT_N$n
  k=$(curl -s -m 10 "http://127.0.0.1:${!port_var}/status" | sed -n 's/.*"keys":\([0-9]*\).*/\1/p')
  ((k < keys)) || fail "n$n holds $k keys of $keys: it should hold only its partitions"
  held=$((held + k))
done
((held == 2 * keys)) || fail "the nodes hold $held keys together, not $((2 * keys)) (every key on two of them)"
say "$keys keys written and read back through nginx; each node holds only its partitions ($held copies = 2 per key)"

docker kill "$(container n3)" >/dev/null
check_all "sharded, n3 killed"
say "n3 killed: every key still read back through nginx from its other owner"
say "sharded: PASSED in $((SECONDS - t1)) s"
say "PASSED in $((SECONDS - t0)) s"
