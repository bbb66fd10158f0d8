#include "libs/pg/migrations.h"

#include <sodium.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/pg/errors.h"

namespace meltingdoc::pg {
namespace {

using ComponentVersion = std::pair<std::string, int>;

struct AppliedMigration {
  std::string name;
  std::string checksum;
};
using AppliedMigrations = std::map<ComponentVersion, AppliedMigration>;

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

// Catches programming mistakes in the embedded list before touching the database.
absl::Status ValidateComponents(const std::vector<MigrationComponent>& components) {
  std::set<std::string> seen;
  for (const MigrationComponent& c : components) {
    if (c.component.empty() || c.migrations == nullptr) {
      return absl::InvalidArgumentError("migrations: component without name or list");
    }
    if (!seen.insert(c.component).second) {
      return absl::InvalidArgumentError(absl::StrCat("migrations: component ", c.component,
                                                     " given twice"));
    }
    int previous = 0;
    for (const Migration& m : *c.migrations) {
      if (m.version <= previous) {
        return absl::InvalidArgumentError(absl::StrCat(
            "migrations: ", c.component, " versions must be positive and increasing at ",
            m.name));
      }
      previous = m.version;
    }
  }
  return absl::OkStatus();
}

std::string Table(pqxx::transaction_base& txn, const std::string& schema) {
  return absl::StrCat(txn.quote_name(schema), ".schema_migrations");
}

// Serializes runners on the same schema until this transaction ends, then makes sure the
// bookkeeping table exists (only after the lock, so two first runs do not race to create it).
void LockAndPrepare(pqxx::transaction_base& txn, const std::string& schema) {
  txn.exec_params("SELECT pg_advisory_xact_lock(hashtext('meltingdoc.migrations.' || $1))",
                  schema);
  txn.exec(absl::StrCat("SET LOCAL search_path = ", txn.quote_name(schema), ", extensions"));
  txn.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", Table(txn, schema),
                        " (component text NOT NULL, version int NOT NULL, name text NOT NULL,"
                        " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
                        " PRIMARY KEY (component, version))"));
}

AppliedMigrations ReadApplied(pqxx::transaction_base& txn, const std::string& schema) {
  AppliedMigrations applied;
  for (const pqxx::row& row :
       txn.exec(absl::StrCat("SELECT component, version, name, checksum FROM ",
                             Table(txn, schema)))) {
    applied[{row[0].as<std::string>(), row[1].as<int>()}] =
        AppliedMigration{row[2].as<std::string>(), row[3].as<std::string>()};
  }
  return applied;
}

// Migrations are append-only: a recorded migration must still exist unchanged, and nothing
// new may slot in below one already applied. Only the components passed in are checked.
absl::Status CheckHistory(const MigrationComponent& c, const AppliedMigrations& applied) {
  std::map<int, const Migration*> known;
  for (const Migration& m : *c.migrations) known[m.version] = &m;
  int newest_applied = 0;
  for (const auto& [key, record] : applied) {
    if (key.first != c.component) continue;
    newest_applied = std::max(newest_applied, key.second);
    auto it = known.find(key.second);
    if (it == known.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: applied ", c.component, " migration ", record.name, " is missing"));
    }
    if (Sha256Hex(it->second->sql) != record.checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: applied ", c.component, " migration ", record.name,
          " has changed (checksum differs); add a new migration instead"));
    }
  }
  for (const Migration& m : *c.migrations) {
    if (m.version < newest_applied && applied.count({c.component, m.version}) == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: ", c.component, " migration ", m.name,
          " is older than one already applied; renumber it"));
    }
  }
  return absl::OkStatus();
}

// Runs one migration's SQL; a failure names the migration (the SQL itself stays out of it).
absl::Status RunMigrationSql(pqxx::transaction_base& txn, const std::string& component,
                             const Migration& m) {
  try {
    txn.exec(m.sql);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    absl::Status s = StatusFromException(e);
    return absl::Status(s.code(), absl::StrCat("migration ", component, "/", m.name, ": ",
                                               s.message()));
  }
}

absl::StatusOr<int> ApplyPending(pqxx::transaction_base& txn, const std::string& schema,
                                 const MigrationComponent& c, const AppliedMigrations& applied) {
  int count = 0;
  for (const Migration& m : *c.migrations) {
    if (applied.count({c.component, m.version}) != 0) continue;
    RETURN_IF_ERROR(RunMigrationSql(txn, c.component, m));
    txn.exec_params(absl::StrCat("INSERT INTO ", Table(txn, schema),
                                 " (component, version, name, checksum) VALUES ($1, $2, $3, $4)"),
                    c.component, m.version, m.name, Sha256Hex(m.sql));
    ++count;
  }
  return count;
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(Pool& pool, const std::string& schema,
                                    const std::vector<MigrationComponent>& components) {
  if (schema.empty()) return absl::InvalidArgumentError("migrations: empty schema");
  RETURN_IF_ERROR(ValidateComponents(components));
  if (sodium_init() < 0) return absl::InternalError("migrations: libsodium failed to start");
  return InTransaction<int>(pool, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int> {
    LockAndPrepare(txn, schema);
    const AppliedMigrations applied = ReadApplied(txn, schema);
    for (const MigrationComponent& c : components) RETURN_IF_ERROR(CheckHistory(c, applied));
    int count = 0;
    for (const MigrationComponent& c : components) {
      ASSIGN_OR_RETURN(int applied_now, ApplyPending(txn, schema, c, applied));
      count += applied_now;
    }
    return count;
  });
}

}  // namespace meltingdoc::pg
