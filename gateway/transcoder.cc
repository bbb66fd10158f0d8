#include "gateway/transcoder.h"

#include "gateway/json_printer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/json_log.h"
#include "libs/server/field_errors.h"
#include "libs/text/utf8.h"

namespace meltingdoc::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Message types whose JSON form is a string (so a query or path value can set them).
bool IsStringLikeMessage(const Descriptor* d) {
  static const char* const kNames[] = {
      "google.protobuf.Timestamp",   "google.protobuf.Duration",    "google.protobuf.FieldMask",
      "google.protobuf.StringValue", "google.protobuf.BytesValue",  "google.protobuf.Int32Value",
      "google.protobuf.Int64Value",  "google.protobuf.UInt32Value", "google.protobuf.UInt64Value",
      "google.protobuf.FloatValue",  "google.protobuf.DoubleValue", "google.protobuf.BoolValue"};
  for (const char* name : kNames) {
    if (d->full_name() == name) return true;
  }
  return false;
}

// A JSON object built from path and query values, keyed by proto field name.
struct JsonNode {
  std::map<std::string, JsonNode> children;  // when the field is a message
  std::vector<std::string> values;           // JSON-encoded leaf values
  bool repeated = false;

  void Write(std::string* out) const {
    if (!values.empty()) {
      if (repeated) *out += '[';
      for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) *out += ',';
        *out += values[i];
      }
      if (repeated) *out += ']';
      return;
    }
    *out += '{';
    bool first = true;
    for (const auto& [name, child] : children) {
      if (!first) *out += ',';
      first = false;
      *out += JsonQuote(name);
      *out += ':';
      child.Write(out);
    }
    *out += '}';
  }
};

// The JSON text of `value` for a leaf field, or an error naming `name`.
absl::StatusOr<std::string> LeafJson(const FieldDescriptor* f, absl::string_view name,
                                     absl::string_view value) {
  auto bad = [&](absl::string_view what) { return server::InvalidField(name, what); };
  if (!text::IsValidUtf8(value)) return bad("invalid UTF-8");
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value == "true" || value == "false") return std::string(value);
      return bad("must be true or false");
    case FieldDescriptor::CPPTYPE_ENUM: {
      int number;
      if (absl::SimpleAtoi(value, &number)) return absl::StrCat(number);
      return JsonQuote(value);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (IsStringLikeMessage(f->message_type())) return JsonQuote(value);
      return bad("is a message: set its fields one by one (name.field=value)");
    default:
      // Numbers go quoted: the JSON parser accepts "12" for any numeric field and checks range.
      return JsonQuote(value);
  }
}

// A path or query value for a singular string field, kept raw: when every value is one, they
// are set by reflection instead of through JSON text and protobuf's JSON parser (~6 us for a
// GET by id), with the same result (see SetStrings).
struct StringValue {
  std::vector<const FieldDescriptor*> chain;
  std::string value;
};

// Adds `value` at the field path `name` into `root` (and into `strings` when it is a string).
absl::Status AddValue(const Descriptor* input, absl::string_view name, absl::string_view value,
                      JsonNode* root, std::vector<StringValue>* strings, bool* only_strings) {
  std::vector<const FieldDescriptor*> chain;
  const FieldDescriptor* leaf = FindFieldPath(input, name, &chain);
  if (leaf == nullptr) return server::InvalidField(name, "no such field");
  JsonNode* node = root;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (chain[i]->is_repeated()) return server::InvalidField(name, "cannot set a field inside a list");
    node = &node->children[chain[i]->name()];
    if (!node->values.empty()) return server::InvalidField(name, "set twice");
  }
  auto json = LeafJson(leaf, name, value);
  if (!json.ok()) return json.status();
  node = &node->children[leaf->name()];
  if (!node->children.empty()) return server::InvalidField(name, "set twice");
  if (!node->values.empty() && !leaf->is_repeated()) {
    return server::InvalidField(name, "given more than once but is not a list");
  }
  node->repeated = leaf->is_repeated();
  node->values.push_back(*std::move(json));
  // Not through a well-known type (a StringValue's "value" is not a JSON field) nor a oneof
  // (the parser refuses two members): those keep protobuf's parser and its errors.
  bool plain = leaf->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !leaf->is_repeated();
  for (const FieldDescriptor* f : chain) {
    if (f->real_containing_oneof() != nullptr || f->containing_type()->file()->package() == "google.protobuf") {
      plain = false;
    }
  }
  if (plain) {
    strings->push_back({std::move(chain), std::string(value)});
  } else {
    *only_strings = false;
  }
  return absl::OkStatus();
}

// What parsing `root` as JSON into a new message and merging it into `request` does, for
// singular string leaves: the messages on the way are created (set), and the string replaces
// the request's unless it is empty on a field without presence (MergeFrom skips proto3
// defaults). The values are valid UTF-8 (LeafJson checked).
void SetStrings(const std::vector<StringValue>& strings, Message* request) {
  for (const StringValue& s : strings) {
    Message* m = request;
    for (size_t i = 0; i + 1 < s.chain.size(); ++i) m = m->GetReflection()->MutableMessage(m, s.chain[i]);
    const FieldDescriptor* leaf = s.chain.back();
    if (s.value.empty() && !leaf->has_presence()) continue;
    m->GetReflection()->SetString(m, leaf, s.value);
  }
}

// Decodes one query component: '+' is a space, then percent-decoding.
bool DecodeQueryComponent(absl::string_view in, std::string* out) {
  std::string plus(in);
  for (char& c : plus) {
    if (c == '+') c = ' ';
  }
  return PercentDecode(plus, /*keep_slash=*/false, out);
}

bool IsPlainPath(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' || c == ']';
  });
}

// protobuf 3.21's JSON parser reports "<name>: <what>", "(<path>) <name>: <what>",
// "(<path>): <what>", or for syntax errors a bare sentence followed by an excerpt of the input
// (dropped: the detail stays short). Turns it into a BadRequest naming the field path.
template <typename ParseStatus>
absl::Status JsonError(const ParseStatus& parse_error, absl::string_view fallback_field,
                       absl::string_view prefix = "invalid JSON: ") {
  std::string message(parse_error.message().data(), parse_error.message().size());
  absl::string_view text = message;
  text = text.substr(0, text.find('\n'));
  std::string field;
  std::string description(text);
  if (absl::StartsWith(text, "(")) {
    const size_t close = text.find(')');
    if (close != absl::string_view::npos && IsPlainPath(text.substr(1, close - 1))) {
      absl::string_view location = text.substr(1, close - 1);
      absl::string_view rest = text.substr(close + 1);
      if (absl::StartsWith(rest, ": ")) {
        field = std::string(location);
        description = std::string(rest.substr(2));
      } else if (absl::StartsWith(rest, " ")) {
        rest.remove_prefix(1);
        const size_t colon = rest.find(": ");
        if (colon != absl::string_view::npos && IsPlainPath(rest.substr(0, colon))) {
          field = absl::StrCat(location, ".", rest.substr(0, colon));
          description = std::string(rest.substr(colon + 2));
        }
      }
    }
  } else {
    const size_t colon = text.find(": ");
    if (colon != absl::string_view::npos && IsPlainPath(text.substr(0, colon))) {
      field = std::string(text.substr(0, colon));
      description = std::string(text.substr(colon + 2));
    }
  }
  if (field.empty()) field = std::string(fallback_field);
  if (absl::StrContains(description, "Cannot find field")) description = "unknown field";
  if (absl::EndsWith(description, ".")) description.pop_back();
  if (description.empty()) description = "malformed";
  return server::InvalidField(field, absl::StrCat(prefix, description));
}

// Whether a field-mask path survives the JSON mapping both ways unchanged (protobuf writes
// it lowerCamelCase and reads it back to snake_case, per '.'-separated name): names of
// lower-case letters and digits, starting with a letter, words joined by single '_' before a
// letter, and no one-letter word followed by another ("a_b_c" comes back "a_bc"). Every field
// name of the suite's protos has this shape.
bool IsWritableMaskPath(absl::string_view path) {
  for (absl::string_view name : absl::StrSplit(path, '.')) {
    if (name.empty() || !absl::ascii_islower(static_cast<unsigned char>(name[0]))) return false;
    size_t word_start = 0;
    for (size_t i = 0; i < name.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(name[i]);
      if (c == '_') {
        if (i + 1 >= name.size() || !absl::ascii_islower(static_cast<unsigned char>(name[i + 1]))) return false;
        if (word_start > 0 && i - word_start == 1) return false;
        word_start = i + 1;
      } else if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c)) {
        return false;
      }
    }
  }
  return true;
}

// protobuf's JSON parser takes field-mask paths that do not come back the same ("a.b__c",
// "x_Y", quotes, control characters): no field of ours is named so, and such a mask would
// reach the service as paths no JSON client meant. Refused here, naming the field. Returns the first offending field's path.
bool FindUnwritableFieldMask(const Message& m, std::string* where) {
  const Descriptor* d = m.GetDescriptor();
  if (d->full_name() == "google.protobuf.FieldMask") {
    const FieldDescriptor* paths = d->FindFieldByName("paths");
    const auto* r = m.GetReflection();
    std::string scratch;
    for (int i = 0; i < r->FieldSize(m, paths); ++i) {
      if (!IsWritableMaskPath(r->GetRepeatedStringReference(m, paths, i, &scratch))) return true;
    }
    return false;
  }
  std::vector<const FieldDescriptor*> set;
  m.GetReflection()->ListFields(m, &set);
  for (const FieldDescriptor* f : set) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const auto* r = m.GetReflection();
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const Message& child = f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
      if (FindUnwritableFieldMask(child, where)) {
        *where = where->empty() ? f->name() : absl::StrCat(f->name(), ".", *where);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

absl::Status BuildRequest(const Route& route, const PathTemplate::Bindings& bindings,
                          absl::string_view query, absl::string_view body, Message* request) {
  const Descriptor* input = request->GetDescriptor();
  google::protobuf::util::JsonParseOptions parse_options;
  parse_options.ignore_unknown_fields = false;

  // The body first: path values then override what the body says about the same fields.
  const bool empty_body = absl::StripAsciiWhitespace(body).empty();
  if (!route.body.empty() && !empty_body) {
    if (!text::IsValidUtf8(body)) return server::InvalidField("body", "invalid UTF-8");
    if (route.body == "*") {
      if (auto s = google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(body.data(), body.size()), request, parse_options); !s.ok()) {
        return JsonError(s, "body");
      }
    } else {
      const FieldDescriptor* f = input->FindFieldByName(route.body);
      std::string wrapped = absl::StrCat("{", JsonQuote(f->name()), ":", body, "}");
      std::unique_ptr<Message> part(request->New());
      if (auto s = google::protobuf::util::JsonStringToMessage(wrapped, part.get(), parse_options); !s.ok()) {
        return JsonError(s, f->name());
      }
      request->MergeFrom(*part);
    }
  } else if (route.body.empty() && !empty_body) {
    return server::InvalidField("body", absl::StrCat(route.http_method, " ", route.path.text(),
                                                     " takes no request body"));
  }

  JsonNode root;
  std::vector<StringValue> strings;
  bool only_strings = true;
  for (const auto& [field, value] : bindings) {
    if (absl::Status s = AddValue(input, field, value, &root, &strings, &only_strings); !s.ok()) return s;
  }
  if (!query.empty()) {
    for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      const size_t eq = pair.find('=');
      std::string name, value;
      if (!DecodeQueryComponent(pair.substr(0, eq), &name) ||
          (eq != absl::string_view::npos && !DecodeQueryComponent(pair.substr(eq + 1), &value))) {
        return server::InvalidField("query", "bad percent-encoding");
      }
      if (!text::IsValidUtf8(name)) return server::InvalidField("query", "invalid UTF-8");
      if (name.empty()) return server::InvalidField("query", "a parameter without a name");
      if (route.body == "*") {
        return server::InvalidField(name, "this route takes its fields from the JSON body, not the query");
      }
      std::vector<const FieldDescriptor*> chain;
      if (FindFieldPath(input, name, &chain) != nullptr) {
        if (!route.body.empty() && chain.front()->name() == route.body) {
          return server::InvalidField(name, "belongs in the JSON body");
        }
        for (const auto& var : route.path.variables()) {
          std::vector<const FieldDescriptor*> var_chain;
          FindFieldPath(input, var.field_path, &var_chain);
          if (var_chain == chain) return server::InvalidField(name, "is already given by the path");
        }
      }
      if (absl::Status s = AddValue(input, name, value, &root, &strings, &only_strings); !s.ok()) return s;
    }
  }
  if (!root.children.empty() && only_strings) {
    SetStrings(strings, request);
  } else if (!root.children.empty()) {
    std::string json;
    root.Write(&json);
    std::unique_ptr<Message> part(request->New());
    if (auto s = google::protobuf::util::JsonStringToMessage(json, part.get(), parse_options); !s.ok()) {
      return JsonError(s, "query", "");
    }
    request->MergeFrom(*part);
  }
  if (route.request_may_hold_field_mask) {
    if (std::string where; FindUnwritableFieldMask(*request, &where)) {
      return server::InvalidField(where, "field-mask paths are lower_snake_case field names joined by '.'");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResponseToJson(const Route& route, const Message& response) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  const Message* what = &response;
  if (!route.response_body.empty()) {
    const FieldDescriptor* f = response.GetDescriptor()->FindFieldByName(route.response_body);
    what = &response.GetReflection()->GetMessage(response, f);
  }
  // The same bytes as MessageToJsonString, ~30 times faster, for the messages it can write.
  if (PrintJsonFast(*what, &out)) return out;
  out.clear();
  if (auto s = google::protobuf::util::MessageToJsonString(*what, &out, options); !s.ok()) {
    return absl::InternalError("response could not be written as JSON");
  }
  return out;
}

}  // namespace meltingdoc::gateway
