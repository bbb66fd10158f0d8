#!/usr/bin/env bash
# Lints MeltingDoc's protos with buf. The google/api, google/rpc and grpc/health imports are
# the Debian-installed files: we build a throwaway workspace whose second module is a copy of
# them, and lint only our own module, so buf never reaches the network.
set -euo pipefail
proto_root=${1:-$(cd "$(dirname "$0")/../../protos" && pwd)}
buf=$(cd "$(dirname "$0")/.." && pwd)/node_modules/.bin/buf
[ -x "$buf" ] || { echo "buf not installed: run 'npm ci' in tests/ (tests/run.sh does)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$proto_root" "$work/protos"
# The copied protos/buf.yaml would make protos/ a workspace of its own, blind to third_party.
rm -f "$work/protos/buf.yaml"
mkdir -p "$work/third_party/google" "$work/third_party/grpc/health"
cp -r /usr/share/gocode/src/github.com/gogo/googleapis/google/api /usr/share/gocode/src/github.com/gogo/googleapis/google/rpc "$work/third_party/google/"
cp -r /usr/share/grpc-proto/grpc/health/v1 "$work/third_party/grpc/health/"
cat > "$work/buf.yaml" <<YAML
version: v2
modules:
  - path: protos
  - path: third_party
    lint:
      ignore: [third_party/google, third_party/grpc]
lint:
  use: [STANDARD]
YAML
# Our module's own lint rules come from protos/buf.yaml; keep the two in step.
cd "$work"
"$buf" lint --path protos/meltingdoc
echo "buf lint: ok"
