// Mutual TLS for gRPC, from three PEM files: this process's certificate and key, and the CA
// that signs every peer. The same files serve both directions: a server requires and verifies
// the client's certificate, a client presents its own and verifies the server's (its name must
// match the address dialled: DNS name or IP SAN).
//
// The files are watched (gRPC's FileWatcherCertificateProvider, every TlsFiles::refresh), so
// certificates renewed in place — cert-manager updating a mounted Secret — are picked up
// without a restart. They are read once at start-up too, so that a missing or malformed file
// fails the start instead of every handshake later.
//
//   TlsFiles tls = TlsFilesFromFlags();                      // --tls_cert --tls_key --tls_ca
//   auto server_creds = ServerCredentials(tls);              // insecure when !tls.enabled()
//   auto channel = grpc::CreateChannel(addr, *ChannelCredentials(tls));
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace meltingdoc::tls {

struct TlsFiles {
  std::string cert;  // PEM certificate (chain)
  std::string key;   // PEM private key
  std::string ca;    // PEM CA certificate(s) trusted for peers
  absl::Duration refresh = absl::Minutes(1);

  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }
};

// From --tls_cert, --tls_key, --tls_ca, --tls_refresh.
TlsFiles TlsFilesFromFlags();

// OK when TLS is off (all three empty), or when all three are set, readable, and hold what they
// should (a certificate, a private key, a certificate). Otherwise INVALID_ARGUMENT naming the flag.
absl::Status ValidateTlsFiles(const TlsFiles& files);

// Insecure credentials when TLS is off; else TLS that requires a client certificate signed by
// the CA (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const TlsFiles& files);

// Insecure credentials when TLS is off; else TLS presenting our certificate and trusting only
// the CA for the server's.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(const TlsFiles& files);

}  // namespace meltingdoc::tls
