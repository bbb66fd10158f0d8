#include "libs/server/field_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "libs/server/grpc_status.h"

namespace meltingdoc::server {

absl::Status InvalidArgument(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  AttachDetail(status, bad_request);
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return InvalidArgument({{std::string(field), std::string(description)}});
}

}  // namespace meltingdoc::server
