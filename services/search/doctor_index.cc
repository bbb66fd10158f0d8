#include "services/search/doctor_index.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "libs/text/fold.h"
#include "services/search/query_parser.h"
#include "services/search/ranking.h"

namespace meltingdoc::search {
namespace {

// As pg_search_store.cc.
constexpr double kUnknownDistance = 1e9;
constexpr size_t kFacetLimit = 20;
// Competences a posting can mark (Posting::competences).
constexpr size_t kPostingCompetences = 32;

class Bitset {
 public:
  explicit Bitset(size_t n) : words_((n + 63) / 64, 0) {}
  bool Test(uint32_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void Set(uint32_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  void And(const Bitset& o) {
    for (size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
  }
  template <typename F>
  void ForEach(F f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      uint64_t bits = words_[w];
      while (bits != 0) {
        const int b = __builtin_ctzll(bits);
        f(static_cast<uint32_t>(w * 64 + b));
        bits &= bits - 1;
      }
    }
  }

 private:
  std::vector<uint64_t> words_;
};

bool SortedContains(const std::vector<uint32_t>& v, uint32_t x) {
  return std::binary_search(v.begin(), v.end(), x);
}

// The first 16 hex digits of a UUID's text (dash skipped), so that comparing keys orders as
// comparing the texts does (lower-case hex); equal keys fall back to the texts.
uint64_t IdKey(const std::string& id) {
  uint64_t key = 0;
  int digits = 0;
  for (char c : id) {
    if (digits == 16) break;
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;
    }
    key = (key << 4) | static_cast<uint64_t>(v);
    ++digits;
  }
  return key << (4 * (16 - digits));
}

// One cover per position for a one-term query: ts_rank_cd adds count / (1 / weight) for each.
double OneTermRank(const uint8_t counts[4], const std::array<float, 4>& weights) {
  double r = 0;
  for (int k = 0; k < 4; ++k) {
    if (counts[k] != 0) r += counts[k] * (1.0 / (1.0 / static_cast<double>(weights[k])));
  }
  return r;
}

}  // namespace

uint32_t DoctorIndex::Interner::Id(const std::string& s) {
  auto [it, inserted] = ids_.emplace(s, static_cast<uint32_t>(text_.size()));
  if (inserted) text_.push_back(s);
  return it->second;
}

std::optional<uint32_t> DoctorIndex::Interner::Find(const std::string& s) const {
  auto it = ids_.find(s);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

DoctorIndex::DoctorIndex() { strings_.Id(""); }

uint32_t DoctorIndex::LexemeId(const std::string& lexeme) {
  auto [it, inserted] = lexeme_ids_.emplace(lexeme, static_cast<uint32_t>(postings_.size()));
  if (inserted) postings_.emplace_back();
  return it->second;
}

uint32_t DoctorIndex::WordId(const std::string& word) {
  auto [it, inserted] = word_ids_.emplace(word, static_cast<uint32_t>(word_text_.size()));
  if (inserted) {
    word_text_.push_back(word);
    word_docs_.push_back(0);
  }
  return it->second;
}

uint32_t DoctorIndex::SlotFor(const std::string& profile_id) {
  auto [it, inserted] = slot_of_.emplace(profile_id, static_cast<uint32_t>(cold_.size()));
  if (inserted) {
    cold_.emplace_back();
    cold_.back().profile_id = profile_id;
    live_.push_back(0);
    accepting_.push_back(0);
    id_key_.push_back(IdKey(profile_id));
    specialty_.push_back(0);
    specialty_label_.push_back(0);
    endorsement_total_.push_back(0);
    competence_begin_.push_back(0);
    competence_count_.push_back(0);
    place_begin_.push_back(0);
    place_count_.push_back(0);
  }
  return it->second;
}

void DoctorIndex::AddPlaceSums(uint32_t slot, int sign) {
  for (uint32_t i = place_begin_[slot]; i < place_begin_[slot] + place_count_[slot]; ++i) {
    if (!place_has_coordinates_[i]) continue;
    for (auto* sums : {&by_commune_key_, &by_postcode_}) {
      const uint32_t key = sums == &by_commune_key_ ? place_key_[i] : place_postcode_[i];
      PlaceSum& s = (*sums)[key];
      s.latitude += sign * place_latitude_[i];
      s.longitude += sign * place_longitude_[i];
      s.count += sign;
      if (s.count <= 0) sums->erase(key);
    }
  }
}

void DoctorIndex::Unlink(uint32_t slot) {
  if (!live_[slot]) return;
  Cold& d = cold_[slot];
  for (uint32_t lex : d.lexemes) {
    std::vector<Posting>& p = postings_[lex];
    auto it = std::lower_bound(p.begin(), p.end(), slot,
                               [](const Posting& a, uint32_t s) { return a.slot < s; });
    if (it != p.end() && it->slot == slot) p.erase(it);
  }
  for (uint32_t w : d.words) {
    if (--word_docs_[w] == 0) words_present_.erase(word_text_[w]);
  }
  AddPlaceSums(slot, -1);
  arena_garbage_ += competence_count_[slot] + place_count_[slot];
  competence_count_[slot] = 0;
  place_count_[slot] = 0;
  live_[slot] = 0;
  --live_count_;
}

void DoctorIndex::Remove(const std::string& profile_id) {
  auto it = slot_of_.find(profile_id);
  if (it == slot_of_.end()) return;
  const uint32_t slot = it->second;
  Unlink(slot);
  const int64_t version = cold_[slot].version;
  cold_[slot] = Cold();
  cold_[slot].profile_id = profile_id;
  cold_[slot].version = version;
}

std::optional<int64_t> DoctorIndex::VersionOf(const std::string& profile_id) const {
  auto it = slot_of_.find(profile_id);
  if (it == slot_of_.end()) return std::nullopt;
  return cold_[it->second].version;
}

void DoctorIndex::SetVersion(const std::string& profile_id, int64_t version) {
  cold_[SlotFor(profile_id)].version = version;
}

void DoctorIndex::CompactArenas() {
  std::vector<uint32_t> ck, cl, pk, pc, pp;
  std::vector<int32_t> ce;
  std::vector<double> plat, plon;
  std::vector<uint8_t> ph;
  for (uint32_t slot = 0; slot < cold_.size(); ++slot) {
    const uint32_t cb = static_cast<uint32_t>(ck.size());
    for (uint32_t i = competence_begin_[slot]; i < competence_begin_[slot] + competence_count_[slot]; ++i) {
      ck.push_back(competence_key_[i]);
      cl.push_back(competence_label_[i]);
      ce.push_back(competence_endorsements_[i]);
    }
    competence_begin_[slot] = cb;
    const uint32_t pb = static_cast<uint32_t>(pk.size());
    for (uint32_t i = place_begin_[slot]; i < place_begin_[slot] + place_count_[slot]; ++i) {
      pk.push_back(place_key_[i]);
      pc.push_back(place_commune_[i]);
      pp.push_back(place_postcode_[i]);
      plat.push_back(place_latitude_[i]);
      plon.push_back(place_longitude_[i]);
      ph.push_back(place_has_coordinates_[i]);
    }
    place_begin_[slot] = pb;
  }
  competence_key_.swap(ck);
  competence_label_.swap(cl);
  competence_endorsements_.swap(ce);
  place_key_.swap(pk);
  place_commune_.swap(pc);
  place_postcode_.swap(pp);
  place_latitude_.swap(plat);
  place_longitude_.swap(plon);
  place_has_coordinates_.swap(ph);
  arena_garbage_ = 0;
}

void DoctorIndex::Upsert(const DoctorRow& row) {
  const uint32_t slot = SlotFor(row.profile_id);
  if (row.deleted) {
    cold_[slot].version = row.version;
    Remove(row.profile_id);
    return;
  }
  // A doctor held already keeps its postings where its lexemes did not change (a common
  // lexeme's list is long: erasing and inserting there costs a copy of it).
  std::vector<uint32_t> old_lexemes;
  if (live_[slot]) {
    old_lexemes = cold_[slot].lexemes;
    for (uint32_t w : cold_[slot].words) {
      if (--word_docs_[w] == 0) words_present_.erase(word_text_[w]);
    }
    AddPlaceSums(slot, -1);
    arena_garbage_ += competence_count_[slot] + place_count_[slot];
    live_[slot] = 0;
    --live_count_;
  }
  Cold d;
  d.profile_id = row.profile_id;
  d.version = row.version;
  d.display_name = row.display_name;
  d.headline = row.headline;
  for (const std::string& l : row.languages) d.languages.push_back(strings_.Id(l));
  for (const std::string& k : row.filter_keys) d.filter_keys.push_back(strings_.Id(k));
  std::sort(d.filter_keys.begin(), d.filter_keys.end());
  for (const std::string& w : row.words) {
    const uint32_t id = WordId(w);
    if (std::find(d.words.begin(), d.words.end(), id) != d.words.end()) continue;
    d.words.push_back(id);
    if (word_docs_[id]++ == 0) words_present_.insert(w);
  }
  // The document, lexemes by id.
  std::vector<std::pair<uint32_t, const TsLexeme*>> lexemes;
  for (const TsLexeme& l : row.document) lexemes.emplace_back(LexemeId(l.lexeme), &l);
  std::sort(lexemes.begin(), lexemes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [id, l] : lexemes) {
    if (!d.lexemes.empty() && d.lexemes.back() == id) continue;
    d.lexemes.push_back(id);
    d.positions.insert(d.positions.end(), l->positions.begin(), l->positions.end());
    d.lexeme_end.push_back(static_cast<uint32_t>(d.positions.size()));
  }
  // Hot fields and arenas.
  specialty_[slot] = strings_.Id(row.specialty_code);
  specialty_label_[slot] = strings_.Id(row.specialty_label);
  accepting_[slot] = row.accepting_referrals ? 1 : 0;
  endorsement_total_[slot] = row.endorsement_total;
  competence_begin_[slot] = static_cast<uint32_t>(competence_key_.size());
  competence_count_[slot] = static_cast<uint8_t>(std::min<size_t>(row.competences.size(), 255));
  for (size_t c = 0; c < competence_count_[slot]; ++c) {
    const DoctorRow::Competence& k = row.competences[c];
    competence_key_.push_back(strings_.Id(k.key));
    competence_label_.push_back(strings_.Id(k.label));
    competence_endorsements_.push_back(k.endorsements);
    std::vector<uint32_t> lex;
    for (const std::string& l : k.lexemes) lex.push_back(LexemeId(l));
    std::sort(lex.begin(), lex.end());
    d.competence_lexemes.push_back(std::move(lex));
  }
  place_begin_[slot] = static_cast<uint32_t>(place_key_.size());
  place_count_[slot] = static_cast<uint8_t>(std::min<size_t>(row.places.size(), 255));
  for (size_t i = 0; i < place_count_[slot]; ++i) {
    const DoctorRow::Place& p = row.places[i];
    place_key_.push_back(strings_.Id(p.commune_key));
    place_commune_.push_back(strings_.Id(p.commune));
    place_postcode_.push_back(strings_.Id(p.postcode));
    const bool has = p.latitude.has_value() && p.longitude.has_value();
    place_has_coordinates_.push_back(has ? 1 : 0);
    place_latitude_.push_back(p.latitude.value_or(0));
    place_longitude_.push_back(p.longitude.value_or(0));
    if (!p.commune.empty()) d.communes.push_back(p.commune);
  }
  std::sort(d.communes.begin(), d.communes.end());
  d.communes.erase(std::unique(d.communes.begin(), d.communes.end()), d.communes.end());
  // Postings: weight counts and the competences holding each lexeme.
  for (size_t i = 0; i < d.lexemes.size(); ++i) {
    Posting posting{slot, {0, 0, 0, 0}, 0};
    for (uint32_t p = i == 0 ? 0 : d.lexeme_end[i - 1]; p < d.lexeme_end[i]; ++p) {
      uint8_t& n = posting.weights[d.positions[p].weight & 3];
      if (n < 255) ++n;
    }
    for (size_t c = 0; c < d.competence_lexemes.size() && c < kPostingCompetences; ++c) {
      if (SortedContains(d.competence_lexemes[c], d.lexemes[i])) posting.competences |= 1u << c;
    }
    std::vector<Posting>& list = postings_[d.lexemes[i]];
    if (list.empty() || list.back().slot < slot) {
      list.push_back(posting);
    } else {
      auto it = std::lower_bound(list.begin(), list.end(), slot,
                                 [](const Posting& a, uint32_t s) { return a.slot < s; });
      if (it != list.end() && it->slot == slot) {
        *it = posting;
      } else {
        list.insert(it, posting);
      }
    }
  }
  for (uint32_t lex : old_lexemes) {
    if (SortedContains(d.lexemes, lex)) continue;
    std::vector<Posting>& list = postings_[lex];
    auto it = std::lower_bound(list.begin(), list.end(), slot,
                               [](const Posting& a, uint32_t s) { return a.slot < s; });
    if (it != list.end() && it->slot == slot) list.erase(it);
  }
  cold_[slot] = std::move(d);
  live_[slot] = 1;
  ++live_count_;
  AddPlaceSums(slot, +1);
  if (arena_garbage_ > 4096 && arena_garbage_ > competence_key_.size() / 2) CompactArenas();
}

bool DoctorIndex::HasWord(const std::string& word) const {
  auto it = word_ids_.find(word);
  return it != word_ids_.end() && word_docs_[it->second] > 0;
}

bool DoctorIndex::HasWordStartingWith(const std::string& prefix) const {
  auto it = words_present_.lower_bound(prefix);
  return it != words_present_.end() && absl::StartsWith(*it, prefix);
}

std::vector<std::string> DoctorIndex::WordsOneEditAway(const std::string& word) const {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<std::string> out;
  const auto consider = [&](const std::string& w) {
    if (w != word && HasWord(w) && std::find(out.begin(), out.end(), w) == out.end()) {
      out.push_back(w);
    }
  };
  std::string w;
  for (size_t i = 0; i < word.size(); ++i) {  // deletions
    w = word;
    w.erase(i, 1);
    consider(w);
  }
  for (size_t i = 0; i + 1 < word.size(); ++i) {  // adjacent transpositions
    w = word;
    std::swap(w[i], w[i + 1]);
    consider(w);
  }
  for (size_t i = 0; i < word.size(); ++i) {  // substitutions
    for (const char* c = kLetters; *c != '\0'; ++c) {
      if (*c == word[i]) continue;
      w = word;
      w[i] = *c;
      consider(w);
    }
  }
  for (size_t i = 0; i <= word.size(); ++i) {  // insertions
    for (const char* c = kLetters; *c != '\0'; ++c) {
      w = word;
      w.insert(w.begin() + static_cast<std::ptrdiff_t>(i), *c);
      consider(w);
    }
  }
  return out;
}

std::optional<GeoPoint> DoctorIndex::ResolvePlace(const std::string& place) const {
  PlaceSum total;
  const auto add = [&](const absl::flat_hash_map<uint32_t, PlaceSum>& sums,
                       const std::string& key) {
    const std::optional<uint32_t> id = strings_.Find(key);
    if (!id.has_value()) return;
    auto it = sums.find(*id);
    if (it == sums.end()) return;
    total.latitude += it->second.latitude;
    total.longitude += it->second.longitude;
    total.count += it->second.count;
  };
  add(by_postcode_, place);
  add(by_commune_key_, text::FoldedKey(place));
  if (total.count <= 0) return std::nullopt;
  return GeoPoint{total.latitude / static_cast<double>(total.count),
                  total.longitude / static_cast<double>(total.count)};
}

void DoctorIndex::MatchOperand(const Operand& op, std::vector<uint32_t>& out) const {
  if (!op.prefix) {
    auto it = lexeme_ids_.find(op.lexeme);
    if (it != lexeme_ids_.end()) out.push_back(it->second);
    return;
  }
  for (auto it = lexeme_ids_.lower_bound(op.lexeme);
       it != lexeme_ids_.end() && absl::StartsWith(it->first, op.lexeme); ++it) {
    out.push_back(it->second);
  }
}

DoctorPage DoctorIndex::Search(const DoctorQuery& q, const ResolvedQuery& text) const {
  DoctorPage page;
  const size_t n = cold_.size();
  const bool has_text = text.has_text;

  // Operands: bit i of a mask is operand i; each lexeme carries the bits of the operands it
  // matches (an operand equal to another shares its entries, as in PostgreSQL).
  std::vector<uint64_t> term_masks;
  absl::flat_hash_map<uint32_t, uint64_t> lexeme_mask;
  int operand = 0;
  std::vector<uint32_t> ids;
  for (const std::vector<Operand>& term : text.terms) {
    uint64_t mask = 0;
    for (const Operand& op : term) {
      if (operand >= 64) break;
      const uint64_t bit = uint64_t{1} << operand++;
      mask |= bit;
      ids.clear();
      MatchOperand(op, ids);
      for (uint32_t lex : ids) lexeme_mask[lex] |= bit;
    }
    if (mask != 0) term_masks.push_back(mask);
  }
  std::vector<uint32_t> query_lexemes;
  for (const auto& [lex, m] : lexeme_mask) query_lexemes.push_back(lex);
  std::sort(query_lexemes.begin(), query_lexemes.end());

  // Filters, as interned ids (a value never seen matches no doctor).
  std::vector<uint32_t> specialties, languages;
  for (const std::string& s : q.specialty_codes) {
    if (auto id = strings_.Find(s)) specialties.push_back(*id);
  }
  for (const std::string& l : q.languages) {
    if (auto id = strings_.Find(l)) languages.push_back(*id);
  }
  std::vector<std::vector<uint32_t>> competence_alternatives;  // all of: any of each
  for (const std::string& c : q.competence_keys) {
    std::vector<uint32_t> any;
    if (auto id = strings_.Find(c)) any.push_back(*id);
    if (auto id = strings_.Find("label:" + text::FoldedKey(c))) any.push_back(*id);
    competence_alternatives.push_back(std::move(any));
  }
  const bool has_origin = q.origin.has_value();
  const bool radius = has_origin && q.radius_km > 0;
  BoundingBox box{};
  if (radius) box = BoxAround(q.origin->latitude, q.origin->longitude, q.radius_km);
  const double proximity_km = has_origin ? (q.radius_km > 0 ? q.radius_km : kDefaultProximityKm) : 0;
  const bool by_distance = q.order == DoctorOrder::kDistance && has_origin;

  struct Scored {
    double sort_value;
    uint32_t slot;
    double score;
    std::optional<double> km;
    int endorsements;
    uint64_t matched_competences;  // bit per competence ordinal (first 64)
  };
  const auto id_less = [&](uint32_t a, uint32_t b) {
    if (id_key_[a] != id_key_[b]) return id_key_[a] < id_key_[b];
    return cold_[a].profile_id < cold_[b].profile_id;
  };
  // Better first: by relevance, score descending; by distance, ascending; then profile id.
  const auto better = [&](const Scored& a, const Scored& b) {
    if (a.sort_value != b.sort_value) {
      return by_distance ? a.sort_value < b.sort_value : a.sort_value > b.sort_value;
    }
    return id_less(a.slot, b.slot);
  };
  const uint64_t after_key = q.after.has_value() ? IdKey(q.after->id) : 0;
  const auto after_cursor = [&](const Scored& s) {
    if (!q.after.has_value()) return true;
    const double v = q.after->sort_value;
    if (s.sort_value != v) return by_distance ? s.sort_value > v : s.sort_value < v;
    if (id_key_[s.slot] != after_key) return id_key_[s.slot] > after_key;
    return cold_[s.slot].profile_id > q.after->id;
  };
  const size_t keep = static_cast<size_t>(std::max(1, q.limit)) + 1;
  std::vector<Scored> top;  // a heap whose front is the worst kept
  const bool facets = q.include_facets && !q.after.has_value();
  std::vector<int64_t> specialty_count, competence_count, commune_count;
  std::vector<uint32_t> specialty_best, competence_best, commune_best;
  if (facets) {
    specialty_count.assign(strings_.size(), 0);
    competence_count.assign(strings_.size(), 0);
    commune_count.assign(strings_.size(), 0);
    specialty_best.assign(strings_.size(), 0);
    competence_best.assign(strings_.size(), 0);
    commune_best.assign(strings_.size(), 0);
  }
  // Counts a doctor for `key` once (`seen`: the keys already counted for it); the facet's
  // label is the greatest of the matches' labels, as max(label) in SQL.
  const auto count_label = [&](std::vector<int64_t>& count, std::vector<uint32_t>& best,
                               uint32_t key, uint32_t label, std::vector<uint32_t>& seen) {
    const bool first = std::find(seen.begin(), seen.end(), key) == seen.end();
    if (first) {
      seen.push_back(key);
      if (count[key]++ == 0) {
        best[key] = label;
        return;
      }
    }
    if (best[key] != label && strings_.Text(label) > strings_.Text(best[key])) best[key] = label;
  };
  std::vector<RankEntry> entries;
  std::vector<uint32_t> seen_keys;
  int64_t total = 0;

  // `rank`: the text rank when known (one-term queries, from the postings); `competences`:
  // the matched competences then.
  const auto consider = [&](uint32_t slot, std::optional<double> rank, uint64_t competences) {
    if (!live_[slot]) return;
    if (!q.specialty_codes.empty() &&
        std::find(specialties.begin(), specialties.end(), specialty_[slot]) == specialties.end()) {
      return;
    }
    if (q.accepting_referrals && !accepting_[slot]) return;
    const uint32_t pb = place_begin_[slot], pe = pb + place_count_[slot];
    if (radius) {
      // A place in the box and within the radius; the box first (no trigonometry).
      bool within = false;
      for (uint32_t i = pb; i < pe && !within; ++i) {
        const double lat = place_latitude_[i], lon = place_longitude_[i];
        within = place_has_coordinates_[i] && lat >= box.min_lat && lat <= box.max_lat &&
                 lon >= box.min_lon && lon <= box.max_lon &&
                 HaversineKm(q.origin->latitude, q.origin->longitude, lat, lon) <= q.radius_km;
      }
      if (!within) return;
    }
    if (!competence_alternatives.empty() || !q.languages.empty()) {
      const Cold& d = cold_[slot];
      for (const std::vector<uint32_t>& any : competence_alternatives) {
        bool found = false;
        for (uint32_t k : any) found = found || SortedContains(d.filter_keys, k);
        if (!found) return;
      }
      if (!q.languages.empty()) {
        bool found = false;
        for (uint32_t l : d.languages) {
          found = found || std::find(languages.begin(), languages.end(), l) != languages.end();
        }
        if (!found) return;
      }
    }
    std::optional<double> km;  // to the nearest place
    if (has_origin) {
      for (uint32_t i = pb; i < pe; ++i) {
        if (!place_has_coordinates_[i]) continue;
        const double k = HaversineKm(q.origin->latitude, q.origin->longitude,
                                     place_latitude_[i], place_longitude_[i]);
        if (!km.has_value() || k < *km) km = k;
      }
    }
    ++total;
    Scored s{0, slot, 0, km, endorsement_total_[slot], 0};
    const uint32_t cb = competence_begin_[slot], cn = competence_count_[slot];
    if (has_text) {
      if (!rank.has_value()) {
        // Several terms: the cover density from the doctor's positions, and the matched
        // competences from their lexemes.
        const Cold& d = cold_[slot];
        entries.clear();
        for (size_t i = 0; i < d.lexemes.size(); ++i) {
          const uint32_t lex = d.lexemes[i];
          if (!std::binary_search(query_lexemes.begin(), query_lexemes.end(), lex)) continue;
          const uint64_t m = lexeme_mask.at(lex);
          for (uint32_t p = i == 0 ? 0 : d.lexeme_end[i - 1]; p < d.lexeme_end[i]; ++p) {
            entries.push_back(RankEntry{d.positions[p].position, d.positions[p].weight, m});
          }
        }
        std::sort(entries.begin(), entries.end(),
                  [](const RankEntry& a, const RankEntry& b) { return a.position < b.position; });
        rank = static_cast<double>(CoverDensityRank(entries, term_masks));
        competences = 0;
        for (size_t c = 0; c < d.competence_lexemes.size() && c < 64; ++c) {
          for (uint32_t lex : d.competence_lexemes[c]) {
            if (std::binary_search(query_lexemes.begin(), query_lexemes.end(), lex)) {
              competences |= uint64_t{1} << c;
              break;
            }
          }
        }
      } else if (cn > kPostingCompetences) {
        // Competences past those a posting marks: from their lexemes.
        const Cold& d = cold_[slot];
        for (size_t c = kPostingCompetences; c < d.competence_lexemes.size() && c < 64; ++c) {
          for (uint32_t lex : d.competence_lexemes[c]) {
            if (std::binary_search(query_lexemes.begin(), query_lexemes.end(), lex)) {
              competences |= uint64_t{1} << c;
              break;
            }
          }
        }
      }
      s.endorsements = 0;
      for (uint64_t bits = competences; bits != 0; bits &= bits - 1) {
        const int c = __builtin_ctzll(bits);
        if (static_cast<uint32_t>(c) < cn) s.endorsements += competence_endorsements_[cb + c];
      }
      s.matched_competences = competences;
    }
    s.score = BlendScore(rank, s.endorsements, km, proximity_km);
    s.sort_value = by_distance ? km.value_or(kUnknownDistance) : s.score;
    if (facets) {
      if (specialty_[slot] != 0) {
        seen_keys.clear();
        count_label(specialty_count, specialty_best, specialty_[slot], specialty_label_[slot],
                    seen_keys);
      }
      seen_keys.clear();
      for (uint32_t i = cb; i < cb + cn; ++i) {
        count_label(competence_count, competence_best, competence_key_[i], competence_label_[i],
                    seen_keys);
      }
      seen_keys.clear();
      for (uint32_t i = pb; i < pe; ++i) {
        if (place_key_[i] == 0) continue;
        count_label(commune_count, commune_best, place_key_[i], place_commune_[i], seen_keys);
      }
    }
    if (!after_cursor(s)) return;
    if (top.size() < keep) {
      top.push_back(s);
      std::push_heap(top.begin(), top.end(), better);
    } else if (better(s, top.front())) {
      std::pop_heap(top.begin(), top.end(), better);
      top.back() = s;
      std::push_heap(top.begin(), top.end(), better);
    }
  };

  if (has_text && term_masks.size() == 1) {
    // One term: each position is a cover of its own, so the rank is the postings' weighted
    // counts summed over the term's lexemes, and the matched competences their marks.
    thread_local std::vector<double> rank;
    thread_local std::vector<uint32_t> marks;
    if (rank.size() < n) {
      rank.resize(n);
      marks.resize(n);
    }
    Bitset matched(n);
    for (uint32_t lex : query_lexemes) {
      for (const Posting& p : postings_[lex]) {
        const double r = OneTermRank(p.weights, kDoctorRankWeights);
        if (!matched.Test(p.slot)) {
          matched.Set(p.slot);
          rank[p.slot] = r;
          marks[p.slot] = p.competences;
        } else {
          rank[p.slot] += r;
          marks[p.slot] |= p.competences;
        }
      }
    }
    matched.ForEach([&](uint32_t slot) {
      consider(slot, static_cast<double>(static_cast<float>(rank[slot])), marks[slot]);
    });
  } else if (has_text) {
    // The doctors matching every term: per term, the union of its lexemes' postings.
    std::vector<Bitset> term_sets;
    for (uint64_t mask : term_masks) {
      Bitset& set = term_sets.emplace_back(n);
      for (const auto& [lex, m] : lexeme_mask) {
        if ((m & mask) == 0) continue;
        for (const Posting& p : postings_[lex]) set.Set(p.slot);
      }
    }
    if (!term_sets.empty()) {
      for (size_t t = 1; t < term_sets.size(); ++t) term_sets[0].And(term_sets[t]);
      term_sets[0].ForEach([&](uint32_t slot) { consider(slot, std::nullopt, 0); });
    }
  } else {
    for (uint32_t slot = 0; slot < n; ++slot) consider(slot, std::nullopt, 0);
  }

  std::sort(top.begin(), top.end(), better);
  for (size_t i = 0; i < top.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      const Scored& last = top[i - 1];
      page.next = Cursor{last.sort_value, cold_[last.slot].profile_id};
      break;
    }
    const Scored& s = top[i];
    const Cold& d = cold_[s.slot];
    v1::DoctorHit& h = page.hits.emplace_back();
    h.set_profile_id(d.profile_id);
    h.set_display_name(d.display_name);
    h.set_specialty_code(strings_.Text(specialty_[s.slot]));
    h.set_specialty_label(strings_.Text(specialty_label_[s.slot]));
    h.set_headline(d.headline);
    const uint32_t cb = competence_begin_[s.slot], cn = competence_count_[s.slot];
    for (uint32_t c = 0; c < cn && c < 64; ++c) {
      if (s.matched_competences & (uint64_t{1} << c)) {
        h.add_matched_competences(strings_.Text(competence_label_[cb + c]));
      }
    }
    for (uint32_t l : d.languages) h.add_languages(strings_.Text(l));
    h.set_accepting_referrals(accepting_[s.slot] != 0);
    for (const std::string& c : d.communes) h.add_communes(c);
    if (s.km.has_value()) h.set_distance_km(*s.km);
    h.set_score(s.score);
    h.set_endorsement_count(s.endorsements);
  }
  if (facets) {
    page.total = total;
    const auto top_facets = [&](const std::vector<int64_t>& count,
                                const std::vector<uint32_t>& best,
                                std::vector<v1::FacetCount>& out) {
      std::vector<uint32_t> keys;
      for (uint32_t k = 0; k < count.size(); ++k) {
        if (count[k] > 0) keys.push_back(k);
      }
      const auto order = [&](uint32_t a, uint32_t b) {
        if (count[a] != count[b]) return count[a] > count[b];
        return strings_.Text(a) < strings_.Text(b);
      };
      const size_t m = std::min(kFacetLimit, keys.size());
      std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(m), keys.end(),
                        order);
      for (size_t i = 0; i < m; ++i) {
        v1::FacetCount& f = out.emplace_back();
        f.set_value(strings_.Text(keys[i]));
        f.set_label(strings_.Text(best[keys[i]]));
        f.set_count(count[keys[i]]);
      }
    };
    top_facets(specialty_count, specialty_best, page.specialty_facets);
    top_facets(competence_count, competence_best, page.competence_facets);
    top_facets(commune_count, commune_best, page.commune_facets);
  }
  return page;
}

}  // namespace meltingdoc::search
