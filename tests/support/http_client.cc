#include "tests/support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::string HttpResult::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

struct HttpConnection::Impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  int port = 0;
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

absl::StatusOr<std::unique_ptr<HttpConnection>> HttpConnection::Open(int port) {
  auto impl = std::make_unique<Impl>();
  beast::error_code ec;
  impl->stream.expires_after(std::chrono::seconds(5));
  impl->stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (ec) return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": ", ec.message()));
  impl->port = port;
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
}

absl::StatusOr<HttpResult> HttpConnection::Send(const HttpCall& call) {
  http::request<http::string_body> req(http::string_to_verb(call.method), call.target, 11);
  if (req.method() == http::verb::unknown) req.method_string(call.method);
  // As curl and browsers write it; a Host in call.headers replaces it.
  req.set(http::field::host, absl::StrCat("127.0.0.1:", impl_->port));
  for (const auto& [k, v] : call.headers) {
    if (absl::EqualsIgnoreCase(k, "host")) {
      req.set(http::field::host, v);
    } else {
      req.insert(k, v);
    }
  }
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" || call.method == "PATCH") {
    req.body() = call.body;
    req.prepare_payload();
  }
  beast::error_code ec;
  impl_->stream.expires_after(absl::ToChronoNanoseconds(call.timeout));
  http::write(impl_->stream, req, ec);
  // A server that refuses a large body may answer before reading it: still read the answer.
  if (ec && ec != asio::error::broken_pipe && ec != asio::error::connection_reset) {
    return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (call.method == "HEAD") parser.skip(true);
  http::read(impl_->stream, impl_->buffer, parser, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
  auto res = parser.release();
  HttpResult result;
  result.status = res.result_int();
  for (const auto& field : res) {
    result.headers.emplace(absl::AsciiStrToLower(std::string(field.name_string())), std::string(field.value()));
  }
  result.body = std::move(res.body());
  return result;
}

absl::StatusOr<HttpResult> HttpRequest(int port, const HttpCall& call) {
  auto conn = HttpConnection::Open(port);
  if (!conn.ok()) return conn.status();
  return (*conn)->Send(call);
}

absl::StatusOr<HttpResult> HttpGetAs(int port, const std::string& target, const std::string& token) {
  HttpCall call;
  call.target = target;
  if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
  return HttpRequest(port, call);
}

}  // namespace meltingdoc::testing
