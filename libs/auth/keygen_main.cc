// meltingdoc-keygen --kid=<id> --out_dir=<dir> [--force]
//
// Creates the access-token signing key for identity and the public key file for verifiers:
//   <dir>/signing_key   "<kid> <base64url secret key>", mode 0600 (identity only)
//   <dir>/public_keys   "<kid> <base64url public key>" lines, mode 0644 (every service)
// An existing signing_key is never replaced without --force: replacing it logs everybody out
// once the old public key is dropped. Lines of public_keys for other kids are kept, so a
// rotation (new kid) leaves tokens signed by the old key valid until the operator removes
// its line. Never prints key material.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"
#include "libs/auth/key_file.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_signer.h"
#include "libs/common/env_flags.h"

ABSL_FLAG(std::string, kid, "", "Key id written in token headers (1-64 of A-Z a-z 0-9 . _ -).");
ABSL_FLAG(std::string, out_dir, "", "Directory for signing_key and public_keys (created 0700 "
                                    "if missing).");
ABSL_FLAG(bool, force, false, "Replace an existing signing_key.");

namespace meltingdoc::auth {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

absl::Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : ErrnoError("cannot sync", dir);
}

// Writes `contents` to `path` so that a reader never sees a partial file and a crash leaves
// either the old or the new file. The file is created with `mode` from the start (never
// briefly readable by others). With replace=false, an existing file is an error, decided
// atomically by link(2).
absl::Status WriteFileAtomically(const std::string& dir, const std::string& path,
                                 const std::string& contents, mode_t mode, bool replace) {
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoError("cannot create", tmp);
  // The umask may have removed bits we want (0644 for public keys); set the mode exactly.
  absl::Status status = absl::OkStatus();
  if (::fchmod(fd, mode) != 0) status = ErrnoError("cannot chmod", tmp);
  size_t written = 0;
  while (status.ok() && written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) status = ErrnoError("cannot write", tmp);
    else written += static_cast<size_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError("cannot sync", tmp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", tmp);
  if (status.ok()) {
    if (replace) {
      if (::rename(tmp.c_str(), path.c_str()) != 0) status = ErrnoError("cannot rename to", path);
    } else if (::link(tmp.c_str(), path.c_str()) != 0) {
      status = errno == EEXIST
                   ? absl::AlreadyExistsError(absl::StrCat(path, " already exists"))
                   : ErrnoError("cannot create", path);
    }
  }
  ::unlink(tmp.c_str());
  if (!status.ok()) return status;
  return FsyncDir(dir);
}

// The existing public_keys without any line for `kid`, so that re-running keygen for a kid
// replaces its key and other kids survive a rotation.
absl::StatusOr<std::string> OtherPublicKeys(const std::string& path, const std::string& kid) {
  absl::StatusOr<std::string> text = ReadKeyFile(path);
  if (absl::IsNotFound(text.status())) {
    return std::string(
        "# Ed25519 public keys that verify MeltingDoc access tokens: <kid> <base64url key>\n");
  }
  if (!text.ok()) return text.status();
  // Refuse to rewrite a file we could not read back as a key file.
  absl::StatusOr<std::vector<KeyLine>> lines =
      ParseKeyLines(*text, path, crypto_sign_PUBLICKEYBYTES);
  if (!lines.ok()) return lines.status();
  std::string kept;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(absl::StripAsciiWhitespace(line), absl::ByAnyChar(" \t"),
                       absl::SkipEmpty());
    if (!fields.empty() && fields[0] == kid) continue;
    absl::StrAppend(&kept, line, "\n");
  }
  return kept;
}

absl::Status Run(const std::string& kid, const std::string& out_dir, bool force) {
  if (!IsValidKeyId(kid)) {
    return absl::InvalidArgumentError("--kid: required, 1-64 of A-Z a-z 0-9 . _ -");
  }
  if (out_dir.empty()) return absl::InvalidArgumentError("--out_dir: required");
  if (::mkdir(out_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError("cannot create directory", out_dir);
  }
  const std::string signing_path = absl::StrCat(out_dir, "/signing_key");
  const std::string public_path = absl::StrCat(out_dir, "/public_keys");
  // Checked first so that a refusal changes nothing; the link(2) below closes the race.
  if (!force && Exists(signing_path)) {
    return absl::AlreadyExistsError(absl::StrCat(
        signing_path, " already exists; pass --force to replace it (tokens signed with the "
                      "old key fail once its public key is gone)"));
  }
  absl::StatusOr<std::string> public_keys = OtherPublicKeys(public_path, kid);
  if (!public_keys.ok()) return public_keys.status();

  KeyPair pair = GenerateKeyPair();
  std::string signing_line = absl::StrCat(kid, " ", Base64UrlEncode(pair.secret_key), "\n");
  sodium_memzero(pair.secret_key.data(), pair.secret_key.size());
  absl::StrAppend(&*public_keys, kid, " ", Base64UrlEncode(pair.public_key), "\n");

  // Public key first: a verifier that already trusts a key nobody signs with is harmless; a
  // signing key whose public key is missing would reject every new token.
  absl::Status status = WriteFileAtomically(out_dir, public_path, *public_keys, 0644, true);
  if (status.ok()) {
    status = WriteFileAtomically(out_dir, signing_path, signing_line, 0600, force);
  }
  sodium_memzero(signing_line.data(), signing_line.size());
  return status;
}

}  // namespace
}  // namespace meltingdoc::auth

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "meltingdoc-keygen --kid=<id> --out_dir=<dir> [--force]: writes <dir>/signing_key "
      "(mode 0600) and adds the public key to <dir>/public_keys");
  meltingdoc::ParseFlagsWithEnvironment("keygen", argc, argv);
  const std::string kid = absl::GetFlag(FLAGS_kid);
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  absl::Status status = meltingdoc::auth::Run(kid, out_dir, absl::GetFlag(FLAGS_force));
  if (!status.ok()) {
    std::fprintf(stderr, "meltingdoc-keygen: %s\n", std::string(status.message()).c_str());
    return absl::IsAlreadyExists(status) ? 3 : (absl::IsInvalidArgument(status) ? 2 : 1);
  }
  std::printf("wrote %s/signing_key and %s/public_keys for kid %s\n", out_dir.c_str(),
              out_dir.c_str(), kid.c_str());
  return 0;
}
