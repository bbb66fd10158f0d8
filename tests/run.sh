#!/usr/bin/env bash
# Runs every MeltingDoc test: installs missing packages (as root) and node tools, builds the
# web client (gateway/web/dist) and the tree (Release, in build/), starts a throwaway
# PostgreSQL (trust auth on 127.0.0.1, superuser `postgres`, fsync off) and Redis on free
# ports, runs CTest (labels unit, integration, e2e, browser, fuzz, chaos),
# prints a summary per label and stops what it started, even on failure or Ctrl-C.
# Fails when any test fails, times out, or is skipped (a skipped test is a test that did
# not prove anything).
#
#   tests/run.sh                 everything
#   tests/run.sh -L unit         extra arguments go to ctest
#   tests/run.sh -L chaos        faults under load through the gateway (about 3 minutes)
#   tests/run.sh -R pool --repeat until-fail:5
#
# Environment: MELTINGDOC_BUILD_DIR (default build), MELTINGDOC_BUILD_JOBS (default 2).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/../deploy/local/lib.sh"

BUILD_DIR=${MELTINGDOC_BUILD_DIR:-$MELTINGDOC_ROOT/build}
WORK=$(mktemp -d /tmp/meltingdoc-tests.XXXXXX)
chmod 0755 "$WORK"  # users postgres and redis must reach their directories inside

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_redis "$WORK/redis" || true
  stop_postgres "$WORK/pg" immediate || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints "<test> <passed|failed|skipped>" for each test of the run, from CTest's JUnit file.
# A GoogleTest GTEST_SKIP inside a test that CTest calls passed counts as skipped.
test_outcomes() {
  awk '
    /<testcase name="/ {
      match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7)
      match($0, /status="[^"]*"/); status = substr($0, RSTART + 8, RLENGTH - 9)
      skipped = 0
    }
    /<skipped/ || /\[  SKIPPED \]/ { skipped = 1 }
    /<\/testcase>/ {
      if (skipped) print name, "skipped"
      else if (status == "run") print name, "passed"
      else print name, "failed"
    }' "$1"
}

# The GoogleTest cases that skipped, per CTest test, for the message.
skipped_cases() {
  awk '
    /<testcase name="/ { match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7) }
    /\[  SKIPPED \] [A-Za-z_]/ && !/listed below/ { sub(/.*\[  SKIPPED \] /, ""); sub(/ \(.*/, ""); print "  " name ": " $0 }
  ' "$1" | sort -u
}

# summarize <junit file>: a line per label; returns non-zero when a test failed or skipped.
summarize() {
  local junit=$1 label name outcome bad=0
  declare -A outcome_of labelled
  while read -r name outcome; do outcome_of[$name]=$outcome; done < <(test_outcomes "$junit")
  printf '\n%-14s %7s %7s %8s\n' label passed failed skipped
  local labels
  labels=$(ctest --test-dir "$BUILD_DIR" --print-labels | sed -n 's/^  //p')
  for label in $labels; do
    local passed=0 failed=0 skipped=0
    while read -r name; do
      labelled[$name]=1
      case ${outcome_of[$name]:-} in
        passed) passed=$((passed + 1)) ;;
        failed) failed=$((failed + 1)) ;;
        skipped) skipped=$((skipped + 1)) ;;
      esac
    done < <(ctest --test-dir "$BUILD_DIR" -N -L "^${label}\$" | sed -n 's/^ *Test *#[0-9]*: //p')
    printf '%-14s %7d %7d %8d\n' "$label" "$passed" "$failed" "$skipped"
  done
  for name in "${!outcome_of[@]}"; do
    [ -n "${labelled[$name]:-}" ] || printf '%-14s %s (%s)\n' "(no label)" "$name" "${outcome_of[$name]}"
    case ${outcome_of[$name]} in failed | skipped) bad=1 ;; esac
  done
  if grep -q . < <(skipped_cases "$junit"); then
    printf '\nSkipped (tests/run.sh provides every server a test needs, so a skip is a failure):\n'
    skipped_cases "$junit"
  fi
  return "$bad"
}

ensure_packages
npm_install
web_build
build "$BUILD_DIR"

pg_port=$(free_port)
redis_port=$(free_port)
while [ "$redis_port" = "$pg_port" ]; do redis_port=$(free_port); done
start_postgres "$WORK/pg" "$pg_port" off trust
create_database_and_bootstrap "$WORK/pg" "$pg_port" meltingdoc
start_redis "$WORK/redis" "$redis_port" no

export MELTINGDOC_TEST_PG_PORT=$pg_port
export MELTINGDOC_TEST_REDIS_PORT=$redis_port
export MELTINGDOC_TEST_PG_BINDIR=$PG_BINDIR

log "ctest (PostgreSQL 127.0.0.1:$pg_port, Redis 127.0.0.1:$redis_port)"
rc=0
# Output of passing tests is kept (its end, where GoogleTest lists skipped cases) for the summary.
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 600 --no-tests=error \
  --output-junit "$WORK/junit.xml" --test-output-size-passed 262144 --test-output-truncation head \
  "$@" || rc=$?

if [ -f "$WORK/junit.xml" ]; then
  summarize "$WORK/junit.xml" || rc=1
fi
if [ "$rc" -ne 0 ]; then
  printf '\nTESTS FAILED\n'
  exit 1
fi
printf '\nALL TESTS PASSED\n'
