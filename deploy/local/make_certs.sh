#!/usr/bin/env bash
# Creates a private CA and one certificate per process of the suite, for mutual TLS between the
# gateway and the services (the --tls_cert, --tls_key, --tls_ca flags):
#
#   deploy/local/make_certs.sh [out dir]      default .local/tls; up.sh --tls calls it
#
# <out>/ca.pem, ca-key.pem        the CA (10 years); keep ca-key.pem private
# <out>/<name>.pem, <name>-key.pem for identity, profiles, discussions, search, gateway and
#                                  operator (your grpcurl / buf curl client certificate)
#
# Each certificate is valid for 825 days as both server and client (extendedKeyUsage
# serverAuth, clientAuth), with SANs for 127.0.0.1, ::1, localhost, and the names the process
# has in the compose file and in Kubernetes (<name>, <name>.<namespace>.svc[.cluster.local],
# namespace MELTINGDOC_K8S_NAMESPACE, default meltingdoc). Existing files are kept: run it
# again to add what is missing; delete the directory to start over with a new CA.
set -euo pipefail

out=${1:-$(cd "$(dirname "$0")/../.." && pwd)/.local/tls}
namespace=${MELTINGDOC_K8S_NAMESPACE:-meltingdoc}
names=(identity profiles discussions search gateway operator)
command -v openssl >/dev/null || { echo "error: openssl is missing (apt-get install openssl)" >&2; exit 1; }

(umask 077 && mkdir -p "$out")
cd "$out"

if [ ! -s ca.pem ] || [ ! -s ca-key.pem ]; then
  echo "==> creating the CA in $out" >&2
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca-key.pem 2>/dev/null)
  openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "/O=MeltingDoc/CN=MeltingDoc local CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
  # A new CA invalidates every certificate signed by the old one.
  for name in "${names[@]}"; do rm -f "$name.pem" "$name-key.pem"; done
fi

for name in "${names[@]}"; do
  [ -s "$name.pem" ] && [ -s "$name-key.pem" ] && continue
  echo "==> certificate for $name" >&2
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name-key.pem" 2>/dev/null)
  sans="DNS:localhost,IP:127.0.0.1,IP:::1,DNS:$name,DNS:$name.$namespace.svc,DNS:$name.$namespace.svc.cluster.local"
  ext=$(mktemp)
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$sans" >"$ext"
  openssl req -new -key "$name-key.pem" -subj "/O=MeltingDoc/CN=$name" 2>/dev/null |
    openssl x509 -req -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days 825 \
      -extfile "$ext" -out "$name.pem" 2>/dev/null
  rm -f "$ext"
done
rm -f ca.srl
chmod 0600 ./*-key.pem
echo "$out"
