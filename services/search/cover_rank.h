// PostgreSQL's text-search pieces the in-memory doctor index needs, in C++: the text form of a
// tsvector ("'gynecolog':3A,9B 'lyon':12C") parsed into lexemes with weighted positions, and
// the cover-density rank of ts_rank_cd (no normalization) with the weights SearchDoctors
// passes, so that the in-memory index orders doctors as the SQL path does. Pure: no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::search {

// Weight classes as PostgreSQL numbers them: D 0, C 1, B 2, A 3.
struct WeightedPosition {
  uint16_t position = 0;  // 1..16383
  uint8_t weight = 0;
};

struct TsLexeme {
  std::string lexeme;
  std::vector<WeightedPosition> positions;  // ascending
};

// Parses tsvector_out's text. Lexemes come back in the order of the text (PostgreSQL sorts
// them). INVALID_ARGUMENT on anything else.
absl::StatusOr<std::vector<TsLexeme>> ParseTsVector(absl::string_view text);

// SearchDoctors' ts_rank_cd weights, {D, C, B, A} = {0.1, 0.2, 0.4, 1.0}
// (pg_search_store.cc).
inline constexpr std::array<float, 4> kDoctorRankWeights = {0.1f, 0.2f, 0.4f, 1.0f};

// One position of the document that matches some query operands.
struct RankEntry {
  uint16_t position;
  uint8_t weight;
  uint64_t operands;  // bit i: operand i matches the lexeme at this position
};

// ts_rank_cd(weights, document, query) for a query that is an AND of terms, each an OR of
// operands: `term_masks[t]` holds the operand bits of term t. `entries` sorted by position.
// Covers are the minimal spans that satisfy the query, found left to right as PostgreSQL
// does; each adds (entries in it / sum of their inverse weights) / (1 + noise words), noise
// being the positions of the span not taken by its entries. Returned as PostgreSQL's float4.
float CoverDensityRank(const std::vector<RankEntry>& entries,
                       const std::vector<uint64_t>& term_masks,
                       const std::array<float, 4>& weights = kDoctorRankWeights);

}  // namespace meltingdoc::search
