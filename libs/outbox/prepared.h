// Prepared statements for a library that does not own the pool's connection set-up.
//
// A service registers its own statements in PoolOptions::prepare; this library cannot add to
// that hook, so each statement is registered on first use on each connection instead.
// libpqxx 6 makes this cheap and safe: connection_base::prepare() only records the definition
// (re-recording an identical one is a no-op), and the server-side PREPARE happens on the first
// exec_prepared, again after a reconnect. Names are prefixed so they cannot collide with a
// service's own statements.
#pragma once

#include <string>
#include <utility>

#include <pqxx/pqxx>

namespace meltingdoc::outbox {

struct Statement {
  const char* name;
  const char* sql;
};

template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& txn, const Statement& statement,
                          Args&&... args) {
  txn.conn().prepare(statement.name, statement.sql);
  return txn.exec_prepared(statement.name, std::forward<Args>(args)...);
}

}  // namespace meltingdoc::outbox
