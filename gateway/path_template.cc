#include "gateway/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace meltingdoc::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIdentStart(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Characters a literal segment may hold: RFC 3986 pchar minus those the grammar reserves.
bool IsLiteralChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return absl::string_view("-._~!$&'()+,;=@%").find(c) != absl::string_view::npos;
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::Status Run(std::vector<PathTemplate::Segment>* segments,
                   std::vector<PathTemplate::Variable>* variables, std::string* verb) {
    if (!Consume('/')) return Error("must start with '/'");
    if (absl::Status s = ParseSegments(/*in_variable=*/false, segments, variables); !s.ok()) return s;
    if (Consume(':')) {
      const size_t start = pos_;
      while (pos_ < text_.size() && IsLiteralChar(text_[pos_])) ++pos_;
      if (pos_ == start) return Error("empty verb");
      *verb = std::string(text_.substr(start, pos_ - start));
    }
    if (pos_ != text_.size()) return Error(absl::StrCat("unexpected '", text_.substr(pos_, 1), "'"));
    for (size_t i = 0; i + 1 < segments->size(); ++i) {
      if ((*segments)[i].kind == PathTemplate::Kind::kMulti) return Error("'**' must be the last segment");
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text_, "\": ", what));
  }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  absl::Status ParseSegments(bool in_variable, std::vector<PathTemplate::Segment>* segments,
                             std::vector<PathTemplate::Variable>* variables) {
    do {
      if (absl::Status s = ParseSegment(in_variable, segments, variables); !s.ok()) return s;
    } while (Consume('/'));
    return absl::OkStatus();
  }

  absl::Status ParseSegment(bool in_variable, std::vector<PathTemplate::Segment>* segments,
                            std::vector<PathTemplate::Variable>* variables) {
    if (Consume('*')) {
      segments->push_back({Consume('*') ? PathTemplate::Kind::kMulti : PathTemplate::Kind::kSingle, ""});
      return absl::OkStatus();
    }
    if (Consume('{')) {
      if (in_variable) return Error("nested variable");
      PathTemplate::Variable var;
      const size_t start = pos_;
      while (true) {
        if (pos_ >= text_.size() || !IsIdentStart(text_[pos_])) return Error("bad variable name");
        while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
        if (!Consume('.')) break;
      }
      var.field_path = std::string(text_.substr(start, pos_ - start));
      var.first = segments->size();
      if (Consume('=')) {
        if (absl::Status s = ParseSegments(/*in_variable=*/true, segments, variables); !s.ok()) return s;
      } else {
        segments->push_back({PathTemplate::Kind::kSingle, ""});
      }
      if (!Consume('}')) return Error(absl::StrCat("variable ", var.field_path, " is not closed"));
      var.end = segments->size();
      for (const auto& other : *variables) {
        if (other.field_path == var.field_path) return Error(absl::StrCat("variable ", var.field_path, " twice"));
      }
      variables->push_back(std::move(var));
      return absl::OkStatus();
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && IsLiteralChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Error(pos_ < text_.size() ? absl::StrCat("unexpected '", text_.substr(pos_, 1), "'")
                                                        : std::string("empty segment"));
    std::string literal;
    if (!PercentDecode(text_.substr(start, pos_ - start), /*keep_slash=*/false, &literal)) {
      return Error("bad percent-encoding");
    }
    segments->push_back({PathTemplate::Kind::kLiteral, std::move(literal)});
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool SplitRequestPath(absl::string_view path, std::vector<absl::string_view>* segments) {
  segments->clear();
  if (path.empty() || path[0] != '/') return false;
  size_t start = 1;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == absl::string_view::npos) {
      segments->push_back(path.substr(start));
      return true;
    }
    segments->push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool PercentDecode(absl::string_view in, bool keep_slash, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const char c = static_cast<char>(hi * 16 + lo);
    if (keep_slash && c == '/') {
      out->append(in.data() + i, 3);
    } else {
      out->push_back(c);
    }
    i += 2;
  }
  return true;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  Parser parser(text);
  if (absl::Status s = parser.Run(&t.segments_, &t.variables_, &t.verb_); !s.ok()) return s;
  return t;
}

std::string PathTemplate::Shape() const {
  std::string shape;
  for (const Segment& s : segments_) {
    switch (s.kind) {
      case Kind::kLiteral: absl::StrAppend(&shape, "/=", s.literal); break;
      case Kind::kSingle: shape += "/*"; break;
      case Kind::kMulti: shape += "/**"; break;
    }
  }
  if (!verb_.empty()) absl::StrAppend(&shape, ":", verb_);
  return shape;
}

bool PathTemplate::Match(const std::vector<absl::string_view>& segments, Bindings* bindings) const {
  if (segments.empty()) return false;
  // The request's segments with the verb taken off the last one, without copying them: every
  // route is tried against every request.
  size_t count = segments.size();
  absl::string_view last = segments.back();
  if (!verb_.empty()) {
    if (last.size() <= verb_.size() || !absl::EndsWith(last, verb_) || last[last.size() - verb_.size() - 1] != ':') {
      return false;
    }
    last.remove_suffix(verb_.size() + 1);
    // "/v1/x/:verb" has an empty last segment, which is no segment at all for "/v1/x:verb".
    if (last.empty()) --count;
  }
  auto segment = [&](size_t i) { return i + 1 == segments.size() ? last : segments[i]; };
  const bool ends_multi = !segments_.empty() && segments_.back().kind == Kind::kMulti;
  const size_t fixed = ends_multi ? segments_.size() - 1 : segments_.size();
  if (ends_multi ? count < fixed : count != fixed) return false;
  std::string decoded;
  for (size_t i = 0; i < fixed; ++i) {
    const absl::string_view s = segment(i);
    if (s.empty()) return false;
    if (segments_[i].kind == Kind::kLiteral) {
      if (s.find('%') == absl::string_view::npos) {
        if (s != segments_[i].literal) return false;
      } else if (!PercentDecode(s, /*keep_slash=*/false, &decoded) || decoded != segments_[i].literal) {
        return false;
      }
    }
  }
  bindings->clear();
  for (const Variable& v : variables_) {
    const bool multi = v.end == segments_.size() && ends_multi;
    const size_t end = multi ? count : v.end;
    if (v.end - v.first == 1 && !multi) {
      if (!PercentDecode(segment(v.first), /*keep_slash=*/false, &decoded)) return false;
    } else {
      std::string joined;
      for (size_t i = v.first; i < end; ++i) {
        if (i > v.first) joined.push_back('/');
        absl::StrAppend(&joined, segment(i));
      }
      if (!PercentDecode(joined, /*keep_slash=*/true, &decoded)) return false;
    }
    bindings->emplace_back(v.field_path, decoded);
  }
  return true;
}

int PathTemplate::CompareSpecificity(const PathTemplate& other) const {
  const size_t n = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < n; ++i) {
    const int a = static_cast<int>(segments_[i].kind), b = static_cast<int>(other.segments_[i].kind);
    if (a != b) return a < b ? -1 : 1;
  }
  if (segments_.size() != other.segments_.size()) {
    // Both matched the same path, so the longer one has fixed segments where the shorter one
    // has its trailing "**": the longer is more specific.
    return segments_.size() > other.segments_.size() ? -1 : 1;
  }
  if (verb_.empty() != other.verb_.empty()) return verb_.empty() ? 1 : -1;
  return 0;
}

}  // namespace meltingdoc::gateway
