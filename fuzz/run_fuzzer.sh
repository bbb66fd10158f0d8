#!/usr/bin/env bash
# run_fuzzer.sh <fuzzer binary> <seed corpus dir> <seconds>
# Runs the fuzzer for <seconds> on a scratch copy of the seeds (new inputs stay out of the
# repository). A crash, leak, sanitizer report or invariant failure fails the test and keeps
# the reproducer, printed with the command to replay it.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
work=$(mktemp -d /tmp/meltingdoc-fuzz.XXXXXX)
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (exit $status); reproducers in $work/artifacts:" >&2
  ls -l "$work/artifacts" >&2
  echo "replay: $fuzzer $work/artifacts/<file>" >&2
  exit "$status"
fi
rm -rf "$work"
