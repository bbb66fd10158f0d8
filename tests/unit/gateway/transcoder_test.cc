#include "gateway/transcoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/cord.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "tests/unit/gateway/test_pool.h"

namespace meltingdoc::gateway {
namespace {

using ::testing::HasSubstr;

// "field: description" of the BadRequest attached to `s`.
std::string Violations(const absl::Status& s) {
  auto payload = s.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  if (!payload.has_value()) return "(no BadRequest)";
  google::rpc::BadRequest br;
  br.ParseFromString(std::string(*payload));
  std::string out;
  for (const auto& v : br.field_violations()) out += v.field() + ": " + v.description() + "\n";
  return out;
}

class TranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = RouteTable::Build({tp_.service()});
    ASSERT_TRUE(t.ok()) << t.status();
    table_ = std::make_unique<RouteTable>(*std::move(t));
  }

  // Builds the request for `method path` with `query` and `body`; the request's text format.
  absl::StatusOr<std::string> Transcode(const std::string& method, const std::string& target,
                                        const std::string& body = "") {
    const size_t q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    auto found = table_->Find(method, path);
    if (found.outcome != RouteTable::Outcome::kMatched) return absl::NotFoundError(path);
    auto request = tp_.New(found.route->method->input_type()->name());
    absl::Status s = BuildRequest(*found.route, found.bindings, query, body, request.get());
    if (!s.ok()) return s;
    std::string text;
    google::protobuf::TextFormat::Printer printer;
    printer.SetSingleLineMode(true);
    printer.PrintToString(*request, &text);
    return text;
  }

  testing::TestPool tp_;
  std::unique_ptr<RouteTable> table_;
};

TEST_F(TranscoderTest, PathVariablesFillTheirFields) {
  auto r = Transcode("GET", "/v1/shelves/s1/books/b%20one");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "name: \"shelves/s1/books/b one\" ");
}

TEST_F(TranscoderTest, QueryFillsRemainingFieldsIncludingNestedAndRepeated) {
  auto r = Transcode("GET",
                     "/v1/shelves/s1/books?pageSize=20&filter.genre=GENRE_FICTION&filter.min_pages=100&"
                     "filter.inPrint=true&tags=a&tags=b+c&since=2026-01-02T03:04:05Z");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, HasSubstr("shelf_id: \"s1\""));
  EXPECT_THAT(*r, HasSubstr("page_size: 20"));
  EXPECT_THAT(*r, HasSubstr("filter { genre: GENRE_FICTION min_pages: 100 in_print: true }"));
  EXPECT_THAT(*r, HasSubstr("tags: \"a\" tags: \"b c\""));
  EXPECT_THAT(*r, HasSubstr("since { seconds: 1767323045 }"));
}

TEST_F(TranscoderTest, BadQueryParametersAre400NamingThem) {
  struct Case {
    std::string query, field, description;
  };
  for (const Case& c : std::vector<Case>{
           {"colour=red", "colour", "no such field"},
           {"filter.nope=1", "filter.nope", "no such field"},
           {"page_size=ten", "page_size", "invalid value"},
           {"page_size=99999999999", "page_size", "invalid value"},
           {"filter.in_print=yes", "filter.in_print", "true or false"},
           {"filter=x", "filter", "is a message"},
           {"page_size=1&page_size=2", "page_size", "not a list"},
           {"shelf_id=s2", "shelf_id", "already given by the path"},
           {"tags=%FF", "tags", "UTF-8"},
           {"tags=%zz", "query", "percent"},
           {"=1", "query", "without a name"},
       }) {
    auto r = Transcode("GET", "/v1/shelves/s1/books?" + c.query);
    ASSERT_FALSE(r.ok()) << c.query;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.query;
    const std::string v = Violations(r.status());
    EXPECT_THAT(v, HasSubstr(c.field + ": ")) << c.query;
    EXPECT_THAT(v, HasSubstr(c.description)) << c.query;
  }
}

// protobuf's JSON parser takes mask paths its printer cannot write back ("s__x"; found by the
// transcoding fuzzer): the gateway refuses them, naming the field, rather than sending a
// service paths that no JSON client could have meant.
TEST_F(TranscoderTest, FieldMaskPathsThatCannotBeWrittenBackAre400) {
  auto ok = Transcode("GET", "/v1/shelves/s1/books?readMask=title,publishTime,filter.minPages");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_THAT(*ok, HasSubstr("read_mask { paths: \"title\" paths: \"publish_time\" paths: \"filter.min_pages\" }"));
  for (const std::string mask : {"a,acgb.s__x", "title,x_", "a__b", "a.b%7C%00,_A%22x", "ab_c_d", "x.1a", "a..b"}) {
    auto bad = Transcode("GET", "/v1/shelves/s1/books?readMask=" + mask);
    ASSERT_FALSE(bad.ok()) << mask << " gave " << *bad;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Violations(bad.status()), HasSubstr("read_mask: field-mask paths")) << mask;
  }
}

TEST_F(TranscoderTest, BodyStarIsTheWholeMessageAndThePathWins) {
  auto r = Transcode("POST", "/v1/shelves/s1/books/b1:archive",
                     R"({"reason":"duplicate","force":true,"name":"ignored"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, HasSubstr("name: \"shelves/s1/books/b1\""));
  EXPECT_THAT(*r, HasSubstr("reason: \"duplicate\""));
  EXPECT_THAT(*r, HasSubstr("force: true"));
  // No query parameters when the body is the whole message.
  r = Transcode("POST", "/v1/shelves/s1/books/b1:archive?force=true", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Violations(r.status()), HasSubstr("force: "));
}

TEST_F(TranscoderTest, BodyFieldTakesTheBodyAndQueryTheRest) {
  auto r = Transcode("POST", "/v1/shelves/s1/books?request_id=r-1",
                     R"({"title":"Traité de gynécologie","pageCount":"1200","genre":"GENRE_FICTION","tags":["x"]})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, HasSubstr("shelf_id: \"s1\""));
  EXPECT_THAT(*r, HasSubstr("request_id: \"r-1\""));
  EXPECT_THAT(*r, HasSubstr("book { title: "));
  EXPECT_THAT(*r, HasSubstr("page_count: 1200 genre: GENRE_FICTION tags: \"x\" }"));
  r = Transcode("POST", "/v1/shelves/s1/books?book.title=x", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Violations(r.status()), HasSubstr("book.title: belongs in the JSON body"));
}

TEST_F(TranscoderTest, EmptyBodyIsAnEmptyMessage) {
  auto r = Transcode("POST", "/v1/shelves/s1/books/b1:archive", "  ");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "name: \"shelves/s1/books/b1\" ");
}

TEST_F(TranscoderTest, UnknownFieldsInTheBodyAre400NamingThem) {
  auto r = Transcode("POST", "/v1/shelves/s1/books/b1:archive", R"({"reason":"x","colour":"red"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(r.status()), HasSubstr("colour: invalid JSON: unknown field"));

  r = Transcode("POST", "/v1/shelves/s1/books", R"({"title":"x","isbn":"123"})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Violations(r.status()), HasSubstr("book.isbn: invalid JSON: unknown field"));
}

TEST_F(TranscoderTest, InvalidJsonAndInvalidUtf8Are400) {
  for (const std::string& body : {std::string("{"), std::string("{\"reason\":}"), std::string("[1,2]"),
                                  std::string("{\"force\":\"maybe\"}"), std::string("nul")}) {
    auto r = Transcode("POST", "/v1/shelves/s1/books/b1:archive", body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(Violations(r.status()), HasSubstr("invalid JSON")) << body;
  }
  auto r = Transcode("POST", "/v1/shelves/s1/books/b1:archive", "{\"reason\":\"caf\xC3\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Violations(r.status()), HasSubstr("body: invalid UTF-8"));
}

TEST_F(TranscoderTest, BodyOnARouteWithoutBodyIs400) {
  auto r = Transcode("GET", "/v1/books/b1", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Violations(r.status()), HasSubstr("takes no request body"));
}

TEST_F(TranscoderTest, ResponsesUseLowerCamelCaseEnumNamesInt64StringsAndDefaults) {
  auto found = table_->Find("GET", "/v1/books/b1");
  auto book = tp_.New("Book");
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(name: "b1" page_count: 9007199254740993 genre: GENRE_FICTION publish_time { seconds: 1767323045 })pb",
      book.get()));
  auto json = ResponseToJson(*found.route, *book);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            R"({"name":"b1","title":"","pageCount":"9007199254740993","genre":"GENRE_FICTION","tags":[],)"
            R"("publishTime":"2026-01-02T03:04:05Z"})");
}

}  // namespace
}  // namespace meltingdoc::gateway
