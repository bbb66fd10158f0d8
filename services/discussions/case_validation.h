// Input limits of the discussions API, and the patient-data check of every text written,
// turned into INVALID_ARGUMENT with field violations. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/server/field_errors.h"
#include "meltingdoc/discussions/v1/discussions_service.pb.h"
#include "services/discussions/discussions_store.h"

namespace meltingdoc::discussions {

// Limits, in characters (Unicode code points). Documented on the proto fields.
inline constexpr int kMaxTitle = 200;
inline constexpr int kMaxBodyPart = 10000;  // context, examination, investigations
inline constexpr int kMaxQuestion = 3000;
inline constexpr int kMaxCheckText = 40000;
inline constexpr int kMaxReplyText = 10000;
inline constexpr int kMaxGroupTitle = 120;
inline constexpr int kMaxInvitationsListed = 100;
inline constexpr int kMaxReportDetails = 1000;
inline constexpr int kMaxModerationReason = 500;
inline constexpr int kMaxFieldName = 100;
inline constexpr int kMaxSpecialtyCodes = 3;
inline constexpr int kMaxCompetenceTags = 10;
inline constexpr int kMaxRequestId = 64;

bool IsSpecialtyCode(absl::string_view s);  // "SM" and two digits
bool IsCompetenceTag(absl::string_view s);  // 2..40 of a-z, 0-9, '-'
bool IsRequestId(absl::string_view s);      // 1..64 of A-Z, a-z, 0-9, '-', '_'

// Appends a violation for each limit the content breaks; field names are "case.title",
// "case.body.context", ... Title and question are required (not blank).
void ValidateCaseContent(const CaseContent& content, std::vector<server::FieldViolation>& out);

// A text about to be stored and the request field it comes from.
struct FieldText {
  std::string field;
  const std::string* text;
};

// The guard's findings in `text`, as API messages naming `field`.
std::vector<v1::PatientDataFinding> PatientDataFindingsOf(const std::string& field, const std::string& text);

// OK when no text holds identifying patient data. Otherwise INVALID_ARGUMENT carrying a
// google.rpc.BadRequest with one violation per finding (field; description with the
// character offsets, the category and the French suggestion — never the text itself) and a
// meltingdoc.discussions.v1.PatientDataFindings detail with the same findings, structured.
absl::Status CheckPatientData(const std::vector<FieldText>& texts);

}  // namespace meltingdoc::discussions
