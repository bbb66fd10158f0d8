// The mails identity's FileMailSender wrote (one .eml per message in its --mail_dir), as a
// user reads them: the newest confirmation code sent to an address.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace meltingdoc::testing {

// The 6-digit code of the newest confirmation mail to `email` in `dir`; NOT_FOUND when none.
absl::StatusOr<std::string> ConfirmationCodeIn(const std::string& dir, const std::string& email);

}  // namespace meltingdoc::testing
