// AuthorNameSource over the profiles service's BatchGetProfiles, with a deadline.
#pragma once

#include <memory>

#include "grpcpp/channel.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "services/discussions/author_names.h"

namespace meltingdoc::discussions {

class ProfilesNameSource final : public AuthorNameSource {
 public:
  ProfilesNameSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
      : stub_(profiles::v1::ProfilesService::NewStub(std::move(channel))), timeout_(timeout) {}

  // One BatchGetProfiles; the name is "<given name> <family name>".
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> Fetch(
      const std::vector<std::string>& ids, const std::string& authorization) override;

 private:
  std::unique_ptr<profiles::v1::ProfilesService::Stub> stub_;
  const absl::Duration timeout_;
};

}  // namespace meltingdoc::discussions
