// PgIdentityStore, second half: the national register (import by COPY and atomic swap,
// lookups) and verification of accounts against it (moderation queue, decisions, audit).
// Accounts and sessions are in pg_identity_store.cc.
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "services/identity/pg_identity_store.h"
#include "services/identity/verification_rules.h"

namespace meltingdoc::identity {
namespace {

using google::protobuf::util::TimeUtil;

// --- Register ---

// The register entry as JSON in the proto3 JSON mapping of v1.RegisterEntry, built in one
// statement so that it reads one version of the register even while an import swaps it.
constexpr const char* kRegisterEntryJson =
    "SELECT json_build_object("
    "  'identifier', p.identifier,"
    "  'identifierType', CASE p.identifier_type WHEN '8' THEN 'IDENTIFIER_TYPE_RPPS'"
    "                    ELSE 'IDENTIFIER_TYPE_ADELI' END,"
    "  'civility', p.civility, 'familyName', p.family_name, 'givenName', p.given_name,"
    "  'professionCode', p.profession_code, 'professionLabel', p.profession_label,"
    "  'savoirFaire', (SELECT coalesce(json_agg(json_build_object("
    "                    'typeCode', s.type_code, 'code', s.code, 'label', s.label)"
    "                    ORDER BY s.type_code <> 'S', s.code), '[]'::json)"
    "                  FROM register_savoir_faire s WHERE s.identifier = p.identifier),"
    "  'practicePlaces', (SELECT coalesce(json_agg(json_build_object("
    "                    'postcode', l.postcode, 'city', l.city) ORDER BY l.postcode, l.city),"
    "                    '[]'::json)"
    "                  FROM register_places l WHERE l.identifier = p.identifier)"
    ")::text FROM register_persons p WHERE p.identifier = $1";

absl::StatusOr<v1::RegisterEntry> EntryFromJson(const std::string& json) {
  v1::RegisterEntry entry;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &entry, options);
  if (!status.ok()) return absl::InternalError("register entry: malformed JSON from the database");
  // The specialty is the ordinal specialty (type "S"), sorted first by the query.
  for (const v1::SavoirFaire& sf : entry.savoir_faire()) {
    if (sf.type_code() == "S") {
      *entry.mutable_specialty() = sf;
      break;
    }
  }
  return entry;
}

std::string EntryToJson(const v1::RegisterEntry& entry) {
  v1::RegisterEntry copy = entry;
  copy.clear_specialty();  // derived again on read
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(copy, &json);
  return json;
}

absl::StatusOr<std::optional<v1::RegisterEntry>> LookupInTxn(pqxx::transaction_base& txn,
                                                              const std::string& identifier) {
  const pqxx::result rows = txn.exec_params(kRegisterEntryJson, identifier);
  if (rows.empty()) return std::optional<v1::RegisterEntry>();
  ASSIGN_OR_RETURN(v1::RegisterEntry entry, EntryFromJson(rows[0][0].as<std::string>()));
  return std::optional<v1::RegisterEntry>(std::move(entry));
}

// COPY text format: backslash, tab, newline and carriage return are escaped.
void AppendCopyField(std::string& out, const std::string& value) {
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(c);
    }
  }
}

// Streams rows to COPY in chunks of many lines: tablewriter adds the final line break.
// tablewriter is deprecated in libpqxx 6.4 in favour of stream_to, but stream_to's raw line
// writer is private there, and its per-row tuple escaping costs more than this loop.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
class CopyWriter {
 public:
  CopyWriter(pqxx::transaction_base& txn, const std::string& table) : writer_(txn, table) {}
  template <typename... Fields>
  void Row(const Fields&... fields) {
    if (!buffer_.empty()) buffer_.push_back('\n');
    bool first = true;
    ((first ? void() : buffer_.push_back('\t'), AppendCopyField(buffer_, fields), first = false), ...);
    if (buffer_.size() >= kChunk) Flush();
  }
  void Complete() {
    Flush();
    writer_.complete();
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  void Flush() {
    if (buffer_.empty()) return;
    writer_.write_raw_line(buffer_);
    buffer_.clear();
  }
  pqxx::tablewriter writer_;
  std::string buffer_;
};
#pragma GCC diagnostic pop

// --- Verification ---

absl::string_view ReasonName(VerificationReason r) {
  switch (r) {
    case VerificationReason::kNotInRegister: return "not_in_register";
    case VerificationReason::kAdeliOnly: return "adeli_only";
    case VerificationReason::kFamilyNameDiffers: return "family_name_differs";
    case VerificationReason::kGivenNameDiffers: return "given_name_differs";
    case VerificationReason::kAlreadyClaimed: return "already_claimed";
    case VerificationReason::kNotAPhysician: return "not_a_physician";
  }
  return "unknown";
}

v1::VerificationReason ReasonFromText(absl::string_view s) {
  if (s == "not_in_register") return v1::VERIFICATION_REASON_NOT_IN_REGISTER;
  if (s == "adeli_only") return v1::VERIFICATION_REASON_ADELI_ONLY;
  if (s == "family_name_differs") return v1::VERIFICATION_REASON_FAMILY_NAME_DIFFERS;
  if (s == "given_name_differs") return v1::VERIFICATION_REASON_GIVEN_NAME_DIFFERS;
  if (s == "already_claimed") return v1::VERIFICATION_REASON_ALREADY_CLAIMED;
  if (s == "not_a_physician") return v1::VERIFICATION_REASON_NOT_A_PHYSICIAN;
  return v1::VERIFICATION_REASON_UNSPECIFIED;
}

v1::VerificationState StateFromText(const std::string& s) {
  if (s == "verified") return v1::VERIFICATION_STATE_VERIFIED;
  if (s == "needs_review") return v1::VERIFICATION_STATE_NEEDS_REVIEW;
  if (s == "rejected") return v1::VERIFICATION_STATE_REJECTED;
  if (s == "approved") return v1::VERIFICATION_STATE_APPROVED;
  if (s == "denied") return v1::VERIFICATION_STATE_DENIED;
  if (s == "withdrawn") return v1::VERIFICATION_STATE_WITHDRAWN;
  return v1::VERIFICATION_STATE_UNSPECIFIED;
}

constexpr const char* kSelectVerification =
    "SELECT v.verification_id::text, v.account_id::text, a.given_name, a.family_name, a.email,"
    "       v.identifier, v.identifier_type, v.state, array_to_string(v.reasons, ','),"
    "       coalesce(v.register_entry::text, ''),"
    "       (extract(epoch FROM v.created_at) * 1000000)::int8,"
    "       coalesce((extract(epoch FROM v.decided_at) * 1000000)::int8, 0),"
    "       coalesce(v.decided_by::text, ''), coalesce(v.decision_reason, ''), a.status "
    "FROM verification_requests v JOIN accounts a ON a.account_id = v.account_id ";

absl::StatusOr<v1::Verification> VerificationFromRow(const pqxx::row& r, int64_t* created_micros = nullptr) {
  v1::Verification v;
  v.set_verification_id(r[0].as<std::string>());
  v.set_account_id(r[1].as<std::string>());
  v.set_account_given_name(r[2].as<std::string>());
  v.set_account_family_name(r[3].as<std::string>());
  v.set_account_email(r[4].as<std::string>());
  v.set_identifier(r[5].as<std::string>());
  v.set_identifier_type(r[6].as<std::string>() == "rpps" ? v1::IDENTIFIER_TYPE_RPPS : v1::IDENTIFIER_TYPE_ADELI);
  v.set_state(StateFromText(r[7].as<std::string>()));
  for (absl::string_view reason : absl::StrSplit(r[8].as<std::string>(), ',', absl::SkipEmpty())) {
    v.add_reasons(ReasonFromText(reason));
  }
  const std::string entry_json = r[9].as<std::string>();
  if (!entry_json.empty()) {
    ASSIGN_OR_RETURN(*v.mutable_register_entry(), EntryFromJson(entry_json));
  }
  const int64_t created = r[10].as<int64_t>();
  if (created_micros != nullptr) *created_micros = created;
  *v.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(created);
  if (const int64_t decided = r[11].as<int64_t>(); decided != 0) {
    *v.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(decided);
  }
  v.set_decider_account_id(r[12].as<std::string>());
  v.set_decision_reason(r[13].as<std::string>());
  v.set_account_status(StatusFromText(r[14].as<std::string>()));
  return v;
}

absl::StatusOr<v1::Verification> ReadVerification(pqxx::transaction_base& txn, const std::string& id) {
  const pqxx::result rows =
      txn.exec_params(std::string(kSelectVerification) + "WHERE v.verification_id = $1::uuid", id);
  if (rows.empty()) return absl::NotFoundError("verification not found");
  return VerificationFromRow(rows[0]);
}

// `actor`: the moderator's or admin's account, empty for an automatic decision or the command
// line; `actor_label`: who ran the command line (operator_command.h).
absl::Status Audit(pqxx::transaction_base& txn, const std::string& verification_id,
                   const std::string& account_id, const std::string& actor, const std::string& action,
                   const std::string& reason, const std::string& actor_label = "") {
  txn.exec_params(
      "INSERT INTO verification_audit (verification_id, account_id, actor_account_id, action, reason, actor_label)"
      " VALUES ($1::uuid, $2::uuid, nullif($3, '')::uuid, $4, $5, nullif($6, ''))",
      verification_id, account_id, actor, action, reason, actor_label);
  return absl::OkStatus();
}

// Marks the account verified (raising its version) and publishes AccountVerified in the
// same transaction.
absl::Status MarkVerified(pqxx::transaction_base& txn, const v1::Account& account,
                          const std::string& identifier, v1::IdentifierType type,
                          const std::optional<v1::RegisterEntry>& entry, const std::string& method) {
  const pqxx::row r = txn.exec_params1(
      "UPDATE accounts SET status = 'verified', version = version + 1, updated_at = now()"
      " WHERE account_id = $1::uuid RETURNING version, (extract(epoch FROM now()) * 1000000)::int8",
      account.account_id());
  events::v1::Event event;
  event.set_event_id(NewUuid());
  event.set_aggregate_type("account");
  event.set_aggregate_id(account.account_id());
  event.set_aggregate_version(r[0].as<int64_t>());
  *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(r[1].as<int64_t>());
  events::v1::AccountVerified* payload = event.mutable_account_verified();
  payload->set_account_id(account.account_id());
  if (type == v1::IDENTIFIER_TYPE_RPPS) payload->set_rpps(identifier);
  payload->set_civility(account.civility());
  payload->set_given_name(account.given_name());
  payload->set_family_name(account.family_name());
  payload->set_method(method);
  if (entry.has_value()) {
    payload->set_specialty_code(entry->specialty().code());
    payload->set_specialty_label(entry->specialty().label());
    for (const v1::SavoirFaire& sf : entry->savoir_faire()) {
      events::v1::SavoirFaire* out = payload->add_savoir_faire();
      out->set_type_code(sf.type_code());
      out->set_code(sf.code());
      out->set_label(sf.label());
    }
    for (const v1::PracticePlace& place : entry->practice_places()) {
      events::v1::PracticePlace* out = payload->add_practice_places();
      out->set_postcode(place.postcode());
      out->set_city(place.city());
    }
  }
  return outbox::AppendEvent(txn, event);
}

absl::Status MarkRejected(pqxx::transaction_base& txn, const std::string& account_id) {
  txn.exec_params(
      "UPDATE accounts SET status = 'rejected', version = version + 1, updated_at = now()"
      " WHERE account_id = $1::uuid",
      account_id);
  return absl::OkStatus();
}

// True when this account now holds the number; false when another account holds it.
bool BindIdentifier(pqxx::transaction_base& txn, const std::string& identifier,
                    const std::string& account_id, const std::string& verification_id) {
  const pqxx::result r = txn.exec_params(
      "INSERT INTO account_identifiers (identifier, account_id, verification_id)"
      " VALUES ($1, $2::uuid, $3::uuid) ON CONFLICT DO NOTHING RETURNING 1",
      identifier, account_id, verification_id);
  return !r.empty();
}

// The account a request belongs to, locked (account first, then request: the same lock order
// as StartVerification). NOT_FOUND: no such request; PERMISSION_DENIED (`own_account_message`)
// when it is `actor_id`'s own account.
absl::StatusOr<v1::Account> LockAccountOfRequest(pqxx::transaction_base& txn, const std::string& verification_id,
                                                 const std::string& actor_id, const char* own_account_message) {
  const pqxx::result owner = txn.exec_params(
      "SELECT account_id::text FROM verification_requests WHERE verification_id = $1::uuid", verification_id);
  if (owner.empty()) return absl::NotFoundError("verification not found");
  const std::string account_id = owner[0][0].as<std::string>();
  if (!actor_id.empty() && absl::EqualsIgnoreCase(account_id, actor_id)) {
    return absl::PermissionDeniedError(own_account_message);
  }
  return ReadAccount(txn, account_id, /*for_update=*/true);
}

absl::Status RequirePendingVerification(const v1::Account& account) {
  switch (account.status()) {
    case v1::ACCOUNT_STATUS_PENDING_VERIFICATION:
      return absl::OkStatus();
    case v1::ACCOUNT_STATUS_PENDING_EMAIL:
      return absl::FailedPreconditionError("confirm your email address before asking for verification");
    case v1::ACCOUNT_STATUS_VERIFIED:
      return absl::FailedPreconditionError("this account is already verified");
    default:
      return absl::FailedPreconditionError(
          "this account was rejected or suspended: only a moderator can change that");
  }
}

}  // namespace

absl::Status PgIdentityStore::ReplaceRegister(const RegisterSnapshot& snapshot,
                                              const v1::RegisterImport& report,
                                              const std::string& imported_by) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    // The load takes tens of seconds; only the final swap waits for locks, and not forever.
    txn.exec("SET LOCAL statement_timeout = 0");
    txn.exec("SET LOCAL lock_timeout = '10s'");
    const bool locked = txn.exec1(
        "SELECT pg_try_advisory_xact_lock(hashtext('meltingdoc.register_import:' || current_schema()))")[0]
                            .as<bool>();
    if (!locked) return absl::AbortedError("another register import is running; retry when it has ended");
    txn.exec(
        "DROP TABLE IF EXISTS register_next_persons, register_next_savoir_faire, register_next_places;"
        "CREATE TABLE register_next_persons (LIKE register_persons INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
        "CREATE TABLE register_next_savoir_faire (LIKE register_savoir_faire INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
        "CREATE TABLE register_next_places (LIKE register_places INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
    {
      CopyWriter w(txn, "register_next_persons");
      const std::string rpps = "8", adeli = "0";
      for (const RegisterPerson& p : snapshot.persons) {
        w.Row(p.identifier, p.identifier_type == '8' ? rpps : adeli, p.civility, p.family_name,
              p.given_name, p.profession_code, p.profession_label);
      }
      w.Complete();
    }
    {
      CopyWriter w(txn, "register_next_savoir_faire");
      for (const RegisterSavoirFaire& sf : snapshot.savoir_faire) {
        w.Row(snapshot.persons[sf.person].identifier, sf.type_code, sf.code, sf.label);
      }
      w.Complete();
    }
    {
      CopyWriter w(txn, "register_next_places");
      for (const RegisterPlace& pl : snapshot.places) {
        w.Row(snapshot.persons[pl.person].identifier, pl.postcode, pl.city);
      }
      w.Complete();
    }
    // Indexes after the load: one sort each instead of 2 million insertions.
    txn.exec(
        "ALTER TABLE register_next_persons ADD CONSTRAINT register_next_persons_pkey PRIMARY KEY (identifier);"
        "CREATE INDEX register_next_savoir_faire_identifier ON register_next_savoir_faire (identifier);"
        "CREATE INDEX register_next_places_identifier ON register_next_places (identifier);"
        "ANALYZE register_next_persons, register_next_savoir_faire, register_next_places");
    // The swap: renames only, under an exclusive lock held for milliseconds until commit.
    txn.exec(
        "ALTER TABLE register_persons RENAME TO register_old_persons;"
        "ALTER INDEX register_persons_pkey RENAME TO register_old_persons_pkey;"
        "ALTER TABLE register_savoir_faire RENAME TO register_old_savoir_faire;"
        "ALTER INDEX register_savoir_faire_identifier RENAME TO register_old_savoir_faire_identifier;"
        "ALTER TABLE register_places RENAME TO register_old_places;"
        "ALTER INDEX register_places_identifier RENAME TO register_old_places_identifier;"
        "ALTER TABLE register_next_persons RENAME TO register_persons;"
        "ALTER INDEX register_next_persons_pkey RENAME TO register_persons_pkey;"
        "ALTER TABLE register_next_savoir_faire RENAME TO register_savoir_faire;"
        "ALTER INDEX register_next_savoir_faire_identifier RENAME TO register_savoir_faire_identifier;"
        "ALTER TABLE register_next_places RENAME TO register_places;"
        "ALTER INDEX register_next_places_identifier RENAME TO register_places_identifier;"
        "DROP TABLE register_old_persons, register_old_savoir_faire, register_old_places");
    std::string report_json;
    (void)google::protobuf::util::MessageToJsonString(report, &report_json);
    txn.exec_params(
        "INSERT INTO register_imports (import_id, source, imported_by, started_at, rows_read,"
        " rows_kept, rows_rejected, report)"
        " VALUES ($1::uuid, $2, nullif($3, '')::uuid, to_timestamp(0) + $4::int8 * interval '1 microsecond',"
        " $5, $6, $7, $8::jsonb)",
        report.import_id(), report.source(), imported_by,
        TimeUtil::TimestampToMicroseconds(report.start_time()), report.rows_read(),
        report.rows_kept_physician() + report.rows_kept_other(), report.rows_rejected(), report_json);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<v1::RegisterEntry>> PgIdentityStore::LookupRegister(const std::string& identifier) {
  // One statement (JSON built in SQL): one snapshot without BEGIN/COMMIT.
  return pg::ReadOneStatement<std::optional<v1::RegisterEntry>>(
      *pool_, [&](pqxx::transaction_base& txn) { return LookupInTxn(txn, identifier); });
}

absl::StatusOr<v1::Verification> PgIdentityStore::StartVerification(const std::string& account_id,
                                                                    const std::string& identifier,
                                                                    v1::IdentifierType type) {
  return pg::InTransaction<v1::Verification>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Verification> {
        // Locking the account serializes this account's requests and orders its events.
        ASSIGN_OR_RETURN(const v1::Account account, ReadAccount(txn, account_id, /*for_update=*/true));
        RETURN_IF_ERROR(RequirePendingVerification(account));
        ASSIGN_OR_RETURN(const std::optional<v1::RegisterEntry> entry, LookupInTxn(txn, identifier));

        VerificationInput input;
        input.account_given_name = account.given_name();
        input.account_family_name = account.family_name();
        if (entry.has_value()) {
          RegisterFacts facts;
          facts.identifier_type = entry->identifier_type() == v1::IDENTIFIER_TYPE_RPPS ? '8' : '0';
          facts.family_name = entry->family_name();
          facts.given_name = entry->given_name();
          facts.profession_code = entry->profession_code();
          input.register_entry = facts;
        }
        const pqxx::result holder = txn.exec_params(
            "SELECT 1 FROM account_identifiers WHERE identifier = $1 AND account_id <> $2::uuid",
            identifier, account_id);
        input.claimed_by_another_account = !holder.empty();
        VerificationDecision decision = DecideAutomatically(input);

        const std::string verification_id = NewUuid();
        // The primary key decides between two accounts verifying the same number at once.
        if (decision.outcome == VerificationOutcome::kVerified &&
            !BindIdentifier(txn, identifier, account_id, verification_id)) {
          decision.outcome = VerificationOutcome::kNeedsReview;
          decision.reasons.push_back(VerificationReason::kAlreadyClaimed);
        }
        const pqxx::result withdrawn = txn.exec_params(
            "UPDATE verification_requests SET state = 'withdrawn', decided_at = now()"
            " WHERE account_id = $1::uuid AND state = 'needs_review' RETURNING verification_id::text",
            account_id);
        for (const pqxx::row& w : withdrawn) {
          RETURN_IF_ERROR(Audit(txn, w[0].as<std::string>(), account_id, "", "withdrawn",
                                "replaced by a newer request of the account"));
        }
        std::vector<std::string> reason_names;
        for (VerificationReason r : decision.reasons) reason_names.emplace_back(ReasonName(r));
        const std::string state = decision.outcome == VerificationOutcome::kVerified   ? "verified"
                                  : decision.outcome == VerificationOutcome::kRejected ? "rejected"
                                                                                       : "needs_review";
        txn.exec_params(
            "INSERT INTO verification_requests (verification_id, account_id, identifier,"
            " identifier_type, state, reasons, register_entry, decided_at)"
            " VALUES ($1::uuid, $2::uuid, $3, $4, $5, coalesce(string_to_array(nullif($6, ''), ','), '{}'),"
            " nullif($7, '')::jsonb, CASE WHEN $5 = 'needs_review' THEN NULL ELSE now() END)",
            verification_id, account_id, identifier,
            type == v1::IDENTIFIER_TYPE_RPPS ? "rpps" : "adeli", state,
            absl::StrJoin(reason_names, ","), entry.has_value() ? EntryToJson(*entry) : std::string());
        RETURN_IF_ERROR(Audit(txn, verification_id, account_id, "", state,
                              reason_names.empty() ? std::string("register match")
                                                   : absl::StrJoin(reason_names, ",")));
        if (decision.outcome == VerificationOutcome::kVerified) {
          RETURN_IF_ERROR(MarkVerified(txn, account, identifier, type, entry, "automatic"));
        } else if (decision.outcome == VerificationOutcome::kRejected) {
          RETURN_IF_ERROR(MarkRejected(txn, account_id));
        }
        return ReadVerification(txn, verification_id);
      });
}

absl::StatusOr<MeView> PgIdentityStore::GetMe(const std::string& account_id) {
  return pg::InTransaction<MeView>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<MeView> {
    MeView me;
    ASSIGN_OR_RETURN(me.account, ReadAccount(txn, account_id, false));
    const pqxx::result v = txn.exec_params(
        std::string(kSelectVerification) +
            "WHERE v.account_id = $1::uuid ORDER BY v.created_at DESC, v.verification_id DESC LIMIT 1",
        account_id);
    if (!v.empty()) {
      ASSIGN_OR_RETURN(v1::Verification verification, VerificationFromRow(v[0]));
      me.verification = std::move(verification);
    }
    // The second factor: confirmed (active) or enrolled and waiting for ConfirmTotp.
    const pqxx::result totp = txn.exec_params(
        "SELECT (extract(epoch FROM t.confirmed_at) * 1000000)::int8, "
        "       (SELECT count(*) FROM recovery_codes r WHERE r.account_id = t.account_id AND r.used_at IS NULL) "
        "FROM totp_secrets t WHERE t.account_id = $1::uuid",
        account_id);
    if (!totp.empty()) {
      if (totp[0][0].is_null()) {
        me.second_factor.set_enrollment_pending(true);
      } else {
        me.second_factor.set_active(true);
        *me.second_factor.mutable_activate_time() = TimeUtil::MicrosecondsToTimestamp(totp[0][0].as<int64_t>());
        me.second_factor.set_recovery_codes_remaining(totp[0][1].as<int32_t>());
      }
    }
    if (me.account.status() == v1::ACCOUNT_STATUS_VERIFIED) {
      const pqxx::result held =
          txn.exec_params("SELECT identifier FROM account_identifiers WHERE account_id = $1::uuid", account_id);
      if (!held.empty()) {
        ASSIGN_OR_RETURN(me.register_entry, LookupInTxn(txn, held[0][0].as<std::string>()));
      }
    }
    return me;
  });
}

absl::StatusOr<VerificationPage> PgIdentityStore::ListPendingVerifications(
    int page_size, const std::optional<VerificationCursor>& after) {
  return pg::InTransaction<VerificationPage>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<VerificationPage> {
        const std::string order = " ORDER BY v.created_at, v.verification_id LIMIT $3";
        const std::string where =
            "WHERE v.state = 'needs_review' AND ($1::int8 IS NULL OR (v.created_at, v.verification_id) >"
            " (to_timestamp(0) + $1::int8 * interval '1 microsecond', $2::uuid))";
        const pqxx::result rows =
            after.has_value()
                ? txn.exec_params(kSelectVerification + where + order, after->created_micros,
                                  after->verification_id, page_size + 1)
                : txn.exec_params(kSelectVerification + where + order, nullptr, nullptr, page_size + 1);
        VerificationPage page;
        int64_t last_created = 0;
        for (const pqxx::row& r : rows) {
          if (static_cast<int>(page.verifications.size()) == page_size) {
            page.next = VerificationCursor{last_created, page.verifications.back().verification_id()};
            break;
          }
          ASSIGN_OR_RETURN(v1::Verification v, VerificationFromRow(r, &last_created));
          page.verifications.push_back(std::move(v));
        }
        return page;
      });
}

absl::StatusOr<v1::Verification> PgIdentityStore::DecideVerification(const std::string& verification_id,
                                                                     const std::string& moderator_id,
                                                                     bool approve,
                                                                     const std::string& reason) {
  return pg::InTransaction<v1::Verification>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Verification> {
        ASSIGN_OR_RETURN(const v1::Account account,
                         LockAccountOfRequest(txn, verification_id, moderator_id,
                                              "a moderator may not decide on their own verification"));
        const std::string& account_id = account.account_id();
        const pqxx::row req = txn.exec_params1(
            "SELECT state, identifier, identifier_type FROM verification_requests"
            " WHERE verification_id = $1::uuid FOR UPDATE",
            verification_id);
        const std::string state = req[0].as<std::string>();
        if (state != "needs_review") {
          return absl::FailedPreconditionError(
              absl::StrCat("this verification is not waiting for review (it is ", state, ")"));
        }
        RETURN_IF_ERROR(RequirePendingVerification(account));
        const std::string identifier = req[1].as<std::string>();
        const v1::IdentifierType type =
            req[2].as<std::string>() == "rpps" ? v1::IDENTIFIER_TYPE_RPPS : v1::IDENTIFIER_TYPE_ADELI;
        if (approve) {
          if (!BindIdentifier(txn, identifier, account_id, verification_id)) {
            return absl::FailedPreconditionError(
                "this number is already held by another account: that account must be released "
                "(suspended or deleted) before this one can be approved");
          }
          ASSIGN_OR_RETURN(const std::optional<v1::RegisterEntry> entry, LookupInTxn(txn, identifier));
          RETURN_IF_ERROR(MarkVerified(txn, account, identifier, type, entry, "moderator"));
        } else {
          RETURN_IF_ERROR(MarkRejected(txn, account_id));
        }
        const std::string decided = approve ? "approved" : "denied";
        txn.exec_params(
            "UPDATE verification_requests SET state = $2, decided_at = now(), decided_by = $3::uuid,"
            " decision_reason = $4 WHERE verification_id = $1::uuid",
            verification_id, decided, moderator_id, reason);
        RETURN_IF_ERROR(Audit(txn, verification_id, account_id, moderator_id, decided, reason));
        return ReadVerification(txn, verification_id);
      });
}

absl::StatusOr<v1::Verification> PgIdentityStore::ReopenVerification(const std::string& verification_id,
                                                                     const OperatorActor& actor,
                                                                     const std::string& reason) {
  return pg::InTransaction<v1::Verification>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Verification> {
        ASSIGN_OR_RETURN(const v1::Account account,
                         LockAccountOfRequest(txn, verification_id, actor.account_id,
                                              "an admin may not reopen a decision on their own account"));
        const std::string& account_id = account.account_id();
        const pqxx::row req = txn.exec_params1(
            "SELECT state, verification_id = (SELECT l.verification_id FROM verification_requests l"
            "   WHERE l.account_id = r.account_id ORDER BY l.created_at DESC, l.verification_id DESC LIMIT 1)"
            " FROM verification_requests r WHERE verification_id = $1::uuid FOR UPDATE",
            verification_id);
        const std::string state = req[0].as<std::string>();
        if (state != "rejected" && state != "denied") {
          return absl::FailedPreconditionError(
              absl::StrCat("only a rejected verification can be reopened (this one is ", state, ")"));
        }
        if (!req[1].as<bool>()) {
          return absl::FailedPreconditionError("the account has asked again since: reopen its latest request");
        }
        if (account.status() != v1::ACCOUNT_STATUS_REJECTED) {
          return absl::FailedPreconditionError("the account is not rejected any more");
        }
        txn.exec_params(
            "UPDATE verification_requests SET state = 'needs_review', decided_at = NULL, decided_by = NULL,"
            " decision_reason = NULL WHERE verification_id = $1::uuid",
            verification_id);
        txn.exec_params(
            "UPDATE accounts SET status = 'pending_verification', version = version + 1, updated_at = now()"
            " WHERE account_id = $1::uuid",
            account_id);
        RETURN_IF_ERROR(Audit(txn, verification_id, account_id, actor.account_id, "reopened", reason, actor.label));
        return ReadVerification(txn, verification_id);
      });
}

}  // namespace meltingdoc::identity
