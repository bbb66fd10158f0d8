// The automatic decision on a verification request: verified, needs review, or rejected.
// Pure code, no I/O; the store gathers the facts in one transaction and applies the result.
//
//  - verified: the register has this RPPS, profession 10 (Médecin), the names match
//    (name_match.h), and no other account holds the number;
//  - needs review (moderation queue): not in the register, only an ADELI number, a name
//    that differs (a maiden name against the "Nom d'exercice" lands here, never in reject),
//    or the number already held by another account: a second account never gets an RPPS
//    automatically;
//  - rejected: the register says this person (names matching) is not a physician. If the
//    names do not match either, the number may be a typo for someone else's: review.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace meltingdoc::identity {

enum class VerificationOutcome { kVerified, kNeedsReview, kRejected };

enum class VerificationReason {
  kNotInRegister,
  kAdeliOnly,
  kFamilyNameDiffers,
  kGivenNameDiffers,
  kAlreadyClaimed,
  kNotAPhysician,
};

struct RegisterFacts {
  char identifier_type = '8';  // '8' RPPS, '0' ADELI
  std::string family_name;
  std::string given_name;
  std::string profession_code;
};

struct VerificationInput {
  std::string account_given_name;
  std::string account_family_name;
  std::optional<RegisterFacts> register_entry;  // nullopt: the number is not in the register
  bool claimed_by_another_account = false;
};

struct VerificationDecision {
  VerificationOutcome outcome = VerificationOutcome::kNeedsReview;
  std::vector<VerificationReason> reasons;  // empty when verified
};

VerificationDecision DecideAutomatically(const VerificationInput& input);

}  // namespace meltingdoc::identity
