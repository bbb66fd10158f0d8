// Importing a register extract file: read, check, parse and collapse it (register_parser.h),
// then hand it to the store, which swaps it in atomically. Shared by the ImportRegister RPC
// and the `meltingdoc-identity import-register <file>` command.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "meltingdoc/identity/v1/identity_service.pb.h"
#include "services/identity/identity_store.h"
#include "services/identity/register_parser.h"

namespace meltingdoc::identity {

struct RegisterImportOptions {
  // Refuse the file (nothing changed) when more than this share of its rows is rejected: a
  // damaged or foreign file must not replace a good register.
  double max_rejected_percent = 5.0;
  std::string imported_by;  // admin's account id; empty from the command line
};

struct ParsedRegister {
  RegisterSnapshot snapshot;
  RegisterCounts counts;
};

// Reads and parses the file at `path`. INVALID_ARGUMENT (with the line number) when it is not
// UTF-8, has no header or lacks a needed column; NOT_FOUND when it cannot be opened.
absl::StatusOr<ParsedRegister> ReadRegisterFile(const std::string& path);

// The report of an import (counts and rejections), without ids and times.
v1::RegisterImport ReportFromCounts(const RegisterCounts& counts);

// ReadRegisterFile, the sanity limits (INVALID_ARGUMENT: no physician, too many rejected
// rows), then store.ReplaceRegister. Returns the report.
absl::StatusOr<v1::RegisterImport> ImportRegisterFile(const std::string& path, IdentityStore& store,
                                                      const RegisterImportOptions& options);

}  // namespace meltingdoc::identity
