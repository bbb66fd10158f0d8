// Event checks and Redis Streams reply parsing: no servers needed.
#include <gtest/gtest.h>

#include "libs/outbox/background_loop.h"
#include "libs/outbox/event_codec.h"
#include "libs/outbox/stream_reply.h"

namespace meltingdoc::outbox {
namespace {

using redis::RedisReply;

RedisReply Str(std::string s) {
  RedisReply r;
  r.type = RedisReply::Type::kString;
  r.str = std::move(s);
  return r;
}

RedisReply Arr(std::vector<RedisReply> elements) {
  RedisReply r;
  r.type = RedisReply::Type::kArray;
  r.elements = std::move(elements);
  return r;
}

RedisReply Nil() { return RedisReply(); }

events::v1::Event ValidEvent() {
  events::v1::Event e;
  e.set_event_id("0b5c1f0e-8f8a-4d6e-9a43-2f8f3c1d2e4a");
  e.mutable_account_deleted()->set_account_id("a");
  return e;
}

TEST(EventCodec, TypeNameIsTheOneofCaseName) {
  events::v1::Event e;
  EXPECT_EQ(EventTypeName(e), "");
  e.mutable_account_verified();
  EXPECT_EQ(EventTypeName(e), "account_verified");
  e.mutable_case_deleted();
  EXPECT_EQ(EventTypeName(e), "case_deleted");
}

TEST(EventCodec, ValidateRequiresUuidAndPayload) {
  EXPECT_TRUE(ValidateEvent(ValidEvent()).ok());

  events::v1::Event bad_id = ValidEvent();
  bad_id.set_event_id("not-a-uuid");
  EXPECT_EQ(ValidateEvent(bad_id).code(), absl::StatusCode::kInvalidArgument);

  events::v1::Event no_payload = ValidEvent();
  no_payload.clear_payload();
  EXPECT_EQ(ValidateEvent(no_payload).code(), absl::StatusCode::kInvalidArgument);
}

TEST(StreamReply, ReadGroupTimeoutIsEmpty) {
  absl::StatusOr<std::vector<StreamEntry>> entries = ParseReadGroupReply(Nil());
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
}

TEST(StreamReply, ReadGroupEntriesWithFieldsAndDeletedEntry) {
  RedisReply reply = Arr({Arr({Str("s"), Arr({
      Arr({Str("1-0"), Arr({Str("event_id"), Str("x"), Str("payload"), Str(std::string("\0b", 2))})}),
      Arr({Str("2-0"), Nil()}),
  })})});
  absl::StatusOr<std::vector<StreamEntry>> entries = ParseReadGroupReply(reply);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id, "1-0");
  EXPECT_FALSE((*entries)[0].deleted);
  ASSERT_NE((*entries)[0].Field("payload"), nullptr);
  EXPECT_EQ(*(*entries)[0].Field("payload"), std::string("\0b", 2));  // binary-safe
  EXPECT_EQ((*entries)[0].Field("missing"), nullptr);
  EXPECT_EQ((*entries)[1].id, "2-0");
  EXPECT_TRUE((*entries)[1].deleted);
}

TEST(StreamReply, MalformedRepliesAreErrorsNotCrashes) {
  EXPECT_FALSE(ParseReadGroupReply(Str("x")).ok());
  EXPECT_FALSE(ParseReadGroupReply(Arr({Arr({Str("s")})})).ok());
  EXPECT_FALSE(ParseEntryList(Arr({Arr({Str("1-0"), Arr({Str("odd")})})})).ok());
  EXPECT_FALSE(ParseAutoClaimReply(Arr({})).ok());
}

TEST(StreamReply, AutoClaim) {
  RedisReply reply =
      Arr({Str("5-0"), Arr({Arr({Str("3-0"), Arr({Str("payload"), Str("p")})})}), Arr({})});
  absl::StatusOr<AutoClaimResult> result = ParseAutoClaimReply(reply);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->next_cursor, "5-0");
  ASSERT_EQ(result->entries.size(), 1u);
  EXPECT_EQ(result->entries[0].id, "3-0");
}

TEST(Backoff, DoublesUpToMaxAndResets) {
  Backoff b(absl::Milliseconds(100), absl::Milliseconds(350));
  EXPECT_EQ(b.Next(), absl::Milliseconds(100));
  EXPECT_EQ(b.Next(), absl::Milliseconds(200));
  EXPECT_EQ(b.Next(), absl::Milliseconds(350));
  EXPECT_EQ(b.Next(), absl::Milliseconds(350));
  b.Reset();
  EXPECT_EQ(b.Next(), absl::Milliseconds(100));
}

TEST(BackgroundLoop, StopInterruptsTheWait) {
  std::atomic<int> steps{0};
  BackgroundLoop loop([&] {
    ++steps;
    return absl::Hours(1);
  });
  loop.Start();
  const absl::Time start = absl::Now();
  while (steps.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  loop.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(steps.load(), 1);
}

}  // namespace
}  // namespace meltingdoc::outbox
