#include "services/identity/register_parser.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/text/utf8.h"
#include "services/identity/rpps.h"

namespace meltingdoc::identity {

const std::array<absl::string_view, kRegisterColumnCount> kRegisterColumnNames = {
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Libellé civilité d'exercice",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code postal (coord. structure)",
    "Libellé commune (coord. structure)",
};

absl::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kWrongFieldCount: return "wrong_field_count";
    case RejectReason::kNoTrailingSeparator: return "no_trailing_separator";
    case RejectReason::kUnknownIdentifierType: return "unknown_identifier_type";
    case RejectReason::kInvalidRpps: return "invalid_rpps";
    case RejectReason::kInvalidAdeli: return "invalid_adeli";
    case RejectReason::kMissingName: return "missing_name";
    case RejectReason::kMissingProfession: return "missing_profession";
  }
  return "unknown";
}

namespace {

absl::string_view StripLineEnd(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

absl::StatusOr<RegisterLineParser> RegisterLineParser::FromHeader(absl::string_view header) {
  if (header.size() >= 3 && header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);
  header = StripLineEnd(header);
  if (!text::IsValidUtf8(header)) {
    return absl::InvalidArgumentError(
        "the header line is not valid UTF-8: old register extracts are Latin-1 (ISO-8859-1); "
        "convert the file with `iconv -f LATIN1 -t UTF-8` and import it again");
  }
  RegisterLineParser parser;
  parser.trailing_separator_ = !header.empty() && header.back() == '|';
  if (parser.trailing_separator_) header.remove_suffix(1);
  std::array<int, kRegisterColumnCount> position;
  position.fill(-1);
  int index = 0;
  for (absl::string_view name : absl::StrSplit(header, '|')) {
    name = absl::StripAsciiWhitespace(name);
    for (int c = 0; c < kRegisterColumnCount; ++c) {
      if (name == kRegisterColumnNames[c] && position[c] < 0) position[c] = index;
    }
    ++index;
  }
  parser.field_count_ = index;
  std::vector<std::string> missing;
  for (int c = 0; c < kRegisterColumnCount; ++c) {
    if (position[c] < 0) missing.push_back(absl::StrCat("\"", kRegisterColumnNames[c], "\""));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the header line lacks the column", missing.size() > 1 ? "s " : " ",
        absl::StrJoin(missing, ", "),
        ": is this a PS_LibreAcces_Personne_activite extract?"));
  }
  parser.slot_of_field_.assign(parser.field_count_, -1);
  for (int c = 0; c < kRegisterColumnCount; ++c) parser.slot_of_field_[position[c]] = c;
  return parser;
}

bool RegisterLineParser::Parse(absl::string_view line, RegisterRow& row, RejectReason& reason) const {
  line = StripLineEnd(line);
  if (trailing_separator_) {
    if (line.empty() || line.back() != '|') {
      reason = RejectReason::kNoTrailingSeparator;
      return false;
    }
    line.remove_suffix(1);
  }
  int index = 0;
  size_t start = 0;
  while (true) {
    const void* bar = std::memchr(line.data() + start, '|', line.size() - start);
    const size_t end = bar == nullptr ? line.size()
                                      : static_cast<size_t>(static_cast<const char*>(bar) - line.data());
    if (index >= field_count_) {
      reason = RejectReason::kWrongFieldCount;
      return false;
    }
    const int slot = slot_of_field_[index];
    if (slot >= 0) row.fields[slot] = absl::StripAsciiWhitespace(line.substr(start, end - start));
    ++index;
    if (bar == nullptr) break;
    start = end + 1;
  }
  if (index != field_count_) {
    reason = RejectReason::kWrongFieldCount;
    return false;
  }
  const absl::string_view type = row[kColIdentifierType];
  const absl::string_view id = row[kColIdentifier];
  if (type == kIdentifierTypeRpps) {
    if (!IsValidRpps(id)) {
      reason = RejectReason::kInvalidRpps;
      return false;
    }
  } else if (type == kIdentifierTypeAdeli) {
    if (!IsValidAdeli(id)) {
      reason = RejectReason::kInvalidAdeli;
      return false;
    }
  } else {
    reason = RejectReason::kUnknownIdentifierType;
    return false;
  }
  if (row[kColFamilyName].empty() || row[kColGivenName].empty()) {
    reason = RejectReason::kMissingName;
    return false;
  }
  if (row[kColProfessionCode].empty()) {
    reason = RejectReason::kMissingProfession;
    return false;
  }
  return true;
}

void RegisterBuilder::Add(const RegisterRow& row) {
  const bool physician = row[kColProfessionCode] == kProfessionPhysician;
  if (physician) {
    ++counts_.rows_kept_physician;
  } else {
    ++counts_.rows_kept_other;
  }
  auto [it, inserted] = person_index_.try_emplace(
      std::string(row[kColIdentifier]), static_cast<uint32_t>(snapshot_.persons.size()));
  const uint32_t index = it->second;
  if (inserted) {
    RegisterPerson& p = snapshot_.persons.emplace_back();
    p.identifier = std::string(row[kColIdentifier]);
    p.identifier_type = row[kColIdentifierType][0];
    p.civility = std::string(row[kColCivility]);
    p.family_name = std::string(row[kColFamilyName]);
    p.given_name = std::string(row[kColGivenName]);
    p.profession_code = std::string(row[kColProfessionCode]);
    p.profession_label = std::string(row[kColProfessionLabel]);
  } else if (physician && snapshot_.persons[index].profession_code != kProfessionPhysician) {
    // Someone registered under two professions is kept as a physician if one of them is.
    snapshot_.persons[index].profession_code = std::string(row[kColProfessionCode]);
    snapshot_.persons[index].profession_label = std::string(row[kColProfessionLabel]);
  }
  if (!physician) return;
  if (!row[kColSavoirFaireCode].empty()) {
    snapshot_.savoir_faire.push_back({index, std::string(row[kColSavoirFaireTypeCode]),
                                      std::string(row[kColSavoirFaireCode]),
                                      std::string(row[kColSavoirFaireLabel])});
  }
  if (!row[kColPostcode].empty() || !row[kColCity].empty()) {
    snapshot_.places.push_back({index, std::string(row[kColPostcode]), std::string(row[kColCity])});
  }
}

void RegisterBuilder::Reject(RejectReason reason, int64_t line_number) {
  ++counts_.rows_rejected;
  RejectTally& tally = counts_.rejected[reason];
  ++tally.count;
  if (tally.sample_lines.size() < kRejectSampleLines) tally.sample_lines.push_back(line_number);
}

RegisterSnapshot RegisterBuilder::Finish() {
  // A physician appears once per site x savoir-faire: keep each savoir-faire and each place once.
  auto& sf = snapshot_.savoir_faire;
  std::sort(sf.begin(), sf.end(), [](const RegisterSavoirFaire& a, const RegisterSavoirFaire& b) {
    return std::tie(a.person, a.code, a.type_code) < std::tie(b.person, b.code, b.type_code);
  });
  sf.erase(std::unique(sf.begin(), sf.end(),
                       [](const RegisterSavoirFaire& a, const RegisterSavoirFaire& b) {
                         return a.person == b.person && a.code == b.code && a.type_code == b.type_code;
                       }),
           sf.end());
  auto& pl = snapshot_.places;
  std::sort(pl.begin(), pl.end(), [](const RegisterPlace& a, const RegisterPlace& b) {
    return std::tie(a.person, a.postcode, a.city) < std::tie(b.person, b.postcode, b.city);
  });
  pl.erase(std::unique(pl.begin(), pl.end(),
                       [](const RegisterPlace& a, const RegisterPlace& b) {
                         return a.person == b.person && a.postcode == b.postcode && a.city == b.city;
                       }),
           pl.end());
  counts_.persons = static_cast<int64_t>(snapshot_.persons.size());
  counts_.physicians = 0;
  for (const RegisterPerson& p : snapshot_.persons) {
    if (p.profession_code == kProfessionPhysician) ++counts_.physicians;
  }
  counts_.savoir_faire = static_cast<int64_t>(sf.size());
  counts_.places = static_cast<int64_t>(pl.size());
  person_index_.clear();
  return std::move(snapshot_);
}

}  // namespace meltingdoc::identity
