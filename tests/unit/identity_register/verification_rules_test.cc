#include "services/identity/verification_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

VerificationInput Input(std::string given, std::string family) {
  VerificationInput in;
  in.account_given_name = std::move(given);
  in.account_family_name = std::move(family);
  return in;
}

RegisterFacts Physician(std::string given, std::string family) {
  RegisterFacts f;
  f.identifier_type = '8';
  f.given_name = std::move(given);
  f.family_name = std::move(family);
  f.profession_code = "10";
  return f;
}

TEST(DecideAutomatically, PhysicianWithMatchingNameIsVerified) {
  VerificationInput in = Input("Hélène", "Le Goff");
  in.register_entry = Physician("HELENE", "LE GOFF");
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kVerified);
  EXPECT_THAT(d.reasons, IsEmpty());
}

TEST(DecideAutomatically, NotInRegisterGoesToReview) {
  const VerificationDecision d = DecideAutomatically(Input("Claire", "Martin"));
  EXPECT_EQ(d.outcome, VerificationOutcome::kNeedsReview);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kNotInRegister));
}

TEST(DecideAutomatically, MaidenNameGoesToReviewNeverReject) {
  VerificationInput in = Input("Claire", "Martin");
  in.register_entry = Physician("Claire", "DUBOIS");
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kNeedsReview);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kFamilyNameDiffers));
}

TEST(DecideAutomatically, OtherGivenNameGoesToReview) {
  VerificationInput in = Input("Sophie", "Martin");
  in.register_entry = Physician("Claire", "MARTIN");
  EXPECT_THAT(DecideAutomatically(in).reasons, ElementsAre(VerificationReason::kGivenNameDiffers));
}

TEST(DecideAutomatically, AdeliOnlyGoesToReview) {
  VerificationInput in = Input("Claire", "Martin");
  in.register_entry = Physician("Claire", "MARTIN");
  in.register_entry->identifier_type = '0';
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kNeedsReview);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kAdeliOnly));
}

TEST(DecideAutomatically, NumberHeldByAnotherAccountGoesToReview) {
  VerificationInput in = Input("Claire", "Martin");
  in.register_entry = Physician("Claire", "MARTIN");
  in.claimed_by_another_account = true;
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kNeedsReview);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kAlreadyClaimed));
}

TEST(DecideAutomatically, NonPhysicianWithMatchingNameIsRejected) {
  VerificationInput in = Input("Claire", "Martin");
  in.register_entry = Physician("Claire", "MARTIN");
  in.register_entry->profession_code = "21";  // Pharmacien
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kRejected);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kNotAPhysician));
}

TEST(DecideAutomatically, NonPhysicianWithAnotherNameIsReviewedNotRejected) {
  // Probably a mistyped number that happens to be someone else's: a human looks at it.
  VerificationInput in = Input("Claire", "Martin");
  in.register_entry = Physician("Paul", "DURAND");
  in.register_entry->profession_code = "60";
  const VerificationDecision d = DecideAutomatically(in);
  EXPECT_EQ(d.outcome, VerificationOutcome::kNeedsReview);
  EXPECT_THAT(d.reasons, ElementsAre(VerificationReason::kNotAPhysician, VerificationReason::kFamilyNameDiffers,
                                     VerificationReason::kGivenNameDiffers));
}

}  // namespace
}  // namespace meltingdoc::identity
