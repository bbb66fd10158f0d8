#!/usr/bin/env bash
# The backup and restore of one schema exactly as docs/operations.md gives them: pg_dump -n as
# the service's own role, pg_restore --clean into another database as the superuser, bootstrap.sql
# again; then the data is back, the schema is still closed to the other roles, and the binary
# accepts the restored migrations (--migrate_only: same versions, same checksums).
# Needs the shared test PostgreSQL of tests/run.sh (MELTINGDOC_TEST_PG_PORT, trust auth).
set -euo pipefail
: "${MELTINGDOC_TEST_PG_PORT:?run through tests/run.sh (MELTINGDOC_TEST_PG_PORT)}"
: "${MELTINGDOC_SOURCE_DIR:?set by CTest}" "${MELTINGDOC_BINARY_DIR:?set by CTest}"
bin=${MELTINGDOC_TEST_PG_BINDIR:-/usr/lib/postgresql/15/bin}
export PGHOST=127.0.0.1 PGPORT=$MELTINGDOC_TEST_PG_PORT
suffix=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
src=meltingdoc_backup_src_$suffix dst=meltingdoc_backup_dst_$suffix
work=$(mktemp -d)
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  for db in "$src" "$dst"; do psql -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for db in "$src" "$dst"; do
  psql -U postgres -d postgres -c "CREATE DATABASE $db"
  psql -U postgres -d "$db" -f "$MELTINGDOC_SOURCE_DIR/deploy/sql/bootstrap.sql" 2>/dev/null
done
migrate() {
  MELTINGDOC_PROFILES_MIGRATE_ONLY=true MELTINGDOC_PROFILES_STARTUP_TIMEOUT=5s \
    MELTINGDOC_PROFILES_PG_URL="postgresql://profiles@127.0.0.1:$PGPORT/$1" \
    "$MELTINGDOC_BINARY_DIR/services/profiles/meltingdoc-profiles" >"$work/migrate.log" 2>&1 ||
    { cat "$work/migrate.log" >&2; fail "--migrate_only on $1"; }
}
migrate "$src"
# A profile written before the backup.
psql -U profiles -d "$src" -c "INSERT INTO profiles (profile_id, rpps, given_name, family_name) VALUES ('6f1c8a52-3d0e-4a7b-9c1d-2e3f4a5b6c7d', '10001234567', 'Claire', 'Martin')"

# Backup, as the service's own role (it owns the schema: nothing else is needed).
"$bin/pg_dump" -U profiles -d "$src" -n profiles -Fc -f "$work/profiles.dump"
# Restore into the other database, as the superuser (the schema is dropped and created again).
"$bin/pg_restore" -U postgres -d "$dst" --clean --if-exists --single-transaction --exit-on-error "$work/profiles.dump"
psql -U postgres -d "$dst" -f "$MELTINGDOC_SOURCE_DIR/deploy/sql/bootstrap.sql" 2>/dev/null

[ "$(psql -U profiles -d "$dst" -tA -c "SELECT family_name FROM profiles WHERE rpps = '10001234567'")" = Martin ] ||
  fail "the restored schema lacks the profile written before the dump"
[ "$(psql -U postgres -d "$dst" -tA -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'profiles'")" = profiles ] ||
  fail "the restored schema is not owned by role profiles"
if psql -U identity -d "$dst" -c "SELECT 1 FROM profiles.profiles LIMIT 1" 2>"$work/denied"; then
  fail "role identity can read the restored profiles schema"
fi
grep -q "permission denied for schema profiles" "$work/denied" || { cat "$work/denied" >&2; fail "unexpected error for identity"; }
migrate "$dst"
echo "backup and restore of schema profiles: ok"
