// PrintJsonFast against protobuf's own MessageToJsonString (always_print_primitive_fields),
// byte for byte: every request and response type of the four services, filled at random
// (fixed seed) with the values that have special JSON forms — defaults, 64-bit limits,
// unknown enum numbers, NaN and infinities, -0, escaped and invisible code points, surrogate
// pairs, Timestamps at both ends of their range and with 0/3/6/9 fractional digits, set and
// unset oneof members and proto3 `optional` fields, empty and nested lists.
#include "gateway/json_printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gateway/suite_services.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"

namespace meltingdoc::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Reference(const Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  auto s = google::protobuf::util::MessageToJsonString(m, &out, options);
  return s.ok() ? out : "(error) " + std::string(s.message());
}

class Filler {
 public:
  explicit Filler(uint32_t seed) : rng_(seed) {}

  void Fill(Message* m, int depth) {
    const Descriptor* d = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    if (d->full_name() == "google.protobuf.Timestamp") return FillTimestamp(m);
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Chance(0.35)) continue;  // left at its default / unset
      if (f->is_repeated()) {
        const int n = Pick(4);
        for (int k = 0; k < n; ++k) Add(m, r, f, depth);
      } else {
        Set(m, r, f, depth);
      }
    }
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  void FillTimestamp(Message* m) {
    const Reflection* r = m->GetReflection();
    const Descriptor* d = m->GetDescriptor();
    static const int64_t kSeconds[] = {0, 1, -1, 1790000000, -62135596800, 253402300799, 951782400 /* 2000-02-29 */};
    static const int32_t kNanos[] = {0, 1, 999999999, 500000000, 123000, 123456789, 1000};
    r->SetInt64(m, d->FindFieldByNumber(1), kSeconds[Pick(7)] + (Chance(0.3) ? Pick(100000000) : 0));
    r->SetInt32(m, d->FindFieldByNumber(2), kNanos[Pick(7)]);
  }

  std::string RandomString() {
    static const char* const kPieces[] = {
        "a", "Claire", " ", "\"", "\\", "/", "<", ">", "&", "'", "\n", "\t", "\r", "\b", "\f",
        "(NUL)", "\x01", "\x1f", "\x7f", "é", "Gynécologie", "\xc2\x80" /* U+0080 */,
        "\xc2\x9f" /* U+009F */, "\xc2\xa0" /* U+00A0 */, "\xc2\xad" /* soft hyphen */, "\xd8\x80" /* U+0600 */,
        "\xdb\x9d" /* U+06DD */, "\xdc\x8f" /* U+070F */, "\xe1\x9e\xb4" /* U+17B4 */, "\xe2\x80\x8b" /* U+200B */,
        "\xe2\x80\xa8" /* U+2028 */, "\xe2\x80\xae" /* U+202E */, "\xe2\x81\xa0" /* U+2060 */,
        "\xe2\x81\xaf" /* U+206F */, "\xef\xbb\xbf" /* U+FEFF */, "\xef\xbf\xb9" /* U+FFF9 */,
        "\xef\xbf\xbd" /* U+FFFD */, "\xf0\x9f\x98\x80" /* U+1F600 */, "\xf0\x9d\x85\xb3" /* U+1D173 */,
        "\xf3\xa0\x80\x81" /* U+E0001 */, "\xf3\xa0\x80\xa0" /* U+E0020 */, "\xf4\x8f\xbf\xbf" /* U+10FFFF */,
        "中文", "ß"};
    std::string s;
    const int n = Pick(6);
    for (int i = 0; i < n; ++i) {
      const int k = Pick(static_cast<int>(sizeof(kPieces) / sizeof(kPieces[0])));
      if (k == 15) {
        s.push_back('\0');
      } else {
        s += kPieces[k];
      }
    }
    return s;
  }

  double RandomDouble() {
    static const double kValues[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1e300, -1e-300, 5e-324, 123456789.123456789,
                                     1e21, 1e15, 100, std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                     48.8566, 2.3522, 1.0 / 3};
    return Chance(0.3) ? std::uniform_real_distribution<double>(-1e6, 1e6)(rng_) : kValues[Pick(18)];
  }

  template <typename T>
  T RandomInt() {
    switch (Pick(5)) {
      case 0: return 0;
      case 1: return std::numeric_limits<T>::max();
      case 2: return std::numeric_limits<T>::min();
      case 3: return static_cast<T>(-1);
      default: return static_cast<T>(std::uniform_int_distribution<int64_t>(-100000, 100000)(rng_));
    }
  }

  int RandomEnum(const FieldDescriptor* f) {
    if (Chance(0.15)) return 4242;  // unknown to this build
    return f->enum_type()->value(Pick(f->enum_type()->value_count()))->number();
  }

  void Set(Message* m, const Reflection* r, const FieldDescriptor* f, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: return r->SetInt32(m, f, RandomInt<int32_t>());
      case FieldDescriptor::CPPTYPE_INT64: return r->SetInt64(m, f, RandomInt<int64_t>());
      case FieldDescriptor::CPPTYPE_UINT32: return r->SetUInt32(m, f, RandomInt<uint32_t>());
      case FieldDescriptor::CPPTYPE_UINT64: return r->SetUInt64(m, f, RandomInt<uint64_t>());
      case FieldDescriptor::CPPTYPE_DOUBLE: return r->SetDouble(m, f, RandomDouble());
      case FieldDescriptor::CPPTYPE_FLOAT: return r->SetFloat(m, f, static_cast<float>(RandomDouble()));
      case FieldDescriptor::CPPTYPE_BOOL: return r->SetBool(m, f, Chance(0.5));
      case FieldDescriptor::CPPTYPE_ENUM: return r->SetEnumValue(m, f, RandomEnum(f));
      case FieldDescriptor::CPPTYPE_STRING: return r->SetString(m, f, RandomString());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 4) Fill(r->MutableMessage(m, f), depth + 1);
        else r->MutableMessage(m, f);  // set, empty
        return;
    }
  }

  void Add(Message* m, const Reflection* r, const FieldDescriptor* f, int depth) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: return r->AddInt32(m, f, RandomInt<int32_t>());
      case FieldDescriptor::CPPTYPE_INT64: return r->AddInt64(m, f, RandomInt<int64_t>());
      case FieldDescriptor::CPPTYPE_UINT32: return r->AddUInt32(m, f, RandomInt<uint32_t>());
      case FieldDescriptor::CPPTYPE_UINT64: return r->AddUInt64(m, f, RandomInt<uint64_t>());
      case FieldDescriptor::CPPTYPE_DOUBLE: return r->AddDouble(m, f, RandomDouble());
      case FieldDescriptor::CPPTYPE_FLOAT: return r->AddFloat(m, f, static_cast<float>(RandomDouble()));
      case FieldDescriptor::CPPTYPE_BOOL: return r->AddBool(m, f, Chance(0.5));
      case FieldDescriptor::CPPTYPE_ENUM: return r->AddEnumValue(m, f, RandomEnum(f));
      case FieldDescriptor::CPPTYPE_STRING: return r->AddString(m, f, RandomString());
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* child = r->AddMessage(m, f);
        if (depth < 4) Fill(child, depth + 1);
        return;
      }
    }
  }

  std::mt19937 rng_;
};

// Every message type the four services take or answer, and the types inside them.
std::vector<const Descriptor*> SuiteMessageTypes() {
  std::vector<const Descriptor*> todo, out;
  absl::flat_hash_set<const Descriptor*> seen;
  for (const auto* service : SuiteServiceDescriptors()) {
    for (int i = 0; i < service->method_count(); ++i) {
      todo.push_back(service->method(i)->input_type());
      todo.push_back(service->method(i)->output_type());
    }
  }
  while (!todo.empty()) {
    const Descriptor* d = todo.back();
    todo.pop_back();
    if (!seen.insert(d).second) continue;
    out.push_back(d);
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->message_type() != nullptr) todo.push_back(d->field(i)->message_type());
    }
  }
  return out;
}

TEST(JsonPrinterTest, SameBytesAsProtobufForEveryTypeOfTheSuite) {
  const auto types = SuiteMessageTypes();
  ASSERT_GT(types.size(), 50u);
  Filler filler(20261130);
  int fast = 0, compared = 0;
  for (const Descriptor* d : types) {
    const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
    ASSERT_NE(prototype, nullptr) << d->full_name();
    for (int round = 0; round < 40; ++round) {
      std::unique_ptr<Message> m(prototype->New());
      if (round > 0) filler.Fill(m.get(), 0);  // round 0: the empty message
      std::string out;
      ++compared;
      if (!PrintJsonFast(*m, &out)) continue;
      ++fast;
      ASSERT_EQ(out, Reference(*m)) << d->full_name() << " round " << round << "\n" << m->DebugString();
    }
  }
  // The suite's messages are all within what the fast printer writes (a new map or bytes field
  // would fall back to protobuf's printer, correct but slower: then lower this bound knowingly).
  EXPECT_GT(fast, compared * 9 / 10) << fast << " of " << compared;
}

TEST(JsonPrinterTest, WritesAProfile) {
  profiles::v1::GetProfileResponse r;
  r.mutable_profile()->set_given_name("Claire <b>");
  r.mutable_profile()->mutable_create_time()->set_seconds(1790000000);
  r.mutable_profile()->mutable_create_time()->set_nanos(120000000);
  std::string out;
  ASSERT_TRUE(PrintJsonFast(r, &out));
  EXPECT_EQ(out, Reference(r));
  EXPECT_NE(out.find("\"givenName\":\"Claire \\u003cb\\u003e\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"createTime\":\"2026-09-21T"), std::string::npos) << out;
  EXPECT_NE(out.find(".120Z\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"version\":\"0\""), std::string::npos) << out;   // int64: a string, default written
  EXPECT_NE(out.find("\"languages\":[]"), std::string::npos) << out;    // empty list written
  EXPECT_EQ(out.find("updateTime"), std::string::npos) << out;          // unset message: omitted
}

TEST(JsonPrinterTest, LeavesToProtobufWhatItDoesNotWrite) {
  std::string out;
  google::protobuf::Duration duration;
  EXPECT_FALSE(PrintJsonFast(duration, &out));
  google::protobuf::Struct st;
  EXPECT_FALSE(PrintJsonFast(st, &out));
  profiles::v1::GetProfileResponse bad_utf8;
  bad_utf8.mutable_profile()->set_bio("caf\xc3");
  out.clear();
  EXPECT_FALSE(PrintJsonFast(bad_utf8, &out));
  profiles::v1::GetProfileResponse bad_time;
  bad_time.mutable_profile()->mutable_create_time()->set_seconds(253402300800);  // year 10000
  out.clear();
  EXPECT_FALSE(PrintJsonFast(bad_time, &out));
}

}  // namespace
}  // namespace meltingdoc::gateway
