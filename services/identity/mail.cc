#include "services/identity/mail.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libs/common/uuid.h"

namespace meltingdoc::identity {
namespace {

bool IsPlainAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Header values never carry CR or LF (no header injection from user input).
std::string HeaderSafe(const std::string& s) {
  return absl::StrReplaceAll(s, {{"\r", " "}, {"\n", " "}});
}

std::string EncodeHeaderWord(const std::string& s) {
  const std::string safe = HeaderSafe(s);
  if (IsPlainAscii(safe)) return safe;
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(safe), "?=");
}

std::string Crlf(const std::string& body) {
  std::string out;
  for (char c : body) {
    if (c == '\r') continue;
    if (c == '\n') out += "\r\n"; else out.push_back(c);
  }
  return out;
}

}  // namespace

std::string FormatMessage(const std::string& from, const MailMessage& message, absl::Time date,
                          const std::string& message_id) {
  return absl::StrCat(
      "From: ", HeaderSafe(from), "\r\n",
      "To: ", HeaderSafe(message.to), "\r\n",
      "Subject: ", EncodeHeaderWord(message.subject), "\r\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()), "\r\n",
      "Message-ID: <", message_id, "@meltingdoc>\r\n",
      "MIME-Version: 1.0\r\n",
      "Content-Type: text/plain; charset=utf-8\r\n",
      // 8bit: readable .eml files; every SMTP server of this decade accepts 8BITMIME.
      "Content-Transfer-Encoding: 8bit\r\n",
      "\r\n", Crlf(message.body));
}

absl::StatusOr<std::unique_ptr<FileMailSender>> FileMailSender::Create(std::string dir, std::string from) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create mail directory ", dir, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("mail directory ", dir, " is not a directory"));
  }
  return std::unique_ptr<FileMailSender>(new FileMailSender(std::move(dir), std::move(from)));
}

absl::Status FileMailSender::Send(const MailMessage& message) {
  const absl::Time now = absl::Now();
  const std::string id = NewUuid();
  const std::string text = FormatMessage(from_, message, now, id);
  const std::string name = absl::StrCat(absl::ToUnixMicros(now), "-", id, ".eml");
  const std::string tmp = absl::StrCat(dir_, "/.", name, ".tmp");
  const std::string final_path = absl::StrCat(dir_, "/", name);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot write mail in ", dir_, ": ", std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::UnavailableError(absl::StrCat("cannot write mail in ", dir_));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write mail in ", dir_));
  }
  return absl::OkStatus();
}

SmtpMailSender::SmtpMailSender(SmtpOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

struct Upload {
  const std::string* text;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->text->size() - upload->offset);
  std::memcpy(buffer, upload->text->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

absl::Status SmtpMailSender::Send(const MailMessage& message) {
  const std::string text = FormatMessage(options_.from, message, absl::Now(), NewUuid());
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return absl::InternalError("curl_easy_init failed");
  Upload upload{&text};
  curl_slist* recipients = curl_slist_append(nullptr, HeaderSafe(message.to).c_str());
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
    // Credentials never travel in clear: smtp:// must upgrade with STARTTLS.
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else {
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, HeaderSafe(options_.from).c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(recipients);
  if (rc != CURLE_OK) {
    // curl's message names the failure (connection, TLS, authentication), never the body.
    return absl::UnavailableError(absl::StrCat("smtp: ", curl_easy_strerror(rc)));
  }
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
