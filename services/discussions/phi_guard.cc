#include "services/discussions/phi_guard.h"

#include <algorithm>

#include "libs/text/utf8.h"
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions {

namespace {

using phi::Analysis;
using phi::RawFinding;

std::string Suggestion(const RawFinding& f) {
  switch (f.category) {
    case PhiCategory::kNir:
      return "Supprimez le numéro de sécurité sociale : il identifie directement le patient.";
    case PhiCategory::kPhone:
      return "Supprimez le numéro de téléphone.";
    case PhiCategory::kEmail:
      return "Supprimez l’adresse e-mail.";
    case PhiCategory::kIban:
      return "Supprimez les coordonnées bancaires (IBAN).";
    case PhiCategory::kBirthDate:
      return "Donnez l’âge (« patiente de 67 ans ») au lieu de la date de naissance.";
    case PhiCategory::kIdentifyingDate:
      return "Donnez un délai relatif (« il y a 3 semaines », « à J5 ») au lieu de la date exacte.";
    case PhiCategory::kPatientName:
      if (f.gender == 2) return "Écrivez « la patiente » au lieu du nom.";
      if (f.gender == 1) return "Écrivez « le patient » au lieu du nom.";
      return "Écrivez « le patient » ou « la patiente » au lieu du nom.";
    case PhiCategory::kAddress:
      return "Supprimez l’adresse ; indiquez au besoin le type de lieu (« en zone rurale », « en EHPAD »).";
    case PhiCategory::kRecordNumber:
      return "Supprimez le numéro de dossier, de séjour ou de chambre.";
  }
  return "";
}

// A room number is identifying together with a name: same sentence, close by.
bool NextToName(std::string_view text, const RawFinding& room, const std::vector<RawFinding>& findings) {
  constexpr uint32_t kMaxGap = 160;
  for (const RawFinding& f : findings) {
    if (f.category != PhiCategory::kPatientName) continue;
    const uint32_t gap_begin = std::min(f.end, room.end);
    const uint32_t gap_end = std::max(f.begin, room.begin);
    if (gap_end < gap_begin) return true;  // overlapping
    if (gap_end - gap_begin > kMaxGap) continue;
    bool same_sentence = true;
    for (uint32_t k = gap_begin; k < gap_end && same_sentence; ++k) {
      const char c = text[k];
      same_sentence = !(c == '.' || c == '!' || c == '?' || c == '\n' || c == ';');
    }
    if (same_sentence) return true;
  }
  return false;
}

}  // namespace

std::vector<PhiFinding> FindPatientData(std::string_view text) {
  Analysis a;
  a.text = text;
  phi::FindNirs(a);
  phi::FindPhones(a);
  phi::FindIbans(a);
  phi::FindEmails(a);
  phi::Tokenize(a);
  phi::FindNames(a);
  phi::FindDates(a);
  phi::FindAddresses(a);
  phi::FindRecordNumbers(a);
  for (const RawFinding& room : a.room_candidates) {
    if (NextToName(text, room, a.findings)) a.findings.push_back(room);
  }

  // Outermost first at each start; a finding inside another is dropped, and one that starts
  // inside another but ends past it (two e-mail matches sharing characters, say) extends it:
  // the writer sees each piece of text in one finding, never two overlapping highlights.
  std::sort(a.findings.begin(), a.findings.end(), [](const RawFinding& x, const RawFinding& y) {
    return x.begin != y.begin ? x.begin < y.begin : x.end > y.end;
  });
  std::vector<RawFinding> kept;
  kept.reserve(a.findings.size());
  for (const RawFinding& f : a.findings) {
    if (!kept.empty() && f.begin < kept.back().end) {
      kept.back().end = std::max(kept.back().end, f.end);
      continue;
    }
    kept.push_back(f);
  }

  // Byte offsets -> code points, in one pass (starts are sorted, ends need not be).
  std::vector<PhiFinding> out;
  out.reserve(kept.size());
  std::vector<uint32_t> marks;
  marks.reserve(kept.size() * 2);
  for (const RawFinding& f : kept) {
    marks.push_back(f.begin);
    marks.push_back(f.end);
  }
  std::vector<uint32_t> sorted = marks;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<int32_t> cp_of(sorted.size());
  int32_t cp = 0;
  size_t byte = 0;
  for (size_t m = 0; m < sorted.size(); ++m) {
    for (; byte < sorted[m]; ++byte) {
      if (text::StartsCodePoint(text[byte])) ++cp;
    }
    cp_of[m] = cp;
  }
  auto to_cp = [&](uint32_t b) {
    return cp_of[static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), b) - sorted.begin())];
  };
  for (const RawFinding& f : kept) {
    out.push_back(PhiFinding{f.category, to_cp(f.begin), to_cp(f.end), Suggestion(f)});
  }
  return out;
}

std::string_view PhiCategoryName(PhiCategory category) {
  switch (category) {
    case PhiCategory::kNir: return "NIR";
    case PhiCategory::kPhone: return "PHONE";
    case PhiCategory::kEmail: return "EMAIL";
    case PhiCategory::kIban: return "IBAN";
    case PhiCategory::kBirthDate: return "BIRTH_DATE";
    case PhiCategory::kIdentifyingDate: return "IDENTIFYING_DATE";
    case PhiCategory::kPatientName: return "PATIENT_NAME";
    case PhiCategory::kAddress: return "ADDRESS";
    case PhiCategory::kRecordNumber: return "RECORD_NUMBER";
  }
  return "";
}

std::string_view PhiCategoryLabel(PhiCategory category) {
  switch (category) {
    case PhiCategory::kNir: return "numéro de sécurité sociale";
    case PhiCategory::kPhone: return "numéro de téléphone";
    case PhiCategory::kEmail: return "adresse e-mail";
    case PhiCategory::kIban: return "IBAN";
    case PhiCategory::kBirthDate: return "date de naissance";
    case PhiCategory::kIdentifyingDate: return "date identifiante";
    case PhiCategory::kPatientName: return "nom de patient";
    case PhiCategory::kAddress: return "adresse postale";
    case PhiCategory::kRecordNumber: return "numéro de dossier ou de chambre";
  }
  return "";
}

}  // namespace meltingdoc::discussions
