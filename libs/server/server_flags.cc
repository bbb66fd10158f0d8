// Flags shared by every service binary. Each is also settable as MELTINGDOC_<SERVICE>_<FLAG>
// (libs/common/env_flags.h). Service mains set their own defaults (ports) before parsing.
#include "libs/server/server_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, grpc_host, "127.0.0.1", "Address the gRPC server binds to.");
ABSL_FLAG(int, grpc_port, 0, "gRPC port; 0 picks a free one.");
ABSL_FLAG(int, metrics_port, 0, "Port of the Prometheus /metrics endpoint; 0 picks a free one, -1 disables it.");
ABSL_FLAG(int, health_port, -1,
          "Plaintext gRPC port serving only health (and reflection), for probes that cannot speak "
          "mutual TLS (the kubelet's); -1: none.");
ABSL_FLAG(int, executor_threads, 8, "Threads running blocking work (database, Redis).");
// 1024: the gateway holds one backend call per open client connection, and a queue that
// refuses what its deadline could still absorb turns a burst of connections into 429s
// (bench/README.md, "load": 256 refused up to 18 % of the mix at 500 connections). A queued
// call whose deadline passes is dropped unrun, so a longer queue wastes no work.
ABSL_FLAG(int, executor_queue, 1024, "Calls that may wait for an executor thread; more are refused with RESOURCE_EXHAUSTED.");
ABSL_FLAG(absl::Duration, drain_deadline, absl::Seconds(10), "On SIGTERM, how long in-flight calls get to finish.");
ABSL_FLAG(std::string, pg_url, "postgresql://127.0.0.1:5432/meltingdoc", "libpq URL of this service's database role.");
ABSL_FLAG(int, pg_pool_size, 4, "Database connections; keep it small, requests queue in the executor.");
ABSL_FLAG(std::string, redis, "127.0.0.1:6379", "Redis host:port.");
ABSL_FLAG(std::string, public_keys_file, "", "Identity's token-verification public keys (`<kid> <base64url key>` per line).");
