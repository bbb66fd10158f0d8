#!/usr/bin/env bash
# Prepares a PostgreSQL database for MeltingDoc from a container (compose's db-bootstrap, the
# Kubernetes dev overlay's Job): waits for the server, creates the database when missing, runs
# bootstrap.sql (one schema and one role per service; idempotent) and sets each service role's
# password. Runs at every deploy; safe to repeat.
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD   a superuser connection (libpq's own variables)
#   MELTINGDOC_DATABASE                  database name (default meltingdoc)
#   MELTINGDOC_<SERVICE>_DB_PASSWORD     the password of role <service>, for identity, profiles,
#                                        discussions and search; a role without one keeps its own
#   MELTINGDOC_BOOTSTRAP_SQL             default /usr/share/meltingdoc/bootstrap.sql
#   MELTINGDOC_WAIT_SECONDS              how long to wait for the server (default 120)
set -euo pipefail

db=${MELTINGDOC_DATABASE:-meltingdoc}
sql=${MELTINGDOC_BOOTSTRAP_SQL:-/usr/share/meltingdoc/bootstrap.sql}
wait_seconds=${MELTINGDOC_WAIT_SECONDS:-120}
psql_super() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

deadline=$((SECONDS + wait_seconds))
until pg_isready -q -d postgres; do
  ((SECONDS < deadline)) || { echo "error: PostgreSQL not ready after ${wait_seconds}s" >&2; exit 1; }
  sleep 1
done

exists=$(printf "SELECT 1 FROM pg_database WHERE datname = :'db';\n" | psql_super -d postgres -tA -v db="$db" -f -)
if [ -z "$exists" ]; then
  echo "creating database $db" >&2
  psql_super -d postgres -c "CREATE DATABASE \"$db\""
fi
psql_super -d "$db" -f "$sql"

for svc in identity profiles discussions search; do
  var="MELTINGDOC_${svc^^}_DB_PASSWORD"
  [ -n "${!var:-}" ] || continue
  # Through stdin, so that the password shows in no process list; a SQL literal with its quotes
  # doubled (standard_conforming_strings is on since PostgreSQL 9.1: backslashes are literal).
  printf "ALTER ROLE %s PASSWORD '%s';\n" "$svc" "${!var//\'/\'\'}" | psql_super -d postgres -f -
  echo "password set for role $svc" >&2
done
echo "database $db bootstrapped" >&2
