#include "tests/support/mail_dir.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::testing {

std::vector<std::string> MailsTo(const std::string& dir, const std::string& email) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (absl::EndsWith(name, ".eml")) names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());  // "<unix micros>-<uuid>.eml": oldest first
  std::vector<std::string> texts;
  for (const std::string& name : names) {
    std::ifstream in(dir + "/" + name);
    std::stringstream content;
    content << in.rdbuf();
    if (absl::StrContains(content.str(), absl::StrCat("\r\nTo: ", email, "\r\n"))) {
      texts.push_back(content.str());
    }
  }
  return texts;
}

absl::StatusOr<std::string> ConfirmationCodeIn(const std::string& dir, const std::string& email) {
  const std::vector<std::string> mails = MailsTo(dir, email);
  static const std::regex kCode("confirmation code is ([0-9]{6})");
  for (auto it = mails.rbegin(); it != mails.rend(); ++it) {
    std::smatch m;
    if (std::regex_search(*it, m, kCode)) return m[1].str();
  }
  return absl::NotFoundError(absl::StrCat("no confirmation mail to ", email, " in ", dir));
}

}  // namespace meltingdoc::testing
