#include "services/search/suggest_index.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "libs/text/utf8.h"

namespace meltingdoc::search {
namespace {

constexpr const char* kKinds[] = {"specialty", "competence", "commune", "doctor"};

v1::SuggestionKind KindEnum(int kind) {
  switch (kind) {
    case 0: return v1::SUGGESTION_KIND_SPECIALTY;
    case 1: return v1::SUGGESTION_KIND_COMPETENCE;
    case 2: return v1::SUGGESTION_KIND_COMMUNE;
    default: return v1::SUGGESTION_KIND_DOCTOR;
  }
}

}  // namespace

int SuggestionKindOrder(const std::string& kind) {
  for (int i = 0; i < 4; ++i) {
    if (kind == kKinds[i]) return i;
  }
  return -1;
}

std::vector<SuggestIndex::Later> SuggestIndex::LaterWords(int kind, const std::string& key,
                                                          const std::string& value) {
  std::vector<Later> out;
  for (size_t i = 0; i + 1 < key.size(); ++i) {
    if (key[i] == ' ') out.push_back(Later{kind, key.substr(i + 1), key, value});
  }
  return out;
}

void SuggestIndex::Add(const SuggestionRow& row) {
  const int kind = SuggestionKindOrder(row.kind);
  if (kind < 0 || row.key.empty()) return;
  auto [it, inserted] = entries_.insert_or_assign(Id{kind, row.key, row.value},
                                                  Payload{row.label, row.detail});
  if (!inserted) return;
  for (Later& l : LaterWords(kind, row.key, row.value)) later_.insert(std::move(l));
  keys_of_value_[{kind, row.value}].push_back(row.key);
}

void SuggestIndex::RemoveValue(const std::string& kind_name, const std::string& value) {
  const int kind = SuggestionKindOrder(kind_name);
  auto it = keys_of_value_.find({kind, value});
  if (it == keys_of_value_.end()) return;
  for (const std::string& key : it->second) {
    entries_.erase(Id{kind, key, value});
    for (const Later& l : LaterWords(kind, key, value)) later_.erase(l);
  }
  keys_of_value_.erase(it);
}

std::vector<v1::Suggestion> SuggestIndex::Suggest(const std::string& key, int limit,
                                                  const std::vector<std::string>& kinds) const {
  struct Found {
    int rank, kind;
    size_t length;
    const std::string* label;
    const std::string* value;
    const std::string* detail;
  };
  std::vector<Found> found;
  std::vector<int> wanted;
  if (kinds.empty()) {
    wanted = {0, 1, 2, 3};
  } else {
    for (const std::string& k : kinds) {
      const int o = SuggestionKindOrder(k);
      if (o >= 0 && std::find(wanted.begin(), wanted.end(), o) == wanted.end()) wanted.push_back(o);
    }
  }
  const size_t n = static_cast<size_t>(std::max(0, limit));
  for (int kind : wanted) {
    // Keys starting with what was typed, in key order, the first `limit`.
    size_t taken = 0;
    for (auto it = entries_.lower_bound(Id{kind, key, ""});
         it != entries_.end() && taken < n && it->first.kind == kind &&
         absl::StartsWith(it->first.key, key);
         ++it, ++taken) {
      found.push_back(Found{0, kind, text::CodePointCount(it->first.key), &it->second.label,
                            &it->first.value, &it->second.detail});
    }
    // Keys with a later word starting with it (once per entry).
    if (key.size() < 3) continue;
    taken = 0;
    const std::string* last_key = nullptr;
    const std::string* last_value = nullptr;
    for (auto it = later_.lower_bound(Later{kind, key, "", ""});
         it != later_.end() && taken < n && it->kind == kind && absl::StartsWith(it->rest, key);
         ++it) {
      if (last_key != nullptr && *last_key == it->key && *last_value == it->value) continue;
      const auto e = entries_.find(Id{kind, it->key, it->value});
      if (e == entries_.end()) continue;
      bool seen = false;
      for (const Found& f : found) {
        if (f.rank == 1 && f.kind == kind && f.value == &e->first.value) seen = true;
      }
      last_key = &it->key;
      last_value = &it->value;
      if (seen) continue;
      found.push_back(Found{1, kind, text::CodePointCount(e->first.key), &e->second.label,
                            &e->first.value, &e->second.detail});
      ++taken;
    }
  }
  const auto order = [](const Found& f) {
    return std::tie(f.rank, f.kind, f.length, *f.label, *f.value);
  };
  std::sort(found.begin(), found.end(),
            [&](const Found& a, const Found& b) { return order(a) < order(b); });
  std::vector<v1::Suggestion> out;
  for (size_t i = 0; i < found.size() && out.size() < n; ++i) {
    // DISTINCT ON (rank, kind, length, label, value).
    if (i > 0 && order(found[i]) == order(found[i - 1])) continue;
    v1::Suggestion& s = out.emplace_back();
    s.set_kind(KindEnum(found[i].kind));
    s.set_text(*found[i].label);
    s.set_value(*found[i].value);
    s.set_detail(*found[i].detail);
  }
  return out;
}

}  // namespace meltingdoc::search
