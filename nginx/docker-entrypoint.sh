#!/bin/sh
# Renders the logkv template with the LOGKV_NGINX_* variables only (nginx's own $host and
# friends stay as they are) and runs nginx in the foreground. With --check it renders, tests and
# prints the configuration, and exits.
#
# HTTPS: set LOGKV_NGINX_TLS_CERT and LOGKV_NGINX_TLS_KEY to a mounted certificate (PEM, the
# server's first, then its chain) and key; the listen port then speaks HTTPS only.
# Rate limit per client address: LOGKV_NGINX_RATE (nginx syntax, 200r/s), LOGKV_NGINX_RATE_BURST
# (400), and LOGKV_NGINX_RATE_EXEMPT, addresses or CIDR ranges never limited, space separated
# ("0.0.0.0/0 ::/0" turns the limit off).
set -eu
if [ -z "${LOGKV_NGINX_SERVERS:-}" ]; then
  echo "LOGKV_NGINX_SERVERS is empty: set it to one 'server host:port max_fails=1 fail_timeout=2s;' line per node" >&2
  exit 2
fi
TEMPLATE=${LOGKV_NGINX_TEMPLATE:-/etc/logkv/logkv.conf.template}
CONF=${LOGKV_NGINX_CONF:-/etc/logkv/nginx.conf}

# What the template needs beyond the plain settings, derived the way the launcher derives it
# (cluster/src/main/java/io/logkv/cluster/Nginx.java).
if [ -n "${LOGKV_NGINX_TLS_CERT:-}" ] || [ -n "${LOGKV_NGINX_TLS_KEY:-}" ]; then
  for f in "${LOGKV_NGINX_TLS_CERT:-}" "${LOGKV_NGINX_TLS_KEY:-}"; do
    if [ -z "$f" ] || [ ! -r "$f" ]; then
      echo "HTTPS needs both LOGKV_NGINX_TLS_CERT and LOGKV_NGINX_TLS_KEY, readable; '$f' is not" >&2
      exit 2
    fi
  done
  LOGKV_NGINX_SSL=" ssl"
  LOGKV_NGINX_TLS="        ssl_certificate      \"$LOGKV_NGINX_TLS_CERT\";
        ssl_certificate_key  \"$LOGKV_NGINX_TLS_KEY\";"
else
  LOGKV_NGINX_SSL=""
  LOGKV_NGINX_TLS="        # plain HTTP: set LOGKV_NGINX_TLS_CERT and LOGKV_NGINX_TLS_KEY for HTTPS"
fi
LOGKV_NGINX_RATE_EXEMPT_GEO=""
for range in ${LOGKV_NGINX_RATE_EXEMPT:-127.0.0.0/8 ::1}; do
  LOGKV_NGINX_RATE_EXEMPT_GEO="$LOGKV_NGINX_RATE_EXEMPT_GEO        $range  1;
"
done
export LOGKV_NGINX_SSL LOGKV_NGINX_TLS LOGKV_NGINX_RATE_EXEMPT_GEO
# No owner routing unless given: round robin, and sharded nodes forward what they do not own.
LOGKV_NGINX_MODULES="${LOGKV_NGINX_MODULES:-}"
if [ -z "${LOGKV_NGINX_ROUTING:-}" ]; then
  LOGKV_NGINX_ROUTING='    map $logkv_group $logkv_upstream { default $logkv_group; }'
fi
export LOGKV_NGINX_MODULES LOGKV_NGINX_ROUTING
export LOGKV_NGINX_RATE="${LOGKV_NGINX_RATE:-200r/s}" LOGKV_NGINX_RATE_BURST="${LOGKV_NGINX_RATE_BURST:-400}"
export LOGKV_NGINX_CLIENT_TIMEOUT="${LOGKV_NGINX_CLIENT_TIMEOUT:-30s}" LOGKV_NGINX_IDLE_TIMEOUT="${LOGKV_NGINX_IDLE_TIMEOUT:-60s}"

mkdir -p "$LOGKV_NGINX_PREFIX" "$LOGKV_NGINX_LOG_DIR" "$(dirname "$CONF")"
envsubst '${LOGKV_NGINX_PREFIX} ${LOGKV_NGINX_LOG_DIR} ${LOGKV_NGINX_LISTEN} ${LOGKV_NGINX_SERVERS} ${LOGKV_NGINX_MAX_BODY} ${LOGKV_NGINX_READ_TIMEOUT} ${LOGKV_NGINX_RETRY_WINDOW} ${LOGKV_NGINX_SSL} ${LOGKV_NGINX_TLS} ${LOGKV_NGINX_RATE} ${LOGKV_NGINX_RATE_BURST} ${LOGKV_NGINX_RATE_EXEMPT_GEO} ${LOGKV_NGINX_CLIENT_TIMEOUT} ${LOGKV_NGINX_IDLE_TIMEOUT} ${LOGKV_NGINX_MODULES} ${LOGKV_NGINX_ROUTING}' \
  < "$TEMPLATE" > "$CONF"
if [ "${1:-}" = "--check" ]; then
  nginx -t -c "$CONF"
  cat "$CONF"
  exit 0
fi
nginx -t -q -c "$CONF"
exec nginx -c "$CONF" -g 'daemon off;'
