#include "libs/server/metrics.h"

#include <boost/asio.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace meltingdoc::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Label values are method names and status code names; escape anyway, per the format.
std::string EscapeLabel(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string FormatDouble(double v) { return absl::StrFormat("%.6g", v); }

}  // namespace

MetricsRegistry::MetricsRegistry()
    : bucket_bounds_seconds_{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

void MetricsRegistry::RecordCall(absl::string_view method, absl::string_view code,
                                 absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++calls_[{std::string(method), std::string(code)}];
  Histogram& h = latency_[std::string(method)];
  if (h.bucket_counts.empty()) h.bucket_counts.assign(bucket_bounds_seconds_.size(), 0);
  for (size_t i = 0; i < bucket_bounds_seconds_.size(); ++i) {
    if (seconds <= bucket_bounds_seconds_[i]) {
      ++h.bucket_counts[i];
      break;
    }
  }
  ++h.count;
  h.sum_seconds += seconds;
}

void MetricsRegistry::AddGauge(std::string name, std::string help, std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void MetricsRegistry::AddCollector(std::function<void(std::string* out)> append) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(append));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::vector<Gauge> gauges;
  std::vector<std::function<void(std::string*)>> collectors;
  {
    absl::MutexLock lock(&mu_);
    out += "# HELP meltingdoc_grpc_calls_total gRPC calls handled, by method and status code.\n";
    out += "# TYPE meltingdoc_grpc_calls_total counter\n";
    for (const auto& [key, count] : calls_) {
      absl::StrAppend(&out, "meltingdoc_grpc_calls_total{method=\"", EscapeLabel(key.first),
                      "\",code=\"", EscapeLabel(key.second), "\"} ", count, "\n");
    }
    out += "# HELP meltingdoc_grpc_call_duration_seconds Latency of gRPC calls, by method.\n";
    out += "# TYPE meltingdoc_grpc_call_duration_seconds histogram\n";
    for (const auto& [method, h] : latency_) {
      const std::string label = EscapeLabel(method);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < bucket_bounds_seconds_.size(); ++i) {
        cumulative += h.bucket_counts[i];
        absl::StrAppend(&out, "meltingdoc_grpc_call_duration_seconds_bucket{method=\"", label,
                        "\",le=\"", FormatDouble(bucket_bounds_seconds_[i]), "\"} ", cumulative, "\n");
      }
      absl::StrAppend(&out, "meltingdoc_grpc_call_duration_seconds_bucket{method=\"", label,
                      "\",le=\"+Inf\"} ", h.count, "\n");
      absl::StrAppend(&out, "meltingdoc_grpc_call_duration_seconds_sum{method=\"", label, "\"} ",
                      FormatDouble(h.sum_seconds), "\n");
      absl::StrAppend(&out, "meltingdoc_grpc_call_duration_seconds_count{method=\"", label, "\"} ",
                      h.count, "\n");
    }
    gauges = gauges_;
    collectors = collectors_;
  }
  // Gauges are read outside the lock: a reader may take its own locks.
  for (const Gauge& g : gauges) {
    absl::StrAppend(&out, "# HELP ", g.name, " ", g.help, "\n# TYPE ", g.name, " gauge\n", g.name, " ",
                    FormatDouble(g.read()), "\n");
  }
  for (const auto& collect : collectors) collect(&out);
  return out;
}

// ---- HTTP server ----

struct MetricsHttpServer::Impl {
  const MetricsRegistry* registry;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted) Accept();
        return;
      }
      Serve(std::make_shared<tcp::socket>(std::move(socket)));
      Accept();
    });
  }

  void Serve(std::shared_ptr<tcp::socket> socket) {
    auto buffer = std::make_shared<asio::streambuf>(16 * 1024);  // requests are tiny
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::seconds(5));
    timer->async_wait([socket](boost::system::error_code ec) {
      if (!ec) {
        boost::system::error_code ignored;
        socket->close(ignored);  // a client that never finishes its request
      }
    });
    asio::async_read_until(
        *socket, *buffer, "\r\n\r\n",
        [this, socket, buffer, timer](boost::system::error_code ec, size_t) {
          timer->cancel();
          if (ec) return;
          std::string request_line;
          std::istream in(buffer.get());
          std::getline(in, request_line);
          std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
          if (request_line.rfind("GET /metrics", 0) == 0) {
            body = registry->Render();
          } else if (request_line.rfind("GET /healthz", 0) == 0) {
            body = "ok\n";
          } else {
            status = "404 Not Found";
            body = "not found\n";
          }
          auto response = std::make_shared<std::string>(absl::StrCat(
              "HTTP/1.1 ", status, "\r\nContent-Type: ", type, "\r\nContent-Length: ", body.size(),
              "\r\nConnection: close\r\n\r\n", body));
          asio::async_write(*socket, asio::buffer(*response),
                            [socket, response](boost::system::error_code, size_t) {
                              boost::system::error_code ignored;
                              socket->shutdown(tcp::socket::shutdown_both, ignored);
                            });
        });
  }
};

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const MetricsRegistry* registry, const std::string& host, int port) {
  auto impl = std::make_unique<Impl>();
  impl->registry = registry;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("metrics host ", host, ": ", ec.message()));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("metrics port ", host, ":", port, ": ", ec.message()));
  }
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(impl)));
}

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsHttpServer::~MetricsHttpServer() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MetricsHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace meltingdoc::server
