#!/usr/bin/env bash
# meltingdoc-healthz <metrics port>: exit 0 when GET /healthz on 127.0.0.1:<port> answers 200.
# The container health check of compose.yaml (the images have no curl); Kubernetes probes the
# same endpoint with its own httpGet.
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${1:?usage: meltingdoc-healthz <metrics port>}"
printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 3 status <&3
[[ $status == "HTTP/1."?" 200"* ]]
