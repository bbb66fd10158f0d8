// Parsing of Redis Streams replies (XREADGROUP, XAUTOCLAIM, XRANGE) into plain structs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::outbox {

struct StreamEntry {
  std::string id;  // "<ms>-<seq>"
  // True for a pending entry whose data was trimmed from the stream (XREADGROUP reports it
  // with nil fields): it can only be acknowledged.
  bool deleted = false;
  std::vector<std::pair<std::string, std::string>> fields;

  // The value of `name`, or nullptr.
  const std::string* Field(absl::string_view name) const;
};

// An array of [id, [field, value, ...]] (the reply of XRANGE, and the inner list of the others).
absl::StatusOr<std::vector<StreamEntry>> ParseEntryList(const redis::RedisReply& reply);

// XREADGROUP ... STREAMS <one stream> <id>: nil (BLOCK timed out) or [[stream, entries]].
absl::StatusOr<std::vector<StreamEntry>> ParseReadGroupReply(const redis::RedisReply& reply);

struct AutoClaimResult {
  std::string next_cursor;  // "0-0" when the scan of the pending list is complete
  std::vector<StreamEntry> entries;
};
// XAUTOCLAIM (Redis 7): [next cursor, entries, deleted ids]. Entries trimmed from the stream
// are dropped from the pending list by Redis itself and are not returned.
absl::StatusOr<AutoClaimResult> ParseAutoClaimReply(const redis::RedisReply& reply);

}  // namespace meltingdoc::outbox
