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

class Bitset {
 public:
  explicit Bitset(size_t n) : words_((n + 63) / 64, 0) {}
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

void SortedInsert(std::vector<uint32_t>& v, uint32_t x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

void SortedErase(std::vector<uint32_t>& v, uint32_t x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it != v.end() && *it == x) v.erase(it);
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

void DoctorIndex::AddPlaceSums(const Doc& d, int sign) {
  for (const Place& p : d.places) {
    if (!p.has_coordinates) continue;
    for (auto* sums : {&by_commune_key_, &by_postcode_}) {
      const uint32_t key = sums == &by_commune_key_ ? p.commune_key : p.postcode;
      PlaceSum& s = (*sums)[key];
      s.latitude += sign * p.latitude;
      s.longitude += sign * p.longitude;
      s.count += sign;
      if (s.count <= 0) sums->erase(key);
    }
  }
}

void DoctorIndex::Unlink(uint32_t slot) {
  Doc& d = docs_[slot];
  if (!d.live) return;
  for (uint32_t lex : d.lexemes) SortedErase(postings_[lex], slot);
  for (uint32_t w : d.words) {
    if (--word_docs_[w] == 0) words_present_.erase(word_text_[w]);
  }
  AddPlaceSums(d, -1);
  d.live = false;
  --live_;
}

void DoctorIndex::Remove(const std::string& profile_id) {
  auto it = slot_of_.find(profile_id);
  if (it == slot_of_.end()) return;
  Unlink(it->second);
  Doc& d = docs_[it->second];
  const int64_t version = d.version;
  d = Doc();
  d.profile_id = profile_id;
  d.version = version;
}

std::optional<int64_t> DoctorIndex::VersionOf(const std::string& profile_id) const {
  auto it = slot_of_.find(profile_id);
  if (it == slot_of_.end()) return std::nullopt;
  return docs_[it->second].version;
}

void DoctorIndex::SetVersion(const std::string& profile_id, int64_t version) {
  auto [it, inserted] = slot_of_.emplace(profile_id, static_cast<uint32_t>(docs_.size()));
  if (inserted) {
    docs_.emplace_back();
    docs_.back().profile_id = profile_id;
  }
  docs_[it->second].version = version;
}

void DoctorIndex::Upsert(const DoctorRow& row) {
  SetVersion(row.profile_id, row.version);
  if (row.deleted) {
    Remove(row.profile_id);
    return;
  }
  const uint32_t slot = slot_of_.at(row.profile_id);
  const std::vector<uint32_t> old_lexemes =
      docs_[slot].live ? docs_[slot].lexemes : std::vector<uint32_t>();
  // Words and place sums are re-added below; postings change only where the lexemes did.
  if (docs_[slot].live) {
    Doc& old = docs_[slot];
    for (uint32_t w : old.words) {
      if (--word_docs_[w] == 0) words_present_.erase(word_text_[w]);
    }
    AddPlaceSums(old, -1);
    old.live = false;
    --live_;
  }
  Doc d;
  d.live = true;
  d.version = row.version;
  d.profile_id = row.profile_id;
  d.display_name = row.display_name;
  d.headline = row.headline;
  d.specialty_code = strings_.Id(row.specialty_code);
  d.specialty_label = strings_.Id(row.specialty_label);
  for (const std::string& l : row.languages) d.languages.push_back(strings_.Id(l));
  for (const std::string& k : row.filter_keys) d.filter_keys.push_back(strings_.Id(k));
  std::sort(d.filter_keys.begin(), d.filter_keys.end());
  d.accepting_referrals = row.accepting_referrals;
  d.endorsement_total = row.endorsement_total;
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
  for (const DoctorRow::Competence& c : row.competences) {
    Competence k{strings_.Id(c.key), strings_.Id(c.label), c.endorsements, {}};
    for (const std::string& l : c.lexemes) k.lexemes.push_back(LexemeId(l));
    std::sort(k.lexemes.begin(), k.lexemes.end());
    d.competences.push_back(std::move(k));
  }
  for (const DoctorRow::Place& p : row.places) {
    Place pl{strings_.Id(p.commune_key), strings_.Id(p.commune), strings_.Id(p.postcode),
             p.latitude.has_value() && p.longitude.has_value(), p.latitude.value_or(0),
             p.longitude.value_or(0)};
    d.places.push_back(pl);
    if (!p.commune.empty()) d.communes.push_back(p.commune);
  }
  std::sort(d.communes.begin(), d.communes.end());
  d.communes.erase(std::unique(d.communes.begin(), d.communes.end()), d.communes.end());
  // Postings: only the lexemes that changed.
  for (uint32_t lex : old_lexemes) {
    if (!SortedContains(d.lexemes, lex)) SortedErase(postings_[lex], slot);
  }
  for (uint32_t lex : d.lexemes) {
    if (!SortedContains(old_lexemes, lex)) {
      std::vector<uint32_t>& p = postings_[lex];
      if (p.empty() || p.back() < slot) {
        p.push_back(slot);
      } else {
        SortedInsert(p, slot);
      }
    }
  }
  AddPlaceSums(d, +1);
  docs_[slot] = std::move(d);
  ++live_;
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
  if (std::optional<uint32_t> pc = strings_.Find(place); pc.has_value()) {
    if (auto it = by_postcode_.find(*pc); it != by_postcode_.end()) {
      total.latitude += it->second.latitude;
      total.longitude += it->second.longitude;
      total.count += it->second.count;
    }
  }
  if (std::optional<uint32_t> ck = strings_.Find(text::FoldedKey(place)); ck.has_value()) {
    if (auto it = by_commune_key_.find(*ck); it != by_commune_key_.end()) {
      total.latitude += it->second.latitude;
      total.longitude += it->second.longitude;
      total.count += it->second.count;
    }
  }
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
  const size_t n = docs_.size();
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
  // The doctors matching every term: per term, the union of its lexemes' postings.
  std::vector<Bitset> term_sets;
  for (uint64_t mask : term_masks) {
    Bitset& set = term_sets.emplace_back(n);
    for (const auto& [lex, m] : lexeme_mask) {
      if ((m & mask) == 0) continue;
      for (uint32_t slot : postings_[lex]) set.Set(slot);
    }
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
  // Better first: by relevance, score descending; by distance, ascending; then profile id.
  const auto better = [&](const Scored& a, const Scored& b) {
    if (a.sort_value != b.sort_value) {
      return by_distance ? a.sort_value < b.sort_value : a.sort_value > b.sort_value;
    }
    return docs_[a.slot].profile_id < docs_[b.slot].profile_id;
  };
  const auto after_cursor = [&](const Scored& s) {
    if (!q.after.has_value()) return true;
    const double v = q.after->sort_value;
    if (s.sort_value != v) return by_distance ? s.sort_value > v : s.sort_value < v;
    return docs_[s.slot].profile_id > q.after->id;
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
  const auto count_label = [&](std::vector<int64_t>& count, std::vector<uint32_t>& best,
                               uint32_t key, uint32_t label) {
    if (count[key]++ == 0 || (best[key] != label && strings_.Text(label) > strings_.Text(best[key]))) {
      best[key] = label;
    }
  };
  std::vector<RankEntry> entries;
  std::vector<uint32_t> seen_keys;
  int64_t total = 0;

  const auto consider = [&](uint32_t slot) {
    const Doc& d = docs_[slot];
    if (!d.live) return;
    if (!q.specialty_codes.empty() &&
        std::find(specialties.begin(), specialties.end(), d.specialty_code) == specialties.end()) {
      return;
    }
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
    if (q.accepting_referrals && !d.accepting_referrals) return;
    std::optional<double> km;
    if (has_origin) {
      bool within = !radius;
      for (const Place& p : d.places) {
        if (!p.has_coordinates) continue;
        const double k =
            HaversineKm(q.origin->latitude, q.origin->longitude, p.latitude, p.longitude);
        if (!km.has_value() || k < *km) km = k;
        if (radius && !within && p.latitude >= box.min_lat && p.latitude <= box.max_lat &&
            p.longitude >= box.min_lon && p.longitude <= box.max_lon && k <= q.radius_km) {
          within = true;
        }
      }
      if (!within) return;
    }
    ++total;
    Scored s{0, slot, 0, km, d.endorsement_total, 0};
    std::optional<double> rank;
    if (has_text) {
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
      s.endorsements = 0;
      for (size_t c = 0; c < d.competences.size(); ++c) {
        bool matched = false;
        for (uint32_t lex : d.competences[c].lexemes) {
          if (std::binary_search(query_lexemes.begin(), query_lexemes.end(), lex)) {
            matched = true;
            break;
          }
        }
        if (!matched) continue;
        s.endorsements += d.competences[c].endorsements;
        if (c < 64) s.matched_competences |= uint64_t{1} << c;
      }
    }
    s.score = BlendScore(rank, s.endorsements, km, proximity_km);
    s.sort_value = by_distance ? km.value_or(kUnknownDistance) : s.score;
    if (facets) {
      if (d.specialty_code != 0) {
        count_label(specialty_count, specialty_best, d.specialty_code, d.specialty_label);
      }
      seen_keys.clear();
      for (const Competence& c : d.competences) {
        if (std::find(seen_keys.begin(), seen_keys.end(), c.key) != seen_keys.end()) {
          // Counted once per doctor; its label still competes.
          if (c.label != competence_best[c.key] &&
              strings_.Text(c.label) > strings_.Text(competence_best[c.key])) {
            competence_best[c.key] = c.label;
          }
          continue;
        }
        seen_keys.push_back(c.key);
        count_label(competence_count, competence_best, c.key, c.label);
      }
      seen_keys.clear();
      for (const Place& p : d.places) {
        if (p.commune_key == 0) continue;
        if (std::find(seen_keys.begin(), seen_keys.end(), p.commune_key) != seen_keys.end()) {
          if (p.commune != commune_best[p.commune_key] &&
              strings_.Text(p.commune) > strings_.Text(commune_best[p.commune_key])) {
            commune_best[p.commune_key] = p.commune;
          }
          continue;
        }
        seen_keys.push_back(p.commune_key);
        count_label(commune_count, commune_best, p.commune_key, p.commune);
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

  if (has_text) {
    if (!term_sets.empty()) {
      for (size_t t = 1; t < term_sets.size(); ++t) term_sets[0].And(term_sets[t]);
      term_sets[0].ForEach(consider);
    }
  } else {
    for (uint32_t slot = 0; slot < n; ++slot) consider(slot);
  }

  std::sort(top.begin(), top.end(), better);
  for (size_t i = 0; i < top.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      const Scored& last = top[i - 1];
      page.next = Cursor{last.sort_value, docs_[last.slot].profile_id};
      break;
    }
    const Scored& s = top[i];
    const Doc& d = docs_[s.slot];
    v1::DoctorHit& h = page.hits.emplace_back();
    h.set_profile_id(d.profile_id);
    h.set_display_name(d.display_name);
    h.set_specialty_code(strings_.Text(d.specialty_code));
    h.set_specialty_label(strings_.Text(d.specialty_label));
    h.set_headline(d.headline);
    for (size_t c = 0; c < d.competences.size() && c < 64; ++c) {
      if (s.matched_competences & (uint64_t{1} << c)) {
        h.add_matched_competences(strings_.Text(d.competences[c].label));
      }
    }
    for (uint32_t l : d.languages) h.add_languages(strings_.Text(l));
    h.set_accepting_referrals(d.accepting_referrals);
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
