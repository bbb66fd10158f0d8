// Declarations of the flags every service shares (defined in server_flags.cc).
#pragma once

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, grpc_host);
ABSL_DECLARE_FLAG(int, grpc_port);
ABSL_DECLARE_FLAG(int, metrics_port);
ABSL_DECLARE_FLAG(int, health_port);
ABSL_DECLARE_FLAG(int, executor_threads);
ABSL_DECLARE_FLAG(int, executor_queue);
ABSL_DECLARE_FLAG(absl::Duration, drain_deadline);
ABSL_DECLARE_FLAG(std::string, pg_url);
ABSL_DECLARE_FLAG(int, pg_pool_size);
ABSL_DECLARE_FLAG(std::string, redis);
ABSL_DECLARE_FLAG(std::string, public_keys_file);
// --tls_cert, --tls_key, --tls_ca, --tls_refresh: libs/tls/tls_flags.h (shared with clients).
#include "libs/tls/tls_flags.h"
