#include "services/identity/mail.h"

#include <dirent.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MailFormatTest, HeadersBodyAndNoHeaderInjection) {
  const std::string text =
      FormatMessage("MeltingDoc <no-reply@meltingdoc.local>",
                    {"a@b.fr\r\nBcc: victim@x.fr", "Votre code — confirmation", "Line 1\nCode 123456\n"},
                    absl::FromUnixSeconds(1'767'225'600), "id-1");
  EXPECT_THAT(text, HasSubstr("From: MeltingDoc <no-reply@meltingdoc.local>\r\n"));
  EXPECT_THAT(text, Not(HasSubstr("\r\nBcc:")));
  EXPECT_THAT(text, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(text, HasSubstr("Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\n\r\nLine 1\r\nCode 123456\r\n"));
}

TEST(FileMailSenderTest, WritesOneEmlFilePerMessage) {
  char tmpl[] = "/tmp/meltingdoc-mail-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/out";
  auto sender = FileMailSender::Create(dir, "no-reply@meltingdoc.local");
  ASSERT_TRUE(sender.ok()) << sender.status();
  ASSERT_TRUE((*sender)->Send({"claire@chu.fr", "Hello", "Your code is 042917."}).ok());
  ASSERT_TRUE((*sender)->Send({"paul@chu.fr", "Hello", "second"}).ok());
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.substr(name.size() - 4) == ".eml") files.push_back(name);
  }
  ::closedir(d);
  ASSERT_EQ(files.size(), 2u);
  std::sort(files.begin(), files.end());
  std::ifstream in(dir + "/" + files[0]);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_THAT(content.str(), HasSubstr("To: claire@chu.fr\r\n"));
  EXPECT_THAT(content.str(), HasSubstr("Your code is 042917."));
  EXPECT_FALSE(FileMailSender::Create("/proc/not-here/mail", "x").ok());
}

}  // namespace
}  // namespace meltingdoc::identity
