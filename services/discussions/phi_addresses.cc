// Postal addresses: number + street type + name (12 rue de la Paix, 3 bd Victor Hugo), with
// an optional postal code and city; a street or a postal code and city after "habite",
// "domicilié(e)", "adresse"...
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

bool IsApostrophe(const Analysis& a, size_t i) {
  if (i >= a.tokens.size() || a.tokens[i].kind != TokenKind::kPunct) return false;
  const std::string_view s = a.TokenText(i);
  return s == "'" || s == "\xE2\x80\x99";
}

bool Capitalized(const Analysis& a, size_t i) { return a.IsWord(i) && a.tokens[i].capitalized; }

// Token index after the street name that starts at k (after the street type), or 0.
size_t StreetNameEnd(const Analysis& a, size_t k) {
  const size_t n = a.tokens.size();
  if (k < n && a.IsPunct(k, '.') && a.Adjacent(k - 1, k)) ++k;  // av. bd.
  for (int p = 0; p < 3 && k < n; ++p) {
    if (a.IsWord(k) && !a.tokens[k].capitalized && (a.tokens[k].lex & kParticle)) {
      ++k;
      if (IsApostrophe(a, k)) ++k;
      continue;
    }
    break;
  }
  // rue du 8 Mai 1945
  if (a.IsNumber(k) && Capitalized(a, k + 1)) ++k;
  if (!Capitalized(a, k) || a.tokens[k].newline_before) return 0;
  size_t end = ++k;
  for (int parts = 0; parts < 6 && k < n && !a.tokens[k].newline_before; ++parts) {
    if (Capitalized(a, k) || (a.IsNumber(k) && a.TokenText(k).size() == 4)) {
      end = ++k;
      continue;
    }
    if (a.IsWord(k) && !a.tokens[k].capitalized && (a.tokens[k].lex & kParticle)) {
      size_t next = k + 1;
      if (IsApostrophe(a, next)) ++next;
      if (Capitalized(a, next)) {
        k = next;
        continue;
      }
    }
    break;
  }
  return end;
}

// Token index after "75013 Paris" / "69003 Lyon Cedex" starting at k, or 0.
size_t PostalCityEnd(const Analysis& a, size_t k) {
  if (!a.IsNumber(k) || a.TokenText(k).size() != 5 || !Capitalized(a, k + 1)) return 0;
  if (a.tokens[k + 1].lex & kMonth) return 0;
  size_t end = k + 2;
  while (end < a.tokens.size() && Capitalized(a, end) && !a.tokens[end].newline_before && end < k + 5) ++end;
  if (a.IsNumber(end) && a.TokenText(end).size() <= 2 && end == k + 3) ++end;  // CEDEX 03
  return end;
}

// Extends an address that ends at `end` with ", 75013 Paris".
size_t WithPostalCity(const Analysis& a, size_t end) {
  size_t k = end;
  if (a.IsPunct(k, ',')) ++k;
  const size_t city_end = PostalCityEnd(a, k);
  return city_end != 0 ? city_end : end;
}

bool IsStreetNumber(const Analysis& a, size_t i) {
  return a.IsNumber(i) && a.TokenText(i).size() <= 4 && a.TokenText(i) != "0";
}

}  // namespace

void FindAddresses(Analysis& a) {
  const size_t n = a.tokens.size();
  for (size_t i = 0; i < n; ++i) {
    if (IsStreetNumber(a, i)) {
      size_t k = i + 1;
      // 12 bis, 12b, 12 ter
      if (a.IsWord(k) && (a.TokenText(k) == "bis" || a.TokenText(k) == "ter" || a.TokenText(k) == "B" ||
                          a.TokenText(k) == "b")) {
        ++k;
      }
      if (a.IsPunct(k, ',')) ++k;
      if (!a.Has(k, kStreetType)) continue;
      const size_t name_end = StreetNameEnd(a, k + 1);
      if (name_end == 0) continue;
      const size_t end = WithPostalCity(a, name_end);
      a.findings.push_back({PhiCategory::kAddress, a.tokens[i].begin, a.tokens[end - 1].end});
      i = end - 1;
      continue;
    }
    if (a.Has(i, kAddressCue)) {
      for (size_t k = i + 1; k < n && k <= i + 4; ++k) {
        if (a.tokens[k].newline_before || a.IsPunct(k, '.')) break;
        if (IsStreetNumber(a, k)) break;  // the numbered form is found above
        if (a.Has(k, kStreetType)) {
          const size_t name_end = StreetNameEnd(a, k + 1);
          if (name_end == 0) break;
          const size_t end = WithPostalCity(a, name_end);
          a.findings.push_back({PhiCategory::kAddress, a.tokens[k].begin, a.tokens[end - 1].end});
          i = end - 1;
          break;
        }
        if (const size_t end = PostalCityEnd(a, k); end != 0) {
          a.findings.push_back({PhiCategory::kAddress, a.tokens[k].begin, a.tokens[end - 1].end});
          i = end - 1;
          break;
        }
      }
    }
  }
}

}  // namespace meltingdoc::discussions::phi
