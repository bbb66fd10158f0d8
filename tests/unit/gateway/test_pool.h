// A descriptor pool with a test service whose RPCs carry the HttpRule shapes the gateway must
// handle (variables, "**", verbs, body "*" and a body field, query fields, additional
// bindings), built at run time on top of the generated pool (for google.api.http).
#pragma once

#include <memory>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"

namespace meltingdoc::gateway::testing {

// The shared test file: package test.v1, service BookService. `extra_methods` is text-format
// MethodDescriptorProto entries added to the service (to build conflicting tables).
struct TestPool {
  explicit TestPool(const std::string& extra_methods = "", const std::string& extra_messages = "");
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  const google::protobuf::FileDescriptor* file = nullptr;
  google::protobuf::DynamicMessageFactory factory;

  const google::protobuf::ServiceDescriptor* service() const;
  std::unique_ptr<google::protobuf::Message> New(const std::string& message) ;
};

}  // namespace meltingdoc::gateway::testing
