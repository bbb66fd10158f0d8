// Outgoing email. Two implementations of one interface:
//   FileMailSender  writes each message as an RFC 5322 `.eml` file in a directory (the local
//                   stack and the tests use it: a test reads the confirmation code from it);
//   SmtpMailSender  sends it through an SMTP server with libcurl (smtp:// or smtps://, STARTTLS
//                   required for smtp:// when credentials are given).
// Send blocks: call it from an executor thread. Never log a message body (it holds codes).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meltingdoc::identity {

struct MailMessage {
  std::string to;
  std::string subject;  // UTF-8; encoded as RFC 2047 when not plain ASCII
  std::string body;     // UTF-8 plain text
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual absl::Status Send(const MailMessage& message) = 0;
};

// The full message text (headers + body, CRLF line ends) as both senders transmit it.
std::string FormatMessage(const std::string& from, const MailMessage& message, absl::Time date,
                          const std::string& message_id);

class FileMailSender final : public MailSender {
 public:
  // Creates `dir` (0700) if needed.
  static absl::StatusOr<std::unique_ptr<FileMailSender>> Create(std::string dir, std::string from);
  // Writes <dir>/<unix micros>-<uuid>.eml atomically (temporary file, then rename).
  absl::Status Send(const MailMessage& message) override;

 private:
  FileMailSender(std::string dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {}
  std::string dir_;
  std::string from_;
};

struct SmtpOptions {
  std::string url;       // smtp://host:587 or smtps://host:465
  std::string username;  // empty: no authentication
  std::string password;
  std::string from;
  absl::Duration timeout = absl::Seconds(20);
};

class SmtpMailSender final : public MailSender {
 public:
  explicit SmtpMailSender(SmtpOptions options);
  absl::Status Send(const MailMessage& message) override;

 private:
  SmtpOptions options_;
};

}  // namespace meltingdoc::identity
