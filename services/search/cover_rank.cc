#include "services/search/cover_rank.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::search {
namespace {

bool Satisfied(uint64_t seen, const std::vector<uint64_t>& term_masks) {
  for (uint64_t m : term_masks) {
    if ((seen & m) == 0) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<TsLexeme>> ParseTsVector(absl::string_view text) {
  std::vector<TsLexeme> out;
  size_t i = 0;
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("tsvector text: ", why, " at ", i));
  };
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    if (text[i] != '\'') return bad("expected a quoted lexeme");
    ++i;
    TsLexeme lex;
    for (;;) {
      if (i >= text.size()) return bad("unterminated lexeme");
      const char c = text[i];
      if (c == '\\' && i + 1 < text.size()) {
        lex.lexeme.push_back(text[i + 1]);
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          lex.lexeme.push_back('\'');
          i += 2;
        } else {
          ++i;
          break;
        }
      } else {
        lex.lexeme.push_back(c);
        ++i;
      }
    }
    if (i < text.size() && text[i] == ':') {
      ++i;
      for (;;) {
        size_t start = i;
        while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
        uint32_t pos = 0;
        if (start == i || !absl::SimpleAtoi(text.substr(start, i - start), &pos) || pos == 0 ||
            pos > 16383) {
          return bad("bad position");
        }
        WeightedPosition wp;
        wp.position = static_cast<uint16_t>(pos);
        if (i < text.size() && text[i] >= 'A' && text[i] <= 'D') {
          wp.weight = static_cast<uint8_t>('D' - text[i]);
          ++i;
        }
        lex.positions.push_back(wp);
        if (i < text.size() && text[i] == ',') {
          ++i;
          continue;
        }
        break;
      }
    }
    out.push_back(std::move(lex));
  }
  return out;
}

float CoverDensityRank(const std::vector<RankEntry>& entries,
                       const std::vector<uint64_t>& term_masks,
                       const std::array<float, 4>& weights) {
  if (entries.empty() || term_masks.empty()) return 0;
  double inverse[4];
  for (int i = 0; i < 4; ++i) inverse[i] = 1.0 / static_cast<double>(weights[i]);
  const int n = static_cast<int>(entries.size());
  double total = 0;
  int start = 0;
  while (start < n) {
    // The first entry from `start` at which the query is satisfied ends a cover...
    uint64_t seen = 0;
    int end = -1;
    for (int i = start; i < n; ++i) {
      seen |= entries[i].operands;
      if (Satisfied(seen, term_masks)) {
        end = i;
        break;
      }
    }
    if (end < 0) break;
    // ...which begins at the last entry, going back from there, that still satisfies it.
    seen = 0;
    int begin = end;
    for (int i = end; i >= start; --i) {
      seen |= entries[i].operands;
      if (Satisfied(seen, term_masks)) {
        begin = i;
        break;
      }
    }
    double inverse_sum = 0;
    for (int i = begin; i <= end; ++i) inverse_sum += inverse[entries[i].weight & 3];
    const int count = end - begin + 1;
    const double density = static_cast<double>(count) / inverse_sum;
    int noise = (entries[end].position - entries[begin].position) - (end - begin);
    if (noise < 0) noise = (end - begin) / 2;
    total += density / static_cast<double>(1 + noise);
    start = begin + 1;
  }
  return static_cast<float>(total);
}

}  // namespace meltingdoc::search
