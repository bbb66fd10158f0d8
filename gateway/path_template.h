// HttpRule path templates (google/api/http.proto):
//
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
//   Verb     = ":" LITERAL ;
//
// `{var}` is `{var=*}`. `**` (alone or in a variable) matches zero or more segments and must
// be the last segment. A single-segment variable's value is fully percent-decoded; a
// multi-segment one keeps `%2F` encoded so its slashes stay unambiguous (the spec's rule).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::gateway {

// Splits "/a/b/c" into {"a","b","c"}; the query must already be removed. False when the path
// does not start with '/'.
bool SplitRequestPath(absl::string_view path, std::vector<absl::string_view>* segments);

// Percent-decodes; false on a malformed escape. With keep_slash, "%2F"/"%2f" stay encoded.
bool PercentDecode(absl::string_view in, bool keep_slash, std::string* out);

class PathTemplate {
 public:
  enum class Kind { kLiteral, kSingle, kMulti };  // LITERAL, "*", "**"
  struct Segment {
    Kind kind;
    std::string literal;  // kLiteral only
  };
  struct Variable {
    std::string field_path;  // e.g. "account_id" or "book.name"
    size_t first = 0;        // first segment index
    size_t end = 0;          // one past the last segment index
  };
  using Bindings = std::vector<std::pair<std::string, std::string>>;  // field path -> value

  // INVALID_ARGUMENT naming the template and what is wrong with it.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  const std::string& verb() const { return verb_; }

  // Two templates with the same shape match exactly the same paths: literals, wildcard kinds
  // and verb, with variable names erased. Used to detect conflicting routes.
  std::string Shape() const;

  // Matches the segments of a request path (raw, percent-encoded). With a verb, the last
  // segment must end with ":<verb>". On success fills `bindings` with decoded values.
  bool Match(const std::vector<absl::string_view>& segments, Bindings* bindings) const;

  // Ordering for overlapping matches: at the first segment where two templates differ, a
  // literal beats "*", which beats "**"; then a template with a verb beats one without.
  // Negative when *this is more specific than `other`.
  int CompareSpecificity(const PathTemplate& other) const;

 private:
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

}  // namespace meltingdoc::gateway
