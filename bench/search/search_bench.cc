// search_bench: the search index on PostgreSQL full-text search, measured on generated data.
//
// One command starts a private PostgreSQL cluster (fsync off), a scratch database and Redis,
// generates N doctors and M cases (deterministic), indexes them, then measures in the same run:
//   - indexing: events/s through ApplyEvent (one transaction per event, as the consumer does),
//     and end to end through Redis Streams + the Indexer's consumers;
//   - SearchDoctors for six query shapes, Suggest and SearchCases through the real store
//     (PgSearchStore: typo look-up + ranked query + keyset), each next to a baseline run on the
//     same data: a primary-key lookup and the equivalent hand-written SQL query;
//   - write-to-searchable lag under a steady write load (events published to Redis at a fixed
//     rate, lag = the indexing statement's clock_timestamp() - event time).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/clock.h"
#include "libs/common/uuid.h"
#include "libs/outbox/event_codec.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "services/search/indexer.h"
#include "services/search/pg_index_store.h"
#include "services/search/pg_search_store.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"

ABSL_FLAG(int, doctors, 20000, "Doctors to generate.");
ABSL_FLAG(int, cases, 20000, "Cases to generate (0 skips SearchCases).");
ABSL_FLAG(int, runs, 200, "Measured calls per query shape (after 20 warm-up calls).");
ABSL_FLAG(int, timed_index_events, 2000, "Events indexed one transaction each, timed.");
ABSL_FLAG(int, stream_events, 2000, "Events indexed end to end through Redis, timed.");
ABSL_FLAG(int, lag_rate, 200, "Events/s published during the lag measurement.");
ABSL_FLAG(double, lag_seconds, 10, "Duration of the lag measurement.");

const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

namespace meltingdoc::search {
namespace {

using events::v1::Event;
using google::protobuf::util::TimeUtil;

struct Competence {
  const char* code;
  const char* label;
  std::vector<const char*> synonyms;
};
struct Specialty {
  const char* code;
  const char* label;
  const char* noun;  // "Cardiologue"
  std::vector<Competence> competences;
};
struct Commune {
  const char* name;
  const char* postcode;
  double lat, lon;
};

const std::vector<Specialty>& Specialties() {
  static const std::vector<Specialty> kSpecialties = {
      {"SM20", "Gynécologie-obstétrique", "Gynécologue",
       {{"gyn-fertilite", "Fertilité et AMP", {"PMA", "FIV", "infertilité", "AMP"}},
        {"gyn-endometriose", "Endométriose", {"adénomyose"}},
        {"gyn-obstetrique", "Grossesses à risque", {"GHR", "médecine fœtale"}},
        {"gyn-senologie", "Sénologie", {"cancer du sein", "mammographie"}}}},
      {"SM04", "Cardiologie et maladies vasculaires", "Cardiologue",
       {{"cardio-rythmo", "Rythmologie", {"arythmie", "FA", "fibrillation atriale"}},
        {"cardio-interv", "Cardiologie interventionnelle", {"angioplastie", "coronarographie"}},
        {"cardio-ic", "Insuffisance cardiaque", {"IC", "cardiomyopathie"}},
        {"cardio-hta", "Hypertension artérielle", {"HTA"}}}},
      {"SM40", "Pédiatrie", "Pédiatre",
       {{"ped-neonat", "Néonatologie", {"prématurité", "réanimation néonatale"}},
        {"ped-allergo", "Allergologie pédiatrique", {"allergie alimentaire"}},
        {"ped-endoc", "Endocrinologie pédiatrique", {"diabète de l'enfant", "croissance"}}}},
      {"SM54", "Médecine générale", "Médecin généraliste",
       {{"mg-gerontologie", "Gériatrie ambulatoire", {"sujet âgé"}},
        {"mg-addicto", "Addictologie", {"tabacologie", "sevrage"}},
        {"mg-sport", "Médecine du sport", {"traumatologie du sport"}},
        {"mg-palliatif", "Soins palliatifs", {"fin de vie", "douleur"}}}},
      {"SM34", "Oto-rhino-laryngologie", "ORL",
       {{"orl-otologie", "Otologie", {"surdité", "implant cochléaire", "acouphènes"}},
        {"orl-rhinologie", "Rhinologie", {"sinusite chronique", "polypose nasosinusienne"}}}},
      {"SM48", "Rhumatologie", "Rhumatologue",
       {{"rhumato-inflammatoire", "Rhumatismes inflammatoires", {"PR", "polyarthrite rhumatoïde", "SpA"}},
        {"rhumato-osteoporose", "Ostéoporose", {"DMO", "densitométrie osseuse"}},
        {"rhumato-rachis", "Pathologie rachidienne", {"lombalgie", "sciatique"}}}},
      {"SM30", "Néphrologie", "Néphrologue",
       {{"nephro-dialyse", "Dialyse", {"hémodialyse", "dialyse péritonéale"}},
        {"nephro-transplantation", "Transplantation rénale", {"greffe rénale"}}}},
      {"SM36", "Oncologie médicale", "Oncologue",
       {{"onco-sein", "Oncologie mammaire", {"cancer du sein"}},
        {"onco-thoracique", "Oncologie thoracique", {"cancer du poumon"}},
        {"onco-digestive", "Oncologie digestive", {"cancer colorectal", "cancer du pancréas"}}}},
      {"SM15", "Dermatologie et vénéréologie", "Dermatologue",
       {{"dermato-onco", "Dermatologie oncologique", {"mélanome", "carcinome"}},
        {"dermato-pedia", "Dermatologie pédiatrique", {"eczéma", "dermatite atopique"}}}},
      {"SM42", "Psychiatrie", "Psychiatre",
       {{"psy-enfant", "Pédopsychiatrie", {"TDAH", "autisme", "TSA"}},
        {"psy-addicto", "Addictologie", {"alcoologie"}},
        {"psy-perinat", "Psychiatrie périnatale", {"dépression du post-partum"}}}},
  };
  return kSpecialties;
}

const std::vector<Commune>& Communes() {
  static const std::vector<Commune> kCommunes = {
      {"Paris", "75011", 48.8590, 2.3800},      {"Marseille", "13005", 43.2940, 5.3970},
      {"Lyon", "69003", 45.7597, 4.8422},       {"Toulouse", "31000", 43.6045, 1.4440},
      {"Nice", "06000", 43.7031, 7.2661},       {"Nantes", "44000", 47.2181, -1.5528},
      {"Montpellier", "34000", 43.6119, 3.8772}, {"Strasbourg", "67000", 48.5734, 7.7521},
      {"Bordeaux", "33000", 44.8378, -0.5792},  {"Lille", "59000", 50.6292, 3.0573},
      {"Rennes", "35000", 48.1173, -1.6778},    {"Reims", "51100", 49.2583, 4.0317},
      {"Saint-Étienne", "42000", 45.4397, 4.3872}, {"Toulon", "83000", 43.1242, 5.9280},
      {"Le Havre", "76600", 49.4944, 0.1079},   {"Grenoble", "38000", 45.1885, 5.7245},
      {"Dijon", "21000", 47.3220, 5.0415},      {"Angers", "49000", 47.4784, -0.5632},
      {"Nîmes", "30000", 43.8367, 4.3601},      {"Villeurbanne", "69100", 45.7719, 4.8902},
      {"Clermont-Ferrand", "63000", 45.7772, 3.0870}, {"Le Mans", "72000", 48.0061, 0.1996},
      {"Aix-en-Provence", "13100", 43.5297, 5.4474}, {"Brest", "29200", 48.3904, -4.4861},
      {"Tours", "37000", 47.3941, 0.6848},      {"Amiens", "80000", 49.8941, 2.2958},
      {"Limoges", "87000", 45.8336, 1.2611},    {"Annecy", "74000", 45.8992, 6.1294},
      {"Vénissieux", "69200", 45.6970, 4.8856}, {"Caluire-et-Cuire", "69300", 45.7953, 4.8469},
  };
  return kCommunes;
}

const std::vector<const char*> kGiven = {"Claire", "Paul", "Lucie", "Hélène", "Thomas", "Marie",
                                          "Nicolas", "Camille", "Julien", "Sophie", "Pierre",
                                          "Élodie", "Antoine", "Chloé", "François", "Inès"};
const std::vector<const char*> kFamily = {
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément"};
const std::vector<const char*> kBioWords = {
    "consultation", "hôpital", "clinique", "patients", "prise en charge", "suivi", "équipe",
    "pluridisciplinaire", "recherche", "enseignement", "formation", "réseau", "ville", "urgences",
    "téléconsultation", "accompagnement", "prévention", "dépistage", "diagnostic", "traitement"};

Event MakeDoctor(std::mt19937& rng, const std::string& id, int64_t version, std::string* commune_out) {
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const Specialty& sp = Specialties()[pick(Specialties().size())];
  Event e;
  e.set_event_id(NewUuid());
  e.set_aggregate_type("profile");
  e.set_aggregate_id(id);
  e.set_aggregate_version(version);
  *e.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  auto* p = e.mutable_profile_changed();
  p->set_profile_id(id);
  const std::string given = kGiven[pick(kGiven.size())], family = kFamily[pick(kFamily.size())];
  p->set_given_name(given);
  p->set_family_name(family);
  p->set_display_name(absl::StrCat("Dr ", given, " ", family));
  p->set_specialty_code(sp.code);
  p->set_specialty_label(sp.label);
  p->set_headline(absl::StrCat(sp.noun, " ", kBioWords[pick(kBioWords.size())]));
  std::string bio;
  for (int i = 0; i < 25; ++i) absl::StrAppend(&bio, kBioWords[pick(kBioWords.size())], " ");
  p->set_bio(bio);
  const int n = 1 + static_cast<int>(pick(std::min<size_t>(3, sp.competences.size())));
  std::vector<size_t> order(sp.competences.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (int i = 0; i < n; ++i) {
    const Competence& c = sp.competences[order[i]];
    auto* pc = p->add_competences();
    pc->set_code(c.code);
    pc->set_label(c.label);
    for (const char* s : c.synonyms) pc->add_synonyms(s);
    pc->set_endorsement_count(static_cast<int>(std::geometric_distribution<int>(0.3)(rng)));
    pc->set_specialty_code(sp.code);
  }
  const Commune& cm = Communes()[pick(Communes().size())];
  auto* pl = p->add_places();
  pl->set_name(absl::StrCat("Cabinet médical ", cm.name));
  pl->set_commune(cm.name);
  pl->set_postcode(cm.postcode);
  std::normal_distribution<double> jitter(0, 0.03);
  pl->set_latitude(cm.lat + jitter(rng));
  pl->set_longitude(cm.lon + jitter(rng));
  pl->set_has_coordinates(true);
  p->add_languages("fr");
  if (pick(4) == 0) p->add_languages("en");
  p->set_accepting_referrals(pick(3) != 0);
  if (commune_out != nullptr) *commune_out = cm.name;
  return e;
}

const std::vector<const char*> kCaseWords = {
    "patiente", "patient", "antécédents", "douleur", "thoracique", "abdominale", "fièvre",
    "traitement", "échec", "bilan", "biologique", "imagerie", "scanner", "IRM", "échographie",
    "hypertension", "diabète", "insuffisance", "rénale", "cardiaque", "anticoagulation",
    "chirurgie", "avis", "diagnostic", "différentiel", "évolution", "favorable", "récidive",
    "infection", "antibiothérapie", "grossesse", "endométriose", "fertilité", "allergie",
    "asthme", "lombalgie", "arthrite", "lupus", "vascularite", "anémie", "thrombose", "syncope",
    "palpitations", "dyspnée", "toux", "céphalées", "vertiges", "convulsions", "éruption"};

Event MakeCase(std::mt19937& rng, const std::string& id, const std::string& space) {
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  Event e;
  e.set_event_id(NewUuid());
  e.set_aggregate_type("case");
  e.set_aggregate_id(id);
  e.set_aggregate_version(1);
  auto* c = e.mutable_case_changed();
  c->set_case_id(id);
  c->set_space_id(space);
  std::string title, context, question;
  for (int i = 0; i < 6; ++i) absl::StrAppend(&title, kCaseWords[pick(kCaseWords.size())], " ");
  for (int i = 0; i < 40; ++i) absl::StrAppend(&context, kCaseWords[pick(kCaseWords.size())], " ");
  for (int i = 0; i < 10; ++i) absl::StrAppend(&question, kCaseWords[pick(kCaseWords.size())], " ");
  c->set_title(title);
  c->set_context(context);
  c->set_question(question);
  c->set_resolved(pick(2) == 0);
  c->mutable_create_time()->set_seconds(1'700'000'000 + static_cast<int64_t>(pick(50'000'000)));
  return e;
}

struct Stats {
  double p50, p99, mean;
};
Stats Measure(int runs, const std::function<void()>& call) {
  for (int i = 0; i < 20; ++i) call();
  std::vector<double> ms;
  ms.reserve(runs);
  for (int i = 0; i < runs; ++i) {
    const absl::Time t0 = absl::Now();
    call();
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], sum / ms.size()};
}

void Row(const std::string& name, const Stats& ours, const Stats& raw, const std::string& note) {
  std::printf("| %-34s | %7.2f | %7.2f | %7.2f | %7.2f | %5.2f | %s\n", name.c_str(), ours.p50,
              ours.p99, raw.p50, raw.p99, ours.mean / raw.mean, note.c_str());
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

int Run() {
  auto pg = testing::LocalPostgres::Create();
  Check(pg.status(), "postgres");
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  Check(db.status(), "database");
  auto redis_server = testing::LocalRedis::Create();
  Check(redis_server.status(), "redis");
  pg::PoolOptions po;
  po.url = (*db)->Url("search");
  po.schema = "search";
  po.size = 4;
  po.statement_timeout = absl::Seconds(120);
  std::unique_ptr<pg::Pool> pool = pg::Pool::Create(po);
  Check(pg::ApplyMigrations(*pool, "search",
                            {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}})
            .status(),
        "migrations");

  const int n_doctors = absl::GetFlag(FLAGS_doctors);
  const int n_cases = absl::GetFlag(FLAGS_cases);
  const int runs = absl::GetFlag(FLAGS_runs);
  std::mt19937 rng(42);
  std::vector<std::string> ids;
  ids.reserve(n_doctors);
  for (int i = 0; i < n_doctors; ++i) ids.push_back(NewUuid());

  // 1. Indexing, one transaction per event (the consumer's unit of work, without Redis).
  const int timed = std::min(n_doctors, absl::GetFlag(FLAGS_timed_index_events));
  absl::Time t0 = absl::Now();
  for (int i = 0; i < timed; ++i) {
    const Event e = MakeDoctor(rng, ids[i], 1, nullptr);
    Check(pool->InTransaction([&](pqxx::transaction_base& txn) { return ApplyEvent(txn, e).status(); }),
          "index");
  }
  const double direct_rate = timed / absl::ToDoubleSeconds(absl::Now() - t0);
  // The rest in batches, to get to N quickly (not timed).
  for (int i = timed; i < n_doctors; i += 250) {
    Check(pool->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
            for (int j = i; j < std::min(n_doctors, i + 250); ++j) {
              const Event e = MakeDoctor(rng, ids[j], 1, nullptr);
              absl::StatusOr<ApplyResult> r = ApplyEvent(txn, e);
              if (!r.ok()) return r.status();
            }
            return absl::OkStatus();
          }),
          "bulk index");
  }
  const std::string space = NewUuid();
  for (int i = 0; i < n_cases; i += 250) {
    Check(pool->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
            for (int j = i; j < std::min(n_cases, i + 250); ++j) {
              absl::StatusOr<ApplyResult> r = ApplyEvent(txn, MakeCase(rng, NewUuid(), space));
              if (!r.ok()) return r.status();
            }
            return absl::OkStatus();
          }),
          "cases");
  }
  Check(pool->WithConnection([](pqxx::connection& c) {
          pqxx::nontransaction t(c);
          t.exec("VACUUM ANALYZE");
          return absl::OkStatus();
        }),
        "analyze");

  // 2. End to end through Redis Streams and the Indexer (consumer groups, processed_events).
  redis::RedisOptions ro;
  ro.port = (*redis_server)->port();
  redis::RedisClient publisher(ro);
  const auto publish = [&](const Event& e) {
    Check(publisher
              .Command({"XADD", "meltingdoc.profiles", "*", "event_id", e.event_id(), "event_type",
                        outbox::EventTypeName(e), "aggregate_type", e.aggregate_type(),
                        "aggregate_id", e.aggregate_id(), "aggregate_version",
                        absl::StrCat(e.aggregate_version()), "payload", e.SerializeAsString()})
              .status(),
          "xadd");
  };
  IndexerOptions io;
  io.streams = {"meltingdoc.profiles"};
  io.consumer_name = "bench";
  io.redis = ro;
  io.block = absl::Milliseconds(100);
  const int stream_events = std::min(n_doctors, absl::GetFlag(FLAGS_stream_events));
  for (int i = 0; i < stream_events; ++i) publish(MakeDoctor(rng, ids[i], 2, nullptr));
  double stream_rate = 0;
  {
    Indexer indexer(pool.get(), io, &Clock::Real());
    t0 = absl::Now();
    int applied = 0;
    while (applied < stream_events) {
      absl::StatusOr<int> n = indexer.PollOnce();
      Check(n.status(), "poll");
      applied += *n;
    }
    stream_rate = stream_events / absl::ToDoubleSeconds(absl::Now() - t0);
  }

  // 3. Queries. Ours: the store (what a handler runs). Raw: the hand-written equivalent.
  PgSearchStore store(pool.get());
  const auto raw = [&](const std::string& sql, const std::vector<std::string>& params) {
    return [&pool, sql, params] {
      Check(pool->InTransaction([&](pqxx::transaction_base& txn) {
              if (params.empty()) {
                txn.exec(sql);
              } else if (params.size() == 1) {
                txn.exec_params(sql, params[0]);
              } else {
                txn.exec_params(sql, params[0], params[1]);
              }
              return absl::OkStatus();
            }),
            "raw");
    };
  };
  std::uniform_int_distribution<int> any_doctor(0, n_doctors - 1);
  std::mt19937 qrng(7);
  const Stats pk = Measure(runs, [&] {
    const std::string id = ids[any_doctor(qrng)];
    raw("SELECT display_name FROM doctors WHERE profile_id = $1::uuid", {id})();
  });

  struct Shape {
    std::string name;
    std::string query;
    bool near_lyon = false;
    double radius = 0;
    bool facets = false;
    std::string raw_sql;
    std::vector<std::string> raw_params;
    std::string note;
  };
  const std::string kRawRanked =
      "SELECT profile_id FROM doctors WHERE NOT deleted AND document @@ to_tsquery('fr', $1) "
      "ORDER BY ts_rank_cd(document, to_tsquery('fr', $1)) DESC, profile_id LIMIT 20";
  const std::vector<Shape> shapes = {
      {"one word: cardiologue", "cardiologue ", false, 0, false, kRawRanked, {"cardiologue"}, ""},
      {"two words: gynécologue lyon", "gynécologue lyon ", false, 0, false, kRawRanked,
       {"gynecologue & lyon"}, ""},
      {"typo: gynecolgue", "gynecolgue ", false, 0, false, kRawRanked, {"gynecologue"},
       "raw: already corrected"},
      {"prefix: pédia", "pédia", false, 0, false, kRawRanked, {"pedia:*"}, ""},
      {"competence + 30 km: PMA near Lyon", "PMA ", true, 30, false,
       "SELECT d.profile_id FROM doctors d WHERE NOT d.deleted AND d.document @@ "
       "to_tsquery('fr', $1) AND EXISTS (SELECT 1 FROM doctor_places p WHERE p.profile_id = "
       "d.profile_id AND haversine_km(45.7597, 4.8422, p.latitude, p.longitude) <= 30) "
       "ORDER BY ts_rank_cd(d.document, to_tsquery('fr', $1)) DESC, d.profile_id LIMIT 20",
       {"pma"}, ""},
      {"facets: médecin + facets", "médecin ", false, 0, true,
       "WITH m AS (SELECT profile_id, specialty_code FROM doctors WHERE NOT deleted AND "
       "document @@ to_tsquery('fr', $1)) SELECT specialty_code, count(*) FROM m GROUP BY 1 "
       "UNION ALL SELECT c.competence_key, count(*) FROM m JOIN doctor_competences c USING "
       "(profile_id) GROUP BY 1 UNION ALL SELECT p.commune_key, count(*) FROM m JOIN "
       "doctor_places p USING (profile_id) GROUP BY 1",
       {"medecin"}, "raw: the three GROUP BYs only"},
  };
  std::printf("\n%d doctors, %d cases; %d calls per row (after 20 warm-up); ms, one client\n\n",
              n_doctors, n_cases, runs);
  std::printf("| %-34s | ours p50 | ours p99 | raw p50 | raw p99 | ours/raw (mean) | note\n",
              "query");
  std::printf("|---|---|---|---|---|---|---|\n");
  Row("baseline: primary-key lookup", pk, pk, "");
  for (const Shape& s : shapes) {
    DoctorQuery q;
    q.text = ParseQuery(s.query);
    if (s.near_lyon) q.origin = GeoPoint{45.7597, 4.8422};
    q.radius_km = s.radius;
    q.include_facets = s.facets;
    q.limit = 20;
    int hits = 0;
    const Stats ours = Measure(runs, [&] {
      absl::StatusOr<DoctorPage> page = store.SearchDoctors(q);
      Check(page.status(), "search");
      hits = static_cast<int>(page->hits.size());
    });
    const Stats theirs = Measure(runs, raw(s.raw_sql, s.raw_params));
    Row(s.name, ours, theirs, absl::StrCat(hits, " hits", s.note.empty() ? "" : "; ", s.note));
  }
  for (const char* prefix : {"gy", "card", "pma", "mart", "saint e"}) {
    int n = 0;
    const Stats ours = Measure(runs, [&] {
      absl::StatusOr<std::vector<v1::Suggestion>> s = store.Suggest(prefix, 10, {});
      Check(s.status(), "suggest");
      n = static_cast<int>(s->size());
    });
    const Stats theirs = Measure(
        runs, raw("SELECT label FROM suggestions WHERE key LIKE $1 || '%' LIMIT 10", {prefix}));
    Row(absl::StrCat("Suggest \"", prefix, "\""), ours, theirs,
        absl::StrCat(n, " suggestions; raw: one LIKE prefix"));
  }
  if (n_cases > 0) {
    for (const char* query : {"endométriose ", "douleur thoracique ", "anticoagulaton "}) {
      CaseQuery q;
      q.text = ParseQuery(query);
      q.caller_account_id = NewUuid();
      q.limit = 20;
      int hits = 0;
      const Stats ours = Measure(runs, [&] {
        absl::StatusOr<CasePage> page = store.SearchCases(q);
        Check(page.status(), "cases");
        hits = static_cast<int>(page->hits.size());
      });
      const Stats theirs = Measure(
          runs, raw("SELECT case_id, ts_headline('fr', title || ' ' || body, to_tsquery('fr', $1)) "
                    "FROM (SELECT * FROM cases WHERE NOT deleted AND NOT hidden AND document @@ "
                    "to_tsquery('fr', $1) ORDER BY ts_rank_cd(document, to_tsquery('fr', $1)) "
                    "DESC LIMIT 20) c",
                    {ToTsQueryAll(ParseQuery(query))}));
      Row(absl::StrCat("SearchCases \"", query, "\""), ours, theirs,
          absl::StrCat(hits, " hits; raw: ranked + headline, no visibility"));
    }
  }

  // 4. Write-to-searchable lag under a steady load.
  const int rate = absl::GetFlag(FLAGS_lag_rate);
  const int lag_events = static_cast<int>(rate * absl::GetFlag(FLAGS_lag_seconds));
  {
    Indexer indexer(pool.get(), io, &Clock::Real());
    indexer.Start();
    const absl::Time start = absl::Now();
    for (int i = 0; i < lag_events && i < n_doctors; ++i) {
      absl::SleepFor(start + absl::Seconds(static_cast<double>(i) / rate) - absl::Now());
      publish(MakeDoctor(rng, ids[i], 3, nullptr));
    }
    absl::SleepFor(absl::Seconds(2));
    indexer.Stop();
  }
  std::vector<double> lag_ms;
  Check(pool->InTransaction([&](pqxx::transaction_base& txn) {
          for (const pqxx::row& r :
               txn.exec("SELECT extract(epoch FROM (indexed_at - occur_time)) * 1000 FROM "
                        "doctors WHERE version = 3")) {
            lag_ms.push_back(r[0].as<double>());
          }
          return absl::OkStatus();
        }),
        "lag");
  std::sort(lag_ms.begin(), lag_ms.end());
  std::printf("\nindexing: %.0f events/s (ApplyEvent, one transaction each, %d events); "
              "%.0f events/s end to end through Redis (%d events)\n",
              direct_rate, timed, stream_rate, stream_events);
  if (!lag_ms.empty()) {
    std::printf("write-to-searchable lag at %d events/s for %.0f s: p50 %.1f ms, p99 %.1f ms, "
                "max %.1f ms (%zu of %d events indexed)\n",
                rate, absl::GetFlag(FLAGS_lag_seconds), lag_ms[lag_ms.size() / 2],
                lag_ms[lag_ms.size() * 99 / 100], lag_ms.back(), lag_ms.size(),
                std::min(lag_events, n_doctors));
  }
  return 0;
}

}  // namespace
}  // namespace meltingdoc::search

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::search::Run();
}
