#!/usr/bin/env bash
# Register import benchmark: a synthetic national register extract of ROWS rows (default the
# real file's 2.2 million) in the exact PS_LibreAcces_Personne_activite format, imported with
# `meltingdoc-identity import-register` (the ImportRegister RPC's code path: read + UTF-8
# check + parse by header name + Luhn + collapse per person, COPY into register_next_*,
# index, rename swap, in one transaction) into a private PostgreSQL cluster.
#
# Baselines measured in the same run on the same file and cluster:
#   wc      `wc -l` of the file (reading it once)
#   copy    psql \copy of the same file, every row and column, into a bare 57-column text
#           table with no index: the floor of getting these bytes into PostgreSQL
# Figures: seconds (best of RUNS), rows/s, and the ratio import / baseline.
#
#   bench/register_import.sh [ROWS] [RUNS]     from the repository root, as root
# Needs the build dir ./build (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release); builds the two
# targets it uses. PostgreSQL runs with its default settings (fsync on) on loopback.
set -euo pipefail
rows=${1:-2200000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake --build "$build" -j2 --target meltingdoc-identity meltingdoc-register-gen >/dev/null
identity=$build/services/identity/meltingdoc-identity
gen=$build/tests/tools/register_gen/meltingdoc-register-gen
pgbin=${MELTINGDOC_TEST_PG_BINDIR:-/usr/lib/postgresql/15/bin}
port=${BENCH_PG_PORT:-55491}

work=$(mktemp -d /tmp/register-bench.XXXXXX)
chown postgres "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$pgbin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_wal_size=4GB" start >/dev/null
psql_su() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
psql_su -c "CREATE DATABASE bench"
psql_su -d bench -f "$root/deploy/sql/bootstrap.sql" >/dev/null
url="postgresql://identity@127.0.0.1:$port/bench"

file=$work/PS_LibreAcces_Personne_activite_202601010000.txt
t0=$(date +%s.%N)
# No malformed rows: the bare COPY baseline would stop at the first one (rejections are covered
# by tests/unit/identity_register and tests/integration/identity_register).
"$gen" --rows="$rows" --seed=42 --bad_rows=0 --out="$file" 2>"$work/gen.txt"
t1=$(date +%s.%N)
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB"
echo "file: $(du -m "$file" | cut -f1) MB, $(cat "$work/gen.txt"), written in $(printf %.1f "$(echo "$t1 - $t0" | bc)") s"

best() { sort -n | head -1; }
timed() {  # prints wall seconds of "$@"
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

cols=$(for i in $(seq 1 57); do printf 'c%d text,' "$i"; done)
psql_su -d bench -c "CREATE TABLE public.bare (${cols%,})"
copy_bare() {
  psql_su -d bench -c "TRUNCATE public.bare" &&
    psql_su -d bench -c "\\copy public.bare FROM '$file' WITH (FORMAT csv, DELIMITER '|', HEADER true, QUOTE E'\\x01')"
}

wc_times=() copy_times=() import_times=()
for run in $(seq 1 "$runs"); do
  wc_times+=("$(timed wc -l "$file")")
  copy_times+=("$(timed copy_bare)")
  # Each run after the first is a re-import: the swap replaces a full register.
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$identity" import-register "$file" --pg_url="$url" >"$work/report.json"
  import_times+=("$(cut -d' ' -f1 "$work/time.txt")")
  rss_mb=$(( $(cut -d' ' -f2 "$work/time.txt") / 1024 ))
done
wc_s=$(printf '%s\n' "${wc_times[@]}" | best)
copy_s=$(printf '%s\n' "${copy_times[@]}" | best)
import_s=$(printf '%s\n' "${import_times[@]}" | best)
rate() { printf '%.0f' "$(echo "$rows / $1" | bc -l)"; }
echo "runs: $runs (best of each); import runs after the first are re-imports"
printf '%-8s %8s s  %10s rows/s   all runs: %s\n' wc "$(printf %.2f "$wc_s")" "$(rate "$wc_s")" "${wc_times[*]}"
printf '%-8s %8s s  %10s rows/s   all runs: %s\n' copy "$(printf %.2f "$copy_s")" "$(rate "$copy_s")" "${copy_times[*]}"
printf '%-8s %8s s  %10s rows/s   all runs: %s   max RSS %s MB\n' import "$(printf %.2f "$import_s")" "$(rate "$import_s")" "${import_times[*]}" "$rss_mb"
printf 'ratio import/copy %.2f, import/wc %.1f\n' "$(echo "$import_s / $copy_s" | bc -l)" "$(echo "$import_s / $wc_s" | bc -l)"
echo "report of the last import:"
grep -E '"(rowsRead|rowsKeptPhysician|rowsKeptOther|rowsRejected|persons|physicians|savoirFaire|practicePlaces)"' "$work/report.json" | tr -d ' ,' | paste -sd' '
{ grep -A3 '"reason"' "$work/report.json" || true; } | tr -d ' \n' | sed 's/},{/}\n{/g'; echo
psql_su -d bench -Atc "SELECT 'register tables: persons=' || (SELECT count(*) FROM identity.register_persons)
  || ' savoir_faire=' || (SELECT count(*) FROM identity.register_savoir_faire)
  || ' places=' || (SELECT count(*) FROM identity.register_places)
  || ', imports recorded=' || (SELECT count(*) FROM identity.register_imports)"
