#!/bin/sh
# Renders the logkv template with the LOGKV_NGINX_* variables only (nginx's own $host and
# friends stay as they are) and runs nginx in the foreground.
set -eu
if [ -z "${LOGKV_NGINX_SERVERS:-}" ]; then
  echo "LOGKV_NGINX_SERVERS is empty: set it to one 'server host:port max_fails=1 fail_timeout=2s;' line per node" >&2
  exit 2
fi
mkdir -p "$LOGKV_NGINX_PREFIX" "$LOGKV_NGINX_LOG_DIR"
# No owner routing in the image: round robin, and sharded nodes forward what they do not own.
: "${LOGKV_NGINX_MODULES:=}"
: "${LOGKV_NGINX_ROUTING:=    map \$logkv_group \$logkv_upstream { default \$logkv_group; \}}"
export LOGKV_NGINX_MODULES LOGKV_NGINX_ROUTING
envsubst '${LOGKV_NGINX_PREFIX} ${LOGKV_NGINX_LOG_DIR} ${LOGKV_NGINX_LISTEN} ${LOGKV_NGINX_SERVERS} ${LOGKV_NGINX_MAX_BODY} ${LOGKV_NGINX_READ_TIMEOUT} ${LOGKV_NGINX_RETRY_WINDOW} ${LOGKV_NGINX_MODULES} ${LOGKV_NGINX_ROUTING}' \
  < /etc/logkv/logkv.conf.template > /etc/logkv/nginx.conf
nginx -t -q -c /etc/logkv/nginx.conf
exec nginx -c /etc/logkv/nginx.conf -g 'daemon off;'
