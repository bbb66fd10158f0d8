// A bounded pool of libpqxx connections to one service's schema.
//
// Small by default: on a 2-core machine PostgreSQL serves ~21,700 read transactions/s with 4
// clients and ~8,700 with 32, so requests should queue here, in the service, not in PostgreSQL.
// - Connections are opened lazily and replaced when broken, so the pool recovers by itself
//   after a PostgreSQL restart. Before an idle connection is handed out, one poll() checks
//   that the server has not closed it (restart, pg_terminate_backend), so the first call after
//   a restart normally succeeds; a connection that breaks during a call fails that call with
//   UNAVAILABLE and is replaced on the next. While the server is down calls fail at once with
//   UNAVAILABLE (connection refused), they do not wait for acquire_timeout.
// - An idle connection with unread input is also replaced, so do not keep LISTEN state on a
//   pooled connection across calls.
// - The pool must outlive every call running on it.
// - Acquire waits at most `acquire_timeout`, then fails with UNAVAILABLE.
// - Every connection gets `SET search_path = <schema>` and the statements `prepare` registers.
// Blocking: every call here blocks the calling thread; call it from an executor thread,
// never from a gRPC callback thread (see libs/server/executor.h).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

// Forward declarations, so this header does not pull in libpqxx. In libpqxx 6.4
// `pqxx::connection` is an alias, not a class (`class connection;` would clash with
// <pqxx/connection>), so it is redeclared here exactly as libpqxx declares it; a repeated
// identical alias is legal C++.
namespace pqxx {
class connect_direct;
template <typename CONNECTPOLICY>
class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::pg {

struct PoolOptions {
  // libpq URL, e.g. postgresql://identity@127.0.0.1:5432/meltingdoc
  std::string url;
  // Schema put first in search_path on every connection.
  std::string schema;
  int size = 4;
  absl::Duration acquire_timeout = absl::Seconds(2);
  // Per-statement limit (SET statement_timeout); zero means none.
  absl::Duration statement_timeout = absl::Seconds(10);
  // Called once on every new connection, e.g. to prepare statements (conn.prepare(...)).
  std::function<void(pqxx::connection&)> prepare;
};

class Pool {
 public:
  static std::unique_ptr<Pool> Create(PoolOptions options);
  virtual ~Pool() = default;

  // Runs `body` inside a read-write transaction on a pooled connection and commits when it
  // returns OK; rolls back otherwise. libpqxx exceptions are caught and mapped with
  // StatusFromException; a broken connection is dropped from the pool.
  virtual absl::Status InTransaction(
      const std::function<absl::Status(pqxx::transaction_base&)>& body) = 0;

  // Runs `body` in autocommit mode (pqxx::nontransaction): each statement is its own
  // transaction. For reads made of ONE statement, this saves the BEGIN and COMMIT round trips
  // (bench/README.md: about a third of a point read's database time). Several statements in
  // `body` do not see one snapshot; use InTransaction for those and for every write of more
  // than one statement (a one-statement write: WriteOneStatement below).
  virtual absl::Status ReadOneStatement(
      const std::function<absl::Status(pqxx::transaction_base&)>& body) = 0;

  // Runs `body` with a pooled connection and no transaction (for advisory locks, LISTEN,
  // or several transactions in a row). Same exception mapping.
  virtual absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& body) = 0;

  // SELECT 1 on a pooled connection; for health checks.
  virtual absl::Status Ping() = 0;

  virtual const PoolOptions& options() const = 0;
};

// Convenience for a transaction that produces a value.
template <typename T>
absl::StatusOr<T> InTransaction(Pool& pool,
                                const std::function<absl::StatusOr<T>(pqxx::transaction_base&)>& body) {
  absl::StatusOr<T> result = absl::InternalError("transaction body did not run");
  absl::Status s = pool.InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    result = body(txn);
    return result.status();
  });
  if (!s.ok()) return s;
  return result;
}

// A write made of ONE statement (a data-modifying WITH is one statement: it can insert into
// several tables, atomically) in autocommit mode, which saves the BEGIN and COMMIT round trips
// of InTransaction. Pool::ReadOneStatement runs it; only the intent differs.
template <typename T>
absl::StatusOr<T> WriteOneStatement(
    Pool& pool, const std::function<absl::StatusOr<T>(pqxx::transaction_base&)>& body);

// Convenience for a one-statement read that produces a value (see Pool::ReadOneStatement).
template <typename T>
absl::StatusOr<T> ReadOneStatement(
    Pool& pool, const std::function<absl::StatusOr<T>(pqxx::transaction_base&)>& body) {
  absl::StatusOr<T> result = absl::InternalError("read body did not run");
  absl::Status s = pool.ReadOneStatement([&](pqxx::transaction_base& txn) -> absl::Status {
    result = body(txn);
    return result.status();
  });
  if (!s.ok()) return s;
  return result;
}

template <typename T>
absl::StatusOr<T> WriteOneStatement(
    Pool& pool, const std::function<absl::StatusOr<T>(pqxx::transaction_base&)>& body) {
  return ReadOneStatement<T>(pool, body);
}

}  // namespace meltingdoc::pg
