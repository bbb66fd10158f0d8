#include "gateway/json_printer.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "libs/text/utf8.h"

namespace meltingdoc::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kTimestamp[] = "google.protobuf.Timestamp";
// RFC 3339's range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (protobuf refuses others).
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

bool PlainName(const std::string& name) {
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return !name.empty();
}

class SupportCache {
 public:
  bool Supported(const Descriptor* d) {
    {
      absl::ReaderMutexLock lock(&mu_);
      if (auto it = known_.find(d); it != known_.end()) return it->second;
    }
    absl::MutexLock lock(&mu_);
    absl::flat_hash_map<const Descriptor*, bool> visiting;
    return Compute(d, &visiting);
  }

 private:
  bool Compute(const Descriptor* d, absl::flat_hash_map<const Descriptor*, bool>* visiting)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (auto it = known_.find(d); it != known_.end()) return it->second;
    if (visiting->contains(d)) return true;  // a cycle: decided by the other fields
    visiting->emplace(d, true);
    bool ok = true;
    if (d->full_name() == kTimestamp) {
      ok = true;
    } else if (d->file()->syntax() != google::protobuf::FileDescriptor::SYNTAX_PROTO3 ||
               d->file()->package() == "google.protobuf") {
      // proto2 presence rules and the other well-known types (Any, Struct, Duration,
      // FieldMask, wrappers, ...) have JSON forms of their own.
      ok = d->full_name() == "google.protobuf.Empty";
    } else {
      for (int i = 0; ok && i < d->field_count(); ++i) {
        const FieldDescriptor* f = d->field(i);
        if (f->is_map() || !PlainName(f->json_name())) {
          ok = false;
          continue;
        }
        switch (f->type()) {
          case FieldDescriptor::TYPE_BYTES:
          case FieldDescriptor::TYPE_FLOAT:
          case FieldDescriptor::TYPE_GROUP:
            ok = false;
            break;
          case FieldDescriptor::TYPE_MESSAGE:
            ok = Compute(f->message_type(), visiting);
            break;
          default:
            break;
        }
      }
    }
    known_[d] = ok;
    return ok;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const Descriptor*, bool> known_ ABSL_GUARDED_BY(mu_);
};

SupportCache& Cache() {
  static auto* cache = new SupportCache();
  return *cache;
}

constexpr char kHex[] = "0123456789abcdef";

void AppendU16(uint32_t unit, std::string* out) {
  char b[6] = {'\\', 'u', kHex[(unit >> 12) & 0xf], kHex[(unit >> 8) & 0xf], kHex[(unit >> 4) & 0xf], kHex[unit & 0xf]};
  out->append(b, 6);
}

// protobuf's JSON escaping (util/internal/json_escaping.cc): C0 and C1 controls, DEL, '"',
// '\\', '<', '>' and a few invisible or formatting code points are escaped; everything else
// is copied. False for invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF).
bool AppendEscaped(const std::string& s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    uint32_t cp;
    if (!text::DecodeUtf8(s, i, cp)) return false;
    switch (cp) {
      case '"': out->append("\\\""); continue;
      case '\\': out->append("\\\\"); continue;
      case '\b': out->append("\\b"); continue;
      case '\t': out->append("\\t"); continue;
      case '\n': out->append("\\n"); continue;
      case '\f': out->append("\\f"); continue;
      case '\r': out->append("\\r"); continue;
      default: break;
    }
    if (cp < 0x20 || cp == '<' || cp == '>' || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD || cp == 0x6DD ||
        cp == 0x70F || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x600 && cp <= 0x603) ||
        (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
        (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) {
      AppendU16(cp, out);
    } else if (cp == 0xE0001 || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0020 && cp <= 0xE007F)) {
      const uint32_t v = cp - 0x10000;  // as a UTF-16 surrogate pair
      AppendU16(0xD800 + (v >> 10), out);
      AppendU16(0xDC00 + (v & 0x3FF), out);
    } else {
      out->append(s, start, i - start);
    }
  }
  out->push_back('"');
  return true;
}

// protobuf's SimpleDtoa: the shortest of %.15g and %.17g that reads back as the same value.
void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[32];
  int len = std::snprintf(buf, sizeof(buf), "%.*g", DBL_DIG, v);
  if (std::strtod(buf, nullptr) != v) len = std::snprintf(buf, sizeof(buf), "%.*g", DBL_DIG + 2, v);
  out->append(buf, len);
}

bool PrintMessage(const Message& m, std::string* out);

// One value of field `f` (element `index` when repeated, else -1).
bool PrintValue(const Message& m, const Reflection* r, const FieldDescriptor* f, int index, std::string* out) {
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), "\"");
      return true;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), "\"");
      return true;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendDouble(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f), out);
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false");
      return true;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      if (const auto* v = f->enum_type()->FindValueByNumber(number)) return AppendEscaped(v->name(), out);
      absl::StrAppend(out, number);
      return true;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      return AppendEscaped(s, out);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return PrintMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return false;
  }
  return false;
}

bool PrintTimestamp(const Message& m, std::string* out) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const FieldDescriptor* seconds = d->FindFieldByNumber(1);
  const FieldDescriptor* nanos = d->FindFieldByNumber(2);
  if (seconds == nullptr || nanos == nullptr) return false;
  google::protobuf::Timestamp t;
  t.set_seconds(r->GetInt64(m, seconds));
  t.set_nanos(r->GetInt32(m, nanos));
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return false;  // protobuf's own printer answers this one (with its error)
  }
  absl::StrAppend(out, "\"", google::protobuf::util::TimeUtil::ToString(t), "\"");
  return true;
}

bool IsTimestamp(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && f->message_type()->full_name() == kTimestamp;
}

// Written after the others (see below): a set Timestamp, a set oneof member or proto3
// `optional` scalar.
bool Deferred(const FieldDescriptor* f) {
  return !f->is_repeated() && (IsTimestamp(f) || (f->containing_oneof() != nullptr &&
                                                   f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE));
}

bool PrintField(const Message& m, const Reflection* r, const FieldDescriptor* f, bool* first, std::string* out) {
  if (!*first) out->push_back(',');
  *first = false;
  absl::StrAppend(out, "\"", f->json_name(), "\":");
  if (!f->is_repeated()) return PrintValue(m, r, f, -1, out);
  out->push_back('[');
  const int n = r->FieldSize(m, f);
  for (int k = 0; k < n; ++k) {
    if (k > 0) out->push_back(',');
    if (!PrintValue(m, r, f, k, out)) return false;
  }
  out->push_back(']');
  return true;
}

// The order is protobuf's (util/internal/default_value_objectwriter.cc): it lays out a node
// per field in declaration order before reading the message — every repeated field, every
// scalar outside a oneof (with its default), every message field (written only if set) —
// then fills them from the wire, where a value with no such node (a oneof or `optional`
// scalar) or whose node is a message but whose value is written as a string (a Timestamp)
// gets a new node at the end, in wire order, i.e. by field number.
bool PrintMessage(const Message& m, std::string* out) {
  const Descriptor* d = m.GetDescriptor();
  if (d->full_name() == kTimestamp) return PrintTimestamp(m, out);
  const Reflection* r = m.GetReflection();
  out->push_back('{');
  bool first = true;
  const FieldDescriptor* deferred[64];
  int deferred_count = 0;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const bool present_or_default =
        f->is_repeated() ||
        ((f->containing_oneof() == nullptr && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) || r->HasField(m, f));
    if (!present_or_default) continue;
    if (Deferred(f)) {
      if (deferred_count == 64) return false;
      deferred[deferred_count++] = f;
      continue;
    }
    if (!PrintField(m, r, f, &first, out)) return false;
  }
  std::sort(deferred, deferred + deferred_count,
            [](const FieldDescriptor* a, const FieldDescriptor* b) { return a->number() < b->number(); });
  for (int i = 0; i < deferred_count; ++i) {
    if (!PrintField(m, r, deferred[i], &first, out)) return false;
  }
  out->push_back('}');
  return true;
}

}  // namespace

bool PrintJsonFast(const Message& message, std::string* out) {
  // A bare Timestamp is a JSON string, not an object: not a response body here.
  if (message.GetDescriptor()->full_name() == kTimestamp) return false;
  if (!Cache().Supported(message.GetDescriptor())) return false;
  return PrintMessage(message, out);
}

}  // namespace meltingdoc::gateway
