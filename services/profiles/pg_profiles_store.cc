#include "services/profiles/pg_profiles_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "libs/taxonomy/ordinal_specialties.h"

namespace meltingdoc::profiles {

using google::protobuf::util::TimeUtil;

namespace {

constexpr char kSeparator = '\x1f';  // joins synonyms in one column (never in a synonym)

// The jsonb columns hold protobuf JSON with proto field names, so the same messages go in
// and come out.
std::string ToJson(const v1::Profile& fields) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(fields, &json, options);
  return json;
}

absl::Status ParseJsonColumns(const std::string& savoir_faire, const std::string& places,
                              const std::string& education, const std::string& links,
                              const std::string& contact, v1::Profile* profile) {
  const std::string doc = absl::StrCat("{\"savoir_faire\":", savoir_faire, ",\"practice_places\":", places,
                                       ",\"education\":", education, ",\"links\":", links,
                                       ",\"contact\":", contact, "}");
  v1::Profile parsed;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(doc, &parsed, options).ok()) {
    return absl::InternalError("stored profile details are not valid");
  }
  profile->mutable_savoir_faire()->Swap(parsed.mutable_savoir_faire());
  profile->mutable_practice_places()->Swap(parsed.mutable_practice_places());
  profile->mutable_education()->Swap(parsed.mutable_education());
  profile->mutable_links()->Swap(parsed.mutable_links());
  profile->mutable_contact()->Swap(parsed.mutable_contact());
  return absl::OkStatus();
}

// The communes a postcode serves, one row per (commune, La Poste alias), most populous first.
std::vector<CommuneCandidate> ReadCommunes(pqxx::transaction_base& txn, const std::string& postcode) {
  std::vector<CommuneCandidate> found;
  const pqxx::result rows = txn.exec_params(
      "SELECT c.insee_code, c.name, cp.alias, c.departement, c.latitude IS NOT NULL, "
      "       coalesce(c.latitude, 0), coalesce(c.longitude, 0), c.coordinates_source "
      "FROM commune_postcodes cp JOIN communes c USING (insee_code) "
      "WHERE cp.postcode = $1 ORDER BY c.population DESC, c.insee_code, cp.alias",
      postcode);
  for (const pqxx::row& r : rows) {
    CommuneCandidate c;
    c.insee_code = r[0].as<std::string>();
    c.name = r[1].as<std::string>();
    c.alias = r[2].as<std::string>();
    c.departement = r[3].as<std::string>();
    c.has_coordinates = r[4].as<bool>();
    c.latitude = r[5].as<double>();
    c.longitude = r[6].as<double>();
    c.coordinates_source = r[7].as<std::string>();
    found.push_back(std::move(c));
  }
  return found;
}

// The register's practice sites as the first places of a new profile (at most kPlaces, one per
// commune; sites that cannot be geocoded are left out and counted in `skipped`).
v1::Profile RegisterPlaces(pqxx::transaction_base& txn, const events::v1::AccountVerified& v, int* skipped) {
  v1::Profile out;
  for (const events::v1::PracticePlace& site : v.practice_places()) {
    if (static_cast<size_t>(out.practice_places_size()) == ProfileLimits::kPlaces) break;
    std::optional<v1::PracticePlace> place =
        IsPostcode(site.postcode())
            ? PlaceFromRegister(site.postcode(), site.city(), ReadCommunes(txn, site.postcode()))
            : std::nullopt;
    if (!place.has_value()) {
      ++*skipped;
      continue;
    }
    const bool known = std::any_of(out.practice_places().begin(), out.practice_places().end(),
                                   [&](const v1::PracticePlace& p) { return p.insee_code() == place->insee_code(); });
    if (!known) *out.add_practice_places() = *std::move(place);
  }
  return out;
}

constexpr const char* kProfileColumns =
    "SELECT p.profile_id::text, coalesce(p.rpps, ''), p.civility, p.given_name, p.family_name, p.specialty_code, "
    "       p.specialty_label, p.bio, p.version, "
    "       (extract(epoch FROM p.created_at) * 1000000)::int8, "
    "       (extract(epoch FROM p.updated_at) * 1000000)::int8, "
    "       p.headline, p.savoir_faire::text, p.practice_places::text, p.education::text, "
    "       array_to_string(p.languages, ','), p.links::text, p.contact::text, p.accepting_referrals, "
    "       (SELECT count(*) FROM connections c WHERE c.status = 'accepted' "
    "          AND p.profile_id IN (c.requester_id, c.addressee_id))::int4 "
    "FROM profiles p ";

absl::StatusOr<v1::Profile> ProfileFromRow(const pqxx::row& r) {
  v1::Profile p;
  p.set_profile_id(r[0].as<std::string>());
  p.set_rpps(r[1].as<std::string>());
  p.set_civility(r[2].as<std::string>());
  p.set_given_name(r[3].as<std::string>());
  p.set_family_name(r[4].as<std::string>());
  p.set_specialty_code(r[5].as<std::string>());
  p.set_specialty_label(r[6].as<std::string>());
  p.set_bio(r[7].as<std::string>());
  p.set_version(r[8].as<int64_t>());
  p.set_etag(absl::StrCat("\"", p.version(), "\""));
  *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[9].as<int64_t>());
  *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[10].as<int64_t>());
  p.set_headline(r[11].as<std::string>());
  RETURN_IF_ERROR(ParseJsonColumns(r[12].as<std::string>(), r[13].as<std::string>(), r[14].as<std::string>(),
                                   r[16].as<std::string>(), r[17].as<std::string>(), &p));
  for (absl::string_view l : absl::StrSplit(r[15].as<std::string>(), ',', absl::SkipEmpty())) {
    p.add_languages(std::string(l));
  }
  p.set_accepting_referrals(r[18].as<bool>());
  p.set_connection_count(r[19].as<int32_t>());
  return p;
}

// Competences of several profiles, appended in position order.
void LoadCompetences(pqxx::transaction_base& txn, const std::string& ids_array, const std::string& viewer_id,
                     absl::flat_hash_map<std::string, v1::Profile*>& by_id) {
  const pqxx::result rows = txn.exec_params(
      "SELECT pc.profile_id::text, pc.competence_key, coalesce(pc.competence_code, ''), pc.label, "
      "       (SELECT count(*) FROM endorsements e WHERE e.profile_id = pc.profile_id "
      "          AND e.competence_key = pc.competence_key)::int4, "
      "       EXISTS (SELECT 1 FROM endorsements e WHERE e.profile_id = pc.profile_id "
      "          AND e.competence_key = pc.competence_key AND e.endorser_id = NULLIF($2, '')::uuid) "
      "FROM profile_competences pc WHERE pc.profile_id = ANY($1::uuid[]) "
      "ORDER BY pc.profile_id, pc.position",
      ids_array, viewer_id);
  for (const pqxx::row& r : rows) {
    auto it = by_id.find(r[0].as<std::string>());
    if (it == by_id.end()) continue;
    v1::Competence* c = it->second->add_competences();
    c->set_key(r[1].as<std::string>());
    c->set_code(r[2].as<std::string>());
    c->set_label(r[3].as<std::string>());
    c->set_endorsement_count(r[4].as<int32_t>());
    c->set_endorsed_by_caller(r[5].as<bool>());
  }
}

// A PostgreSQL array literal of validated UUIDs (passed as a parameter, never spliced in SQL).
std::string UuidArray(const std::vector<std::string>& ids) { return absl::StrCat("{", absl::StrJoin(ids, ","), "}"); }

events::v1::Event Envelope(const std::string& profile_id, int64_t version, const Clock& clock) {
  events::v1::Event event;
  event.set_event_id(NewUuid());
  event.set_aggregate_type("profile");
  event.set_aggregate_id(profile_id);
  event.set_aggregate_version(version);
  *event.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock.Now()));
  return event;
}

}  // namespace

namespace pgstore {

absl::StatusOr<v1::Profile> LoadProfile(pqxx::transaction_base& txn, const std::string& profile_id,
                                        const std::string& viewer_id) {
  const pqxx::result rows =
      txn.exec_params(absl::StrCat(kProfileColumns, "WHERE p.profile_id = $1::uuid"), profile_id);
  if (rows.empty()) return absl::NotFoundError("profile not found");
  ASSIGN_OR_RETURN(v1::Profile profile, ProfileFromRow(rows[0]));
  absl::flat_hash_map<std::string, v1::Profile*> by_id{{profile.profile_id(), &profile}};
  LoadCompetences(txn, UuidArray({profile_id}), viewer_id, by_id);
  return profile;
}

absl::StatusOr<events::v1::ProfileChanged> Snapshot(pqxx::transaction_base& txn, const v1::Profile& profile) {
  SnapshotContext context;
  const pqxx::result canonical = txn.exec_params(
      "SELECT canonical_code FROM specialties WHERE code = $1", profile.specialty_code());
  if (!canonical.empty()) context.canonical_specialty = canonical[0][0].as<std::string>();
  const pqxx::result synonyms = txn.exec_params(
      "SELECT c.code, c.specialty_code, "
      "       coalesce(string_agg(s.synonym, chr(31) ORDER BY s.position), '') "
      "FROM competences c LEFT JOIN competence_synonyms s ON s.competence_code = c.code "
      "WHERE c.code IN (SELECT competence_code FROM profile_competences WHERE profile_id = $1::uuid) "
      "GROUP BY c.code, c.specialty_code",
      profile.profile_id());
  for (const pqxx::row& r : synonyms) {
    const std::string code = r[0].as<std::string>();
    context.competence_specialty[code] = r[1].as<std::string>();
    context.synonyms[code] = absl::StrSplit(r[2].as<std::string>(), kSeparator, absl::SkipEmpty());
  }
  const pqxx::result departements = txn.exec_params(
      "SELECT insee_code, departement FROM communes WHERE insee_code IN "
      "  (SELECT pl->>'insee_code' FROM profiles, jsonb_array_elements(practice_places) pl "
      "   WHERE profile_id = $1::uuid)",
      profile.profile_id());
  for (const pqxx::row& r : departements) context.departements[r[0].as<std::string>()] = r[1].as<std::string>();
  return BuildProfileChanged(profile, context);
}

absl::Status PublishSnapshot(pqxx::transaction_base& txn, const v1::Profile& profile, const Clock& clock) {
  ASSIGN_OR_RETURN(events::v1::ProfileChanged snapshot, Snapshot(txn, profile));
  events::v1::Event event = Envelope(profile.profile_id(), profile.version(), clock);
  *event.mutable_profile_changed() = std::move(snapshot);
  return outbox::AppendEvent(txn, event);
}

absl::Status BumpAndPublish(pqxx::transaction_base& txn, const std::string& profile_id, const Clock& clock) {
  const pqxx::result bumped = txn.exec_params(
      "UPDATE profiles SET version = version + 1, updated_at = now() WHERE profile_id = $1::uuid "
      "RETURNING version",
      profile_id);
  if (bumped.empty()) return absl::NotFoundError("profile not found");
  ASSIGN_OR_RETURN(const v1::Profile profile, LoadProfile(txn, profile_id, ""));
  return PublishSnapshot(txn, profile, clock);
}

}  // namespace pgstore

absl::StatusOr<ProfileRead> PgProfilesStore::GetProfile(const std::string& profile_id,
                                                        const std::string& viewer_id) {
  return pg::InTransaction<ProfileRead>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<ProfileRead> {
    ProfileRead read;
    ASSIGN_OR_RETURN(read.profile, pgstore::LoadProfile(txn, profile_id, viewer_id));
    if (!viewer_id.empty() && viewer_id != profile_id) {
      read.viewer_is_connection =
          txn.exec_params("SELECT EXISTS (SELECT 1 FROM connections WHERE status = 'accepted' AND "
                          "  LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) AND "
                          "  GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid))",
                          profile_id, viewer_id)[0][0]
              .as<bool>();
    }
    return read;
  });
}

absl::StatusOr<std::vector<v1::Profile>> PgProfilesStore::BatchGetProfiles(
    const std::vector<std::string>& profile_ids) {
  return pg::InTransaction<std::vector<v1::Profile>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Profile>> {
        const std::string ids = UuidArray(profile_ids);
        const pqxx::result rows =
            txn.exec_params(absl::StrCat(kProfileColumns, "WHERE p.profile_id = ANY($1::uuid[])"), ids);
        absl::flat_hash_map<std::string, v1::Profile> found;
        for (const pqxx::row& r : rows) {
          ASSIGN_OR_RETURN(v1::Profile p, ProfileFromRow(r));
          found[p.profile_id()] = std::move(p);
        }
        absl::flat_hash_map<std::string, v1::Profile*> by_id;
        for (auto& [id, p] : found) by_id[id] = &p;
        LoadCompetences(txn, ids, "", by_id);
        std::vector<v1::Profile> ordered;
        for (const std::string& id : profile_ids) {
          auto it = found.find(id);
          if (it != found.end()) ordered.push_back(it->second);
        }
        return ordered;
      });
}

absl::StatusOr<std::vector<ProfileStamp>> PgProfilesStore::GetProfileStamps(
    const std::vector<std::string>& profile_ids, const std::string& viewer_id) {
  return pg::InTransaction<std::vector<ProfileStamp>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<ProfileStamp>> {
        // The connection count and the viewer's relation are computed exactly as the full read
        // computes them (kProfileColumns, LoadCompetences, GetProfile).
        const pqxx::result rows = txn.exec_params(
            "SELECT p.profile_id::text, p.version, "
            "       (SELECT count(*) FROM connections c WHERE c.status = 'accepted' "
            "          AND p.profile_id IN (c.requester_id, c.addressee_id))::int4, "
            "       $2 <> '' AND $2 <> p.profile_id::text AND EXISTS (SELECT 1 FROM connections c "
            "          WHERE c.status = 'accepted' "
            "            AND LEAST(c.requester_id, c.addressee_id) = LEAST(p.profile_id, NULLIF($2, '')::uuid) "
            "            AND GREATEST(c.requester_id, c.addressee_id) = GREATEST(p.profile_id, NULLIF($2, '')::uuid)), "
            "       coalesce((SELECT string_agg(e.competence_key, chr(31)) FROM endorsements e "
            "          WHERE e.profile_id = p.profile_id AND e.endorser_id = NULLIF($2, '')::uuid), '') "
            "FROM profiles p WHERE p.profile_id = ANY($1::uuid[])",
            UuidArray(profile_ids), viewer_id);
        std::vector<ProfileStamp> stamps;
        stamps.reserve(rows.size());
        for (const pqxx::row& r : rows) {
          ProfileStamp s;
          s.profile_id = r[0].as<std::string>();
          s.version = r[1].as<int64_t>();
          s.connection_count = r[2].as<int32_t>();
          s.viewer_is_connection = r[3].as<bool>();
          s.endorsed_keys = absl::StrSplit(r[4].as<std::string>(), kSeparator, absl::SkipEmpty());
          stamps.push_back(std::move(s));
        }
        return stamps;
      });
}

absl::StatusOr<v1::Profile> PgProfilesStore::UpdateProfile(const std::string& profile_id, int64_t expected_version,
                                                           const ValidatedUpdate& update) {
  return pg::InTransaction<v1::Profile>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Profile> {
    // The row lock orders concurrent updates (and their events) of one profile.
    const pqxx::result current =
        txn.exec_params("SELECT version FROM profiles WHERE profile_id = $1::uuid FOR UPDATE", profile_id);
    if (current.empty()) return absl::NotFoundError("profile not found");
    if (expected_version > 0 && current[0][0].as<int64_t>() != expected_version) {
      return absl::AbortedError("etag: the profile changed since it was read; read it again and retry");
    }
    const std::string json = ToJson(update.values);
    const auto& paths = update.paths;
    if (paths.count("headline")) {
      txn.exec_params("UPDATE profiles SET headline = $2 WHERE profile_id = $1::uuid", profile_id,
                      update.values.headline());
    }
    if (paths.count("bio")) {
      txn.exec_params("UPDATE profiles SET bio = $2 WHERE profile_id = $1::uuid", profile_id, update.values.bio());
    }
    if (paths.count("accepting_referrals")) {
      txn.exec_params("UPDATE profiles SET accepting_referrals = $2 WHERE profile_id = $1::uuid", profile_id,
                      update.values.accepting_referrals());
    }
    if (paths.count("practice_places")) {
      txn.exec_params(
          "UPDATE profiles SET practice_places = coalesce($2::jsonb -> 'practice_places', '[]') "
          "WHERE profile_id = $1::uuid",
          profile_id, json);
    }
    if (paths.count("education")) {
      txn.exec_params(
          "UPDATE profiles SET education = coalesce($2::jsonb -> 'education', '[]') WHERE profile_id = $1::uuid",
          profile_id, json);
    }
    if (paths.count("links")) {
      txn.exec_params("UPDATE profiles SET links = coalesce($2::jsonb -> 'links', '[]') WHERE profile_id = $1::uuid",
                      profile_id, json);
    }
    if (paths.count("contact")) {
      txn.exec_params(
          "UPDATE profiles SET contact = coalesce($2::jsonb -> 'contact', '{}') WHERE profile_id = $1::uuid",
          profile_id, json);
    }
    if (paths.count("languages")) {
      txn.exec_params(
          "UPDATE profiles SET languages = ARRAY(SELECT jsonb_array_elements_text("
          "  coalesce($2::jsonb -> 'languages', '[]'))) WHERE profile_id = $1::uuid",
          profile_id, json);
    }
    if (paths.count("competences")) {
      // Kept competences keep their endorsements; removed ones lose them (cascade).
      txn.exec_params(
          "DELETE FROM profile_competences WHERE profile_id = $1::uuid AND competence_key NOT IN "
          "  (SELECT e->>'key' FROM jsonb_array_elements(coalesce($2::jsonb -> 'competences', '[]')) e)",
          profile_id, json);
      txn.exec_params(
          "INSERT INTO profile_competences (profile_id, competence_key, competence_code, label, position) "
          "SELECT $1::uuid, e->>'key', NULLIF(e->>'code', ''), e->>'label', ord "
          "FROM jsonb_array_elements(coalesce($2::jsonb -> 'competences', '[]')) WITH ORDINALITY AS t(e, ord) "
          "ON CONFLICT (profile_id, competence_key) DO UPDATE "
          "SET competence_code = EXCLUDED.competence_code, label = EXCLUDED.label, position = EXCLUDED.position",
          profile_id, json);
    }
    RETURN_IF_ERROR(pgstore::BumpAndPublish(txn, profile_id, *clock_));
    return pgstore::LoadProfile(txn, profile_id, profile_id);
  });
}

absl::StatusOr<ExportPage> PgProfilesStore::ExportProfiles(const std::string& after_profile_id, int limit) {
  return pg::InTransaction<ExportPage>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<ExportPage> {
    const pqxx::result ids = txn.exec_params(
        "SELECT profile_id::text FROM profiles "
        "WHERE profile_id > coalesce(NULLIF($1, '')::uuid, '00000000-0000-0000-0000-000000000000') "
        "ORDER BY profile_id LIMIT $2",
        after_profile_id, limit + 1);
    ExportPage page;
    for (int i = 0; i < static_cast<int>(ids.size()) && i < limit; ++i) {
      ASSIGN_OR_RETURN(const v1::Profile profile, pgstore::LoadProfile(txn, ids[i][0].as<std::string>(), ""));
      ASSIGN_OR_RETURN(events::v1::ProfileChanged snapshot, pgstore::Snapshot(txn, profile));
      page.profiles.push_back(std::move(snapshot));
    }
    if (static_cast<int>(ids.size()) > limit) page.last_profile_id = page.profiles.back().profile_id();
    return page;
  });
}

absl::StatusOr<Taxonomy> PgProfilesStore::LoadTaxonomy() {
  return pg::InTransaction<Taxonomy>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Taxonomy> {
    std::vector<SpecialtyEntry> specialties;
    for (const pqxx::row& r : txn.exec("SELECT code, label, canonical_code FROM specialties ORDER BY code")) {
      specialties.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
    }
    std::vector<CompetenceEntry> competences;
    for (const pqxx::row& r : txn.exec(
             "SELECT c.code, c.specialty_code, c.label, "
             "       coalesce(string_agg(s.synonym, chr(31) ORDER BY s.position), '') "
             "FROM competences c LEFT JOIN competence_synonyms s ON s.competence_code = c.code "
             "GROUP BY c.code, c.specialty_code, c.label, c.position ORDER BY c.position")) {
      CompetenceEntry e;
      e.code = r[0].as<std::string>();
      e.specialty_code = r[1].as<std::string>();
      e.label = r[2].as<std::string>();
      e.synonyms = absl::StrSplit(r[3].as<std::string>(), kSeparator, absl::SkipEmpty());
      competences.push_back(std::move(e));
    }
    return Taxonomy(std::move(specialties), std::move(competences));
  });
}

absl::StatusOr<std::vector<CommuneCandidate>> PgProfilesStore::FindCommunes(const std::string& postcode) {
  // One statement over reference data: no BEGIN/COMMIT needed.
  return pg::ReadOneStatement<std::vector<CommuneCandidate>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<CommuneCandidate>> {
        return ReadCommunes(txn, postcode);
      });
}

// --- the suite's list of specialties ---

absl::Status PgProfilesStore::SyncSpecialties() {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec("SELECT pg_advisory_xact_lock(hashtext('profiles.specialties'))");
    txn.exec("SET CONSTRAINTS ALL DEFERRED");  // canonical_code may name a code inserted later
    // The list as one jsonb parameter: [{"code":…,"label":…,"canonical_code":…}, …].
    std::string list = "[";
    for (const taxonomy::OrdinalSpecialty& s : taxonomy::OrdinalSpecialties()) {
      absl::StrAppend(&list, list.size() > 1 ? "," : "", "{\"code\":", JsonQuote(s.code),
                      ",\"label\":", JsonQuote(s.label), ",\"canonical_code\":", JsonQuote(s.canonical_code), "}");
    }
    list += "]";
    const pqxx::result changed = txn.exec_params(
        "INSERT INTO specialties (code, label, canonical_code) "
        "SELECT code, label, canonical_code "
        "FROM jsonb_to_recordset($1::jsonb) AS l(code text, label text, canonical_code text) "
        "ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, canonical_code = EXCLUDED.canonical_code "
        "WHERE (specialties.label, specialties.canonical_code) IS DISTINCT FROM "
        "      (EXCLUDED.label, EXCLUDED.canonical_code) "
        "RETURNING code",
        list);
    txn.exec(
        "INSERT INTO savoir_faire (type_code, code, label) SELECT 'S', code, label FROM specialties "
        "ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label "
        "WHERE savoir_faire.type_code = 'S' AND savoir_faire.label <> EXCLUDED.label");
    for (const pqxx::row& r : txn.exec_params(
             "SELECT code FROM specialties WHERE code NOT IN "
             "  (SELECT l->>'code' FROM jsonb_array_elements($1::jsonb) l) ORDER BY code",
             list)) {
      const std::string code = r[0].as<std::string>();
      LogJson({{"msg", absl::string_view("specialty not in libs/taxonomy kept")},
               {"code", absl::string_view(code)}});
    }
    if (changed.empty()) return absl::OkStatus();
    std::vector<std::string> changed_codes;
    for (const pqxx::row& r : changed) changed_codes.push_back(r[0].as<std::string>());
    const std::string changed_text = absl::StrJoin(changed_codes, ",");
    LogJson({{"msg", absl::string_view("specialties synced from libs/taxonomy")},
             {"changed", absl::string_view(changed_text)}});
    // Snapshots carry the canonical code (and our label when identity sent none).
    for (const pqxx::row& r : txn.exec_params(
             "SELECT profile_id::text FROM profiles WHERE specialty_code = ANY(string_to_array($1, ',')) "
             "ORDER BY 1",
             changed_text)) {
      RETURN_IF_ERROR(pgstore::BumpAndPublish(txn, r[0].as<std::string>(), *clock_));
    }
    return absl::OkStatus();
  });
}

// --- identity's events ---

absl::Status PgProfilesStore::ApplyIdentityEvent(pqxx::transaction_base& txn, const events::v1::Event& event) {
  const int64_t version = event.aggregate_version();
  if (event.has_account_verified()) {
    const events::v1::AccountVerified& v = event.account_verified();
    if (!IsValidUuid(v.account_id()) || (!v.rpps().empty() && (v.rpps().size() != 11 || !std::all_of(v.rpps().begin(), v.rpps().end(), [](char c) {
                                 return c >= '0' && c <= '9';
                               }))) || v.given_name().empty() ||
        v.family_name().empty()) {
      // Can never apply; retrying would block nothing but would loop forever. Logged by ids only.
      LogJson({{"msg", absl::string_view("AccountVerified ignored: incomplete register fields")},
               {"event_id", absl::string_view(event.event_id())}});
      return absl::OkStatus();
    }
    const std::string& id = v.account_id();
    // The register's savoir-faire (specialty, competences, capacities, DESC, FST...), shown on
    // the profile and published in its snapshot; the type label from our nomenclature.
    v1::Profile register_fields;
    for (const events::v1::SavoirFaire& sf : v.savoir_faire()) {
      if (sf.code().empty() && sf.label().empty()) continue;
      v1::SavoirFaire* out = register_fields.add_savoir_faire();
      out->set_type_code(sf.type_code());
      out->set_code(sf.code());
      out->set_label(sf.label());
    }
    const std::string savoir_faire_sql =
        "coalesce((SELECT jsonb_agg(CASE WHEN t.label IS NULL THEN e.v "
        "                                ELSE e.v || jsonb_build_object('type_label', t.label) END ORDER BY e.n) "
        "  FROM jsonb_array_elements($9::jsonb -> 'savoir_faire') WITH ORDINALITY AS e(v, n) "
        "  LEFT JOIN savoir_faire_types t ON t.type_code = e.v->>'type_code'), '[]'::jsonb)";
    if (!txn.exec_params("SELECT 1 FROM deleted_accounts WHERE account_id = $1::uuid", id).empty()) {
      return absl::OkStatus();  // deleted accounts stay deleted
    }
    const pqxx::result existing = txn.exec_params(
        "SELECT account_version FROM profiles WHERE profile_id = $1::uuid FOR UPDATE", id);
    if (!existing.empty() && existing[0][0].as<int64_t>() >= version) return absl::OkStatus();  // stale
    // The register's label, or ours when identity sent only the code.
    const std::string label_sql =
        "coalesce(NULLIF($7, ''), (SELECT label FROM specialties WHERE code = $6), '')";
    if (existing.empty()) {
      // The register's practice sites become the first places; afterwards they are the
      // doctor's to edit, and later register refreshes leave them alone.
      int skipped = 0;
      const v1::Profile places = RegisterPlaces(txn, v, &skipped);
      if (skipped > 0) {
        LogJson({{"msg", absl::string_view("register practice sites not geocoded")},
                 {"event_id", absl::string_view(event.event_id())},
                 {"count", static_cast<int64_t>(skipped)}});
      }
      txn.exec_params(absl::StrCat("INSERT INTO profiles (profile_id, rpps, civility, given_name, family_name, "
                                   "  specialty_code, specialty_label, account_version, version, savoir_faire, "
                                   "  practice_places) "
                                   "VALUES ($1::uuid, NULLIF($2, ''), $3, $4, $5, $6, ",
                                   label_sql, ", $8, 1, ", savoir_faire_sql,
                                   ", coalesce($10::jsonb -> 'practice_places', '[]'))"),
                      id, v.rpps(), v.civility(), v.given_name(), v.family_name(), v.specialty_code(),
                      v.specialty_label(), version, ToJson(register_fields), ToJson(places));
      ASSIGN_OR_RETURN(const v1::Profile created, pgstore::LoadProfile(txn, id, ""));
      return pgstore::PublishSnapshot(txn, created, *clock_);
    } else {
      txn.exec_params(absl::StrCat("UPDATE profiles SET rpps = NULLIF($2, ''), civility = $3, given_name = $4, "
                                   "  family_name = $5, specialty_code = $6, specialty_label = ",
                                   label_sql, ", account_version = $8, savoir_faire = ", savoir_faire_sql,
                                   " WHERE profile_id = $1::uuid"),
                      id, v.rpps(), v.civility(), v.given_name(), v.family_name(), v.specialty_code(),
                      v.specialty_label(), version, ToJson(register_fields));
    }
    return pgstore::BumpAndPublish(txn, id, *clock_);
  }
  if (event.has_account_deleted()) {
    const std::string& id = event.account_deleted().account_id();
    if (!IsValidUuid(id)) {
      LogJson({{"msg", absl::string_view("AccountDeleted ignored: bad account id")},
               {"event_id", absl::string_view(event.event_id())}});
      return absl::OkStatus();
    }
    txn.exec_params(
        "INSERT INTO deleted_accounts (account_id, account_version) VALUES ($1::uuid, $2) "
        "ON CONFLICT (account_id) DO UPDATE SET account_version = "
        "  GREATEST(deleted_accounts.account_version, EXCLUDED.account_version)",
        id, version);
    const pqxx::result existing =
        txn.exec_params("SELECT version FROM profiles WHERE profile_id = $1::uuid FOR UPDATE", id);
    if (existing.empty()) return absl::OkStatus();
    const int64_t last_version = existing[0][0].as<int64_t>();
    // Profiles this doctor endorsed lose those endorsements: their counts change.
    std::vector<std::string> endorsed;
    for (const pqxx::row& r : txn.exec_params(
             "SELECT DISTINCT profile_id::text FROM endorsements WHERE endorser_id = $1::uuid "
             "ORDER BY 1",
             id)) {
      endorsed.push_back(r[0].as<std::string>());
    }
    // Cascades: competences, endorsements given and received, connections and requests.
    txn.exec_params("DELETE FROM profiles WHERE profile_id = $1::uuid", id);
    events::v1::Event deleted = Envelope(id, last_version + 1, *clock_);
    deleted.mutable_profile_deleted()->set_profile_id(id);
    RETURN_IF_ERROR(outbox::AppendEvent(txn, deleted));
    for (const std::string& other : endorsed) RETURN_IF_ERROR(pgstore::BumpAndPublish(txn, other, *clock_));
    return absl::OkStatus();
  }
  return absl::OkStatus();  // other identity events do not concern profiles
}

}  // namespace meltingdoc::profiles
