#include "services/discussions/profiles_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"

namespace meltingdoc::discussions {

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ProfilesNameSource::Fetch(
    const std::vector<std::string>& ids, const std::string& authorization) {
  profiles::v1::BatchGetProfilesRequest request;
  for (const std::string& id : ids) request.add_profile_ids(id);
  profiles::v1::BatchGetProfilesResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  // The caller's own token: profiles serves names to verified doctors, which the caller is.
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  const grpc::Status status = stub_->BatchGetProfiles(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("profiles BatchGetProfiles: ", status.error_message()));
  }
  absl::flat_hash_map<std::string, std::string> names;
  for (const profiles::v1::Profile& p : response.profiles()) {
    std::string name = std::string(absl::StripAsciiWhitespace(absl::StrCat(p.given_name(), " ", p.family_name())));
    if (!name.empty()) names[absl::AsciiStrToLower(p.profile_id())] = std::move(name);
  }
  return names;
}

}  // namespace meltingdoc::discussions
