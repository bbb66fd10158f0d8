#include "libs/outbox/stream_reply.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::outbox {
namespace {

using Type = redis::RedisReply::Type;

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(absl::StrCat("redis: malformed ", what, " reply"));
}

bool IsText(const redis::RedisReply& r) { return r.type == Type::kString || r.type == Type::kStatus; }

}  // namespace

const std::string* StreamEntry::Field(absl::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return &value;
  }
  return nullptr;
}

absl::StatusOr<std::vector<StreamEntry>> ParseEntryList(const redis::RedisReply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.type == Type::kNil) return entries;
  if (reply.type != Type::kArray) return Malformed("stream entry list");
  entries.reserve(reply.elements.size());
  for (const redis::RedisReply& e : reply.elements) {
    if (e.type != Type::kArray || e.elements.size() != 2 || !IsText(e.elements[0])) {
      return Malformed("stream entry");
    }
    StreamEntry entry;
    entry.id = e.elements[0].str;
    const redis::RedisReply& fields = e.elements[1];
    if (fields.type == Type::kNil) {
      entry.deleted = true;
    } else {
      if (fields.type != Type::kArray || fields.elements.size() % 2 != 0) {
        return Malformed("stream entry fields");
      }
      for (size_t i = 0; i < fields.elements.size(); i += 2) {
        if (!IsText(fields.elements[i]) || !IsText(fields.elements[i + 1])) {
          return Malformed("stream entry field");
        }
        entry.fields.emplace_back(fields.elements[i].str, fields.elements[i + 1].str);
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<StreamEntry>> ParseReadGroupReply(const redis::RedisReply& reply) {
  if (reply.type == Type::kNil) return std::vector<StreamEntry>();
  if (reply.type != Type::kArray) return Malformed("XREADGROUP");
  std::vector<StreamEntry> all;
  for (const redis::RedisReply& stream : reply.elements) {
    if (stream.type != Type::kArray || stream.elements.size() != 2) return Malformed("XREADGROUP");
    absl::StatusOr<std::vector<StreamEntry>> entries = ParseEntryList(stream.elements[1]);
    if (!entries.ok()) return entries.status();
    for (StreamEntry& e : *entries) all.push_back(std::move(e));
  }
  return all;
}

absl::StatusOr<AutoClaimResult> ParseAutoClaimReply(const redis::RedisReply& reply) {
  if (reply.type != Type::kArray || reply.elements.size() < 2 || !IsText(reply.elements[0])) {
    return Malformed("XAUTOCLAIM");
  }
  AutoClaimResult result;
  result.next_cursor = reply.elements[0].str;
  absl::StatusOr<std::vector<StreamEntry>> entries = ParseEntryList(reply.elements[1]);
  if (!entries.ok()) return entries.status();
  result.entries = std::move(entries).value();
  return result;
}

}  // namespace meltingdoc::outbox
