# shellcheck shell=bash
# Shared by deploy/local/up.sh, deploy/local/down.sh and tests/run.sh: one copy of each job
# (packages, node tools, build, PostgreSQL, Redis, readiness, stopping). Source it, don't run it.
# Every function works under `set -euo pipefail` and reports failures on stderr.

MELTINGDOC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BINDIR=${MELTINGDOC_PG_BINDIR:-/usr/lib/postgresql/15/bin}
BUF="$MELTINGDOC_ROOT/tests/node_modules/.bin/buf"
MELTINGDOC_SERVICES=(identity profiles discussions search)

# Debian 12 packages for building, running and testing the suite (DESIGN.md, "Stack").
# nodejs and npm are checked by command instead: nodejs from NodeSource already bundles npm.
MELTINGDOC_PACKAGES=(
  cmake g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  golang-github-gogo-googleapis-dev grpc-proto libabsl-dev
  libpqxx-dev postgresql postgresql-contrib libhiredis-dev redis-server
  john-data libsodium-dev libboost-dev acl openssl libcurl4-openssl-dev libssl-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  wrk hyperfine chromium clang nginx-light curl
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as `user` when we are root (PostgreSQL refuses to run as root), else as us.
as_user() {
  local user=$1; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

package_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Installs the missing packages; `apt-get update` only when something is missing.
ensure_packages() {
  local missing=() p
  for p in "${MELTINGDOC_PACKAGES[@]}"; do
    package_installed "$p" || missing+=("$p")
  done
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  [ "${#missing[@]}" -eq 0 ] && return 0
  is_root || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
}

# `npm ci` in tests/ when node_modules is absent or older than the lock file.
npm_install() {
  local dir="$MELTINGDOC_ROOT/tests"
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -x "$BUF" ] && [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
    return 0
  fi
  log "npm ci in tests/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

# web_build: the web client (gateway/web, issue #8): `npm ci` there when node_modules is absent
# or older than the lock file, then `npm run build` (type check + Vite) into gateway/web/dist when
# dist is missing or older than a source. The gateway serves dist (--web_root).
web_build() {
  local dir="$MELTINGDOC_ROOT/gateway/web"
  local stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    log "npm ci in gateway/web/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ -f "$dir/dist/index.html" ] && [ -z "$(find "$dir/src" "$dir/index.html" "$dir/package.json" \
    "$dir/package-lock.json" "$dir/vite.config.ts" "$dir/tsconfig.json" -newer "$dir/dist/index.html" -print -quit)" ]; then
    return 0
  fi
  log "building the web client into gateway/web/dist"
  (cd "$dir" && npm run --silent build) || die "the web client did not build: (cd gateway/web && npm run build)"
}

# build <build dir>: Release build of the whole tree.
build() {
  local dir=$1
  log "building in $dir"
  cmake -S "$MELTINGDOC_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$dir" -j "${MELTINGDOC_BUILD_JOBS:-2}"
}

# grant_traversal <user> <dir>: lets `user` reach <dir> through its ancestors. An ancestor it
# cannot search (a clone under /root, mode 0700) gets a search-only ACL entry for that one user,
# rather than o+x for everyone.
grant_traversal() {
  local user=$1 path="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${2#/}"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    path="$path/$part"
    runuser -u "$user" -- test -x "$path" && continue
    log "granting user $user search-only access to $path (ACL u:$user:x), to reach $2"
    setfacl -m "u:$user:x" "$path" ||
      die "user $user cannot reach $2: allow it to search $path, or set MELTINGDOC_LOCAL_DIR"
  done
}

# prepare_owned_dir <user> <dir>: creates <dir> with mode 0700, owned by `user` when we are root
# (PostgreSQL refuses to run as root; Redis need not), and reachable by that user.
prepare_owned_dir() {
  local user=$1 dir=$2
  mkdir -p "$dir"
  chmod 0700 "$dir"
  is_root || return 0
  chown "$user": "$dir"
  grant_traversal "$user" "$dir"
}

pg_running() { as_user postgres "$PG_BINDIR/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# start_postgres <datadir> <port> <fsync on|off> [host auth: scram-sha-256 (default) | trust]
# Creates the cluster when missing (superuser `postgres`, trust on its own socket, which lives
# in the 0700 data directory), then starts it on 127.0.0.1:<port>. Settings are rewritten at
# every start in <datadir>/meltingdoc.conf, included from postgresql.conf.
start_postgres() {
  local dir=$1 port=$2 fsync=$3 auth=${4:-scram-sha-256}
  if [ ! -f "$dir/PG_VERSION" ]; then
    prepare_owned_dir postgres "$dir"
    log "initdb $dir"
    as_user postgres "$PG_BINDIR/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host="$auth" >/dev/null
    echo "include_if_exists = 'meltingdoc.conf'" >>"$dir/postgresql.conf"
  fi
  cat >"$dir/meltingdoc.conf" <<EOF
# Written by deploy/local/lib.sh at every start; edit the scripts, not this file.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = $fsync
synchronous_commit = $fsync
EOF
  if is_root; then chown postgres: "$dir/meltingdoc.conf"; fi
  if pg_running "$dir"; then
    log "PostgreSQL already running in $dir"
    return 0
  fi
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_user postgres "$PG_BINDIR/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start (log: $dir/server.log)"; }
}

# stop_postgres <datadir> [fast|immediate]
stop_postgres() {
  local dir=$1 mode=${2:-fast}
  pg_running "$dir" || return 0
  log "stopping PostgreSQL ($dir)"
  as_user postgres "$PG_BINDIR/pg_ctl" -D "$dir" -m "$mode" -w -t 60 stop >/dev/null
}

# psql_super <datadir> <port> <db> [psql args...]: superuser psql over the cluster's own socket.
psql_super() {
  local dir=$1 port=$2 db=$3; shift 3
  PGOPTIONS="-c client_min_messages=warning" "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d "$db" "$@"
}

# create_database_and_bootstrap <datadir> <port> <db>: creates <db> when missing, then applies
# deploy/sql/bootstrap.sql (idempotent: one schema + role per service).
create_database_and_bootstrap() {
  local dir=$1 port=$2 db=$3
  if [ -z "$(psql_super "$dir" "$port" postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    log "creating database $db"
    psql_super "$dir" "$port" postgres -c "CREATE DATABASE \"$db\""
  fi
  psql_super "$dir" "$port" "$db" -f - <"$MELTINGDOC_ROOT/deploy/sql/bootstrap.sql" >/dev/null
}

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]; }

# start_redis <dir> <port> <aof yes|no>: a daemonized Redis on 127.0.0.1:<port> keeping its files
# in <dir> (run as user redis when we are root).
start_redis() {
  local dir=$1 port=$2 aof=$3
  if redis_ping "$port" && pid_alive "$dir/redis.pid"; then
    log "Redis already running on port $port"
    return 0
  fi
  port_in_use "$port" && die "port $port (Redis) is already in use by another process"
  prepare_owned_dir redis "$dir"
  log "starting Redis on 127.0.0.1:$port"
  as_user redis redis-server --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" \
    --logfile "$dir/redis.log" --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --appendonly "$aof" --save "" >/dev/null
  local i
  for ((i = 0; i < 100; i++)); do
    redis_ping "$port" && pid_alive "$dir/redis.pid" && return 0
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "Redis did not answer on port $port (log: $dir/redis.log)"
}

# stop_redis <dir>: SIGTERM is Redis's graceful shutdown (AOF flushed and fsynced).
stop_redis() {
  pid_alive "$1/redis.pid" || return 0
  log "stopping Redis ($1)"
  stop_pidfile "$1/redis.pid" 30
}

# pid_alive <pidfile>: the file names a running process.
pid_alive() {
  local pid
  [ -f "$1" ] && pid=$(<"$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_pidfile <pidfile> [seconds]: SIGTERM, wait up to `seconds` (default 30), then SIGKILL.
stop_pidfile() {
  local file=$1 timeout=${2:-30} pid i
  [ -f "$file" ] || return 0
  pid=$(<"$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ($file) ignored SIGTERM for ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a TCP port on 127.0.0.1 that nothing listens on now (random, 20000-59999).
free_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768-): no client socket takes it meanwhile
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "no free port found"
}

# With TLS_DIR set (up.sh --tls), the services speak mutual TLS only: call them as the operator,
# with the certificates deploy/local/make_certs.sh made there.
TLS_DIR=""

# buf curl's connection flags for the services: the operator's certificate with TLS, HTTP/2
# without TLS (one word per line, for mapfile).
buf_curl_flags() {
  if [ -n "$TLS_DIR" ]; then
    printf '%s\n' --cacert "$TLS_DIR/ca.pem" --cert "$TLS_DIR/operator.pem" --key "$TLS_DIR/operator-key.pem"
  else
    printf '%s\n' --http2-prior-knowledge
  fi
}

# service_url <port>: base URL of the service listening on 127.0.0.1:<port>.
service_url() { if [ -n "$TLS_DIR" ]; then echo "https://127.0.0.1:$1"; else echo "http://127.0.0.1:$1"; fi; }

health_status() {
  local -a flags
  mapfile -t flags < <(buf_curl_flags)
  "$BUF" curl --protocol grpc "${flags[@]}" --timeout 2s --data "{\"service\":\"$2\"}" \
    "$(service_url "$1")/grpc.health.v1.Health/Check" 2>/dev/null
}

# ensure_certs <dir>: a CA and a certificate per process in <dir> (kept when present).
ensure_certs() {
  "$MELTINGDOC_ROOT/deploy/local/make_certs.sh" "$1" >/dev/null
}

# wait_for_serving <port> <service name> <log file> [pid]: polls gRPC health (through
# reflection) until <service name> is SERVING; fails after 60 s, or as soon as <pid> exits,
# with the tail of the log.
wait_for_serving() {
  local port=$1 name=$2 logfile=$3 pid=${4:-} deadline=$((SECONDS + 60))
  [ -x "$BUF" ] || die "buf missing: npm_install first"
  while ((SECONDS < deadline)); do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited before reporting SERVING (log: $logfile)"
    fi
    health_status "$port" "$name" | grep -q '"SERVING"' && return 0
    sleep 0.5
  done
  tail -n 20 "$logfile" >&2 || true
  die "$name not SERVING on port $port after 60 s (log: $logfile)"
}

# wait_for_http_ok <port> <path> <log file>: polls http://127.0.0.1:<port><path> for a 200.
wait_for_http_ok() {
  local port=$1 path=$2 logfile=$3 deadline=$((SECONDS + 60)) status
  while ((SECONDS < deadline)); do
    status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" &&
      printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3 && head -n 1 <&3) 2>/dev/null || true)
    [[ $status == *" 200"* ]] && return 0
    sleep 0.5
  done
  tail -n 20 "$logfile" >&2 || true
  die "no 200 from http://127.0.0.1:$port$path after 60 s (log: $logfile)"
}

# ---- The one-machine stack of up.sh / down.sh ------------------------------------------------

# Sets the stack's paths and ports; each port can be overridden by the variable of that name
# (the services' own MELTINGDOC_<SVC>_<FLAG> names, so one variable means the same everywhere).
# shellcheck disable=SC2034  # used by the scripts that source this file
stack_layout() {
  LOCAL_DIR=${MELTINGDOC_LOCAL_DIR:-$MELTINGDOC_ROOT/.local}
  BUILD_DIR=${MELTINGDOC_BUILD_DIR:-$MELTINGDOC_ROOT/build}
  PG_DIR="$LOCAL_DIR/pg" REDIS_DIR="$LOCAL_DIR/redis" KEYS_DIR="$LOCAL_DIR/keys"
  SECRETS_DIR="$LOCAL_DIR/secrets" LOGS_DIR="$LOCAL_DIR/logs" RUN_DIR="$LOCAL_DIR/run"
  PG_PORT=${MELTINGDOC_PG_PORT:-15432}
  REDIS_PORT=${MELTINGDOC_REDIS_PORT:-16379}
  DATABASE=meltingdoc
  GATEWAY_PORT=${MELTINGDOC_GATEWAY_PORT:-8080}
  GATEWAY_METRICS_PORT=${MELTINGDOC_GATEWAY_METRICS_PORT:-9100}
  declare -gA GRPC_PORT METRICS_PORT
  local i=1 svc var
  for svc in "${MELTINGDOC_SERVICES[@]}"; do
    var="MELTINGDOC_${svc^^}_GRPC_PORT"; GRPC_PORT[$svc]=${!var:-$((50050 + i))}
    var="MELTINGDOC_${svc^^}_METRICS_PORT"; METRICS_PORT[$svc]=${!var:-$((9100 + i))}
    i=$((i + 1))
  done
}

# Stops what the pid files in $RUN_DIR name (gateway first, then services, each SIGTERM and
# a wait for its drain), then Redis and PostgreSQL.
stop_stack() {
  local f
  if pid_alive "$RUN_DIR/gateway.pid"; then log "stopping gateway"; fi
  stop_pidfile "$RUN_DIR/gateway.pid" 30
  for f in "$RUN_DIR"/*.pid; do  # all drain at once
    if pid_alive "$f"; then kill -TERM "$(<"$f")" 2>/dev/null || true; fi
  done
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    log "stopping $(basename "$f" .pid)"
    stop_pidfile "$f" 30
  done
  stop_redis "$REDIS_DIR"
  stop_postgres "$PG_DIR" fast
}
