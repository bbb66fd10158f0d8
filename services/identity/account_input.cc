#include "services/identity/account_input.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/server/field_errors.h"
#include "libs/text/utf8.h"

namespace meltingdoc::identity {

absl::Status CheckEmail(absl::string_view field, absl::string_view email) {
  email = absl::StripAsciiWhitespace(email);
  if (email.size() < 3 || email.size() > kMaxEmailLength) {
    return server::InvalidField(field, absl::StrCat("an email address of 3 to ", kMaxEmailLength, " characters"));
  }
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || email.find('@', at + 1) != absl::string_view::npos) {
    return server::InvalidField(field, "an email address: one '@' with a name before it");
  }
  const absl::string_view domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.') {
    return server::InvalidField(field, "an email address: the domain after '@' needs a dot");
  }
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') {
      return server::InvalidField(field, "an email address without spaces, quotes or <>,;");
    }
  }
  if (!text::IsValidUtf8(email)) return server::InvalidField(field, "must be valid UTF-8");
  return absl::OkStatus();
}

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

absl::Status CheckText(absl::string_view field, absl::string_view text, int min, int max) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() > static_cast<size_t>(4 * max)) {
    return server::InvalidField(field, absl::StrCat("at most ", max, " characters"));
  }
  const std::optional<size_t> count = text::ValidCodePointCount(text);
  if (!count.has_value()) return server::InvalidField(field, "must be valid UTF-8");
  const int n = static_cast<int>(*count);
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return server::InvalidField(field, "no control characters");
  }
  if (n < min) return server::InvalidField(field, min == 1 ? std::string("required") : absl::StrCat("at least ", min, " characters"));
  if (n > max) return server::InvalidField(field, absl::StrCat("at most ", max, " characters"));
  return absl::OkStatus();
}

std::string ClientIp(absl::string_view forwarded_for, absl::string_view peer, bool trust_forwarded) {
  if (trust_forwarded && !forwarded_for.empty()) {
    absl::string_view first = forwarded_for.substr(0, forwarded_for.find(','));
    first = absl::StripAsciiWhitespace(first);
    if (!first.empty() && first.size() <= 45) {
      bool plain = true;
      for (char c : first) plain = plain && (absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':');
      if (plain) return std::string(first);
    }
  }
  absl::string_view p = peer;
  if (absl::ConsumePrefix(&p, "ipv4:")) return std::string(p.substr(0, p.rfind(':')));
  if (absl::ConsumePrefix(&p, "ipv6:")) {
    if (absl::ConsumePrefix(&p, "[")) return std::string(p.substr(0, p.find(']')));
    return std::string(p.substr(0, p.rfind(':')));
  }
  return std::string(peer.substr(0, 64));
}

std::string CleanUserAgent(absl::string_view user_agent) {
  std::string out;
  int count = 0;
  size_t i = 0;
  while (i < user_agent.size() && count < kMaxUserAgentLength) {
    const unsigned char c = static_cast<unsigned char>(user_agent[i]);
    const size_t len = text::SequenceLength(user_agent, i);
    if (len == 0 || (len == 1 && (c < 0x20 || c == 0x7f))) {
      ++i;  // control character or ill-formed byte: dropped
      continue;
    }
    out.append(user_agent.data() + i, len);
    ++count;
    i += len;
  }
  return out;
}

}  // namespace meltingdoc::identity
