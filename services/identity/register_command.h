// `meltingdoc-identity import-register <file>`: the ImportRegister RPC's code path, run from
// the command line by an operator (no server, no token): connects with --pg_url, applies
// migrations, imports, prints the report as JSON on stdout. Exit 0 on success, 1 on failure
// (the reason on stderr), 2 on bad usage.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"

namespace meltingdoc::identity {

int RunImportRegisterCommand(const std::vector<pg::MigrationComponent>& migrations, int argc, char** argv);

// What every operator subcommand connects with: one connection to --pg_url, schema identity,
// migrations applied.
absl::StatusOr<std::unique_ptr<pg::Pool>> OpenCommandPool(const std::vector<pg::MigrationComponent>& migrations);

}  // namespace meltingdoc::identity
