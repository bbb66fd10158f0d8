// The register: ImportRegister loads an extract from the server's --register_dir (the
// `import-register` command, register_command.cc, does the same from the command line).
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "services/identity/identity_service.h"
#include "services/identity/register_import.h"

namespace meltingdoc::identity {
namespace {

// The real path of `path` when it names a regular file inside `dir`.
absl::StatusOr<std::string> ResolveInside(const std::string& dir, const std::string& path) {
  char dir_real[PATH_MAX];
  if (::realpath(dir.c_str(), dir_real) == nullptr) {
    return absl::FailedPreconditionError("the server's --register_dir does not exist");
  }
  const std::string full = path.front() == '/' ? path : absl::StrCat(dir_real, "/", path);
  char file_real[PATH_MAX];
  if (::realpath(full.c_str(), file_real) == nullptr) {
    return absl::NotFoundError("no such file in the register directory");
  }
  if (!absl::StartsWith(file_real, absl::StrCat(dir_real, "/"))) {
    return server::InvalidField("path", "must name a file inside the server's register directory");
  }
  struct stat st;
  if (::stat(file_real, &st) != 0 || !S_ISREG(st.st_mode)) {
    return server::InvalidField("path", "must name a regular file");
  }
  return std::string(file_real);
}

}  // namespace

grpc::ServerUnaryReactor* IdentityServiceImpl::ImportRegister(grpc::CallbackServerContext* context,
                                                              const v1::ImportRegisterRequest* request,
                                                              v1::ImportRegisterResponse* response) {
  return server::RunUnary(context, *executor_, [this, context, request, response] {
    return DoImportRegister(*context, *request, *response);
  });
}

absl::Status IdentityServiceImpl::DoImportRegister(const grpc::ServerContextBase& context,
                                                   const v1::ImportRegisterRequest& request,
                                                   v1::ImportRegisterResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  if (request.path().empty() || request.path().size() > kMaxRegisterPathLength) {
    return server::InvalidField("path", "required, at most 1024 characters");
  }
  if (register_dir_.empty()) {
    return absl::FailedPreconditionError(
        "register import by RPC is disabled: start the service with --register_dir "
        "(or use `meltingdoc-identity import-register <file>`)");
  }
  ASSIGN_OR_RETURN(const std::string file, ResolveInside(register_dir_, request.path()));
  if (!import_mu_.TryLock()) {
    return absl::AbortedError("another register import is running; retry when it has ended");
  }
  RegisterImportOptions options;
  options.max_rejected_percent = max_rejected_percent_;
  options.imported_by = caller.account_id;
  absl::StatusOr<v1::RegisterImport> report = ImportRegisterFile(file, *store_, options);
  import_mu_.Unlock();
  if (!report.ok()) {
    if (report.status().code() == absl::StatusCode::kInvalidArgument) {
      return server::InvalidField("path", report.status().message());
    }
    return report.status();
  }
  *response.mutable_register_import() = *std::move(report);
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
