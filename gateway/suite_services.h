// The services the gateway fronts. Their descriptors (with every google.api.http annotation
// other engineers add) come from the generated pool; this file only names the services.
#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class ServiceDescriptor;
}

namespace meltingdoc::gateway {

struct SuiteService {
  std::string name;       // "identity": flag --identity_addr, readiness, logs
  std::string full_name;  // "meltingdoc.identity.v1.IdentityService"
  const google::protobuf::ServiceDescriptor* descriptor;
};

// The four services, in a fixed order. Never returns a null descriptor: this file references
// each generated service, so the linker keeps its descriptors.
const std::vector<SuiteService>& SuiteServices();

std::vector<const google::protobuf::ServiceDescriptor*> SuiteServiceDescriptors();

}  // namespace meltingdoc::gateway
