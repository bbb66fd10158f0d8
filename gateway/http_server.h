// HTTP/1.1 server on Boost.Beast: keep-alive, `io_threads` threads each running its own
// io_context, connections spread over them round-robin (a connection stays on one thread).
// The handler answers asynchronously (from any thread) so an I/O thread never waits on a
// backend.
//
// Framing errors are answered by the server itself through the handler's EarlyError: a body
// over `max_body_bytes` (413, also announced by Content-Length before the body is read), a
// header block over `max_header_bytes` (431), malformed HTTP (400). After those the
// connection is closed.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace meltingdoc::gateway {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/v1/spaces?page_size=10"
  std::string path;    // "/v1/spaces" (still percent-encoded)
  std::string query;   // "page_size=10"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote_address;

  // The first header called `name` (lower case), or nullopt.
  std::optional<absl::string_view> Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response

  void SetHeader(std::string name, std::string value);
  // Another header of that name (Set-Cookie).
  void AddHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

using Respond = std::function<void(HttpResponse)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must call `respond` exactly once, from any thread. The connection stays open until then
  // (idle_timeout is for an idle client, not a pending answer), so the handler's own deadlines
  // bound the client's wait; the gateway refuses at start-up waits not well below idle_timeout.
  virtual void Handle(HttpRequest request, Respond respond) = 0;
  // The answer to a request the server refused before it was complete (413, 431, 400).
  virtual HttpResponse EarlyError(int status, absl::string_view detail) = 0;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  int io_threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  absl::Duration idle_timeout = absl::Seconds(60);     // keep-alive between requests
  absl::Duration request_timeout = absl::Seconds(30);  // to receive a whole request
};

class HttpServer {
 public:
  // Binds and starts the I/O threads. `handler` must outlive the server.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           HttpHandler* handler);
  ~HttpServer();  // Stop()

  int port() const;
  // Stops accepting, closes connections, joins the I/O threads. Idempotent.
  void Stop();
  size_t open_connections() const;

  struct Impl;  // public for the connection class in the .cc file

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meltingdoc::gateway
