// E-mail addresses: local@domain.tld, found from each '@'.
#include <cstring>

#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {
bool LocalChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool DomainChar(unsigned char c) { return IsAsciiAlnum(c) || c == '-' || c == '.'; }
}  // namespace

void FindEmails(Analysis& a) {
  const std::string_view t = a.text;
  const size_t n = t.size();
  size_t from = 0;
  while (from < n) {
    const void* hit = std::memchr(t.data() + from, '@', n - from);
    if (hit == nullptr) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - t.data());
    from = at + 1;
    size_t b = at;
    while (b > 0 && LocalChar(static_cast<unsigned char>(t[b - 1]))) --b;
    while (b < at && t[b] == '.') ++b;  // a sentence's full stop is not part of the address
    if (b == at) continue;
    size_t e = at + 1;
    while (e < n && DomainChar(static_cast<unsigned char>(t[e]))) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    // The domain needs a dot and a top-level label of at least two letters.
    const std::string_view domain = t.substr(at + 1, e - at - 1);
    const size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) continue;
    bool tld_letters = true;
    for (size_t k = dot + 1; k < domain.size(); ++k) tld_letters &= IsAsciiAlpha(static_cast<unsigned char>(domain[k]));
    if (!tld_letters) continue;
    a.findings.push_back({PhiCategory::kEmail, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
    from = e;
  }
}

}  // namespace meltingdoc::discussions::phi
