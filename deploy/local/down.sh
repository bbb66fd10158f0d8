#!/usr/bin/env bash
# Stops a stack started with `deploy/local/up.sh --detach`: the gateway and services first
# (SIGTERM, then waiting for their drain), then Redis and PostgreSQL. Data is kept in .local/.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"
stack_layout
stop_stack
log "stopped (data kept in $LOCAL_DIR)"
