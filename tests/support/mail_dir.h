// The mails identity's FileMailSender wrote (one .eml per message in its --mail_dir), as a
// user reads them: the mails sent to an address, and the newest confirmation code among them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace meltingdoc::testing {

// The whole text of every mail to `email` in `dir`, oldest first.
std::vector<std::string> MailsTo(const std::string& dir, const std::string& email);

// The 6-digit code of the newest confirmation mail to `email` in `dir`; NOT_FOUND when none.
absl::StatusOr<std::string> ConfirmationCodeIn(const std::string& dir, const std::string& email);

}  // namespace meltingdoc::testing
