// Hostile HTTP input replayed through the real gateway and services (issue #10, "bad input").
//
// The corpus is generated from the same route table the gateway builds, so a new route is
// covered without editing this file. For every route, as a verified doctor (so that requests
// get past authentication and reach the services' validation):
//   - SQL and script injection strings in every text field (body, or query for GET/DELETE)
//     and in every path variable: never a 5xx; any 4xx is problem+json;
//   - invalid UTF-8 inside a JSON string, JSON nested 10 000 deep, numbers too large for any
//     numeric field, a JSON type the field does not have, a body over the limit: a 4xx
//     problem+json, never a 5xx;
// plus oversized headers and malformed targets. At the end, no log line of the gateway or of
// any service contains the canary carried by every injected body and query value: requests'
// content never reaches the logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/route_table.h"
#include "gateway/suite_services.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/uuid.h"
#include "tests/e2e/gateway/gateway_fixture.h"
#include "tests/e2e/gateway/route_paths.h"

namespace meltingdoc::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// In every injected body and query value; must never appear in a log.
constexpr char kCanary[] = "zqcanary7f3e";

const std::vector<std::string>& InjectionStrings() {
  static const auto* strings = new std::vector<std::string>{
      absl::StrCat("'; DROP TABLE cases; -- ", kCanary),
      absl::StrCat("\" OR 1=1 -- ", kCanary),
      absl::StrCat("1' UNION SELECT password_hash FROM identity.accounts -- ", kCanary),
      absl::StrCat("<script>alert('", kCanary, "')</script>"),
      absl::StrCat("<img src=x onerror=alert(1)>", kCanary),
      absl::StrCat("${jndi:ldap://x/", kCanary, "} {{7*7}} %s%s%n"),
      absl::StrCat("..%2f..%2fetc%2fpasswd\\u0000", kCanary),
  };
  return *strings;
}

// A JSON string literal.
std::string Quote(const std::string& s) {
  return absl::StrCat("\"", absl::Utf8SafeCEscape(s), "\"");
}

bool IsWellKnownType(const Descriptor* d) {
  return absl::StartsWith(d->full_name(), "google.protobuf.");
}

// JSON for `message` with every string field (and repeated strings, map values, nested
// messages up to `depth`) set to `text`, skipping the fields bound by the path.
std::string MessageWithStrings(const Descriptor* message, const std::string& text, int depth,
                               const std::vector<std::string>& skip = {}) {
  std::vector<std::string> members;
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* f = message->field(i);
    bool skipped = false;
    for (const std::string& s : skip) skipped |= (s == f->name());
    if (skipped) continue;
    std::string value;
    if (f->is_map()) {
      const FieldDescriptor* v = f->message_type()->map_value();
      if (v->type() == FieldDescriptor::TYPE_STRING) value = absl::StrCat("{", Quote(text), ":", Quote(text), "}");
    } else if (f->type() == FieldDescriptor::TYPE_STRING) {
      value = f->is_repeated() ? absl::StrCat("[", Quote(text), "]") : Quote(text);
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE && depth > 0 && !IsWellKnownType(f->message_type())) {
      const std::string inner = MessageWithStrings(f->message_type(), text, depth - 1);
      value = f->is_repeated() ? absl::StrCat("[", inner, "]") : inner;
    }
    if (!value.empty()) members.push_back(absl::StrCat(Quote(f->json_name()), ":", value));
  }
  return absl::StrCat("{", absl::StrJoin(members, ","), "}");
}

// The first field of `message` (top level) whose type is `wanted`, or nullptr.
const FieldDescriptor* FirstFieldOf(const Descriptor* message, bool (*wanted)(const FieldDescriptor*)) {
  for (int i = 0; i < message->field_count(); ++i) {
    if (wanted(message->field(i))) return message->field(i);
  }
  return nullptr;
}

bool IsSingularNumber(const FieldDescriptor* f) {
  if (f->is_repeated()) return false;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

bool IsSingularString(const FieldDescriptor* f) {
  return !f->is_repeated() && f->type() == FieldDescriptor::TYPE_STRING;
}

// The route's path with every variable replaced by `value` (percent-encoded).
std::string PathWith(const gateway::Route& route, const std::string& value) {
  const std::string encoded = PercentEncode(value);
  return RoutePath(route, [&] { return encoded; });
}

// Names of the request fields bound by path variables (top-level part of each).
std::vector<std::string> PathFields(const gateway::Route& route) {
  std::vector<std::string> out;
  for (const auto& v : route.path.variables()) {
    const std::string& field_path = v.field_path;
    out.push_back(field_path.substr(0, field_path.find('.')));
  }
  return out;
}

// The message the body maps to ("*": the request; "field": that field's message), or nullptr
// when the body is a scalar field.
const Descriptor* BodyMessage(const gateway::Route& route) {
  const Descriptor* request = route.method->input_type();
  if (route.body == "*") return request;
  const FieldDescriptor* f = gateway::FindFieldPath(request, route.body);
  return f != nullptr && f->type() == FieldDescriptor::TYPE_MESSAGE ? f->message_type() : nullptr;
}

class HostileInputTest : public GatewayStack {
 protected:
  // Sends the call as a verified doctor; fails the test on a 5xx, or a 4xx that is not
  // problem+json; returns the status (0 when the connection failed).
  int Send(HttpCall call, const std::string& what) {
    call.headers.emplace_back("Authorization", "Bearer " + token_);
    auto r = HttpRequest(port(), call);
    EXPECT_TRUE(r.ok()) << what << ": " << r.status();
    if (!r.ok()) return 0;
    EXPECT_LT(r->status, 500) << what << " (" << call.method << " " << call.target.substr(0, 120)
                              << "): " << r->body.substr(0, 300);
    if (r->status >= 400) {
      EXPECT_EQ(r->Header("content-type"), "application/problem+json") << what << ": " << r->body.substr(0, 200);
    }
    ++sent_;
    return r->status;
  }

  static HttpCall JsonCall(const gateway::Route& route, std::string target, std::string body) {
    HttpCall call;
    call.method = route.http_method;
    call.target = std::move(target);
    if (!body.empty()) call.headers.emplace_back("Content-Type", "application/json");
    call.body = std::move(body);
    return call;
  }

  const std::string account_ = NewUuid();
  const std::string token_ = tokens_ ? tokens_->VerifiedDoctor(account_) : "";
  int sent_ = 0;
};

TEST_F(HostileInputTest, NoRouteAnswers5xxToHostileInputAndNoLogShowsIt) {
  auto table = gateway::RouteTable::Build(gateway::SuiteServiceDescriptors());
  ASSERT_TRUE(table.ok()) << table.status();
  int expected_4xx = 0, got_4xx = 0;
  auto expect_4xx = [&](int status, const std::string& what) {
    ++expected_4xx;
    if (status >= 400 && status < 500) {
      ++got_4xx;
    } else {
      ADD_FAILURE() << what << ": status " << status << ", wanted a 4xx";
    }
  };

  for (const gateway::Route& route : table->routes()) {
    const Descriptor* request = route.method->input_type();
    const std::vector<std::string> path_fields = PathFields(route);
    const std::string ids_path = PathWith(route, NewUuid());

    // Injection strings in path variables (no canary: the access log keeps the path).
    if (!route.path.variables().empty()) {
      for (const char* id : {"' OR '1'='1", "1;DROP TABLE x", "<script>", "..", "%00"}) {
        HttpCall call = JsonCall(route, PathWith(route, id), route.body.empty() ? "" : "{}");
        Send(call, absl::StrCat(route.label, " with path variable ", id));
      }
    }

    for (const std::string& text : InjectionStrings()) {
      if (!route.body.empty()) {
        const Descriptor* body = BodyMessage(route);
        const std::string json =
            body != nullptr ? MessageWithStrings(body, text, 2, route.body == "*" ? path_fields : std::vector<std::string>{})
                            : Quote(text);
        Send(JsonCall(route, ids_path, json), absl::StrCat(route.label, " with injection in the body"));
      } else {
        // Query parameters: every top-level string field not bound by the path.
        std::vector<std::string> params;
        for (int i = 0; i < request->field_count(); ++i) {
          const FieldDescriptor* f = request->field(i);
          if (!IsSingularString(f)) continue;
          bool in_path = false;
          for (const std::string& p : path_fields) in_path |= (p == f->name());
          if (!in_path) params.push_back(absl::StrCat(f->json_name(), "=", PercentEncode(text)));
        }
        if (params.empty()) continue;
        HttpCall call = JsonCall(route, absl::StrCat(ids_path, "?", absl::StrJoin(params, "&")), "");
        Send(call, absl::StrCat(route.label, " with injection in the query"));
      }
    }

    if (route.body.empty()) {
      // A number too large for the first numeric query field.
      const FieldDescriptor* number = FirstFieldOf(request, IsSingularNumber);
      if (number != nullptr) {
        HttpCall call = JsonCall(route, absl::StrCat(ids_path, "?", number->json_name(), "=99999999999999999999999999"), "");
        expect_4xx(Send(call, route.label + " with a huge query number"), route.label + " huge query number");
      }
      continue;
    }

    // Structural garbage in the body: each is a 4xx.
    const Descriptor* body = BodyMessage(route);
    const std::string nested = absl::StrCat(std::string(10000, '['), std::string(10000, ']'));
    std::vector<std::pair<std::string, std::string>> broken = {
        {"nested 10000 deep", body != nullptr ? absl::StrCat("{\"x\":", nested, "}") : nested},
        {"truncated JSON", "{\"a\":"},
        {"not an object", body != nullptr ? "[1,2,3]" : "{}"},
    };
    if (body != nullptr) {
      if (const FieldDescriptor* s = FirstFieldOf(body, IsSingularString)) {
        broken.push_back({"invalid UTF-8 in a string", absl::StrCat("{", Quote(s->json_name()), ":\"a\xC3\x28\xFF", kCanary, "\"}")});
        broken.push_back({"an object where a string belongs", absl::StrCat("{", Quote(s->json_name()), ":{\"", kCanary, "\":1}}")});
      }
      if (const FieldDescriptor* n = FirstFieldOf(body, IsSingularNumber)) {
        broken.push_back({"a number past 64 bits", absl::StrCat("{", Quote(n->json_name()), ":123456789012345678901234567890}")});
        broken.push_back({"1e400", absl::StrCat("{", Quote(n->json_name()), ":1e400}")});
        broken.push_back({"a fraction for an integer", absl::StrCat("{", Quote(n->json_name()), ":1.5}")});
      }
    }
    for (const auto& [what, json] : broken) {
      expect_4xx(Send(JsonCall(route, ids_path, json), route.label + " with " + what), route.label + " " + what);
    }
    // Over the body limit (1 MiB by default), announced by Content-Length.
    expect_4xx(Send(JsonCall(route, ids_path, absl::StrCat("{\"x\":\"", std::string(1100000, 'a'), kCanary, "\"}")),
                    route.label + " with a 1.1 MB body"),
               route.label + " 1.1 MB body");
  }

  // Transport-level garbage, on one route.
  {
    HttpCall call;
    call.target = "/v1/spaces";
    call.headers.emplace_back("X-Big", std::string(20000, 'h') + kCanary);
    expect_4xx(Send(call, "20 kB header"), "20 kB header");
  }
  for (const char* target : {"/v1/spaces/%ZZ", "/v1/%C3%28", "/v1/spaces?pageSize=%FF%FE", "//..//..//etc/passwd"}) {
    HttpCall call;
    call.target = target;
    expect_4xx(Send(call, std::string("target ") + target), std::string("target ") + target);
  }

  EXPECT_EQ(got_4xx, expected_4xx);
  EXPECT_GT(sent_, 200) << "the corpus shrank: fewer requests than expected";

  // Nothing of the requests' content in any log.
  for (const std::string& name : SuiteStack::ServiceNames()) {
    EXPECT_FALSE(absl::StrContains(Service(name).ReadLog(), kCanary)) << name << "'s log shows request content";
  }
  EXPECT_FALSE(absl::StrContains(gateway_->ReadLog(), kCanary)) << "the gateway's log shows request content";
}

}  // namespace
}  // namespace meltingdoc::testing
