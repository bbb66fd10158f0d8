#include "services/search/pg_reindex_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/pg/errors.h"
#include "services/search/sql_params.h"

namespace meltingdoc::search {
namespace {

// Taken shared by every consumer transaction, exclusively by Begin, Switch and Abandon.
constexpr char kRebuildLock[] =
    "SELECT pg_advisory_xact_lock(hashtextextended('meltingdoc.search.reindex', 0))";
constexpr char kRebuildLockShared[] =
    "SELECT pg_advisory_xact_lock_shared(hashtextextended('meltingdoc.search.reindex', 0))";
// DDL and bulk writes of a rebuild take longer than the pool's per-statement limit.
constexpr char kLongStatements[] = "SET LOCAL statement_timeout = '10min'";
constexpr int kApplyAttempts = 5;
constexpr int kSwitchAttempts = 100;

std::string Copy(const std::string& table) { return absl::StrCat(kRebuildPrefix, table); }

void DropCopies(pqxx::transaction_base& txn) {
  txn.exec(absl::StrCat("DROP TABLE IF EXISTS ", absl::StrJoin(RebuildTables().all(), ", ")));
}

// rebuild_<table> from the live table's catalog: columns with their defaults and checks, then
// primary key, unique and exclusion constraints, foreign keys (to the copies), and the other
// indexes, every name prefixed (index and constraint names share the schema's namespace).
absl::Status CreateCopy(pqxx::transaction_base& txn, const std::string& table) {
  const std::string copy = Copy(table);
  txn.exec(absl::StrCat("CREATE TABLE ", txn.quote_name(copy), " (LIKE ", txn.quote_name(table),
                        " INCLUDING ALL EXCLUDING INDEXES)"));
  SqlParams c;
  const pqxx::result constraints = c.Exec(
      txn, absl::StrCat("SELECT conname, pg_get_constraintdef(oid), "
                        "CASE WHEN contype = 'f' THEN confrelid::regclass::text ELSE '' END "
                        "FROM pg_constraint WHERE conrelid = ", c.Text(table), "::regclass "
                        "AND contype IN ('p', 'u', 'x', 'f') ORDER BY contype = 'f', conname"));
  for (const pqxx::row& r : constraints) {
    std::string def = r[1].as<std::string>();
    const std::string referenced = r[2].as<std::string>();
    if (!referenced.empty()) {
      const std::string from = absl::StrCat("REFERENCES ", referenced, "(");
      const size_t at = def.find(from);
      if (at == std::string::npos) {
        return absl::InternalError(absl::StrCat("reindex: unexpected foreign key on ", table));
      }
      def.replace(at, from.size(), absl::StrCat("REFERENCES ", txn.quote_name(Copy(referenced)), "("));
    }
    txn.exec(absl::StrCat("ALTER TABLE ", txn.quote_name(copy), " ADD CONSTRAINT ",
                          txn.quote_name(Copy(r[0].as<std::string>())), " ", def));
  }
  SqlParams i;
  const pqxx::result indexes = i.Exec(
      txn, absl::StrCat("SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                        "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = ",
                        i.Text(table), "::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
                        "WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid) "
                        "ORDER BY c.relname"));
  for (const pqxx::row& r : indexes) {
    // "CREATE [UNIQUE] INDEX <name> ON <schema>.<table> USING <method> (...) [WHERE ...]"
    const std::string name = r[0].as<std::string>();
    const std::string def = r[1].as<std::string>();
    const size_t name_at = def.find(absl::StrCat(" ", name, " ON "));
    const size_t using_at = def.find(" USING ");
    if (name_at == std::string::npos || using_at == std::string::npos || using_at < name_at) {
      return absl::InternalError(absl::StrCat("reindex: unexpected index definition on ", table));
    }
    txn.exec(absl::StrCat(def.substr(0, name_at + 1), txn.quote_name(Copy(name)), " ON ",
                          txn.quote_name(copy), def.substr(using_at)));
  }
  // Row triggers (doctors' change_xid stamp, migration 0004): trigger names are per table, so
  // the copy's keep the live names and go with it when it is renamed.
  SqlParams g;
  const pqxx::result triggers = g.Exec(
      txn, absl::StrCat("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = ",
                        g.Text(table), "::regclass AND NOT tgisinternal ORDER BY tgname"));
  for (const pqxx::row& r : triggers) {
    // "CREATE TRIGGER <name> BEFORE ... ON <schema>.<table> FOR EACH ROW EXECUTE FUNCTION ..."
    const std::string def = r[1].as<std::string>();
    const size_t on_at = def.find(" ON ");
    const size_t for_at = def.find(" FOR EACH ");
    if (on_at == std::string::npos || for_at == std::string::npos || for_at < on_at) {
      return absl::InternalError(absl::StrCat("reindex: unexpected trigger definition on ", table));
    }
    txn.exec(absl::StrCat(def.substr(0, on_at), " ON ", txn.quote_name(copy), def.substr(for_at)));
  }
  return absl::OkStatus();
}

// After `rebuild_<table>` was renamed to `table`: its constraints and indexes get the live
// names back.
void RenameCopyParts(pqxx::transaction_base& txn, const std::string& table) {
  SqlParams c;
  const pqxx::result constraints = c.Exec(
      txn, absl::StrCat("SELECT conname FROM pg_constraint WHERE conrelid = ", c.Text(table),
                        "::regclass AND starts_with(conname, ", c.Text(kRebuildPrefix), ")"));
  for (const pqxx::row& r : constraints) {
    const std::string name = r[0].as<std::string>();
    txn.exec(absl::StrCat("ALTER TABLE ", txn.quote_name(table), " RENAME CONSTRAINT ",
                          txn.quote_name(name), " TO ",
                          txn.quote_name(name.substr(sizeof(kRebuildPrefix) - 1))));
  }
  SqlParams i;
  const pqxx::result indexes = i.Exec(
      txn, absl::StrCat("SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                        "WHERE x.indrelid = ", i.Text(table), "::regclass AND starts_with(c.relname, ",
                        i.Text(kRebuildPrefix), ")"));
  for (const pqxx::row& r : indexes) {
    const std::string name = r[0].as<std::string>();
    txn.exec(absl::StrCat("ALTER INDEX ", txn.quote_name(name), " RENAME TO ",
                          txn.quote_name(name.substr(sizeof(kRebuildPrefix) - 1))));
  }
}

// The owner of the running rebuild, row locked; "" when none runs.
std::string LockState(pqxx::transaction_base& txn) {
  const pqxx::result r =
      txn.exec("SELECT CASE WHEN running THEN owner::text ELSE '' END FROM reindex_state FOR UPDATE");
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
}

}  // namespace

const IndexTables& RebuildTables() {
  static const IndexTables* const tables = new IndexTables(kRebuildPrefix);
  return *tables;
}

absl::StatusOr<bool> RebuildRunning(pqxx::transaction_base& txn) {
  try {
    txn.exec(kRebuildLockShared);
    // A separate statement: its snapshot is taken after the lock was granted.
    const pqxx::result r = txn.exec("SELECT running FROM reindex_state");
    return !r.empty() && r[0][0].as<bool>();
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

absl::StatusOr<std::string> PgReindexStore::Begin() {
  const std::string owner = NewUuid();
  RETURN_IF_ERROR(pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec(kLongStatements);
    txn.exec(kRebuildLock);
    SqlParams p;
    const pqxx::result r = p.Exec(
        txn, absl::StrCat("SELECT running AND heartbeat_at > now() - make_interval(secs => ",
                          p.Double(absl::ToDoubleSeconds(kReindexLease)),
                          ")  FROM reindex_state FOR UPDATE"));
    if (r.empty()) return absl::InternalError("reindex_state has no row");
    if (r[0][0].as<bool>()) {
      return absl::FailedPreconditionError("a Reindex is already running; wait for it to finish");
    }
    DropCopies(txn);
    for (const std::string& table : IndexTables::Live().all()) RETURN_IF_ERROR(CreateCopy(txn, table));
    SqlParams u;
    u.Exec(txn, absl::StrCat("UPDATE reindex_state SET running = true, owner = ", u.Uuid(owner),
                             ", started_at = now(), heartbeat_at = now(), profiles_indexed = 0, "
                             "case_events_indexed = 0, finished_at = NULL, last_result = ''"));
    return absl::OkStatus();
  }));
  return owner;
}

absl::StatusOr<ReindexCounts> PgReindexStore::Apply(const std::string& owner,
                                                    const std::vector<events::v1::Event>& events,
                                                    int64_t profiles, int64_t case_events) {
  absl::Status last;
  for (int attempt = 0; attempt < kApplyAttempts; ++attempt) {
    ReindexCounts counts;
    last = pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
      txn.exec(kLongStatements);
      RETURN_IF_ERROR(ApplyEvents(txn, events, RebuildTables()).status());
      SqlParams p;
      const pqxx::result r = p.Exec(
          txn, absl::StrCat("UPDATE reindex_state SET heartbeat_at = now(), "
                            "profiles_indexed = profiles_indexed + ", p.Int(profiles),
                            ", case_events_indexed = case_events_indexed + ", p.Int(case_events),
                            " WHERE running AND owner = ", p.Uuid(owner),
                            " RETURNING profiles_indexed, case_events_indexed"));
      if (r.empty()) {
        return absl::FailedPreconditionError("this Reindex was taken over by another one");
      }
      counts.profiles = r[0][0].as<int64_t>();
      counts.case_events = r[0][1].as<int64_t>();
      return absl::OkStatus();
    });
    if (last.ok()) return counts;
    // A consumer applying a live event to the copies may lock lexicon words in another order.
    if (last.code() != absl::StatusCode::kAborted) return last;
    absl::SleepFor(absl::Milliseconds(20 * (attempt + 1)));
  }
  return last;
}

absl::StatusOr<std::pair<int64_t, int64_t>> PgReindexStore::Switch(const std::string& owner) {
  // Statistics for the planner before the copies serve (ANALYZE may run in a transaction).
  RETURN_IF_ERROR(pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec(kLongStatements);
    for (const std::string& table : RebuildTables().all()) {
      txn.exec(absl::StrCat("ANALYZE ", txn.quote_name(table)));
    }
    return absl::OkStatus();
  }));
  absl::Status last;
  for (int attempt = 0; attempt < kSwitchAttempts; ++attempt) {
    std::pair<int64_t, int64_t> counts;
    bool lock_timeout = false;
    last = pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
      txn.exec(kRebuildLock);  // the consumers' transactions in flight finish first
      if (LockState(txn) != owner) {
        return absl::FailedPreconditionError("this Reindex was taken over by another one");
      }
      const std::vector<std::string> live = IndexTables::Live().all();
      // Searches queue behind this lock: wait briefly, retry rather than hold them.
      txn.exec("SET LOCAL lock_timeout = '200ms'");
      try {
        txn.exec(absl::StrCat("LOCK TABLE ", absl::StrJoin(live, ", "), " IN ACCESS EXCLUSIVE MODE"));
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "55P03") throw;
        lock_timeout = true;
        return absl::UnavailableError("reindex: the live index is busy");
      }
      txn.exec("SET LOCAL lock_timeout = 0");
      txn.exec(absl::StrCat("DROP TABLE ", absl::StrJoin(live, ", ")));
      for (const std::string& table : live) {
        txn.exec(absl::StrCat("ALTER TABLE ", txn.quote_name(Copy(table)), " RENAME TO ",
                              txn.quote_name(table)));
        RenameCopyParts(txn, table);
      }
      txn.exec("UPDATE reindex_state SET running = false, owner = NULL, finished_at = now(), "
               "last_result = 'switched'");
      const pqxx::result r = txn.exec(
          "SELECT (SELECT count(*) FROM doctors WHERE NOT deleted), "
          "(SELECT count(*) FROM cases WHERE NOT deleted AND NOT hidden)");
      counts = {r[0][0].as<int64_t>(), r[0][1].as<int64_t>()};
      return absl::OkStatus();
    });
    if (last.ok()) return counts;
    if (!lock_timeout && last.code() != absl::StatusCode::kAborted) return last;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return last;
}

absl::Status PgReindexStore::Abandon(const std::string& owner, const std::string& reason) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec(kLongStatements);
    txn.exec(kRebuildLock);
    if (LockState(txn) != owner) return absl::OkStatus();  // already taken over
    DropCopies(txn);
    SqlParams p;
    p.Exec(txn, absl::StrCat("UPDATE reindex_state SET running = false, owner = NULL, "
                             "finished_at = now(), last_result = ", p.Text(reason)));
    return absl::OkStatus();
  });
}

}  // namespace meltingdoc::search
