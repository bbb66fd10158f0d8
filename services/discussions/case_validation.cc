#include "services/discussions/case_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/server/grpc_status.h"
#include "libs/taxonomy/ordinal_specialties.h"
#include "libs/text/utf8.h"
#include "services/discussions/phi_guard.h"

namespace meltingdoc::discussions {

namespace {

v1::PatientDataCategory ToProto(PhiCategory c) {
  switch (c) {
    case PhiCategory::kNir: return v1::PATIENT_DATA_CATEGORY_NIR;
    case PhiCategory::kPhone: return v1::PATIENT_DATA_CATEGORY_PHONE;
    case PhiCategory::kEmail: return v1::PATIENT_DATA_CATEGORY_EMAIL;
    case PhiCategory::kIban: return v1::PATIENT_DATA_CATEGORY_IBAN;
    case PhiCategory::kBirthDate: return v1::PATIENT_DATA_CATEGORY_BIRTH_DATE;
    case PhiCategory::kIdentifyingDate: return v1::PATIENT_DATA_CATEGORY_IDENTIFYING_DATE;
    case PhiCategory::kPatientName: return v1::PATIENT_DATA_CATEGORY_PATIENT_NAME;
    case PhiCategory::kAddress: return v1::PATIENT_DATA_CATEGORY_ADDRESS;
    case PhiCategory::kRecordNumber: return v1::PATIENT_DATA_CATEGORY_RECORD_NUMBER;
  }
  return v1::PATIENT_DATA_CATEGORY_UNSPECIFIED;
}

bool Blank(const std::string& s) {
  return absl::StripAsciiWhitespace(s).empty();
}

void Limit(const std::string& field, const std::string& text, int max, bool required,
           std::vector<server::FieldViolation>& out) {
  if (required && Blank(text)) {
    out.push_back({field, "required"});
  } else if (text::CodePointCount(text) > static_cast<size_t>(max)) {
    out.push_back({field, absl::StrCat("at most ", max, " characters")});
  }
}

}  // namespace

bool IsSpecialtyCode(absl::string_view s) {
  return s.size() == 4 && s[0] == 'S' && s[1] == 'M' && absl::ascii_isdigit(static_cast<unsigned char>(s[2])) &&
         absl::ascii_isdigit(static_cast<unsigned char>(s[3]));
}

bool IsCompetenceTag(absl::string_view s) {
  if (s.size() < 2 || s.size() > 40 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsRequestId(absl::string_view s) {
  if (s.empty() || s.size() > static_cast<size_t>(kMaxRequestId)) return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

void ValidateCaseContent(const CaseContent& c, std::vector<server::FieldViolation>& out) {
  Limit("case.title", c.title, kMaxTitle, true, out);
  Limit("case.body.context", c.context, kMaxBodyPart, false, out);
  Limit("case.body.examination", c.examination, kMaxBodyPart, false, out);
  Limit("case.body.investigations", c.investigations, kMaxBodyPart, false, out);
  Limit("case.body.question", c.question, kMaxQuestion, true, out);
  if (static_cast<int>(c.specialty_codes.size()) > kMaxSpecialtyCodes) {
    out.push_back({"case.specialty_codes", absl::StrCat("at most ", kMaxSpecialtyCodes, " codes")});
  }
  for (const std::string& code : c.specialty_codes) {
    if (!IsSpecialtyCode(code) || taxonomy::FindOrdinalSpecialty(code) == nullptr) {
      out.push_back({"case.specialty_codes", "each code is an ordinal specialty code of TRE_R38 (SM01 to SM95)"});
      break;
    }
  }
  if (static_cast<int>(c.competence_tags.size()) > kMaxCompetenceTags) {
    out.push_back({"case.competence_tags", absl::StrCat("at most ", kMaxCompetenceTags, " tags")});
  }
  for (const std::string& tag : c.competence_tags) {
    if (!IsCompetenceTag(tag)) {
      out.push_back({"case.competence_tags", "each tag is 2 to 40 characters of a-z, 0-9 and '-'"});
      break;
    }
  }
}

std::vector<v1::PatientDataFinding> PatientDataFindingsOf(const std::string& field, const std::string& text) {
  std::vector<v1::PatientDataFinding> out;
  for (const PhiFinding& f : FindPatientData(text)) {
    v1::PatientDataFinding& p = out.emplace_back();
    p.set_field(field);
    p.set_start_offset(f.start);
    p.set_end_offset(f.end);
    p.set_category(ToProto(f.category));
    p.set_suggestion(f.suggestion);
  }
  return out;
}

absl::Status CheckPatientData(const std::vector<FieldText>& texts) {
  v1::PatientDataFindings all;
  std::vector<server::FieldViolation> violations;
  for (const FieldText& t : texts) {
    for (const PhiFinding& f : FindPatientData(*t.text)) {
      v1::PatientDataFinding* p = all.add_findings();
      p->set_field(t.field);
      p->set_start_offset(f.start);
      p->set_end_offset(f.end);
      p->set_category(ToProto(f.category));
      p->set_suggestion(f.suggestion);
      violations.push_back(
          {t.field, absl::StrCat("données patient identifiantes (", std::string(PhiCategoryName(f.category)), ", ",
                                 std::string(PhiCategoryLabel(f.category)), ") aux caractères ", f.start, " à ", f.end, " : ",
                                 f.suggestion)});
    }
  }
  if (violations.empty()) return absl::OkStatus();
  absl::Status status = server::InvalidArgument(violations);
  server::AttachDetail(status, all);
  return status;
}

}  // namespace meltingdoc::discussions
