#!/usr/bin/env bash
# The mixed load of issue #10 item 1: a private stack (deploy/local/up.sh on its own ports and
# data directory), seeded with doctors and cases, driven through the HTTP gateway by wrk with
# bench/load/mix.lua. Results and their reading: bench/README.md ("load").
#
#   bench/load/load.sh up          start the stack (binaries from build/, nothing is built)
#   bench/load/load.sh seed        seed it once (skipped when already seeded) and wait for the
#                                  events to be consumed (profiles, search)
#   bench/load/load.sh bench       for each connection count: wrk on /healthz (the baseline),
#                                  then the mix; a table per run and a summary
#   bench/load/load.sh profile <service> [seconds]
#                                  that service under callgrind during the mix (50 connections)
#   bench/load/load.sh perf [seconds] [connections]
#                                  perf record of the whole stack during the mix (default 20 s,
#                                  200 connections): samples per process, top symbols
#   bench/load/load.sh down        stop the stack (its data stays in .local/load)
#   bench/load/load.sh all         up, seed, bench, down
#
# Environment (defaults): LOAD_DOCTORS=20000 LOAD_CASES=100000 LOAD_REPLIES_EVERY=4 (every 4th
# case has two replies), LOAD_CONNECTIONS=50,200,500, LOAD_DURATION=20 (seconds per wrk run),
# LOAD_THREADS=2 (wrk threads), LOAD_TOKENS=200 (doctors logged in for the reads and writes),
# LOAD_PORT_BASE=27000 (PostgreSQL base+432, Redis base+379, services base+51..54, their
# metrics base+101..104, gateway base+80, its metrics base+100), LOAD_LOCAL_DIR
# (.local/load), MELTINGDOC_BUILD_DIR (build). Any MELTINGDOC_<PROCESS>_<FLAG> is passed on to
# the processes by up.sh (e.g. MELTINGDOC_GATEWAY_IO_THREADS=4).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
source "$HERE/../../deploy/local/lib.sh"

LOAD_DOCTORS=${LOAD_DOCTORS:-20000}
LOAD_CASES=${LOAD_CASES:-100000}
LOAD_REPLIES_EVERY=${LOAD_REPLIES_EVERY:-4}
LOAD_CONNECTIONS=${LOAD_CONNECTIONS:-50,200,500}
LOAD_DURATION=${LOAD_DURATION:-20}
LOAD_THREADS=${LOAD_THREADS:-2}
LOAD_TOKENS=${LOAD_TOKENS:-200}
LOAD_PASSWORD=${LOAD_PASSWORD:-load-bench-Passw0rd-2026}
LOAD_TEMPLATE_EMAIL=load-template@load.meltingdoc.test
base=${LOAD_PORT_BASE:-27000}
export MELTINGDOC_LOCAL_DIR=${LOAD_LOCAL_DIR:-$MELTINGDOC_ROOT/.local/load}
export MELTINGDOC_PG_PORT=$((base + 432)) MELTINGDOC_REDIS_PORT=$((base + 379))
export MELTINGDOC_GATEWAY_PORT=$((base + 80)) MELTINGDOC_GATEWAY_METRICS_PORT=$((base + 100))
i=1
for svc in "${MELTINGDOC_SERVICES[@]}"; do
  export "MELTINGDOC_${svc^^}_GRPC_PORT=$((base + 50 + i))" "MELTINGDOC_${svc^^}_METRICS_PORT=$((base + 100 + i))"
  i=$((i + 1))
done
# Every request of wrk comes from 127.0.0.1: with the default per-IP limits (1,200/min, and
# 10/min for logins) the gateway would answer 429 to nearly everything. The limits stay on
# (each request still pays its Redis EVALSHA), only far above what one machine can send.
export MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP=${MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP:-100000000/1m}
export MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_ACCOUNT=${MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_ACCOUNT:-100000000/1m}
export MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP=${MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP:-100000000/1m}
export MELTINGDOC_GATEWAY_RATE_STRICT_PER_ACCOUNT=${MELTINGDOC_GATEWAY_RATE_STRICT_PER_ACCOUNT:-100000000/1m}

stack_layout
URL="http://127.0.0.1:$GATEWAY_PORT"
WORK="$LOCAL_DIR/bench"

# psql_as <service> [psql args...]: psql as the service's own role, over TCP like the service.
psql_as() {
  local svc=$1; shift
  PGPASSWORD=$(<"$SECRETS_DIR/$svc.pg_password") PGOPTIONS="-c client_min_messages=warning" \
    "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$svc" -d "$DATABASE" "$@"
}

# post <path> <json> [token]: prints "<status> <body>".
post() {
  local -a auth=()
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  curl -s -o /dev/stdout -w ' %{http_code}' -X POST -H 'Content-Type: application/json' "${auth[@]}" \
    --data-binary "$2" "$URL$1" | sed -E 's/^(.*) ([0-9]{3})$/\2 \1/'
}

# json_string <text>: the text as a JSON string literal.
json_string() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }

# login <email>: prints the access token, or fails.
login() {
  local out
  out=$(post /v1/sessions:login "{\"email\":\"$1\",\"password\":$(json_string "$LOAD_PASSWORD")}")
  [[ $out == 200\ * ]] || { echo "login $1: $out" >&2; return 1; }
  sed -E 's/.*"accessToken":"([^"]+)".*/\1/' <<<"$out"
}

cmd_up() {
  mkdir -p "$MELTINGDOC_LOCAL_DIR"
  "$MELTINGDOC_ROOT/deploy/local/up.sh" --detach --no-build
}

cmd_down() {
  RUN_DIR="$LOCAL_DIR/run" stop_stack
}

# has_route <path>: the gateway serves that route (it is in /openapi.json).
has_route() { curl -sf "$URL/openapi.json" | grep -q "\"$1\""; }

# wait_for_consumers: until the outboxes are sent and every consumer group of every stream has
# nothing left to read or acknowledge. Prints progress every 10 s.
wait_for_consumers() {
  local start=$SECONDS stream waiting unsent last=0
  while true; do
    unsent=0
    for svc in identity profiles discussions; do
      unsent=$((unsent + $(psql_as "$svc" -tA -c "SELECT count(*) FROM outbox WHERE published_at IS NULL" 2>/dev/null || echo 0)))
    done
    waiting=0
    for stream in meltingdoc.identity meltingdoc.profiles meltingdoc.discussions; do
      # XINFO GROUPS: "pending" (delivered, not acknowledged), and whether the group has been
      # delivered the stream's last entry. Its "lag" only counts then: Redis 7.0 can leave a
      # group's entries-read counter behind (seen here: 22,864 "lag" with the last entry
      # delivered and nothing pending), so lag alone waited forever.
      local last_id
      last_id=$(redis-cli -p "$REDIS_PORT" XINFO STREAM "$stream" 2>/dev/null |
        awk 'prev == "last-generated-id" { print; exit } { prev = $0 }')
      waiting=$((waiting + $(redis-cli -p "$REDIS_PORT" XINFO GROUPS "$stream" 2>/dev/null |
        awk -v last="$last_id" '
          prev == "pending" { s += ($0 ~ /^[0-9]+$/) ? $0 : 0 }
          prev == "last-delivered-id" { behind = ($0 != last) }
          prev == "lag" { if (behind) s += ($0 ~ /^[0-9]+$/ && $0 > 0) ? $0 : 1 }
          { prev = $0 } END { print s + 0 }')))
    done
    if ((unsent == 0 && waiting == 0)); then
      log "events consumed ($((SECONDS - start)) s)"
      return 0
    fi
    if ((SECONDS - last >= 10)); then
      log "waiting for events: $unsent unsent in outboxes, $waiting in streams ($((SECONDS - start)) s)"
      last=$SECONDS
    fi
    sleep 1
  done
}

# check_payload <service> <event_type>: decodes one seeded payload with protoc.
check_payload() {
  local hex
  hex=$(psql_as "$1" -tA -c "SELECT encode(payload, 'hex') FROM outbox WHERE event_type = '$2' ORDER BY id LIMIT 1")
  node -e 'process.stdout.write(Buffer.from(process.argv[1], "hex"))' "$hex" | protoc --decode=meltingdoc.events.v1.Event -I "$MELTINGDOC_ROOT/protos" \
    -I /usr/include meltingdoc/events/v1/event.proto >"$WORK/decoded-$2.txt" ||
    die "the seeded $2 payload does not decode (see bench/load/seed/protobuf.sql)"
  grep -q "^$2 {" "$WORK/decoded-$2.txt" || die "the seeded $2 payload has no $2 ($WORK/decoded-$2.txt)"
}

# check_texts <token>: every seeded case and reply text through CheckText (40 texts a call,
# blank lines between them); any finding stops the seed.
check_texts() {
  local token=$1 text out n=0
  while IFS= read -r text; do
    out=$(post /v1/patient-data:check "{\"text\":$text}" "$token")
    [[ $out == 200\ * ]] || die "CheckText: $out"
    [[ $out == *'"findings":[]'* ]] || die "a seeded text holds patient data: $out"
    n=$((n + 1))
  done < <(psql_as discussions -tA -f - <<EOF
\ir $HERE/seed/case_texts.sql
SELECT to_json(string_agg(t, E'\n\n' ORDER BY i)) FROM (
  SELECT row_number() OVER () AS i, t FROM (
    SELECT title || E'\n' || context || E'\n' || examination || E'\n' || investigations || E'\n' || question AS t
    FROM seed_case_texts UNION ALL SELECT text FROM seed_reply_texts) all_texts) numbered
GROUP BY i / 40;
EOF
  )
  log "CheckText: the seeded texts ($n calls) hold no patient data"
}

cmd_seed() {
  mkdir -p "$WORK"
  wait_for_http_ok "$GATEWAY_PORT" /readyz "$LOGS_DIR/gateway.log"
  local have t0 out token
  have=$(psql_as identity -tA -c "SELECT count(*) FROM accounts WHERE email LIKE '%@load.meltingdoc.test' AND status = 'verified'")
  if ((have >= LOAD_DOCTORS)); then
    log "identity already seeded ($have doctors)"
  else
    ((have == 0)) || die "a partial seed ($have doctors): remove $MELTINGDOC_LOCAL_DIR and start again"
    t0=$SECONDS
    # The template account: its argon2id hash (made by identity itself) becomes every doctor's.
    out=$(post /v1/accounts:register "{\"email\":\"$LOAD_TEMPLATE_EMAIL\",\"password\":$(json_string "$LOAD_PASSWORD"),\"givenName\":\"Modèle\",\"familyName\":\"Charge\"}")
    [[ $out == 200\ * ]] || die "RegisterAccount: $out"
    log "seeding identity: $LOAD_DOCTORS verified doctors and their AccountVerified events"
    (cd "$HERE/seed" && psql_as identity -v doctors="$LOAD_DOCTORS" -v template="$LOAD_TEMPLATE_EMAIL" -f identity.sql)
    check_payload identity account_verified
    log "identity seeded ($((SECONDS - t0)) s)"
  fi
  have=$(psql_as discussions -tA -c "SELECT count(*) FROM cases WHERE case_id::text LIKE '10ad0002-%'")
  if ((have > 0)); then
    log "discussions already seeded ($have cases)"
  else
    token=$(login doctor1@load.meltingdoc.test)
    check_texts "$token"
    t0=$SECONDS
    log "seeding discussions: $LOAD_CASES cases (two replies every $LOAD_REPLIES_EVERY) and their events"
    (cd "$HERE/seed" && psql_as discussions -v cases="$LOAD_CASES" -v doctors="$LOAD_DOCTORS" \
      -v replies_every="$LOAD_REPLIES_EVERY" -f discussions.sql)
    check_payload discussions case_changed
    ((LOAD_REPLIES_EVERY == 0)) || check_payload discussions reply_changed
    log "discussions seeded ($((SECONDS - t0)) s)"
  fi
  wait_for_consumers
  local doctors_indexed="-" cases_indexed="-" profiles="-"
  profiles=$(psql_as profiles -tA -c "SELECT count(*) FROM profiles" 2>/dev/null || echo "-")
  doctors_indexed=$(psql_as search -tA -c "SELECT count(*) FROM doctors" 2>/dev/null || echo "-")
  cases_indexed=$(psql_as search -tA -c "SELECT count(*) FROM cases" 2>/dev/null || echo "-")
  log "profiles: $profiles, search index: $doctors_indexed doctors, $cases_indexed cases ('-': not on this build)"
}

# tokens: LOAD_TOKENS doctors logged in through the gateway (2 at a time), one token a line.
cmd_tokens() {
  mkdir -p "$WORK"
  local n step=$((LOAD_DOCTORS / LOAD_TOKENS)) t0=$SECONDS
  ((step >= 1)) || step=1
  for ((n = 1; n <= LOAD_TOKENS; n++)); do echo "doctor$((1 + (n - 1) * step))@load.meltingdoc.test"; done |
    xargs -P 2 -I{} bash -c "$(declare -f post json_string login); URL=$URL LOAD_PASSWORD='$LOAD_PASSWORD' login {}" \
    >"$WORK/tokens.txt"
  [ "$(wc -l <"$WORK/tokens.txt")" -eq "$LOAD_TOKENS" ] || die "only $(wc -l <"$WORK/tokens.txt") of $LOAD_TOKENS logins succeeded"
  log "$LOAD_TOKENS access tokens in $WORK/tokens.txt ($((SECONDS - t0)) s; valid 15 minutes)"
}

# features: which parts of the mix this build serves (profiles from the seed, search routes).
features() {
  local f="" id
  id=$(printf '10ad0001-0000-4000-8000-%012x' 1)
  if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -n 1 "$WORK/tokens.txt")" "$URL/v1/profiles/$id")" = 200 ]; then
    f+="profiles,"
  fi
  if has_route /v1/search/doctors && has_route /v1/search/suggestions; then f+="search,"; fi
  echo "${f%,}"
}

# wrk_run <connections> <script|""> <path> <label>: one wrk run, its output in $WORK/<label>.txt.
wrk_run() {
  local conns=$1 script=$2 path=$3 label=$4
  local threads=$LOAD_THREADS
  ((conns >= threads)) || threads=$conns
  local -a args=(-t "$threads" -c "$conns" -d "${LOAD_DURATION}s" --timeout 10s --latency)
  [ -n "$script" ] && args+=(-s "$script")
  LOAD_TOKENS_FILE="$WORK/tokens.txt" LOAD_FEATURES=$FEATURES LOAD_DOCTORS=$LOAD_DOCTORS \
    LOAD_CASES=$LOAD_CASES LOAD_REPLIES_EVERY=$LOAD_REPLIES_EVERY LOAD_PASSWORD=$LOAD_PASSWORD \
    wrk "${args[@]}" "$URL$path" >"$WORK/$label.txt" 2>&1 || { cat "$WORK/$label.txt" >&2; die "wrk failed"; }
}

# cpu_snapshot: "<name> <CPU ticks>" per process of the stack (PostgreSQL: the postmaster and
# all its children together), from /proc.
cpu_snapshot() {
  local f name pid pg
  ticks() { awk '{ s += $14 + $15 } END { print s + 0 }' "$@" 2>/dev/null || echo 0; }
  for f in "$RUN_DIR"/*.pid; do
    name=$(basename "$f" .pid); pid=$(<"$f")
    echo "$name $(ticks "/proc/$pid/stat")"
  done
  pg=$(head -n 1 "$PG_DIR/postmaster.pid")
  # The backends: processes whose parent (field 4 of /proc/<pid>/stat) is the postmaster.
  echo "postgres $(ticks "/proc/$pg/stat" $(awk -v p="$pg" '$4 == p { print FILENAME }' /proc/[0-9]*/stat 2>/dev/null))"
  echo "redis $(ticks "/proc/$(<"$REDIS_DIR/redis.pid")/stat")"
}

# cpu_report <before> <after> <seconds>: cores used per process between two snapshots.
cpu_report() {
  local hz
  hz=$(getconf CLK_TCK)
  join <(sort "$1") <(sort "$2") | awk -v hz="$hz" -v s="$3" '
    { c = ($3 - $2) / hz / s; total += c; line = line sprintf("%s %.2f, ", $1, c) }
    END { printf "CPU (cores): %stotal %.2f of %d\n", line, total, '"$(nproc)"' }'
}

# Requests/s of a plain wrk run's output.
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

# fresh_tokens: logs in again unless tokens.txt is younger than 10 minutes (access tokens live
# 15 minutes; a bench takes about 3).
fresh_tokens() {
  if [ -s "$WORK/tokens.txt" ] && [ -n "$(find "$WORK/tokens.txt" -mmin -10)" ] &&
    [ "$(wc -l <"$WORK/tokens.txt")" -eq "$LOAD_TOKENS" ]; then
    return 0
  fi
  cmd_tokens
}

cmd_bench() {
  mkdir -p "$WORK"
  fresh_tokens
  FEATURES=$(features)
  log "features: ${FEATURES:-none (profiles and search not on this build: their share goes to case reads)}"
  local stamp conns hz mix
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  printf '# load %s  %s  load average: %s\n' "$stamp" "$(git -C "$MELTINGDOC_ROOT" rev-parse --short HEAD)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  # Warm-up (caches, connections, JIT of the Lua scripts), not reported.
  LOAD_DURATION=5 wrk_run 50 "$HERE/mix.lua" / warmup
  local summary=""
  IFS=, read -r -a levels <<<"$LOAD_CONNECTIONS"
  for conns in "${levels[@]}"; do
    wrk_run "$conns" "" /healthz "healthz-c$conns"
    hz=$(wrk_rps "$WORK/healthz-c$conns.txt")
    cpu_snapshot >"$WORK/cpu-before"
    local t0=$EPOCHREALTIME
    wrk_run "$conns" "$HERE/mix.lua" / "mix-c$conns"
    cpu_snapshot >"$WORK/cpu-after"
    cpu_report "$WORK/cpu-before" "$WORK/cpu-after" "$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { print a - b }')" >>"$WORK/mix-c$conns.txt"
    printf '\n## %s connections (wrk -t%s -c%s -d%ss), /healthz baseline %s req/s\n\n' "$conns" "$LOAD_THREADS" "$conns" "$LOAD_DURATION" "$hz"
    sed -n '/^| route/,$p' "$WORK/mix-c$conns.txt"
    mix=$(awk '/^\| \*\*all\*\*/ { gsub(/ /, ""); split($0, f, "|"); print f[5] }' "$WORK/mix-c$conns.txt")
    summary+=$(printf '| %5s | %8s | %8s | %6.3f | %s |' "$conns" "$mix" "$hz" "$(awk -v a="$mix" -v b="$hz" 'BEGIN { print a / b }')" "$(cut -d' ' -f1 /proc/loadavg)")$'\n'
  done
  printf '\n## Summary\n\n| conns | mix req/s | /healthz req/s | mix/healthz | load avg |\n|------:|----------:|---------------:|------------:|---------:|\n%s' "$summary"
  printf 'load done: %s  load average: %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# perf [seconds] [connections]: perf record (cpu-clock, 499 Hz per CPU) of every process of the
# stack (services, gateway, PostgreSQL's postmaster and backends, Redis) during the mix at
# <connections> (default 200) for <seconds> (default 20), at full speed (unlike callgrind);
# the share of the stack's samples per process and the top symbols of each in
# $WORK/perf-c<connections>.txt (raw: .data). Needs perf and kernel.perf_event_paranoid <= 1
# or root.
cmd_perf() {
  local seconds=${1:-20} conns=${2:-200} out pids pg
  out="$WORK/perf-c$conns"
  mkdir -p "$WORK"
  fresh_tokens
  FEATURES=$(features)
  LOAD_DURATION=5 wrk_run "$conns" "$HERE/mix.lua" / perf-warmup  # pools and connections open
  pg=$(head -n 1 "$PG_DIR/postmaster.pid")
  pids=$(
    cat "$RUN_DIR"/*.pid "$REDIS_DIR/redis.pid"
    echo "$pg"
    awk -v p="$pg" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null
  )
  LOAD_DURATION=$seconds wrk_run "$conns" "$HERE/mix.lua" / "perf-mix-c$conns" &
  local wrk_pid=$!
  perf record -e cpu-clock -F 499 -o "$out.data" -p "$(paste -sd, <<<"$pids")" -- sleep "$seconds" >/dev/null 2>&1
  wait "$wrk_pid"
  {
    printf '# perf %s s at %s connections, %s, load average %s
' "$seconds" "$conns" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    sed -n '/^| route/,$p' "$WORK/perf-mix-c$conns.txt"
    echo; echo "## samples per process"
    perf report -i "$out.data" --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' || true
    echo; echo "## top symbols (process, library, symbol)"
    # (head closes the pipe early: not a failure)
    perf report -i "$out.data" --sort comm,dso,sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -n 60 || true
  } >"$out.txt"
  cat "$out.txt"
  log "perf profile: $out.txt (raw: $out.data)"
}

# profile <service> [seconds]: the service restarted under callgrind (same environment), the
# mix at 50 connections for <seconds> (default 30), then the service restarted normally; the
# top of callgrind_annotate (inclusive) in $WORK/callgrind-<service>.txt. Under callgrind the
# service runs ~50x slower, so it is the bottleneck of the run: the profile shows where its
# own CPU goes, not the stack's throughput.
cmd_profile() {
  local svc=${1:?service name} seconds=${2:-30} pid out="$WORK/callgrind-$1"
  mkdir -p "$WORK"
  fresh_tokens
  FEATURES=$(features)
  pid=$(<"$RUN_DIR/$svc.pid")
  local -a environment arguments
  mapfile -d '' -t environment <"/proc/$pid/environ"
  mapfile -d '' -t arguments < <(tail -z -n +2 "/proc/$pid/cmdline")
  stop_pidfile "$RUN_DIR/$svc.pid" 30
  log "$svc under callgrind"
  setsid env -i "${environment[@]}" valgrind --tool=callgrind --callgrind-out-file="$out.out" \
    "$BUILD_DIR/services/$svc/meltingdoc-$svc" "${arguments[@]}" >>"$LOGS_DIR/$svc.log" 2>"$out.valgrind.log" </dev/null &
  echo $! >"$RUN_DIR/$svc.pid"
  wait_for_serving "${GRPC_PORT[$svc]}" "$(service_name "$svc")" "$out.valgrind.log" "$(<"$RUN_DIR/$svc.pid")"
  LOAD_DURATION=$seconds wrk_run 50 "$HERE/mix.lua" / "profile-$svc"
  sed -n '/^| route/,$p' "$WORK/profile-$svc.txt"
  stop_pidfile "$RUN_DIR/$svc.pid" 60
  callgrind_annotate --inclusive=yes "$out.out" >"$out.annotate.txt" 2>/dev/null || true
  head -n 80 "$out.annotate.txt" >"$out.txt"
  log "restarting $svc"
  setsid env -i "${environment[@]}" "$BUILD_DIR/services/$svc/meltingdoc-$svc" "${arguments[@]}" >>"$LOGS_DIR/$svc.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$svc.pid"
  wait_for_serving "${GRPC_PORT[$svc]}" "$(service_name "$svc")" "$LOGS_DIR/$svc.log" "$(<"$RUN_DIR/$svc.pid")"
  log "callgrind profile: $out.txt (raw: $out.out)"
}

service_name() {
  case $1 in
    identity) echo meltingdoc.identity.v1.IdentityService ;;
    profiles) echo meltingdoc.profiles.v1.ProfilesService ;;
    discussions) echo meltingdoc.discussions.v1.DiscussionsService ;;
    search) echo meltingdoc.search.v1.SearchService ;;
  esac
}

case ${1:-} in
  up) cmd_up ;;
  seed) cmd_seed ;;
  tokens) cmd_tokens ;;
  bench) cmd_bench ;;
  profile) shift; cmd_profile "$@" ;;
  perf) shift; cmd_perf "$@" ;;
  down) cmd_down ;;
  all) cmd_up; cmd_seed; cmd_bench; cmd_down ;;
  *) sed -n '2,26s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
