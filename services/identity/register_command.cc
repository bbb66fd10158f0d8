#include "services/identity/register_command.h"

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/env_flags.h"
#include "libs/pg/pool.h"
#include "libs/server/server_flags.h"
#include "services/identity/identity_flags.h"
#include "services/identity/pg_identity_store.h"
#include "services/identity/register_import.h"

namespace meltingdoc::identity {

absl::StatusOr<std::unique_ptr<pg::Pool>> OpenCommandPool(const std::vector<pg::MigrationComponent>& migrations) {
  pg::PoolOptions pool_options;
  pool_options.url = absl::GetFlag(FLAGS_pg_url);
  pool_options.schema = "identity";
  pool_options.size = 1;
  std::unique_ptr<pg::Pool> pool = pg::Pool::Create(std::move(pool_options));
  if (absl::StatusOr<int> applied = pg::ApplyMigrations(*pool, "identity", migrations); !applied.ok()) {
    return applied.status();
  }
  return pool;
}

int RunImportRegisterCommand(const std::vector<pg::MigrationComponent>& migrations, int argc, char** argv) {
  const std::vector<char*> args = ParseFlagsWithEnvironment("identity", argc, argv);
  // args: program, "import-register", file
  if (args.size() != 3) {
    std::cerr << "usage: meltingdoc-identity import-register <PS_LibreAcces_Personne_activite_*.txt> "
                 "[--pg_url=...] [--register_max_rejected_percent=5]\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<pg::Pool>> pool = OpenCommandPool(migrations);
  if (!pool.ok()) {
    std::cerr << "import-register: " << pool.status().message() << "\n";
    return 1;
  }
  PgIdentityStore store(pool->get());
  RegisterImportOptions options;
  options.max_rejected_percent = absl::GetFlag(FLAGS_register_max_rejected_percent);
  absl::StatusOr<v1::RegisterImport> report = ImportRegisterFile(args[2], store, options);
  if (!report.ok()) {
    std::cerr << "import-register: " << report.status().message() << "\n";
    return 1;
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(*report, &json, print);
  std::cout << json;
  return 0;
}

}  // namespace meltingdoc::identity
