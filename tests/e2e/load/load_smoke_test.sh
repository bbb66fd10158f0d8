#!/usr/bin/env bash
# bench/load/load.sh end to end on a tiny seed: its own stack (up.sh on free ports, data in a
# temporary directory), the seed (SQL through each service's role, events decoded by protoc,
# texts checked by CheckText, events consumed), logins, then 2 s of the mix at 4 connections.
# Fails when a step fails, when a route of the mix answers anything but 2xx, or when a route
# of the mix is missing from the table.
set -euo pipefail
: "${MELTINGDOC_SOURCE_DIR:?set by CTest}" "${MELTINGDOC_BUILD_DIR:?set by CTest}"
work=$(mktemp -d /tmp/meltingdoc-load-smoke.XXXXXX)
chmod 0755 "$work"  # users postgres and redis must reach their directories inside
# shellcheck source=deploy/local/lib.sh
source "$MELTINGDOC_SOURCE_DIR/deploy/local/lib.sh"
# A free block of ports below Linux's ephemeral range (32768+), where a client's outgoing
# connection could take one between the check and the bind: base+51..54, +80, +100..104,
# +379, +432 must all be free. `up` is retried on another block if a bind still fails.
pick_base() {
  local try off busy
  for ((try = 0; try < 50; try++)); do
    base=$((20000 + (RANDOM % 120) * 100))
    busy=false
    for off in 51 52 53 54 80 100 101 102 103 104 379 432; do
      if port_in_use $((base + off)); then busy=true; break; fi
    done
    $busy || return 0
  done
}
pick_base
export LOAD_PORT_BASE=$base LOAD_LOCAL_DIR=$work/stack LOAD_DOCTORS=40 LOAD_CASES=120 LOAD_REPLIES_EVERY=4
export LOAD_TOKENS=4 LOAD_DURATION=2 LOAD_CONNECTIONS=4 LOAD_THREADS=1
load="$MELTINGDOC_SOURCE_DIR/bench/load/load.sh"
cleanup() {
  local rc=$?
  "$load" down >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for attempt in 1 2 3; do
  "$load" up >"$work/up.log" 2>&1 && break
  tail -n 5 "$work/up.log" >&2
  ((attempt < 3)) || fail "load.sh up"
  "$load" down >/dev/null 2>&1 || true
  rm -rf "$LOAD_LOCAL_DIR"
  pick_base
  export LOAD_PORT_BASE=$base
done
"$load" seed 2>&1 | tee "$work/seed.log" >&2 || fail "load.sh seed"
grep -q "events consumed" "$work/seed.log" || fail "the seed's events were not consumed"
"$load" bench >"$work/bench.txt" 2>&1 || { cat "$work/bench.txt" >&2; fail "load.sh bench"; }
cat "$work/bench.txt"

rows=$(grep -c '^| [GP]' "$work/bench.txt" || true)
# Discussions and login routes always; profiles and search once they are on this build.
((rows >= 6)) || fail "only $rows route rows in the mix table"
# Every route row an error rate of 0.00 (a 2 s run may not reach the 2 % of logins), and
# requests on the whole.
awk -F'|' '/^\| [GP]/ { gsub(/ /, "", $8); if ($8 != "0.00") { print "errors on" $2 ":" $9; bad = 1 } }
  /^\| \*\*all/ { gsub(/ /, "", $4); if ($4 + 0 == 0) { print "no request at all"; bad = 1 } }
  END { exit bad }' "$work/bench.txt" ||
  fail "a route of the mix failed"
grep -q 'socket errors: connect 0, read 0, write 0, timeout 0' "$work/bench.txt" || fail "socket errors"
echo "load smoke: ok"
