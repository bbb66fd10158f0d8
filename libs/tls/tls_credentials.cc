#include "libs/tls/tls_credentials.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "libs/tls/tls_flags.h"

namespace meltingdoc::tls {
namespace {

absl::Status CheckPemFile(const char* flag, const std::string& path, absl::string_view marker) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " is empty: --tls_cert, --tls_key and --tls_ca go together"));
  }
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  if (!absl::StrContains(content.str(), marker)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", path, " holds no PEM ", marker, " block"));
  }
  return absl::OkStatus();
}

unsigned int RefreshSeconds(const TlsFiles& files) {
  return static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(files.refresh)));
}

std::shared_ptr<grpc::experimental::CertificateProviderInterface> WatchFiles(const TlsFiles& files) {
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.ca, RefreshSeconds(files));
}

}  // namespace

TlsFiles TlsFilesFromFlags() {
  TlsFiles files;
  files.cert = absl::GetFlag(FLAGS_tls_cert);
  files.key = absl::GetFlag(FLAGS_tls_key);
  files.ca = absl::GetFlag(FLAGS_tls_ca);
  files.refresh = absl::GetFlag(FLAGS_tls_refresh);
  return files;
}

absl::Status ValidateTlsFiles(const TlsFiles& files) {
  if (!files.enabled()) return absl::OkStatus();
  if (absl::Status s = CheckPemFile("tls_cert", files.cert, "CERTIFICATE-----"); !s.ok()) return s;
  if (absl::Status s = CheckPemFile("tls_key", files.key, "PRIVATE KEY-----"); !s.ok()) return s;
  return CheckPemFile("tls_ca", files.ca, "CERTIFICATE-----");
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureServerCredentials();
  if (absl::Status s = ValidateTlsFiles(files); !s.ok()) return s;
  grpc::experimental::TlsServerCredentialsOptions options(WatchFiles(files));
  options.watch_identity_key_cert_pairs();
  options.watch_root_certs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::experimental::TlsServerCredentials(options);
  if (creds == nullptr) return absl::InternalError("gRPC refused the TLS server options");
  return creds;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureChannelCredentials();
  if (absl::Status s = ValidateTlsFiles(files); !s.ok()) return s;
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(WatchFiles(files));
  options.watch_identity_key_cert_pairs();
  options.watch_root_certs();
  options.set_verify_server_certs(true);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::experimental::TlsCredentials(options);
  if (creds == nullptr) return absl::InternalError("gRPC refused the TLS channel options");
  return creds;
}

}  // namespace meltingdoc::tls
