// The transport-security flags of every gRPC server and client (defined in tls_flags.cc). Like
// every flag, each is also settable as MELTINGDOC_<BINARY>_<FLAG>, e.g. MELTINGDOC_IDENTITY_TLS_CERT.
#pragma once

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(absl::Duration, tls_refresh);
