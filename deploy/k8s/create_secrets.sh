#!/usr/bin/env bash
# Creates what deploy/k8s expects to find and does not carry itself, in namespace meltingdoc:
#
#   Secret    meltingdoc-db            <service>-password for identity, profiles, discussions,
#                                      search (each service's PostgreSQL role); with --dev also
#                                      postgres-password (the dev overlay's superuser)
#   Secret    meltingdoc-signing-key   signing_key: identity's token signing key
#   ConfigMap meltingdoc-public-keys   public_keys: every service's token verification keys
#
#   deploy/k8s/create_secrets.sh [--dev] [--print] [--namespace <ns>]
#
# An object that already exists in the cluster is left alone (delete it to make a new one; to
# rotate the signing key, see docs/operations.md). A password is taken from
# MELTINGDOC_<SERVICE>_DB_PASSWORD when set (production: the one your DBA gave the role),
# else made at random. --print writes the objects as YAML on stdout instead of applying them
# (no cluster needed; for your secret manager). Keys come from meltingdoc-keygen: $MELTINGDOC_KEYGEN,
# else build/libs/auth/meltingdoc-keygen, else the one on PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
namespace=meltingdoc
dev=false
print=false
while [ $# -gt 0 ]; do
  case $1 in
    --dev) dev=true ;;
    --print) print=true ;;
    --namespace) namespace=$2; shift ;;
    -h | --help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

keygen=${MELTINGDOC_KEYGEN:-}
if [ -z "$keygen" ]; then
  if [ -x "$root/build/libs/auth/meltingdoc-keygen" ]; then keygen="$root/build/libs/auth/meltingdoc-keygen"
  else keygen=$(command -v meltingdoc-keygen || true); fi
fi
if [ -z "$keygen" ] || [ ! -x "$keygen" ]; then
  echo "error: meltingdoc-keygen not found (build it, or set MELTINGDOC_KEYGEN)" >&2; exit 1
fi
$print || command -v kubectl >/dev/null || { echo "error: kubectl not found (or use --print)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
b64() { base64 -w0 <"$1"; }
random_password() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

exists() { ! $print && kubectl -n "$namespace" get "$1" "$2" >/dev/null 2>&1; }

emit() {  # emit <file>: to stdout (--print) or to the cluster
  if $print; then cat "$1"; else kubectl apply -f "$1" >&2; fi
}

if exists secret meltingdoc-db; then
  echo "secret meltingdoc-db exists: kept" >&2
else
  {
    printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: meltingdoc-db\n  namespace: %s\ntype: Opaque\ndata:\n' "$namespace"
    roles=(identity profiles discussions search)
    $dev && roles+=(postgres)
    for role in "${roles[@]}"; do
      var="MELTINGDOC_${role^^}_DB_PASSWORD"
      (umask 077 && printf '%s' "${!var:-$(random_password)}" >"$work/$role")
      printf '  %s-password: %s\n' "$role" "$(b64 "$work/$role")"
    done
  } >"$work/db.yaml"
  emit "$work/db.yaml"
fi

if exists secret meltingdoc-signing-key; then
  echo "secret meltingdoc-signing-key exists: kept (public keys kept too)" >&2
else
  "$keygen" --kid="k8s-$(date -u +%Y%m%d%H%M%S)" --out_dir="$work/keys" >/dev/null
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: meltingdoc-signing-key\n  namespace: %s\ntype: Opaque\ndata:\n  signing_key: %s\n' \
    "$namespace" "$(b64 "$work/keys/signing_key")" >"$work/signing.yaml"
  {
    printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: meltingdoc-public-keys\n  namespace: %s\ndata:\n  public_keys: |\n' "$namespace"
    sed 's/^/    /' "$work/keys/public_keys"
  } >"$work/public.yaml"
  emit "$work/signing.yaml"
  emit "$work/public.yaml"
fi
