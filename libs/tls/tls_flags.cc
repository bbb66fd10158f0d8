#include "libs/tls/tls_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate (chain) of this process, for mutual TLS. With --tls_key and --tls_ca "
          "set, gRPC is served and called over TLS only, and a peer without a certificate "
          "signed by --tls_ca is refused. All three empty: plaintext.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_ca, "", "PEM certificate(s) of the CA that signs every peer's certificate.");
ABSL_FLAG(absl::Duration, tls_refresh, absl::Minutes(1),
          "How often the three TLS files are re-read, so that renewed certificates (cert-manager) "
          "are used without a restart.");
