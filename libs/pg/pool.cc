#include "libs/pg/pool.h"

#include <poll.h>

#include <pqxx/pqxx>

#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/pg/errors.h"

namespace meltingdoc::pg {
namespace {

// Whether an idle connection should be thrown away before use. An idle connection has nothing
// to read; if its socket is readable (or hung up), the server has closed it — a restart or
// pg_terminate_backend() sends a FATAL message and closes — or it carries a stray notification.
// Either way a fresh connection is the safe choice, and the caller's first query after a
// restart then succeeds instead of failing with broken_connection. The check is one poll().
bool LooksDead(const pqxx::connection& conn) {
  if (!conn.is_open()) return true;
  pollfd pfd{};
  pfd.fd = conn.sock();
  if (pfd.fd < 0) return true;
  pfd.events = POLLIN;
  return ::poll(&pfd, 1, 0) != 0;  // ready, hung up, or poll failed
}

// After a failed call the connection is only reused if the failure was the statement's, not
// the connection's: SQLSTATE class 08 and 57P (server shutting down) mean the session is gone.
bool BreaksConnection(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return true;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
  }
  return false;
}

// Runs `fn`, mapping every exception; `broken` is set when the connection must be dropped.
template <typename Fn>
absl::Status Guarded(bool& broken, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    broken = BreaksConnection(e);
    return StatusFromException(e);
  } catch (...) {
    return absl::InternalError("database: unexpected non-standard exception");
  }
}

class PqxxPool final : public Pool {
 public:
  explicit PqxxPool(PoolOptions options) : options_(std::move(options)) {
    if (options_.size < 1) options_.size = 1;
  }

  absl::Status InTransaction(
      const std::function<absl::Status(pqxx::transaction_base&)>& body) override {
    return WithConnection([&](pqxx::connection& conn) -> absl::Status {
      pqxx::work txn(conn);
      absl::Status status = body(txn);
      if (status.ok()) {
        txn.commit();
      } else {
        txn.abort();
      }
      return status;
    });
  }

  absl::Status ReadOneStatement(
      const std::function<absl::Status(pqxx::transaction_base&)>& body) override {
    return WithConnection([&](pqxx::connection& conn) -> absl::Status {
      pqxx::nontransaction txn(conn);
      return body(txn);
    });
  }

  absl::Status WithConnection(
      const std::function<absl::Status(pqxx::connection&)>& body) override {
    std::unique_ptr<pqxx::connection> conn;
    if (absl::Status s = Acquire(conn); !s.ok()) return s;
    bool broken = false;
    absl::Status status = Guarded(broken, [&] { return body(*conn); });
    Release(std::move(conn), broken);
    return status;
  }

  absl::Status Ping() override {
    return WithConnection([](pqxx::connection& conn) -> absl::Status {
      pqxx::nontransaction txn(conn);
      txn.exec("SELECT 1");
      return absl::OkStatus();
    });
  }

  const PoolOptions& options() const override { return options_; }

 private:
  // Takes an idle connection, or a free slot to open a new one, waiting up to
  // acquire_timeout. `open_` counts every connection that exists or is being opened, so the
  // size cap holds while a slow connect runs outside the lock.
  absl::Status Acquire(std::unique_ptr<pqxx::connection>& out) {
    const absl::Time deadline = absl::Now() + options_.acquire_timeout;
    {
      absl::MutexLock lock(&mu_);
      while (idle_.empty() && open_ >= options_.size) {
        if (available_.WaitWithDeadline(&mu_, deadline) &&
            idle_.empty() && open_ >= options_.size) {
          return absl::UnavailableError(
              absl::StrCat("database pool: no connection within ",
                           absl::ToInt64Milliseconds(options_.acquire_timeout), "ms"));
        }
      }
      if (!idle_.empty()) {
        out = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;
      }
    }
    if (out != nullptr && !LooksDead(*out)) return absl::OkStatus();
    // Either a fresh slot, or a dead idle connection whose slot is reused.
    out.reset();
    absl::Status s = Connect(out);
    if (!s.ok()) Release(nullptr, /*broken=*/true);
    return s;
  }

  // Returns a connection to the pool, or frees its slot when it is broken (or null).
  void Release(std::unique_ptr<pqxx::connection> conn, bool broken) {
    if (conn != nullptr && (broken || !conn->is_open())) conn.reset();
    absl::MutexLock lock(&mu_);
    if (conn != nullptr) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    available_.Signal();
  }

  // Opens and configures a connection; connection failures are UNAVAILABLE.
  absl::Status Connect(std::unique_ptr<pqxx::connection>& out) {
    bool broken = false;
    return Guarded(broken, [&]() -> absl::Status {
      auto conn = std::make_unique<pqxx::connection>(options_.url);
      Configure(*conn);
      out = std::move(conn);
      return absl::OkStatus();
    });
  }

  void Configure(pqxx::connection& conn) {
    // libpqxx 6 otherwise silently reconnects a broken connection, losing the session
    // settings below; the pool replaces broken connections itself instead.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn.inhibit_reactivation(true);
#pragma GCC diagnostic pop
    pqxx::nontransaction txn(conn);
    if (!options_.schema.empty()) {
      txn.exec(absl::StrCat("SET search_path = ", conn.quote_name(options_.schema), ", extensions"));
    }
    txn.exec(absl::StrCat("SET statement_timeout = ",
                          absl::ToInt64Milliseconds(options_.statement_timeout)));
    txn.commit();
    if (options_.prepare) options_.prepare(conn);
  }

  PoolOptions options_;
  absl::Mutex mu_;
  absl::CondVar available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

std::unique_ptr<Pool> Pool::Create(PoolOptions options) {
  return std::make_unique<PqxxPool>(std::move(options));
}

}  // namespace meltingdoc::pg
