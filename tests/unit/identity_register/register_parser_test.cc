#include "services/identity/register_parser.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/identity/register_import.h"
#include "tests/tools/register_gen/register_generator.h"

namespace meltingdoc::identity {
namespace {

using ::meltingdoc::testing::RegisterHeader;
using ::meltingdoc::testing::RegisterLine;
using ::meltingdoc::testing::RegisterRecord;
using ::meltingdoc::testing::RegisterVariant;
using ::meltingdoc::testing::RppsFromBase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

RegisterRecord Doctor(uint64_t base, std::string family, std::string given) {
  RegisterRecord r;
  r.identifier = RppsFromBase(base);
  r.family_name = std::move(family);
  r.given_name = std::move(given);
  return r;
}

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char tmpl[] = "/tmp/register-test-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    path_ = tmpl;
    ::close(fd);
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class BothVariants : public ::testing::TestWithParam<RegisterVariant> {};

TEST_P(BothVariants, FindsColumnsByHeaderName) {
  const RegisterVariant variant = GetParam();
  absl::StatusOr<RegisterLineParser> parser = RegisterLineParser::FromHeader(RegisterHeader(variant));
  ASSERT_TRUE(parser.ok()) << parser.status();
  RegisterRecord r = Doctor(1000000001, "LE GOFF", "Marie-Hélène");
  r.civility = "Professeur";
  r.savoir_faire_code = "SM20";
  r.savoir_faire_label = "Gynécologie-obstétrique";
  r.postcode = "29200";
  r.city = "Brest";
  const std::string line = RegisterLine(variant, r);
  RegisterRow row;
  RejectReason reason;
  ASSERT_TRUE(parser->Parse(line, row, reason)) << RejectReasonName(reason);
  EXPECT_EQ(row[kColIdentifierType], "8");
  EXPECT_EQ(row[kColIdentifier], r.identifier);
  EXPECT_EQ(row[kColNationalId], "8" + r.identifier);
  EXPECT_EQ(row[kColCivility], "Professeur");
  EXPECT_EQ(row[kColFamilyName], "LE GOFF");
  EXPECT_EQ(row[kColGivenName], "Marie-Hélène");
  EXPECT_EQ(row[kColProfessionCode], "10");
  EXPECT_EQ(row[kColProfessionLabel], "Médecin");
  EXPECT_EQ(row[kColSavoirFaireTypeCode], "S");
  EXPECT_EQ(row[kColSavoirFaireCode], "SM20");
  EXPECT_EQ(row[kColSavoirFaireLabel], "Gynécologie-obstétrique");
  EXPECT_EQ(row[kColPostcode], "29200");
  EXPECT_EQ(row[kColCity], "Brest");
}

INSTANTIATE_TEST_SUITE_P(Headers, BothVariants,
                         ::testing::Values(RegisterVariant::kCurrent, RegisterVariant::k2019));

TEST(RegisterHeaderVariants, DifferInWidthAndOrder) {
  const std::string current = RegisterHeader(RegisterVariant::kCurrent);
  const std::string old = RegisterHeader(RegisterVariant::k2019);
  EXPECT_NE(current, old);
  auto parser_current = RegisterLineParser::FromHeader(current);
  auto parser_old = RegisterLineParser::FromHeader(old);
  ASSERT_TRUE(parser_current.ok() && parser_old.ok());
  EXPECT_EQ(parser_current->header_field_count(), 56);
  EXPECT_LT(parser_old->header_field_count(), 56);
  // Civility columns are not at the same position: by-position parsing would read garbage.
  EXPECT_LT(current.find("Libellé civilité d'exercice"), current.find("|Libellé civilité|"));
  EXPECT_GT(old.find("Libellé civilité d'exercice"), old.find("|Libellé civilité|"));
}

TEST(RegisterHeader, MissingColumnIsNamed) {
  std::string header = RegisterHeader(RegisterVariant::kCurrent);
  header = absl::StrReplaceAll(header, {{"|Code savoir-faire|", "|Code savoir faire|"},
                                        {"|Nom d'exercice|", "|Nom|"}});
  absl::StatusOr<RegisterLineParser> parser = RegisterLineParser::FromHeader(header);
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parser.status().message(), HasSubstr("\"Nom d'exercice\""));
  EXPECT_THAT(parser.status().message(), HasSubstr("\"Code savoir-faire\""));
  EXPECT_THAT(parser.status().message(), ::testing::Not(HasSubstr("\"Prénom d'exercice\"")));
}

TEST(RegisterHeader, ByteOrderMarkAndCrlfTolerated) {
  const std::string header = "\xEF\xBB\xBF" + RegisterHeader(RegisterVariant::kCurrent) + "\r";
  absl::StatusOr<RegisterLineParser> parser = RegisterLineParser::FromHeader(header);
  ASSERT_TRUE(parser.ok()) << parser.status();
  RegisterRow row;
  RejectReason reason;
  const std::string line = RegisterLine(RegisterVariant::kCurrent, Doctor(1000000002, "MARTIN", "Claire")) + "\r";
  ASSERT_TRUE(parser->Parse(line, row, reason));
  EXPECT_EQ(row[kColFamilyName], "MARTIN");
  EXPECT_EQ(row[kColIdentifierType], "8");  // the BOM did not stick to the first column name
}

TEST(RegisterLines, RejectionsWithReasons) {
  auto parser = RegisterLineParser::FromHeader(RegisterHeader(RegisterVariant::kCurrent));
  ASSERT_TRUE(parser.ok());
  const std::string good = RegisterLine(RegisterVariant::kCurrent, Doctor(1000000003, "MARTIN", "Claire"));
  RegisterRow row;
  RejectReason reason;
  auto rejects = [&](const std::string& line) {
    const bool ok = parser->Parse(line, row, reason);
    return ok ? std::string("accepted") : std::string(RejectReasonName(reason));
  };
  EXPECT_EQ(rejects(good), "accepted");
  // A short line: the file was cut, or a line break in a field.
  EXPECT_EQ(rejects(good.substr(0, good.find("|Médecin|")) + "|"), "wrong_field_count");
  EXPECT_EQ(rejects(good + "extra|"), "wrong_field_count");
  EXPECT_EQ(rejects(good.substr(0, good.size() - 1)), "no_trailing_separator");
  EXPECT_EQ(rejects(""), "no_trailing_separator");

  RegisterRecord bad_luhn = Doctor(1000000004, "MARTIN", "Claire");
  bad_luhn.identifier.back() = bad_luhn.identifier.back() == '9' ? '0' : bad_luhn.identifier.back() + 1;
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, bad_luhn)), "invalid_rpps");
  RegisterRecord short_rpps = Doctor(1000000005, "MARTIN", "Claire");
  short_rpps.identifier = "1234567";
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, short_rpps)), "invalid_rpps");
  RegisterRecord adeli = Doctor(1000000006, "MARTIN", "Claire");
  adeli.identifier_type = "0";
  adeli.identifier = "691234567";
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, adeli)), "accepted");
  adeli.identifier = "69123";
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, adeli)), "invalid_adeli");
  RegisterRecord other_type = Doctor(1000000007, "MARTIN", "Claire");
  other_type.identifier_type = "3";
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, other_type)), "unknown_identifier_type");
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, Doctor(1000000008, "", "Claire"))), "missing_name");
  RegisterRecord no_profession = Doctor(1000000009, "MARTIN", "Claire");
  no_profession.profession_code = "";
  EXPECT_EQ(rejects(RegisterLine(RegisterVariant::kCurrent, no_profession)), "missing_profession");
}

TEST(RegisterBuilder, CollapsesRowsPerPersonKeepingSavoirFaireAndPlaces) {
  auto parser = RegisterLineParser::FromHeader(RegisterHeader(RegisterVariant::kCurrent));
  ASSERT_TRUE(parser.ok());
  RegisterBuilder builder;
  auto add = [&](const RegisterRecord& r) {
    const std::string line = RegisterLine(RegisterVariant::kCurrent, r);
    RegisterRow row;
    RejectReason reason;
    builder.CountRead();
    ASSERT_TRUE(parser->Parse(line, row, reason));
    builder.Add(row);
  };
  // A gynecologist at two sites with two savoir-faire: 4 rows in the file.
  RegisterRecord r = Doctor(1000000010, "DUBOIS", "Anne");
  for (const auto& [pc, city] : {std::pair{"69003", "Lyon"}, std::pair{"69008", "Lyon"}}) {
    r.postcode = pc;
    r.city = city;
    r.savoir_faire_type = "S";
    r.savoir_faire_code = "SM20";
    r.savoir_faire_label = "Gynécologie-obstétrique";
    add(r);
    r.savoir_faire_type = "CEX";
    r.savoir_faire_code = "CEX01";
    r.savoir_faire_label = "Médecine d'urgence";
    add(r);
  }
  RegisterRecord nurse = Doctor(1000000011, "PETIT", "Paul");
  nurse.profession_code = "60";
  nurse.profession_label = "Infirmier";
  nurse.savoir_faire_type = nurse.savoir_faire_code = nurse.savoir_faire_label = "";
  add(nurse);
  builder.CountRead();
  builder.Reject(RejectReason::kInvalidRpps, 7);
  for (int line = 8; line < 16; ++line) {
    builder.CountRead();
    builder.Reject(RejectReason::kWrongFieldCount, line);
  }

  const RegisterSnapshot snap = builder.Finish();
  const RegisterCounts& c = builder.counts();
  EXPECT_EQ(c.rows_read, 14);
  EXPECT_EQ(c.rows_kept_physician, 4);
  EXPECT_EQ(c.rows_kept_other, 1);
  EXPECT_EQ(c.rows_rejected, 9);
  EXPECT_EQ(c.rejected.at(RejectReason::kInvalidRpps).count, 1);
  EXPECT_THAT(c.rejected.at(RejectReason::kInvalidRpps).sample_lines, ElementsAre(7));
  EXPECT_EQ(c.rejected.at(RejectReason::kWrongFieldCount).count, 8);
  EXPECT_THAT(c.rejected.at(RejectReason::kWrongFieldCount).sample_lines, ElementsAre(8, 9, 10, 11, 12));
  ASSERT_EQ(snap.persons.size(), 2u);
  EXPECT_EQ(c.physicians, 1);
  EXPECT_EQ(snap.persons[0].family_name, "DUBOIS");
  ASSERT_EQ(snap.savoir_faire.size(), 2u);  // SM20 and CEX01 once each, not per site
  EXPECT_EQ(snap.savoir_faire[0].code, "CEX01");
  EXPECT_EQ(snap.savoir_faire[1].code, "SM20");
  ASSERT_EQ(snap.places.size(), 2u);  // two sites, not four rows
  EXPECT_EQ(snap.places[0].postcode, "69003");
  EXPECT_EQ(snap.places[1].postcode, "69008");
  EXPECT_EQ(snap.persons[1].profession_code, "60");  // the nurse: identity only
}

TEST(ReadRegisterFile, Latin1FileFailsClearlyWithTheLine) {
  // An old extract: the header is plain ASCII-compatible until "Libellé" (é = 0xE9).
  std::string header = RegisterHeader(RegisterVariant::k2019);
  std::string body = RegisterLine(RegisterVariant::k2019, Doctor(1000000012, "GUERIN", "Helene"));
  std::string latin1;
  for (const std::string& line : {header, body}) {
    // Re-encode UTF-8 é/è (C3 A9 / C3 A8) as Latin-1 bytes.
    latin1 += absl::StrReplaceAll(line, {{"\xC3\xA9", "\xE9"}, {"\xC3\xA8", "\xE8"}}) + "\n";
  }
  TempFile file(latin1);
  absl::StatusOr<ParsedRegister> parsed = ReadRegisterFile(file.path());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 1 is not valid UTF-8"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("Latin-1"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("iconv"));

  // Only a data line in Latin-1 (a UTF-8 header): the line number points at it.
  TempFile mixed(header + "\n" + RegisterLine(RegisterVariant::k2019, Doctor(1000000013, "MARTIN", "Claire")) +
                 "\n" + absl::StrReplaceAll(body, {{"\xC3\xA9", "\xE9"}}) + "\n");
  parsed = ReadRegisterFile(mixed.path());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 3 is not valid UTF-8"));
}

TEST(ReadRegisterFile, GeneratedFileParsesWithItsRejectsCounted) {
  char tmpl[] = "/tmp/register-gen-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  std::FILE* out = ::fdopen(fd, "wb");
  testing::RegisterGenOptions options;
  options.rows = 3000;
  options.bad_rows = 6;
  options.variant = RegisterVariant::k2019;
  const testing::RegisterGenStats stats = testing::WriteRegister(out, options);
  std::fclose(out);
  absl::StatusOr<ParsedRegister> parsed = ReadRegisterFile(tmpl);
  ::unlink(tmpl);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const RegisterCounts& c = parsed->counts;
  EXPECT_EQ(c.rows_read, 3000);
  EXPECT_EQ(c.rows_rejected, 6);
  EXPECT_EQ(c.rows_kept_physician + c.rows_kept_other + c.rows_rejected, 3000);
  // Short lines, and bad check digits (an ADELI row picked for one is cut short instead).
  EXPECT_EQ(c.rejected.at(RejectReason::kWrongFieldCount).count +
                (c.rejected.count(RejectReason::kInvalidRpps) ? c.rejected.at(RejectReason::kInvalidRpps).count : 0),
            4);
  EXPECT_EQ(c.rejected.at(RejectReason::kNoTrailingSeparator).count, 2);
  EXPECT_GT(c.physicians, 0);
  EXPECT_LE(c.physicians, stats.physicians);
  EXPECT_EQ(static_cast<int64_t>(parsed->snapshot.persons.size()), c.persons);
}

TEST(ReadRegisterFile, EmptyAndMissingFiles) {
  TempFile empty("");
  EXPECT_EQ(ReadRegisterFile(empty.path()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRegisterFile("/nonexistent/register.txt").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace meltingdoc::identity
