#include "gateway/route_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/suite_services.h"
#include "google/protobuf/descriptor.h"
#include "tests/unit/gateway/test_pool.h"

namespace meltingdoc::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(RouteTableTest, BuildsEveryBindingOfTheTestService) {
  testing::TestPool tp;
  auto table = RouteTable::Build({tp.service()});
  ASSERT_TRUE(table.ok()) << table.status();
  std::vector<std::string> labels;
  for (const Route& r : table->routes()) labels.push_back(r.label);
  EXPECT_THAT(labels, UnorderedElementsAre(
                          "GET /v1/{name=shelves/*/books/*}", "GET /v1/books/{name}", "GET /v1/shelves/{shelf_id}/books",
                          "POST /v1/shelves/{shelf_id}/books", "POST /v1/{name=shelves/*/books/*}:archive",
                          "GET /v1/files/{name=**}", "GET /v1/shelves/{shelf_id}/books/latest"));
  for (const Route& r : table->routes()) {
    EXPECT_EQ(r.grpc_path, "/test.v1.BookService/" + r.method->name());
    EXPECT_EQ(r.service, "test.v1.BookService");
  }
}

TEST(RouteTableTest, FindsRoutesWithBindingsAndPrefersTheMostSpecific) {
  testing::TestPool tp;
  auto table = RouteTable::Build({tp.service()});
  ASSERT_TRUE(table.ok()) << table.status();

  auto found = table->Find("GET", "/v1/shelves/s1/books/b1");
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_EQ(found.route->method->name(), "GetBook");
  EXPECT_THAT(found.bindings, ElementsAre(Pair("name", "shelves/s1/books/b1")));

  found = table->Find("GET", "/v1/shelves/s1/books/latest");  // literal beats variable
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_EQ(found.route->method->name(), "GetLatestBook");

  found = table->Find("GET", "/v1/books/b9");  // additional binding
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_EQ(found.route->method->name(), "GetBook");
  EXPECT_THAT(found.bindings, ElementsAre(Pair("name", "b9")));

  found = table->Find("POST", "/v1/shelves/s1/books/b1:archive");
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_EQ(found.route->method->name(), "ArchiveBook");

  found = table->Find("GET", "/v1/files/a/b/c");
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_THAT(found.bindings, ElementsAre(Pair("name", "a/b/c")));
}

TEST(RouteTableTest, UnknownPathIsNotFoundAndWrongMethodListsAllowedOnes) {
  testing::TestPool tp;
  auto table = RouteTable::Build({tp.service()});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->Find("GET", "/v1/nothing").outcome, RouteTable::Outcome::kNotFound);
  EXPECT_EQ(table->Find("GET", "relative").outcome, RouteTable::Outcome::kNotFound);
  auto found = table->Find("DELETE", "/v1/shelves/s1/books");
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMethodNotAllowed);
  EXPECT_THAT(found.allowed_methods, UnorderedElementsAre("GET", "POST"));
}

TEST(RouteTableTest, SameShapeForTheSameMethodIsAConflictNamingBothRpcs) {
  testing::TestPool tp(R"pb(
    method {
      name: "FindBook" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { get: "/v1/books/{shelf_id}" } }
    })pb");
  auto table = RouteTable::Build({tp.service()});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.status().message(), HasSubstr("conflicting"));
  EXPECT_THAT(table.status().message(), HasSubstr("test.v1.BookService.GetBook"));
  EXPECT_THAT(table.status().message(), HasSubstr("test.v1.BookService.FindBook"));
}

TEST(RouteTableTest, SamePathWithAnotherMethodIsNoConflict) {
  testing::TestPool tp(R"pb(
    method {
      name: "DeleteBook" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
      options { [google.api.http] { delete: "/v1/books/{name}" } }
    })pb");
  EXPECT_TRUE(RouteTable::Build({tp.service()}).ok());
}

TEST(RouteTableTest, RulesThatCannotWorkAreStartUpErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"pb(get: "/v1/x/{nope}")pb", "nope"},
      {R"pb(post: "/v1/x" body: "nope")pb", "body"},
      {R"pb(get: "/v1/x" body: "*")pb", "GET with a body"},
      {R"pb(get: "/v1/x/{a")pb", "not closed"},
      {R"pb(get: "/v1/x/{name}" response_body: "nope")pb", "response_body"},
  };
  for (const auto& [rule, expected] : cases) {
    testing::TestPool tp(R"pb(method { name: "Bad" input_type: ".test.v1.GetBookRequest" output_type: ".test.v1.Book"
                                      options { [google.api.http] { )pb" + rule + " } } }");
    auto table = RouteTable::Build({tp.service()});
    ASSERT_FALSE(table.ok()) << rule;
    EXPECT_THAT(table.status().message(), HasSubstr(expected)) << rule;
    EXPECT_THAT(table.status().message(), HasSubstr("test.v1.BookService.Bad")) << rule;
  }
}

TEST(RouteTableTest, TheSuiteServicesBuildWithoutConflicts) {
  auto services = SuiteServiceDescriptors();
  ASSERT_EQ(services.size(), 4u);
  auto table = RouteTable::Build(services);
  ASSERT_TRUE(table.ok()) << table.status();
  auto found = table->Find("GET", "/v1/accounts/5b1f4a4e-0d2c-4bb8-9f38-6f0a2f7d1e11");
  ASSERT_EQ(found.outcome, RouteTable::Outcome::kMatched);
  EXPECT_EQ(found.route->grpc_path, "/meltingdoc.identity.v1.IdentityService/GetAccount");
}

}  // namespace
}  // namespace meltingdoc::gateway
