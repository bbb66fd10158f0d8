#include "tests/support/mail_dir.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::testing {

absl::StatusOr<std::string> ConfirmationCodeIn(const std::string& dir, const std::string& email) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (absl::EndsWith(name, ".eml")) names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.rbegin(), names.rend());  // "<unix micros>-<uuid>.eml": newest first
  static const std::regex kCode("confirmation code is ([0-9]{6})");
  for (const std::string& name : names) {
    std::ifstream in(dir + "/" + name);
    std::stringstream content;
    content << in.rdbuf();
    if (!absl::StrContains(content.str(), absl::StrCat("\r\nTo: ", email, "\r\n"))) continue;
    std::smatch m;
    const std::string text = content.str();
    if (std::regex_search(text, m, kCode)) return m[1].str();
  }
  return absl::NotFoundError(absl::StrCat("no confirmation mail to ", email, " in ", dir));
}

}  // namespace meltingdoc::testing
