#include "gateway/http_server.h"

#include <sys/socket.h>

#include <cerrno>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace meltingdoc::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::optional<absl::string_view> HttpRequest::Header(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return absl::string_view(v);
  }
  return std::nullopt;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

// One io_context per I/O thread (concurrency hint 1), connections spread round-robin, as
// nginx spreads them over workers: a connection's work never hops between threads, and no
// thread is woken for another's timers. (One io_context run by N threads measured 125 us p50
// for /healthz at one request in flight, against 49 us for this.)
struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler* handler = nullptr;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  size_t next_context = 0;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<size_t> connections{0};
  std::atomic<bool> stopped{false};

  void Accept();
};

namespace {

std::chrono::steady_clock::duration ToSteady(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(absl::ToChronoNanoseconds(d));
}

class Session;
// The session whose handler is running on this thread, on its strand: an answer given
// synchronously from inside Handle() is written at once instead of posted.
thread_local Session* tl_handling = nullptr;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server), idle_timer_(stream_.get_executor()) {
    ++server_->connections;
  }
  ~Session() { --server_->connections; }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  // `ahead`: armed while the current request's answer is still pending (see OnRequest).
  void ReadHeader(bool ahead = false) {
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    if (ahead) {
      // No Beast timeout on this read: Beast's timer closes the socket by itself, outside mu_,
      // while another thread may be sending the answer on it (see closed_). The idle timeout
      // is our own timer instead, which waits for the answer (OnIdle).
      stream_.expires_never();
      ArmIdleTimer(ToSteady(server_->options.idle_timeout));
      http::async_read_header(stream_, buffer_, *parser_,
                              [self = shared_from_this()](beast::error_code ec, size_t) { self->OnNextHeader(ec); });
      return;
    }
    stream_.expires_after(ToSteady(server_->options.idle_timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // A request without a body (most: GET) is complete already; re-arming the timer for the
    // body would cost a timerfd_settime(2) only to be cancelled at once.
    if (!parser_->is_done()) stream_.expires_after(ToSteady(server_->options.request_timeout));
    const auto& req = parser_->get();
    if (absl::EqualsIgnoreCase(std::string(req[http::field::expect]), "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    // Most requests (GET) have no body: the header read finished them; skip the read's
    // extra trip through the queue.
    if (parser_->is_done()) return OnRequest({});
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRequest(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return SendAndClose(server_->handler->EarlyError(
          413, absl::StrCat("The request body is larger than ", server_->options.max_body_bytes, " bytes.")));
    }
    if (ec == http::error::header_limit) {
      return SendAndClose(server_->handler->EarlyError(431, "The request headers are too large."));
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return SendAndClose(server_->handler->EarlyError(400, "Malformed HTTP request."));
    }
    Close();  // end of stream, timeout, reset: nothing to answer
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    const size_t q = request.target.find('?');
    request.path = request.target.substr(0, q);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);
    request.headers.reserve(std::distance(req.begin(), req.end()));
    for (const auto& field : req) {
      request.headers.emplace_back(absl::AsciiStrToLower(std::string(field.name_string())),
                                   std::string(field.value()));
    }
    request.body = std::move(req.body());
    if (remote_address_.empty()) {  // one getpeername(2) per connection, not per request
      beast::error_code ignored;
      const auto remote = stream_.socket().remote_endpoint(ignored);
      if (!ignored) remote_address_ = remote.address().to_string();
    }
    request.remote_address = remote_address_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      answer_pending_ = true;
      read_armed_ = false;
      parked_ = false;
    }
    answered_here_ = false;
    tl_handling = this;
    server_->handler->Handle(std::move(request), [self = shared_from_this()](HttpResponse response) {
      // Answered at once (health, static, errors): write from here, no hop through the queue.
      if (tl_handling == self.get()) {
        self->answered_here_ = true;
        return self->Write(std::move(response));
      }
      self->SendFromAnotherThread(std::move(response));
    });
    tl_handling = nullptr;
    if (answered_here_) return;
    // The answer will come from another thread. Read the next request meanwhile, so that the
    // socket itself wakes this thread when it arrives: the answering thread then only sends
    // (one send(2)) and wakes no one — no post to this thread, no timer re-armed, on the path
    // between an answer and the next request. A request read before its predecessor's answer
    // is sent (pipelining) waits in OnNextHeader.
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!answer_pending_) return;  // already sent; the sender posted the follow-up
      read_armed_ = true;
    }
    ReadHeader(/*ahead=*/true);
  }

  // The read armed while an answer was pending completed (or failed: a closed connection).
  // While the answer is still on its way, the socket must stay as it is (another thread is
  // sending on it): the outcome waits for the sender, who resumes it.
  void OnNextHeader(beast::error_code ec) {
    idle_timer_.cancel();
    {
      std::lock_guard<std::mutex> lock(mu_);
      read_armed_ = false;
      if (answer_pending_) {
        parked_ = true;
        parked_ec_ = ec;
        return;
      }
    }
    OnHeader(ec);
  }

  void ArmIdleTimer(std::chrono::steady_clock::duration after) {
    idle_timer_.expires_after(after);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) { self->OnIdle(ec); });
  }

  // The idle timeout of the read armed while an answer was pending. It applies to an idle
  // client, not to a slow backend: while the answer is pending the connection stays open (the
  // handler's own deadline bounds that wait, HttpHandler::Handle); once it is sent, the client
  // gets idle_timeout from then.
  void OnIdle(beast::error_code ec) {
    if (ec || idle_timer_.expiry() > std::chrono::steady_clock::now()) return;  // cancelled, re-armed
    std::chrono::steady_clock::duration again{};
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || !read_armed_) return;  // the read completed: not idle
      const auto idle = ToSteady(server_->options.idle_timeout);
      const auto since = std::chrono::steady_clock::now() - answered_at_;
      if (answer_pending_) {
        again = idle;
      } else if (since < idle) {
        again = idle - since;
      }
    }
    if (again.count() > 0) return ArmIdleTimer(again);
    Close();
  }

  // The answer of the current request is fully sent (or failed): on the I/O thread, what
  // follows — close, read the next request, or resume the one already read.
  void AfterAnswer(bool keep_alive) {
    const AnswerDone next = MarkAnswered();
    if (!keep_alive) return Close();
    if (next.parked) return OnHeader(next.parked_ec);
    if (!next.armed) ReadHeader();
  }

  // The answer is out: from now on the I/O thread may use the socket again. What it was doing
  // meanwhile (any thread).
  struct AnswerDone {
    bool armed = false;   // a read of the next request is pending
    bool parked = false;  // that read completed meanwhile, with parked_ec
    beast::error_code parked_ec;
  };
  AnswerDone MarkAnswered() {
    std::lock_guard<std::mutex> lock(mu_);
    return MarkAnsweredLocked();
  }
  AnswerDone MarkAnsweredLocked() {
    AnswerDone d{read_armed_, parked_, parked_ec_};
    answer_pending_ = false;
    answered_at_ = std::chrono::steady_clock::now();
    parked_ = false;
    return d;
  }

  std::shared_ptr<http::response<http::string_body>> ToBeast(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version_);
    for (auto& [name, value] : response.headers) res->insert(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    return res;
  }

  void Write(HttpResponse response) {
    const bool keep_alive = keep_alive_ && !response.close && !server_->stopped;
    auto res = ToBeast(std::move(response), keep_alive);
    stream_.expires_after(ToSteady(server_->options.request_timeout));
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
      if (ec || !keep_alive) return self->Close();
      self->ReadHeader();
    });
  }

  // An answer given on another thread (a gRPC completion, a Redis executor): sent from that
  // thread at once with one non-blocking send(2), instead of waking this connection's I/O
  // thread to send it (a cross-thread wake-up on the path of every backend answer). The I/O
  // thread has usually armed the next request's read already (OnRequest), so nothing else
  // is needed; only what the socket did not take, a close, or a next request read before
  // this answer goes back to the I/O thread. The send and the descriptor it uses are under
  // mu_, and the socket is closed only under mu_ (see closed_), so the answer goes to this
  // connection or nowhere, never to a descriptor number the kernel has given to another.
  void SendFromAnotherThread(HttpResponse response) {
    const bool keep_alive = keep_alive_ && !response.close && !server_->stopped;
    auto bytes = std::make_shared<std::string>(Serialize(ToBeast(std::move(response), keep_alive)));
    size_t sent = 0;
    bool failed = false;
    AnswerDone next;
    {
      // send(2) is non-blocking: holding mu_ across it only makes a Close() wait for it.
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) {  // nobody to answer
        MarkAnsweredLocked();
        return;
      }
      while (sent < bytes->size()) {
        const ssize_t n = ::send(stream_.socket().native_handle(), bytes->data() + sent, bytes->size() - sent,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
          sent += static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else {
          failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
          break;
        }
      }
      if (!failed && sent == bytes->size() && keep_alive) next = MarkAnsweredLocked();
    }
    if (!failed && sent == bytes->size() && keep_alive) {
      // The usual case: all sent. Nothing to do on the I/O thread unless it has no read armed
      // yet or already read the next request.
      if (next.parked) {
        asio::post(stream_.get_executor(),
                   [self = shared_from_this(), ec = next.parked_ec] { self->OnHeader(ec); });
      } else if (!next.armed) {
        asio::post(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
      }
      return;
    }
    asio::post(stream_.get_executor(), [self = shared_from_this(), bytes, sent, failed, keep_alive] {
      if (failed) return self->AfterAnswer(/*keep_alive=*/false);
      if (sent < bytes->size()) {
        self->stream_.expires_after(ToSteady(self->server_->options.request_timeout));
        asio::async_write(self->stream_, asio::buffer(bytes->data() + sent, bytes->size() - sent),
                          [self, bytes, keep_alive](beast::error_code ec, size_t) {
                            self->AfterAnswer(keep_alive && !ec);
                          });
        return;
      }
      self->AfterAnswer(keep_alive);
    });
  }

  // The bytes Beast would write for `res`.
  static std::string Serialize(const std::shared_ptr<http::response<http::string_body>>& res) {
    std::string out;
    http::serializer<false, http::string_body> sr{*res};
    beast::error_code ec;
    while (!ec && !sr.is_done()) {
      sr.next(ec, [&](beast::error_code& error, const auto& buffers) {
        error = {};
        size_t n = 0;
        for (const auto b : beast::buffers_range_ref(buffers)) {
          out.append(static_cast<const char*>(b.data()), b.size());
          n += b.size();
        }
        sr.consume(n);
      });
    }
    return out;
  }

  // For refused requests whose body may still be arriving: answer, stop sending, and drain
  // for a moment so the client reads the answer instead of a connection reset.
  void SendAndClose(HttpResponse response) {
    auto res = ToBeast(std::move(response), /*keep_alive=*/false);
    stream_.expires_after(std::chrono::seconds(2));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->Drain();
    });
  }

  void Drain() {
    auto scratch = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return;
      closed_ = true;
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
    }
    idle_timer_.cancel();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string remote_address_;
  bool answered_here_ = false;  // the handler answered inside Handle()
  asio::steady_timer idle_timer_;  // the idle timeout of a read armed ahead (OnIdle)
  // Between the I/O thread and the thread sending an answer (see OnRequest).
  std::mutex mu_;
  // The socket is closed under mu_ (Close()) and SendFromAnotherThread sends under mu_ only
  // if !closed_: a close never races with that send, which would otherwise send on a number
  // the kernel may have handed to the next accepted connection (another client's answer).
  // Beast closes the socket by itself only on a timeout of one of its operations, so none is
  // given a timeout while another thread may send (from Handle() to the answer: the read
  // ahead has none, ReadHeader); Session's destructor closes it when no one else holds it.
  bool closed_ = false;
  bool answer_pending_ = false;  // the current request's answer is not fully sent
  std::chrono::steady_clock::time_point answered_at_;  // when it last stopped being pending
  bool read_armed_ = false;      // the next request's read is armed (OnNextHeader pending)
  bool parked_ = false;          // ... and completed while the answer was pending
  beast::error_code parked_ec_;
};

}  // namespace

void HttpServer::Impl::Accept() {
  asio::io_context& target = *contexts[next_context++ % contexts.size()];
  acceptor->async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && !stopped) Accept();
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), this)->Start();
    Accept();
  });
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              HttpHandler* handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = handler;
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl->contexts.push_back(std::make_unique<asio::io_context>(1));
    impl->guards.push_back(asio::make_work_guard(*impl->contexts.back()));
  }
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->contexts[0]);
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("host ", options.host, ": ", ec.message()));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("listen on ", options.host, ":", options.port, ": ", ec.message()));
  impl->Accept();
  for (auto& context : impl->contexts) {
    asio::io_context* io = context.get();
    impl->threads.emplace_back([io] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->acceptor->local_endpoint().port(); }

size_t HttpServer::open_connections() const { return impl_->connections; }

void HttpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(*impl_->contexts[0], [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
  });
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace meltingdoc::gateway
