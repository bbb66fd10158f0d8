// A plain HTTP/1.1 client for tests and benchmarks (Boost.Beast, synchronous, one connection
// per request unless a HttpConnection is kept): the gateway seen as a browser or curl sees it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meltingdoc::testing {

struct HttpResult {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
  // The first value of header `name` (lower case), or "".
  std::string Header(const std::string& name) const;
};

struct HttpCall {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(10);
};

// One request on a new connection to 127.0.0.1:port.
absl::StatusOr<HttpResult> HttpRequest(int port, const HttpCall& call);

// Convenience: GET with an optional bearer token.
absl::StatusOr<HttpResult> HttpGetAs(int port, const std::string& target, const std::string& token = "");

// A kept-alive connection (benchmarks, keep-alive tests).
class HttpConnection {
 public:
  static absl::StatusOr<std::unique_ptr<HttpConnection>> Open(int port);
  ~HttpConnection();
  absl::StatusOr<HttpResult> Send(const HttpCall& call);

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meltingdoc::testing
