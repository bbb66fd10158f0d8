#include "services/identity/verification_rules.h"

#include "services/identity/name_match.h"
#include "services/identity/register_parser.h"

namespace meltingdoc::identity {

VerificationDecision DecideAutomatically(const VerificationInput& input) {
  VerificationDecision d;
  if (!input.register_entry.has_value()) {
    d.outcome = VerificationOutcome::kNeedsReview;
    d.reasons.push_back(VerificationReason::kNotInRegister);
    if (input.claimed_by_another_account) d.reasons.push_back(VerificationReason::kAlreadyClaimed);
    return d;
  }
  const RegisterFacts& r = *input.register_entry;
  const NameMatch names = MatchNames(input.account_given_name, input.account_family_name,
                                     r.given_name, r.family_name);
  std::vector<VerificationReason> name_reasons;
  if (names == NameMatch::kFamilyNameDiffers || names == NameMatch::kBothDiffer) {
    name_reasons.push_back(VerificationReason::kFamilyNameDiffers);
  }
  if (names == NameMatch::kGivenNameDiffers || names == NameMatch::kBothDiffer) {
    name_reasons.push_back(VerificationReason::kGivenNameDiffers);
  }
  if (r.profession_code != kProfessionPhysician) {
    d.reasons.push_back(VerificationReason::kNotAPhysician);
    d.reasons.insert(d.reasons.end(), name_reasons.begin(), name_reasons.end());
    d.outcome = name_reasons.empty() ? VerificationOutcome::kRejected : VerificationOutcome::kNeedsReview;
    return d;
  }
  if (r.identifier_type != '8') d.reasons.push_back(VerificationReason::kAdeliOnly);
  d.reasons.insert(d.reasons.end(), name_reasons.begin(), name_reasons.end());
  if (input.claimed_by_another_account) d.reasons.push_back(VerificationReason::kAlreadyClaimed);
  d.outcome = d.reasons.empty() ? VerificationOutcome::kVerified : VerificationOutcome::kNeedsReview;
  return d;
}

}  // namespace meltingdoc::identity
