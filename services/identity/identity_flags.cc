#include "services/identity/identity_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, register_dir, "",
          "Directory holding register extracts that the ImportRegister RPC may load (a path in "
          "the request must resolve inside it). Empty: the RPC is refused.");
ABSL_FLAG(double, register_max_rejected_percent, 5.0,
          "Refuse a register import (nothing changed) when more than this percentage of its "
          "rows is rejected.");
