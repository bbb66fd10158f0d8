// PostgreSQL for tests.
//  - LocalPostgres: a private cluster (initdb in a temp dir, own port, trust auth on
//    127.0.0.1) for tests that stop and restart the server. ~2 s to create.
//  - ScratchDatabase: a fresh database, bootstrapped with deploy/sql/bootstrap.sql (one
//    schema and role per service), on any cluster; dropped when the object goes away.
// Both run the real server binaries; when the test runs as root they run as user postgres.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace meltingdoc::testing {

class LocalPostgres {
 public:
  static absl::StatusOr<std::unique_ptr<LocalPostgres>> Create();
  // A cluster kept in `dir` (benchmarks that cache generated data between runs): initdb when
  // `dir`/data does not exist yet, then start it with the server options `server_options`
  // (e.g. "-c shared_buffers=1GB"); stopped, never removed, when the object goes away.
  static absl::StatusOr<std::unique_ptr<LocalPostgres>> OpenPersistent(
      const std::string& dir, const std::string& server_options);
  ~LocalPostgres();

  int port() const { return port_; }
  absl::Status Start();
  // `pg_ctl stop -m immediate`: like a crash, no shutdown checkpoint.
  absl::Status StopImmediate();

 private:
  LocalPostgres(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  std::string dir_;
  int port_;
  bool persistent_ = false;
  std::string server_options_;
};

class ScratchDatabase {
 public:
  // Creates database `meltingdoc_test_<random>` on the cluster at 127.0.0.1:`port`.
  static absl::StatusOr<std::unique_ptr<ScratchDatabase>> Create(int port);
  // Database `name`, created and bootstrapped unless it exists; kept when the object goes away
  // (with LocalPostgres::OpenPersistent).
  static absl::StatusOr<std::unique_ptr<ScratchDatabase>> OpenPersistent(int port,
                                                                         const std::string& name);
  ~ScratchDatabase();

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  // Connection URL for a role (a service name, or "postgres" for the superuser).
  std::string Url(const std::string& role) const;
  // Runs SQL as the superuser through psql; returns psql's output or an error with it.
  absl::StatusOr<std::string> SuperuserSql(const std::string& sql) const;

 private:
  ScratchDatabase(int port, std::string name) : port_(port), name_(std::move(name)) {}
  int port_;
  std::string name_;
  bool persistent_ = false;
};

// "runuser -u postgres -- " when running as root (PostgreSQL refuses to run as root), else "".
std::string AsPostgresUser();

}  // namespace meltingdoc::testing
