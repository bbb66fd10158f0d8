#include "gateway/route_table.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/descriptor.h"

namespace meltingdoc::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

bool IsUsableLeaf(const FieldDescriptor* f) {
  return f != nullptr && !f->is_repeated() && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
}

// Whether a message of type `d` can hold a google.protobuf.FieldMask anywhere inside.
bool MayHoldFieldMask(const Descriptor* d, std::vector<const Descriptor*>* seen) {
  if (d->full_name() == "google.protobuf.FieldMask") return true;
  if (std::find(seen->begin(), seen->end(), d) != seen->end()) return false;
  seen->push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    const Descriptor* m = d->field(i)->message_type();
    if (m != nullptr && MayHoldFieldMask(m, seen)) return true;
  }
  return false;
}

absl::Status AddRule(const MethodDescriptor* method, const google::api::HttpRule& rule,
                     bool nested, std::vector<Route>* routes) {
  const std::string rpc = method->full_name();
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("google.api.http of ", rpc, ": ", what));
  };
  if (nested && rule.additional_bindings_size() > 0) {
    return error("additional_bindings may not nest");
  }
  Route route;
  std::string pattern;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet: route.http_method = "GET"; pattern = rule.get(); break;
    case google::api::HttpRule::kPut: route.http_method = "PUT"; pattern = rule.put(); break;
    case google::api::HttpRule::kPost: route.http_method = "POST"; pattern = rule.post(); break;
    case google::api::HttpRule::kDelete: route.http_method = "DELETE"; pattern = rule.delete_(); break;
    case google::api::HttpRule::kPatch: route.http_method = "PATCH"; pattern = rule.patch(); break;
    case google::api::HttpRule::kCustom:
      route.http_method = rule.custom().kind();
      pattern = rule.custom().path();
      break;
    default: return error("no HTTP method");
  }
  if (route.http_method.empty()) return error("custom rule without a kind");
  auto parsed = PathTemplate::Parse(pattern);
  if (!parsed.ok()) return error(parsed.status().message());
  route.path = std::move(parsed).value();
  route.method = method;
  route.service = method->service()->full_name();
  route.grpc_path = absl::StrCat("/", route.service, "/", method->name());
  route.label = absl::StrCat(route.http_method, " ", pattern);
  route.body = rule.body();
  route.response_body = rule.response_body();
  std::vector<const Descriptor*> seen;
  route.request_may_hold_field_mask = MayHoldFieldMask(method->input_type(), &seen);

  const Descriptor* input = method->input_type();
  for (const auto& var : route.path.variables()) {
    if (!IsUsableLeaf(FindFieldPath(input, var.field_path))) {
      return error(absl::StrCat("path variable ", var.field_path, " names no singular scalar field of ",
                                input->full_name()));
    }
  }
  if (!route.body.empty() && route.body != "*") {
    const FieldDescriptor* f = input->FindFieldByName(route.body);
    if (f == nullptr) return error(absl::StrCat("body \"", route.body, "\" names no field of ", input->full_name()));
    for (const auto& var : route.path.variables()) {
      if (absl::StartsWith(var.field_path + ".", route.body + ".")) {
        return error(absl::StrCat("path variable ", var.field_path, " is inside the body field"));
      }
    }
  }
  if (!route.body.empty() && (route.http_method == "GET" || route.http_method == "DELETE")) {
    return error(absl::StrCat(route.http_method, " with a body"));
  }
  if (!route.response_body.empty()) {
    const FieldDescriptor* f = method->output_type()->FindFieldByName(route.response_body);
    if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return error(absl::StrCat("response_body \"", route.response_body,
                                "\" must name a singular message field of ", method->output_type()->full_name()));
    }
  }
  routes->push_back(std::move(route));
  for (const google::api::HttpRule& extra : rule.additional_bindings()) {
    if (absl::Status s = AddRule(method, extra, /*nested=*/true, routes); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

const FieldDescriptor* FindFieldPath(const Descriptor* message, absl::string_view path,
                                     std::vector<const FieldDescriptor*>* chain) {
  if (chain != nullptr) chain->clear();
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(part));
    if (field == nullptr) {
      for (int i = 0; i < message->field_count(); ++i) {
        if (message->field(i)->json_name() == part) field = message->field(i);
      }
    }
    if (field == nullptr) return nullptr;
    if (chain != nullptr) chain->push_back(field);
    message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  auto routes = std::make_shared<std::vector<Route>>();
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      if (method->client_streaming() || method->server_streaming()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "google.api.http of ", method->full_name(), ": streaming RPCs are not served by the gateway"));
      }
      if (absl::Status s = AddRule(method, method->options().GetExtension(google::api::http),
                                   /*nested=*/false, routes.get());
          !s.ok()) {
        return s;
      }
    }
  }
  std::map<std::pair<std::string, std::string>, const Route*> by_shape;
  for (const Route& r : *routes) {
    auto [it, inserted] = by_shape.emplace(std::make_pair(r.http_method, r.path.Shape()), &r);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          "conflicting HTTP routes: ", it->second->label, " (", it->second->method->full_name(), ") and ",
          r.label, " (", r.method->full_name(), ") match the same requests"));
    }
  }
  RouteTable table;
  table.routes_ = std::move(routes);
  return table;
}

RouteTable::Lookup RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  Lookup result;
  std::vector<absl::string_view> segments;
  if (!SplitRequestPath(path, &segments)) return result;
  PathTemplate::Bindings bindings;
  for (const Route& r : *routes_) {
    if (!r.path.Match(segments, &bindings)) continue;
    if (r.http_method != http_method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), r.http_method) ==
          result.allowed_methods.end()) {
        result.allowed_methods.push_back(r.http_method);
      }
      continue;
    }
    if (result.route == nullptr || r.path.CompareSpecificity(result.route->path) < 0) {
      result.route = &r;
      result.bindings = bindings;
    }
  }
  if (result.route != nullptr) {
    result.outcome = Outcome::kMatched;
    result.allowed_methods.clear();
  } else if (!result.allowed_methods.empty()) {
    result.outcome = Outcome::kMethodNotAllowed;
  }
  return result;
}

}  // namespace meltingdoc::gateway
