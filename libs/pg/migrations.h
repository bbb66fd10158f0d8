// Schema migrations: numbered SQL files applied in order at start-up.
//
// Migrations come in components: a service's own (services/<svc>/migrations/NNNN_name.sql)
// and those of the shared libraries it uses (libs/outbox/migrations/...). Each component is
// numbered on its own. Applied migrations are recorded in <schema>.schema_migrations
// (component, version, name, checksum, applied_at). A run:
//   - takes a transaction-scoped advisory lock keyed on the schema, so two instances starting
//     at once apply each migration exactly once (the second waits, then finds nothing to do);
//   - applies every pending migration, in order, inside that one transaction
//     (all or nothing), with search_path set to the schema;
//   - refuses to start (FAILED_PRECONDITION) if an applied migration's file changed
//     (checksum differs) or is missing: migrations are append-only. A new migration numbered
//     below one already applied is refused too. Only the components passed in are checked.
// A migration's SQL may hold several statements but must not COMMIT, nor use statements that
// cannot run in a transaction (CREATE INDEX CONCURRENTLY). Errors: INVALID_ARGUMENT for a
// malformed list (versions not increasing, component given twice), FAILED_PRECONDITION as
// above, else the database error prefixed with "migration <component>/<name>: ".
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/pg/pool.h"

namespace meltingdoc::pg {

struct Migration {
  int version;       // NNNN of the file name
  std::string name;  // file name without .sql
  std::string sql;
};

struct MigrationComponent {
  std::string component;  // "service", "outbox", "inbox", ...
  const std::vector<Migration>* migrations;
};

// Applies what is pending; returns how many migrations were applied by this call.
absl::StatusOr<int> ApplyMigrations(Pool& pool, const std::string& schema,
                                    const std::vector<MigrationComponent>& components);

}  // namespace meltingdoc::pg
