#include "libs/common/json_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace meltingdoc {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using sv = absl::string_view;

// Parses a log line as a JSON object, failing the test if it is not one.
google::protobuf::Struct Parse(const std::string& line) {
  google::protobuf::Struct s;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &s);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\nline: " << line;
  return s;
}

// The field `key` of `s` (a default Value if absent, reported as a failure).
google::protobuf::Value Field(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  EXPECT_NE(it, s.fields().end()) << "no field " << key;
  return it == s.fields().end() ? google::protobuf::Value() : it->second;
}

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

TEST(JsonLogTest, TimestampFirstThenFieldsInOrder) {
  const std::string line = FormatJsonLine({{"msg", sv("call")}, {"method", sv("/a.B/C")}});
  EXPECT_THAT(line, ::testing::MatchesRegex(
                        R"(\{"ts":"20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]{8}\.[0-9]{3}Z",)"
                        R"("msg":"call","method":"/a.B/C"\})"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto s = Parse(line);
  EXPECT_EQ(Field(s, "msg").string_value(), "call");
  EXPECT_EQ(Field(s, "method").string_value(), "/a.B/C");
}

TEST(JsonLogTest, NumbersAndBooleans) {
  const std::string line = FormatJsonLine({{"port", int64_t{50051}},
                                           {"neg", int64_t{-7}},
                                           {"big", std::numeric_limits<int64_t>::max()},
                                           {"latency_ms", 1.5},
                                           {"ok", true},
                                           {"retry", false}});
  EXPECT_THAT(line, HasSubstr(R"("port":50051,"neg":-7,"big":9223372036854775807,)"));
  EXPECT_THAT(line, HasSubstr(R"("latency_ms":1.500,"ok":true,"retry":false})"));
  const auto s = Parse(line);
  EXPECT_EQ(Field(s, "port").number_value(), 50051);
  EXPECT_EQ(Field(s, "neg").number_value(), -7);
  EXPECT_EQ(Field(s, "latency_ms").number_value(), 1.5);
  EXPECT_TRUE(Field(s, "ok").bool_value());
  EXPECT_FALSE(Field(s, "retry").bool_value());
}

TEST(JsonLogTest, NonFiniteNumbersStillMakeAJsonObject) {
  // A broken measurement must not make the whole line unparseable for the log shipper.
  const std::string line = FormatJsonLine({{"a", std::nan("")},
                                           {"b", std::numeric_limits<double>::infinity()},
                                           {"c", -std::numeric_limits<double>::infinity()},
                                           {"msg", sv("after")}});
  const auto s = Parse(line);
  EXPECT_EQ(Field(s, "msg").string_value(), "after");
  for (const char* key : {"a", "b", "c"}) {
    EXPECT_EQ(Field(s, key).kind_case(), google::protobuf::Value::kNullValue) << key;
  }
}

TEST(JsonLogTest, QuotesBackslashesAndControlCharactersAreEscaped) {
  const std::string nasty = "say \"hi\" \\ path\nnext\tline\r\x01\x1f end";
  const std::string line = FormatJsonLine({{"msg", sv(nasty)}, {"k\"ey\n", sv("v")}});
  EXPECT_THAT(line,
              HasSubstr(R"("msg":"say \"hi\" \\ path\u000anext\u0009line\u000d\u0001\u001f end")"));
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one record per line";
  const auto s = Parse(line);
  EXPECT_EQ(Field(s, "msg").string_value(), nasty);
  EXPECT_EQ(Field(s, "k\"ey\n").string_value(), "v");
}

TEST(JsonLogTest, NulBytesAreEscapedNotTruncated) {
  const std::string with_nul("a\0b", 3);
  const std::string line = FormatJsonLine({{"v", sv(with_nul)}});
  EXPECT_THAT(line, HasSubstr(R"("v":"a\u0000b")"));
  EXPECT_EQ(Field(Parse(line), "v").string_value(), with_nul);
}

TEST(JsonLogTest, ValidUtf8IsKeptAsIs) {
  const std::string text = "Médecin généraliste — 医者 🩺";
  EXPECT_EQ(JsonQuote(text), "\"" + text + "\"");
  EXPECT_EQ(Field(Parse(FormatJsonLine({{"v", sv(text)}})), "v").string_value(), text);
}

TEST(JsonLogTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string kFffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonQuote("a\xff"
                      "b"),
            "\"a" + kFffd + "b\"");
  EXPECT_EQ(JsonQuote("\x80"), "\"" + kFffd + "\"");              // lone continuation byte
  EXPECT_EQ(JsonQuote("x\xc3"), "\"x" + kFffd + "\"");            // truncated at the end
  EXPECT_EQ(JsonQuote("\xc3(z"), "\"" + kFffd + "(z\"");          // bad continuation
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"" + kFffd + kFffd + "\"");  // truncated 3-byte sequence
}

TEST(JsonLogTest, IllFormedSequencesThatLookWellFormedAreReplaced) {
  // Overlong encodings, UTF-16 surrogates and code points above U+10FFFF are not UTF-8
  // (RFC 3629); passing them through would make the line invalid for strict JSON readers.
  for (const std::string& bad :
       {std::string("\xc0\xaf"), std::string("\xc1\xbf"), std::string("\xe0\x80\xaf"),
        std::string("\xf0\x80\x80\xaf"), std::string("\xed\xa0\x80"), std::string("\xed\xbf\xbf"),
        std::string("\xf4\x90\x80\x80"), std::string("\xf7\xbf\xbf\xbf")}) {
    const std::string quoted = JsonQuote("<" + bad + ">");
    EXPECT_TRUE(IsValidUtf8(quoted)) << absl::CEscape(quoted);
    EXPECT_THAT(quoted, HasSubstr("\xEF\xBF\xBD")) << absl::CEscape(quoted);
    EXPECT_THAT(quoted, StartsWith("\"<"));
  }
}

TEST(JsonLogTest, EveryByteStringGivesValidUtf8AndParses) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (int b = 0xc0; b < 256; ++b) {  // lead bytes followed by continuation bytes
    all.push_back(static_cast<char>(b));
    all += "\x80\x80\x80";
  }
  const std::string line = FormatJsonLine({{"v", sv(all)}});
  EXPECT_TRUE(IsValidUtf8(line));
  Parse(line);
}

}  // namespace
}  // namespace meltingdoc
