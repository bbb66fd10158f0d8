// libFuzzer target: an HTTP request (method, path, query, body) through route lookup and
// request transcoding, against the suite's real routes and a test service whose messages have
// every field kind (nested, repeated, maps, enums, 64-bit, bytes, well-known types) and body
// mappings ("*" and a field). Also parses the path as a route template.
//
// Input: "<method>\n<path>\n<query>\n<body>" (see corpus/). Invariants checked beyond the
// sanitizers: a failure is always INVALID_ARGUMENT with a BadRequest naming a field; a
// success always prints back as JSON and that JSON parses into the same message; the
// gateway's fast JSON printer, when it takes a message, writes protobuf's exact bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/json_printer.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"
#include "gateway/suite_services.h"
#include "gateway/transcoder.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/rpc/error_details.pb.h"

namespace {

using meltingdoc::gateway::RouteTable;

const char kFuzzFile[] = R"pb(
  name: "fuzz/v1/fuzz.proto" package: "fuzz.v1" syntax: "proto3"
  dependency: "google/api/annotations.proto" dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/duration.proto" dependency: "google/protobuf/field_mask.proto"
  dependency: "google/protobuf/struct.proto" dependency: "google/protobuf/wrappers.proto"
  enum_type { name: "Kind" value { name: "KIND_UNSPECIFIED" number: 0 } value { name: "KIND_A" number: 1 } }
  message_type {
    name: "Inner"
    field { name: "text" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "text" }
    field { name: "count" number: 2 type: TYPE_SINT64 label: LABEL_OPTIONAL json_name: "count" }
    field { name: "deeper" number: 3 type: TYPE_MESSAGE type_name: ".fuzz.v1.Inner" label: LABEL_OPTIONAL json_name: "deeper" }
  }
  message_type {
    name: "Everything"
    field { name: "id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "id" }
    field { name: "i32" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "i32" }
    field { name: "u64" number: 3 type: TYPE_UINT64 label: LABEL_OPTIONAL json_name: "u64" }
    field { name: "f" number: 4 type: TYPE_DOUBLE label: LABEL_OPTIONAL json_name: "f" }
    field { name: "flag" number: 5 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "flag" }
    field { name: "raw" number: 6 type: TYPE_BYTES label: LABEL_OPTIONAL json_name: "raw" }
    field { name: "kind" number: 7 type: TYPE_ENUM type_name: ".fuzz.v1.Kind" label: LABEL_OPTIONAL json_name: "kind" }
    field { name: "kinds" number: 8 type: TYPE_ENUM type_name: ".fuzz.v1.Kind" label: LABEL_REPEATED json_name: "kinds" }
    field { name: "tags" number: 9 type: TYPE_STRING label: LABEL_REPEATED json_name: "tags" }
    field { name: "inner" number: 10 type: TYPE_MESSAGE type_name: ".fuzz.v1.Inner" label: LABEL_OPTIONAL json_name: "inner" }
    field { name: "inners" number: 11 type: TYPE_MESSAGE type_name: ".fuzz.v1.Inner" label: LABEL_REPEATED json_name: "inners" }
    field { name: "when" number: 12 type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" label: LABEL_OPTIONAL json_name: "when" }
    field { name: "ttl" number: 13 type: TYPE_MESSAGE type_name: ".google.protobuf.Duration" label: LABEL_OPTIONAL json_name: "ttl" }
    field { name: "mask" number: 14 type: TYPE_MESSAGE type_name: ".google.protobuf.FieldMask" label: LABEL_OPTIONAL json_name: "mask" }
    field { name: "meta" number: 15 type: TYPE_MESSAGE type_name: ".google.protobuf.Struct" label: LABEL_OPTIONAL json_name: "meta" }
    field { name: "maybe" number: 16 type: TYPE_MESSAGE type_name: ".google.protobuf.Int64Value" label: LABEL_OPTIONAL json_name: "maybe" }
    field { name: "attrs" number: 17 type: TYPE_MESSAGE type_name: ".fuzz.v1.Everything.AttrsEntry" label: LABEL_REPEATED json_name: "attrs" }
    nested_type {
      name: "AttrsEntry" options { map_entry: true }
      field { name: "key" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "key" }
      field { name: "value" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "value" }
    }
    oneof_decl { name: "choice" }
    field { name: "left" number: 18 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "left" oneof_index: 0 }
    field { name: "right" number: 19 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "right" oneof_index: 0 }
  }
  message_type {
    name: "Wrapper"
    field { name: "parent" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "parent" }
    field { name: "item" number: 2 type: TYPE_MESSAGE type_name: ".fuzz.v1.Everything" label: LABEL_OPTIONAL json_name: "item" }
    field { name: "token" number: 3 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "token" }
  }
  service {
    name: "FuzzService"
    method { name: "Get" input_type: ".fuzz.v1.Everything" output_type: ".fuzz.v1.Everything"
             options { [google.api.http] { get: "/f/{id}" additional_bindings { get: "/f/{inner.text=a/**}" } } } }
    method { name: "Create" input_type: ".fuzz.v1.Wrapper" output_type: ".fuzz.v1.Everything"
             options { [google.api.http] { post: "/f/{parent}/items" body: "item" } } }
    method { name: "Replace" input_type: ".fuzz.v1.Everything" output_type: ".fuzz.v1.Everything"
             options { [google.api.http] { put: "/f/{id}:replace" body: "*" } } }
  }
)pb";

struct World {
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<RouteTable> suite;
  std::unique_ptr<RouteTable> fuzz;
};

World* MakeWorld() {
  auto* w = new World();
  google::api::HttpRule::descriptor();
  google::protobuf::Timestamp::descriptor();
  google::protobuf::Duration::descriptor();
  google::protobuf::FieldMask::descriptor();
  google::protobuf::Struct::descriptor();
  google::protobuf::Int64Value::descriptor();
  w->pool = std::make_unique<google::protobuf::DescriptorPool>(google::protobuf::DescriptorPool::generated_pool());
  google::protobuf::FileDescriptorProto proto;
  if (!google::protobuf::TextFormat::ParseFromString(kFuzzFile, &proto)) std::abort();
  const auto* file = w->pool->BuildFile(proto);
  if (file == nullptr) std::abort();
  auto fuzz = RouteTable::Build({file->FindServiceByName("FuzzService")});
  auto suite = RouteTable::Build(meltingdoc::gateway::SuiteServiceDescriptors());
  if (!fuzz.ok() || !suite.ok()) std::abort();
  w->fuzz = std::make_unique<RouteTable>(*std::move(fuzz));
  w->suite = std::make_unique<RouteTable>(*std::move(suite));
  // The suite's messages are generated; the fuzz ones dynamic. The factory below serves
  // both (for generated types it falls back to the generated prototypes).
  w->factory.SetDelegateToGeneratedFactory(true);
  return w;
}

std::string Deterministic(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

#define Check(c) CheckAt(c, __LINE__)
void CheckAt(bool condition, int line) {
  if (!condition) {
    fprintf(stderr, "invariant failed at line %d\n", line);
    std::abort();
  }
}

void Exercise(World& w, const RouteTable& table, absl::string_view method, absl::string_view path,
              absl::string_view query, absl::string_view body) {
  RouteTable::Lookup lookup = table.Find(method, path);
  if (lookup.outcome != RouteTable::Outcome::kMatched) return;
  const auto* input = lookup.route->method->input_type();
  std::unique_ptr<google::protobuf::Message> request(w.factory.GetPrototype(input)->New());
  absl::Status s = meltingdoc::gateway::BuildRequest(*lookup.route, lookup.bindings, query, body, request.get());
  if (!s.ok()) {
    Check(s.code() == absl::StatusCode::kInvalidArgument);
    auto payload = s.GetPayload("type.googleapis.com/google.rpc.BadRequest");
    Check(payload.has_value());
    google::rpc::BadRequest br;
    Check(br.ParseFromString(std::string(*payload)));
    Check(br.field_violations_size() > 0 && !br.field_violations(0).field().empty());
    return;
  }
  // The request must survive the wire and print as JSON that parses back to itself.
  std::string wire;
  Check(request->SerializeToString(&wire));
  google::protobuf::util::JsonPrintOptions print;
  std::string json;
  Check(google::protobuf::util::MessageToJsonString(*request, &json, print).ok());
  std::unique_ptr<google::protobuf::Message> back(request->New());
  Check(google::protobuf::util::JsonStringToMessage(json, back.get()).ok());
  // Byte equality of deterministic encodings (NaN != NaN defeats a field comparison).
  Check(Deterministic(*request) == Deterministic(*back));
  // The gateway's own JSON printer (responses) writes exactly protobuf's bytes, or declines.
  google::protobuf::util::JsonPrintOptions all;
  all.always_print_primitive_fields = true;
  std::string expected, fast;
  if (meltingdoc::gateway::PrintJsonFast(*request, &fast)) {
    Check(google::protobuf::util::MessageToJsonString(*request, &expected, all).ok());
    Check(fast == expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = MakeWorld();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    const size_t nl = input.find('\n');
    if (nl == absl::string_view::npos) {
      parts[i] = input;
      input = absl::string_view();
      continue;
    }
    parts[i] = input.substr(0, nl);
    input.remove_prefix(nl + 1);
  }
  parts[3] = input;
  // The path as a template too: templates are trusted input, but the parser must not crash.
  (void)meltingdoc::gateway::PathTemplate::Parse(parts[1]);
  Exercise(*world, *world->fuzz, parts[0], parts[1], parts[2], parts[3]);
  Exercise(*world, *world->suite, parts[0], parts[1], parts[2], parts[3]);
  return 0;
}
