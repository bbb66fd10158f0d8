// libFuzzer target: a register extract (the national RPPS file an administrator imports) through
// the line parser and the builder, exactly as ReadRegisterFile drives them, minus the file I/O.
// Beyond the sanitizers it checks what the import report promises: every data line is counted
// once, as kept or as rejected for one reason; sample line numbers exist; every person kept has
// an identifier of its type's shape (RPPS: 11 digits) and a name; savoir-faire and places point
// at a kept person.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "libs/text/utf8.h"
#include "services/identity/register_parser.h"

namespace {

using meltingdoc::text::IsValidUtf8;
using meltingdoc::identity::RegisterBuilder;
using meltingdoc::identity::RegisterCounts;
using meltingdoc::identity::RegisterLineParser;
using meltingdoc::identity::RegisterRow;
using meltingdoc::identity::RegisterSnapshot;
using meltingdoc::identity::RejectReason;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view file(reinterpret_cast<const char*>(data), size);
  std::optional<RegisterLineParser> parser;
  RegisterBuilder builder;
  RegisterRow row;
  int64_t line_number = 0;
  while (!file.empty()) {
    const size_t end = file.find('\n');
    const absl::string_view line = file.substr(0, end);
    file.remove_prefix(end == absl::string_view::npos ? file.size() : end + 1);
    ++line_number;
    if (!IsValidUtf8(line)) return 0;  // the import refuses the whole file
    if (!parser.has_value()) {
      auto p = RegisterLineParser::FromHeader(line);
      if (!p.ok()) {
        if (p.status().code() != absl::StatusCode::kInvalidArgument) Fail("header refusal is not INVALID_ARGUMENT");
        return 0;
      }
      parser = *std::move(p);
      continue;
    }
    if (line.empty() || line == "\r") continue;
    builder.CountRead();
    RejectReason reason;
    if (parser->Parse(line, row, reason)) {
      builder.Add(row);
    } else {
      builder.Reject(reason, line_number);
    }
  }
  if (!parser.has_value()) return 0;
  const RegisterSnapshot snapshot = builder.Finish();
  const RegisterCounts& counts = builder.counts();

  if (counts.rows_read != counts.rows_kept_physician + counts.rows_kept_other + counts.rows_rejected) {
    Fail("a data line is neither kept nor rejected, or counted twice");
  }
  int64_t tallied = 0;
  for (const auto& [reason, tally] : counts.rejected) {
    tallied += tally.count;
    if (tally.sample_lines.size() > meltingdoc::identity::kRejectSampleLines) Fail("too many sample lines");
    for (int64_t n : tally.sample_lines) {
      if (n < 2 || n > line_number) Fail("a sample line number that is not a data line");
    }
    if (meltingdoc::identity::RejectReasonName(reason).empty()) Fail("a reason without a name");
  }
  if (tallied != counts.rows_rejected) Fail("rejections by reason do not add up");
  if (counts.persons != static_cast<int64_t>(snapshot.persons.size())) Fail("persons count differs from the snapshot");
  for (const auto& person : snapshot.persons) {
    if (person.family_name.empty() || person.given_name.empty()) Fail("a person without a name");
    if (person.identifier_type == '8') {
      if (person.identifier.size() != 11) Fail("an RPPS that is not 11 characters");
      for (char c : person.identifier) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) Fail("an RPPS with a non-digit");
      }
    } else if (person.identifier_type == '0') {
      if (person.identifier.size() != 9) Fail("an ADELI that is not 9 characters");
    } else {
      Fail("a person of unknown identifier type");
    }
  }
  for (const auto& sf : snapshot.savoir_faire) {
    if (sf.person >= snapshot.persons.size()) Fail("a savoir-faire of no person");
  }
  for (const auto& place : snapshot.places) {
    if (place.person >= snapshot.persons.size()) Fail("a place of no person");
  }
  return 0;
}
