#!/usr/bin/env bash
# Starts the whole suite on this machine, on loopback: a private PostgreSQL cluster
# (.local/pg) and Redis (.local/redis), the four services and, once it exists, the gateway.
# Installs missing packages (as root) and builds first. Data survives re-runs.
#
#   deploy/local/up.sh             run in the foreground; Ctrl-C stops everything
#   deploy/local/up.sh --detach    leave it running (pids in .local/run/); deploy/local/down.sh stops it
#   deploy/local/up.sh --no-build  use the binaries already in build/
#   deploy/local/up.sh --tls       mutual TLS between all processes, with the CA and certificates
#                                  deploy/local/make_certs.sh keeps in .local/tls/
#
# Ports (environment overrides): MELTINGDOC_PG_PORT=15432, MELTINGDOC_REDIS_PORT=16379,
# MELTINGDOC_<SVC>_GRPC_PORT=50051..50054, MELTINGDOC_<SVC>_METRICS_PORT=9101..9104 for
# identity, profiles, discussions, search; MELTINGDOC_GATEWAY_PORT=8080 (metrics 9100).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"

detach=false
do_build=true
tls=false
for arg in "$@"; do
  case $arg in
    --detach) detach=true ;;
    --no-build) do_build=false ;;
    --tls) tls=true ;;
    -h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

stack_layout
if $tls; then TLS_DIR="$LOCAL_DIR/tls"; fi
GATEWAY_BIN="$BUILD_DIR/gateway/meltingdoc-gateway"

service_name() {
  case $1 in
    identity) echo meltingdoc.identity.v1.IdentityService ;;
    profiles) echo meltingdoc.profiles.v1.ProfilesService ;;
    discussions) echo meltingdoc.discussions.v1.DiscussionsService ;;
    search) echo meltingdoc.search.v1.SearchService ;;
  esac
}

refuse_if_running() {
  local f
  for f in "$RUN_DIR"/*.pid; do
    if pid_alive "$f"; then
      die "the stack is already running ($(basename "$f" .pid), pid $(<"$f")): deploy/local/down.sh stops it"
    fi
  done
}

# One random password per service role, made once and kept in .local/secrets (0600), set on the
# role at every start so that a re-created cluster matches.
set_role_passwords() {
  local svc file
  (umask 077 && mkdir -p "$SECRETS_DIR")
  for svc in "${MELTINGDOC_SERVICES[@]}"; do
    file="$SECRETS_DIR/$svc.pg_password"
    # od reads exactly 24 bytes: no SIGPIPE under pipefail.
    [ -s "$file" ] || (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file")
    # Through stdin, so the password shows in no process list.
    printf 'ALTER ROLE %s PASSWORD %s;\n' "$svc" "'$(<"$file")'" | psql_super "$PG_DIR" "$PG_PORT" postgres -f -
  done
}

ensure_keys() {
  [ -s "$KEYS_DIR/signing_key" ] && return 0
  log "generating the token signing key in $KEYS_DIR"
  (umask 077 && mkdir -p "$KEYS_DIR")
  "$BUILD_DIR/libs/auth/meltingdoc-keygen" --kid="local-$(date -u +%Y%m%d%H%M%S)" --out_dir="$KEYS_DIR" >/dev/null
  chmod 0600 "$KEYS_DIR/signing_key"
}

# start_detached <name> <command...>: own session (so a terminal's Ctrl-C or hang-up reaches
# only this script, which stops things in order), log appended to .local/logs/<name>.log.
start_detached() {
  local name=$1; shift
  setsid "$@" >>"$LOGS_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# tls_env <prefix> <certificate name>: the variables giving one process its TLS files, one per line
# (none without --tls). Paths only: the files stay in .local/tls.
tls_env() {
  [ -n "$TLS_DIR" ] || return 0
  printf '%s\n' "${1}_TLS_CERT=$TLS_DIR/$2.pem" "${1}_TLS_KEY=$TLS_DIR/$2-key.pem" "${1}_TLS_CA=$TLS_DIR/ca.pem"
}

start_service() {
  local svc=$1
  local -a args=(--grpc_port="${GRPC_PORT[$svc]}" --metrics_port="${METRICS_PORT[$svc]}"
    --redis="127.0.0.1:$REDIS_PORT" --public_keys_file="$KEYS_DIR/public_keys")
  local password url
  password=$(<"$SECRETS_DIR/$svc.pg_password")
  url="postgresql://$svc:$password@127.0.0.1:$PG_PORT/$DATABASE"
  local -a tls_vars
  mapfile -t tls_vars < <(tls_env "MELTINGDOC_${svc^^}" "$svc")
  # The database URL carries a password: environment, not argv. The signing key goes by
  # environment too, where a binary without that flag (yet) ignores it instead of refusing it.
  start_detached "$svc" env "MELTINGDOC_${svc^^}_PG_URL=$url" \
    "MELTINGDOC_IDENTITY_SIGNING_KEY_FILE=$KEYS_DIR/signing_key" \
    "MELTINGDOC_IDENTITY_MAIL_DIR=$LOCAL_DIR/mail" \
    "MELTINGDOC_${svc^^}_IDENTITY_ADDR=127.0.0.1:${GRPC_PORT[identity]}" \
    "MELTINGDOC_SEARCH_PROFILES_ADDR=127.0.0.1:${GRPC_PORT[profiles]}" \
    "MELTINGDOC_SEARCH_DISCUSSIONS_ADDR=127.0.0.1:${GRPC_PORT[discussions]}" \
    "${tls_vars[@]}" \
    "$BUILD_DIR/services/$svc/meltingdoc-$svc" "${args[@]}"
}

# The gateway is configured by environment only (MELTINGDOC_GATEWAY_<FLAG>, see
# gateway/main.cc); variables that name no flag are ignored. The web client is served from
# gateway/web/dist (built by web_build).
start_gateway() {
  local svc
  local -a vars=("MELTINGDOC_GATEWAY_PORT=$GATEWAY_PORT"
    "MELTINGDOC_GATEWAY_METRICS_PORT=$GATEWAY_METRICS_PORT"
    "MELTINGDOC_GATEWAY_REDIS=127.0.0.1:$REDIS_PORT"
    "MELTINGDOC_GATEWAY_PUBLIC_KEYS_FILE=$KEYS_DIR/public_keys")
  for svc in "${MELTINGDOC_SERVICES[@]}"; do
    vars+=("MELTINGDOC_GATEWAY_${svc^^}_ADDR=127.0.0.1:${GRPC_PORT[$svc]}")
  done
  [ -d "$MELTINGDOC_ROOT/gateway/web/dist" ] && vars+=("MELTINGDOC_GATEWAY_WEB_ROOT=$MELTINGDOC_ROOT/gateway/web/dist")
  mapfile -t -O "${#vars[@]}" vars < <(tls_env MELTINGDOC_GATEWAY gateway)
  start_detached gateway env "${vars[@]}" "$GATEWAY_BIN"
}

check_ports_free() {
  local port
  for port in "$@"; do
    port_in_use "$port" && die "port $port is already in use (see the port variables in $0 --help)"
  done
  return 0
}

print_summary() {
  local svc
  printf '\nMeltingDoc is up (data in %s).\n\n' "$LOCAL_DIR"
  printf '  %-12s %-20s %s\n' service gRPC metrics
  for svc in "${MELTINGDOC_SERVICES[@]}"; do
    printf '  %-12s 127.0.0.1:%-10s http://127.0.0.1:%s/metrics\n' "$svc" "${GRPC_PORT[$svc]}" "${METRICS_PORT[$svc]}"
  done
  printf '  %-12s 127.0.0.1:%s\n  %-12s 127.0.0.1:%s\n' postgresql "$PG_PORT" redis "$REDIS_PORT"
  [ -x "$GATEWAY_BIN" ] && printf '\n  web + HTTP API: http://127.0.0.1:%s/   (OpenAPI: /openapi.json, metrics: http://127.0.0.1:%s/metrics)\n' "$GATEWAY_PORT" "$GATEWAY_METRICS_PORT"
  local flags url
  flags=$(buf_curl_flags | tr '\n' ' ')
  url=$(service_url "${GRPC_PORT[identity]}")
  [ -n "$TLS_DIR" ] && printf '\nMutual TLS: CA and certificates in %s (operator.pem is yours)\n' "$TLS_DIR"
  printf '\nLogs: %s/<service>.log\nTry:\n' "$LOGS_DIR"
  printf '  tests/node_modules/.bin/buf curl --protocol grpc %s--list-methods %s\n' "$flags" "$url"
  printf '  tests/node_modules/.bin/buf curl --protocol grpc %s--data %s %s/grpc.health.v1.Health/Check\n' \
    "$flags" "'{\"service\":\"$(service_name identity)\"}'" "$url"
}

refuse_if_running  # before the trap below, which would stop the running stack
rm -f "$RUN_DIR"/*.pid  # stale, from a stack that did not stop cleanly

# Until the stack is up, any failure stops what was started; --detach then disarms this.
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  log "stopping the stack"
  stop_stack
  exit "$rc"
}
stack_up=false
trap on_exit EXIT
# Ctrl-C is the normal way to stop a running stack (exit 0); before that it is an interruption.
trap 'if $stack_up; then exit 0; else exit 130; fi' INT TERM

ensure_packages
npm_install
if $do_build; then web_build; build "$BUILD_DIR"; fi
for svc in "${MELTINGDOC_SERVICES[@]}"; do
  [ -x "$BUILD_DIR/services/$svc/meltingdoc-$svc" ] || die "missing $BUILD_DIR/services/$svc/meltingdoc-$svc: build first"
done
mkdir -p "$LOGS_DIR" "$RUN_DIR"

start_postgres "$PG_DIR" "$PG_PORT" on scram-sha-256
create_database_and_bootstrap "$PG_DIR" "$PG_PORT" "$DATABASE"
set_role_passwords
start_redis "$REDIS_DIR" "$REDIS_PORT" yes
ensure_keys
if [ -n "$TLS_DIR" ]; then
  log "mutual TLS: CA and certificates in $TLS_DIR"
  ensure_certs "$TLS_DIR"
fi

ports=()
for svc in "${MELTINGDOC_SERVICES[@]}"; do ports+=("${GRPC_PORT[$svc]}" "${METRICS_PORT[$svc]}"); done
[ -x "$GATEWAY_BIN" ] && ports+=("$GATEWAY_PORT" "$GATEWAY_METRICS_PORT")
check_ports_free "${ports[@]}"

for svc in "${MELTINGDOC_SERVICES[@]}"; do
  log "starting $svc on 127.0.0.1:${GRPC_PORT[$svc]}"
  start_service "$svc"
done
for svc in "${MELTINGDOC_SERVICES[@]}"; do
  wait_for_serving "${GRPC_PORT[$svc]}" "$(service_name "$svc")" "$LOGS_DIR/$svc.log" "$(<"$RUN_DIR/$svc.pid")"
  log "$svc SERVING"
done
if [ -x "$GATEWAY_BIN" ]; then
  log "starting the gateway on 127.0.0.1:$GATEWAY_PORT"
  start_gateway
  wait_for_http_ok "$GATEWAY_PORT" /readyz "$LOGS_DIR/gateway.log"
fi

print_summary
stack_up=true
if $detach; then
  trap - EXIT INT TERM
  printf '\nRunning in the background: deploy/local/down.sh stops it.\n'
  exit 0
fi
printf '\nCtrl-C stops everything.\n'
# Stay in the foreground while every process lives; one dying stops the rest (exit 1).
while true; do
  for f in "$RUN_DIR"/*.pid; do
    pid_alive "$f" || { log "$(basename "$f" .pid) exited (log: $LOGS_DIR/$(basename "$f" .pid).log)"; exit 1; }
  done
  sleep 1 &
  wait $! || true
done
