#include "gateway/openapi.h"

#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "libs/common/json_log.h"

// Defined in the generated api_descriptor_set.cc: a FileDescriptorSet of our protos with
// source info (comments).
namespace meltingdoc::gateway {
extern const unsigned char kApiDescriptorSet[];
extern const size_t kApiDescriptorSetSize;
}  // namespace meltingdoc::gateway

namespace meltingdoc::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// Full name of an element -> its leading comment.
std::map<std::string, std::string> LoadComments() {
  std::map<std::string, std::string> comments;
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(kApiDescriptorSet, static_cast<int>(kApiDescriptorSetSize))) return comments;
  google::protobuf::DescriptorPool pool;
  for (const auto& file : set.file()) pool.BuildFile(file);
  auto note = [&comments](const std::string& name, auto* d) {
    google::protobuf::SourceLocation loc;
    if (d->GetSourceLocation(&loc)) {
      std::string text(absl::StripAsciiWhitespace(loc.leading_comments));
      if (!text.empty()) comments[name] = text;
    }
  };
  std::function<void(const Descriptor*)> message = [&](const Descriptor* m) {
    note(m->full_name(), m);
    for (int i = 0; i < m->field_count(); ++i) note(m->field(i)->full_name(), m->field(i));
    for (int i = 0; i < m->nested_type_count(); ++i) message(m->nested_type(i));
    for (int i = 0; i < m->enum_type_count(); ++i) note(m->enum_type(i)->full_name(), m->enum_type(i));
  };
  for (const auto& fp : set.file()) {
    const auto* file = pool.FindFileByName(fp.name());
    if (file == nullptr) continue;
    for (int i = 0; i < file->message_type_count(); ++i) message(file->message_type(i));
    for (int i = 0; i < file->enum_type_count(); ++i) {
      const EnumDescriptor* e = file->enum_type(i);
      note(e->full_name(), e);
    }
    for (int i = 0; i < file->service_count(); ++i) {
      const auto* s = file->service(i);
      note(s->full_name(), s);
      for (int j = 0; j < s->method_count(); ++j) note(s->method(j)->full_name(), s->method(j));
    }
  }
  return comments;
}

class Writer {
 public:
  explicit Writer(std::map<std::string, std::string> comments) : comments_(std::move(comments)) {}

  std::string Description(const std::string& full_name) const {
    auto it = comments_.find(full_name);
    return it == comments_.end() ? "" : absl::StrCat(",\"description\":", JsonQuote(it->second));
  }

  // A JSON schema for a field's value (not the field's repetition).
  std::string ValueSchema(const FieldDescriptor* f) {
    switch (f->type()) {
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT: return "{\"type\":\"number\"}";
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64: return "{\"type\":\"string\",\"format\":\"int64\"}";
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32: return "{\"type\":\"integer\",\"format\":\"int32\"}";
      case FieldDescriptor::TYPE_BOOL: return "{\"type\":\"boolean\"}";
      case FieldDescriptor::TYPE_STRING: return "{\"type\":\"string\"}";
      case FieldDescriptor::TYPE_BYTES: return "{\"type\":\"string\",\"format\":\"byte\"}";
      case FieldDescriptor::TYPE_ENUM: return Ref(EnumSchema(f->enum_type()));
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP: return MessageRef(f->message_type());
    }
    return "{}";
  }

  std::string FieldSchema(const FieldDescriptor* f) {
    if (f->is_map()) {
      return absl::StrCat("{\"type\":\"object\",\"additionalProperties\":",
                          ValueSchema(f->message_type()->map_value()), "}");
    }
    if (f->is_repeated()) return absl::StrCat("{\"type\":\"array\",\"items\":", ValueSchema(f), "}");
    return ValueSchema(f);
  }

  std::string MessageRef(const Descriptor* d) {
    const std::string& n = d->full_name();
    if (n == "google.protobuf.Timestamp") return "{\"type\":\"string\",\"format\":\"date-time\"}";
    if (n == "google.protobuf.Duration") return "{\"type\":\"string\",\"pattern\":\"^-?[0-9]+(\\\\.[0-9]+)?s$\"}";
    if (n == "google.protobuf.FieldMask") return "{\"type\":\"string\",\"description\":\"Comma-separated field paths.\"}";
    if (n == "google.protobuf.Struct") return "{\"type\":\"object\"}";
    if (n == "google.protobuf.Value") return "{}";
    if (n == "google.protobuf.Empty") return "{\"type\":\"object\"}";
    if (n == "google.protobuf.StringValue") return "{\"type\":[\"string\",\"null\"]}";
    if (n == "google.protobuf.BoolValue") return "{\"type\":[\"boolean\",\"null\"]}";
    if (n == "google.protobuf.Int32Value" || n == "google.protobuf.UInt32Value") return "{\"type\":[\"integer\",\"null\"]}";
    if (n == "google.protobuf.Int64Value" || n == "google.protobuf.UInt64Value") return "{\"type\":[\"string\",\"null\"],\"format\":\"int64\"}";
    if (n == "google.protobuf.DoubleValue" || n == "google.protobuf.FloatValue") return "{\"type\":[\"number\",\"null\"]}";
    if (n == "google.protobuf.BytesValue") return "{\"type\":[\"string\",\"null\"],\"format\":\"byte\"}";
    AddMessage(d);
    return Ref(n);
  }

  std::string Ref(const std::string& name) {
    return absl::StrCat("{\"$ref\":\"#/components/schemas/", name, "\"}");
  }

  std::string EnumSchema(const EnumDescriptor* e) {
    if (schemas_.count(e->full_name()) == 0) {
      std::vector<std::string> names;
      for (int i = 0; i < e->value_count(); ++i) names.push_back(JsonQuote(e->value(i)->name()));
      schemas_[e->full_name()] = absl::StrCat("{\"type\":\"string\",\"enum\":[", absl::StrJoin(names, ","), "]",
                                              Description(e->full_name()), "}");
    }
    return e->full_name();
  }

  void AddMessage(const Descriptor* d) {
    if (schemas_.count(d->full_name()) != 0) return;
    schemas_[d->full_name()] = "";  // placeholder against recursion
    std::vector<std::string> props;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      std::string schema = FieldSchema(f);
      const std::string desc = Description(f->full_name());
      if (!desc.empty()) schema = absl::StrCat("{\"allOf\":[", schema, "]", desc, "}");
      props.push_back(absl::StrCat(JsonQuote(f->json_name()), ":", schema));
    }
    schemas_[d->full_name()] = absl::StrCat("{\"type\":\"object\",\"properties\":{", absl::StrJoin(props, ","), "}",
                                            Description(d->full_name()), "}");
  }

  // Query parameters: every leaf reachable from `d` not bound elsewhere, dotted names.
  void QueryParams(const Descriptor* d, const std::string& prefix, const std::set<std::string>& bound,
                   int depth, std::vector<std::string>* out) {
    if (depth > 3) return;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      const std::string name = prefix + f->name();
      if (bound.count(name) != 0) continue;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) {
        const std::string& mt = f->message_type()->full_name();
        if (absl::StartsWith(mt, "google.protobuf.") && mt != "google.protobuf.Struct" &&
            mt != "google.protobuf.Value" && mt != "google.protobuf.Any" && mt != "google.protobuf.Empty") {
          // Well-known types with a string form.
        } else {
          if (!f->is_repeated()) QueryParams(f->message_type(), name + ".", bound, depth + 1, out);
          continue;
        }
      }
      if (f->is_map()) continue;
      out->push_back(absl::StrCat("{\"name\":", JsonQuote(name), ",\"in\":\"query\",\"required\":false,\"schema\":",
                                  FieldSchema(f), Description(f->full_name()), "}"));
    }
  }

  std::string Schemas() const {
    std::vector<std::string> parts;
    for (const auto& [name, schema] : schemas_) parts.push_back(absl::StrCat(JsonQuote(name), ":", schema));
    return absl::StrJoin(parts, ",");
  }

 private:
  std::map<std::string, std::string> comments_;
  std::map<std::string, std::string> schemas_;
};

// "/v1/{name=shelves/*}/books:list" -> "/v1/{name}/books:list".
std::string OpenApiPath(const PathTemplate& t) {
  std::string out;
  size_t seg = 0;
  const auto& vars = t.variables();
  while (seg < t.segments().size()) {
    out += "/";
    const PathTemplate::Variable* var = nullptr;
    for (const auto& v : vars) {
      if (v.first == seg) var = &v;
    }
    if (var != nullptr) {
      absl::StrAppend(&out, "{", var->field_path, "}");
      seg = var->end;
      continue;
    }
    const auto& s = t.segments()[seg];
    out += s.kind == PathTemplate::Kind::kLiteral ? s.literal : s.kind == PathTemplate::Kind::kSingle ? "*" : "**";
    ++seg;
  }
  if (!t.verb().empty()) absl::StrAppend(&out, ":", t.verb());
  return out;
}

}  // namespace

absl::StatusOr<std::string> BuildOpenApi(const RouteTable& routes) {
  Writer w(LoadComments());
  std::map<std::string, std::vector<std::string>> paths;  // path -> operations
  std::map<const google::protobuf::MethodDescriptor*, int> binding_count;  // unique operationIds
  for (const Route& r : routes.routes()) {
    const auto* method = r.method;
    std::vector<std::string> params;
    std::set<std::string> bound;
    for (const auto& v : r.path.variables()) {
      bound.insert(v.field_path);
      const FieldDescriptor* f = FindFieldPath(method->input_type(), v.field_path);
      params.push_back(absl::StrCat("{\"name\":", JsonQuote(v.field_path), ",\"in\":\"path\",\"required\":true,\"schema\":",
                                    w.FieldSchema(f), w.Description(f->full_name()), "}"));
    }
    std::string request_body;
    if (r.body.empty()) {
      w.QueryParams(method->input_type(), "", bound, 0, &params);
    } else {
      std::string schema;
      if (r.body == "*") {
        schema = w.MessageRef(method->input_type());
      } else {
        schema = w.FieldSchema(method->input_type()->FindFieldByName(r.body));
      }
      request_body = absl::StrCat(",\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":",
                                  schema, "}}}");
    }
    const std::string response_schema =
        r.response_body.empty() ? w.MessageRef(method->output_type())
                                : w.FieldSchema(method->output_type()->FindFieldByName(r.response_body));
    const std::string op = absl::StrCat(
        JsonQuote(absl::AsciiStrToLower(r.http_method)), ":{\"operationId\":",
        JsonQuote(absl::StrCat(method->service()->name(), "_", method->name(),
                               binding_count[method] == 0 ? "" : absl::StrCat("_", binding_count[method]))),
        ",\"tags\":[", JsonQuote(method->service()->name()), "]", w.Description(method->full_name()),
        ",\"parameters\":[", absl::StrJoin(params, ","), "]", request_body,
        ",\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":",
        response_schema,
        "}}},\"default\":{\"description\":\"An error (RFC 9457)\",\"content\":{\"application/problem+json\":"
        "{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}}}},\"security\":[{\"bearer\":[]},{\"cookie\":[]},{}]}");
    ++binding_count[method];
    paths[OpenApiPath(r.path)].push_back(op);
  }
  // The browser flavour of identity's session RPCs (gateway.cc, HandleWeb): same request
  // JSON, tokens as __Host- cookies instead of in the body.
  const std::pair<const char*, const char*> web_sessions[] = {
      {"login", "meltingdoc.identity.v1.IdentityService.Login"},
      {"verifySecondFactor", "meltingdoc.identity.v1.IdentityService.VerifySecondFactor"},
      {"refresh", "meltingdoc.identity.v1.IdentityService.Refresh"},
      {"logout", "meltingdoc.identity.v1.IdentityService.Logout"}};
  for (const auto& [verb, rpc] : web_sessions) {
    const google::protobuf::MethodDescriptor* method = nullptr;
    for (const Route& r : routes.routes()) {
      if (r.method->full_name() == rpc) method = r.method;
    }
    if (method == nullptr) continue;
    const bool spends_cookie = std::string(verb) == "refresh" || std::string(verb) == "logout";
    const std::string request_schema =
        std::string(verb) == "refresh" ? "{\"type\":\"object\",\"description\":\"{}: the refresh token is the cookie.\"}"
                                       : w.MessageRef(method->input_type());
    paths[absl::StrCat("/v1/web/sessions:", verb)].push_back(absl::StrCat(
        "\"post\":{\"operationId\":", JsonQuote(absl::StrCat("WebSessions_", method->name())),
        ",\"tags\":[\"WebSessions\"],\"description\":",
        JsonQuote(absl::StrCat(
            "For browsers: calls ", method->name(),
            " and sets the tokens as cookies __Host-md_at and __Host-md_rt (HttpOnly, Secure, SameSite=Strict) "
            "and __Host-md_csrf (readable); tokens in the body are empty and `claims` (sub, sid, role, verification, exp) "
            "is added. Needs an Origin of this site",
            spends_cookie ? " and X-CSRF-Token equal to the __Host-md_csrf cookie" : "",
            ". Cookie-authenticated writes elsewhere need the same two headers.")),
        ",\"parameters\":[],\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":",
        request_schema,
        "}}},\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":",
        w.MessageRef(method->output_type()),
        "}}},\"default\":{\"description\":\"An error (RFC 9457)\",\"content\":{\"application/problem+json\":"
        "{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}}}},\"security\":[",
        spends_cookie ? "{\"cookie\":[]}" : "{}", "]}"));
  }
  std::vector<std::string> path_entries;
  for (const auto& [path, ops] : paths) {
    path_entries.push_back(absl::StrCat(JsonQuote(path), ":{", absl::StrJoin(ops, ","), "}"));
  }
  const std::string problem_schema =
      "\"Problem\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"title\":{\"type\":"
      "\"string\"},\"status\":{\"type\":\"integer\"},\"detail\":{\"type\":\"string\"},\"instance\":{\"type\":"
      "\"string\",\"description\":\"The request id.\"},\"code\":{\"type\":\"string\",\"description\":\"gRPC "
      "status code name.\"},\"reason\":{\"type\":\"string\"},\"errors\":{\"type\":\"array\",\"items\":{\"type\":"
      "\"object\",\"properties\":{\"field\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"}}}}}}";
  std::string schemas = w.Schemas();
  return absl::StrCat(
      "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"MeltingDoc API\",\"version\":\"v1\",\"description\":"
      "\"Generated from the services' google.api.http annotations. Errors are application/problem+json.\"},"
      "\"paths\":{",
      absl::StrJoin(path_entries, ","), "},\"components\":{\"schemas\":{", problem_schema,
      schemas.empty() ? "" : ",", schemas,
      "},\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\",\"bearerFormat\":\"JWT\"},"
      "\"cookie\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"__Host-md_at\"}}}}");
}

}  // namespace meltingdoc::gateway
