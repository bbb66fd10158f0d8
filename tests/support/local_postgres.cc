#include "tests/support/local_postgres.h"

#include <stdlib.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libs/common/uuid.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

absl::Status Run(const std::string& command) {
  CommandResult r = RunCommand(command);
  if (r.exit_code != 0) {
    return absl::InternalError(absl::StrCat("`", command, "` failed (", r.exit_code, "): ", r.output));
  }
  return absl::OkStatus();
}

std::string Psql(int port, const std::string& db) {
  return absl::StrCat(PostgresBinDir(), "/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ",
                      port, " -U postgres -d ", db);
}

}  // namespace

std::string AsPostgresUser() { return ::geteuid() == 0 ? "runuser -u postgres -- " : ""; }

absl::StatusOr<std::unique_ptr<LocalPostgres>> LocalPostgres::Create() {
  char tmpl[] = "/tmp/meltingdoc-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  std::string dir = tmpl;
  if (::geteuid() == 0) {
    if (absl::Status s = Run(absl::StrCat("chown postgres ", dir)); !s.ok()) return s;
  }
  if (absl::Status s = Run(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/initdb -D ", dir,
                                        "/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8"));
      !s.ok()) {
    return s;
  }
  auto pg = std::unique_ptr<LocalPostgres>(new LocalPostgres(dir, FreeTcpPort()));
  if (absl::Status s = pg->Start(); !s.ok()) return s;
  return pg;
}

absl::StatusOr<std::unique_ptr<LocalPostgres>> LocalPostgres::OpenPersistent(
    const std::string& dir, const std::string& server_options) {
  if (::access((dir + "/data/PG_VERSION").c_str(), F_OK) != 0) {
    if (absl::Status s = Run(absl::StrCat("mkdir -p ", dir)); !s.ok()) return s;
    if (::geteuid() == 0) {
      if (absl::Status s = Run(absl::StrCat("chown postgres ", dir)); !s.ok()) return s;
    }
    if (absl::Status s = Run(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/initdb -D ", dir,
                                          "/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8"));
        !s.ok()) {
      return s;
    }
  }
  auto pg = std::unique_ptr<LocalPostgres>(new LocalPostgres(dir, FreeTcpPort()));
  pg->persistent_ = true;
  pg->server_options_ = server_options;
  if (absl::Status s = pg->Start(); !s.ok()) return s;
  return pg;
}

LocalPostgres::~LocalPostgres() {
  if (persistent_) {
    // A clean shutdown (checkpoint), so that the next start needs no recovery.
    RunCommand(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/pg_ctl -D ", dir_,
                            "/data -m fast -w stop"));
    return;
  }
  RunCommand(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/pg_ctl -D ", dir_,
                          "/data -m immediate stop"));
  RunCommand(absl::StrCat("rm -rf ", dir_));
}

absl::Status LocalPostgres::Start() {
  return Run(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/pg_ctl -D ", dir_, "/data -l ", dir_,
                          "/server.log -w -t 30 -o \"-p ", port_, " -k ", dir_,
                          " -c listen_addresses=127.0.0.1 -c fsync=off ", server_options_,
                          "\" start"));
}

absl::Status LocalPostgres::StopImmediate() {
  return Run(absl::StrCat(AsPostgresUser(), PostgresBinDir(), "/pg_ctl -D ", dir_,
                          "/data -m immediate -w stop"));
}

absl::StatusOr<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(int port) {
  std::string name = "meltingdoc_test_" + NewUuid().substr(0, 8);
  if (absl::Status s = Run(absl::StrCat(Psql(port, "postgres"), " -c 'CREATE DATABASE ", name, "'"));
      !s.ok()) {
    return s;
  }
  auto db = std::unique_ptr<ScratchDatabase>(new ScratchDatabase(port, name));
  if (absl::Status s = Run(absl::StrCat(Psql(port, name), " -f ", SourceDir(),
                                        "/deploy/sql/bootstrap.sql"));
      !s.ok()) {
    return s;
  }
  return db;
}

absl::StatusOr<std::unique_ptr<ScratchDatabase>> ScratchDatabase::OpenPersistent(
    int port, const std::string& name) {
  const CommandResult exists = RunCommand(absl::StrCat(
      Psql(port, "postgres"), " -At -c \"SELECT 1 FROM pg_database WHERE datname = '", name, "'\""));
  if (exists.exit_code != 0) return absl::InternalError(exists.output);
  if (exists.output.find('1') == std::string::npos) {
    if (absl::Status s = Run(absl::StrCat(Psql(port, "postgres"), " -c 'CREATE DATABASE ", name, "'"));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Run(absl::StrCat(Psql(port, name), " -f ", SourceDir(),
                                          "/deploy/sql/bootstrap.sql"));
        !s.ok()) {
      return s;
    }
  }
  auto db = std::unique_ptr<ScratchDatabase>(new ScratchDatabase(port, name));
  db->persistent_ = true;
  return db;
}

ScratchDatabase::~ScratchDatabase() {
  if (persistent_) return;
  RunCommand(absl::StrCat(Psql(port_, "postgres"), " -c 'DROP DATABASE IF EXISTS ", name_,
                          " WITH (FORCE)'"));
}

std::string ScratchDatabase::Url(const std::string& role) const { return PgUrl(port_, role, name_); }

absl::StatusOr<std::string> ScratchDatabase::SuperuserSql(const std::string& sql) const {
  char tmpl[] = "/tmp/meltingdoc-sql-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return absl::InternalError("mkstemp failed");
  (void)!::write(fd, sql.data(), sql.size());
  ::close(fd);
  CommandResult r = RunCommand(absl::StrCat(Psql(port_, name_), " -At -f ", tmpl));
  ::unlink(tmpl);
  if (r.exit_code != 0) return absl::InternalError(r.output);
  return r.output;
}

}  // namespace meltingdoc::testing
