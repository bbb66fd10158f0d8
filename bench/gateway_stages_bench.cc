// CPU per request stage inside the gateway, in process, no network: what one
// `GET /v1/profiles/{profile_id}` costs before and after the backend call.
//
//   build/bench/gateway_stages_bench [--iterations=20000]
//
// Stages: route lookup, token verification (remembered after the first), request
// transcoding (path -> GetProfileRequest), response transcoding (a Profile -> JSON), and
// protobuf's own MessageToJsonString on the same response as the baseline of the last.
// Printed as microseconds per call (median of 5 rounds); compare within one run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "gateway/bearer_auth.h"
#include "google/protobuf/util/json_util.h"
#include "gateway/route_table.h"
#include "gateway/suite_services.h"
#include "gateway/transcoder.h"
#include "libs/common/clock.h"
#include "libs/common/uuid.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"
#include "tests/support/test_tokens.h"

ABSL_FLAG(int, iterations, 20000, "Calls per round.");

namespace meltingdoc::bench {
namespace {

double MicrosPerCall(const std::function<void()>& f) {
  const int n = absl::GetFlag(FLAGS_iterations);
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) f();
    rounds.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

int Run() {
  auto routes = gateway::RouteTable::Build(gateway::SuiteServiceDescriptors());
  if (!routes.ok()) return std::fprintf(stderr, "routes: %s\n", routes.status().ToString().c_str()), 1;
  testing::TestTokens tokens;
  auto auth = gateway::BearerAuth::Create(tokens.public_keys_file(), &Clock::Real());
  if (!auth.ok()) return std::fprintf(stderr, "keys: %s\n", auth.status().ToString().c_str()), 1;
  const std::string token = tokens.VerifiedDoctor(NewUuid());
  const std::string path = "/v1/profiles/" + NewUuid();

  auto lookup = routes->Find("GET", path);
  if (lookup.route == nullptr) return std::fprintf(stderr, "no route for %s\n", path.c_str()), 1;
  const gateway::Route& route = *lookup.route;

  profiles::v1::GetProfileResponse response;
  profiles::v1::Profile* p = response.mutable_profile();
  p->set_profile_id(NewUuid());
  p->set_rpps("10003456789");
  p->set_civility("Dr");
  p->set_given_name("Claire");
  p->set_family_name("Martin");
  p->set_specialty_code("SM20");
  p->set_specialty_label("Gynécologie-obstétrique");
  p->set_bio("Fertilité, obstétrique, oncologie mammaire");
  p->set_version(3);
  p->mutable_create_time()->set_seconds(1790000000);
  p->mutable_update_time()->set_seconds(1790000000);
  p->add_languages("fr");
  p->set_etag("\"3\"");

  std::printf("| %-40s | %10s |\n|------------------------------------------|-----------:|\n", "stage", "us/call");
  auto row = [](const char* name, double us) { std::printf("| %-40s | %10.2f |\n", name, us); };
  row("route lookup", MicrosPerCall([&] { (void)routes->Find("GET", path); }));
  row("token verification (remembered)", MicrosPerCall([&] { (void)(*auth)->Verify(token); }));
  row("request transcoding (path -> proto)", MicrosPerCall([&] {
        profiles::v1::GetProfileRequest request;
        (void)gateway::BuildRequest(route, lookup.bindings, "", "", &request);
      }));
  std::string json;
  row("response transcoding (proto -> JSON)", MicrosPerCall([&] { json = *gateway::ResponseToJson(route, response); }));
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string reference;
  row("  (protobuf's MessageToJsonString, same)", MicrosPerCall([&] {
        reference.clear();
        (void)google::protobuf::util::MessageToJsonString(response, &reference, options);
      }));
  std::printf("\nresponse: %zu bytes, %s protobuf's\n", json.size(), json == reference ? "same as" : "DIFFERENT from");
  return 0;
}

}  // namespace
}  // namespace meltingdoc::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return meltingdoc::bench::Run();
}
