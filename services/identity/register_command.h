// `meltingdoc-identity import-register <file>`: the ImportRegister RPC's code path, run from
// the command line by an operator (no server, no token): connects with --pg_url, applies
// migrations, imports, prints the report as JSON on stdout. Exit 0 on success, 1 on failure
// (the reason on stderr), 2 on bad usage.
#pragma once

#include <vector>

#include "libs/pg/migrations.h"

namespace meltingdoc::identity {

int RunImportRegisterCommand(const std::vector<pg::MigrationComponent>& migrations, int argc, char** argv);

}  // namespace meltingdoc::identity
