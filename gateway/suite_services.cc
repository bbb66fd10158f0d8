#include "gateway/suite_services.h"

#include <cstdlib>

#include "google/protobuf/descriptor.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"

namespace meltingdoc::gateway {
namespace {

// service_full_name() is a constexpr string and links nothing; taking the address of NewStub
// pulls in the generated gRPC code, which uses the messages, which register the file's
// descriptors (services included) in the generated pool.
template <typename Service>
SuiteService Make(const char* name) {
  static volatile auto keep = &Service::NewStub;
  (void)keep;
  const auto* d = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(Service::service_full_name());
  if (d == nullptr) std::abort();
  return {name, Service::service_full_name(), d};
}

}  // namespace

const std::vector<SuiteService>& SuiteServices() {
  static const auto* services = new std::vector<SuiteService>{
      Make<identity::v1::IdentityService>("identity"),
      Make<profiles::v1::ProfilesService>("profiles"),
      Make<discussions::v1::DiscussionsService>("discussions"),
      Make<search::v1::SearchService>("search"),
  };
  return *services;
}

std::vector<const google::protobuf::ServiceDescriptor*> SuiteServiceDescriptors() {
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const SuiteService& s : SuiteServices()) out.push_back(s.descriptor);
  return out;
}

}  // namespace meltingdoc::gateway
