// Flags of the identity service beyond the shared ones (libs/server/server_flags.h); each is
// also read from MELTINGDOC_IDENTITY_<FLAG>.
#pragma once

#include <string>

#include "absl/flags/declare.h"

// Directory the ImportRegister RPC may read extracts from; empty disables the RPC.
ABSL_DECLARE_FLAG(std::string, register_dir);
// An import whose rejected rows exceed this percentage is refused, nothing changed.
ABSL_DECLARE_FLAG(double, register_max_rejected_percent);
