// SearchCommunes' SQL: a range scan of commune_search_keys' primary key (COLLATE "C": "starts
// with p" is `key >= p AND key < p || U+10FFFF`), one row per commune (its best key), the best
// `limit` by exactness then population, then their communes and postcodes.
#include "services/profiles/pg_communes_store.h"

#include <optional>
#include <pqxx/pqxx>

#include "absl/strings/str_split.h"

namespace meltingdoc::profiles {

absl::StatusOr<std::vector<v1::Commune>> PgCommunesStore::SearchCommunes(const CommuneQuery& query) {
  return pg::ReadOneStatement<std::vector<v1::Commune>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Commune>> {
        const std::optional<std::string> alternate =
            query.alternate_prefix.empty() ? std::nullopt : std::optional<std::string>(query.alternate_prefix);
        const pqxx::result rows = txn.exec_params(
            "WITH hits AS ("
            "  SELECT DISTINCT ON (k.insee_code) k.insee_code, k.kind, k.postcode, k.label, k.population, "
            "         (k.key = $1 OR k.key = coalesce($4, $1)) AS exact "
            "  FROM commune_search_keys k "
            "  WHERE ((k.key >= $1 AND k.key < $1 || chr(1114111)) "
            "         OR (k.key >= $4 AND k.key < $4 || chr(1114111))) "
            "    AND (k.kind = 3) = $3 "
            "  ORDER BY k.insee_code, (k.key = $1 OR k.key = coalesce($4, $1)) DESC, k.kind, k.postcode"
            "), best AS ("
            "  SELECT * FROM hits ORDER BY exact DESC, population DESC, insee_code LIMIT $2"
            ") "
            "SELECT c.insee_code, c.name, c.departement, c.population, coalesce(c.latitude, 0), "
            "       coalesce(c.longitude, 0), c.coordinates_source, b.kind, b.postcode, b.label, "
            "       (SELECT string_agg(DISTINCT p.postcode, ',' ORDER BY p.postcode) "
            "        FROM commune_postcodes p WHERE p.insee_code = c.insee_code) "
            "FROM best b JOIN communes c USING (insee_code) "
            "ORDER BY b.exact DESC, b.population DESC, c.insee_code",
            query.prefix, query.limit, query.postcode, alternate);
        std::vector<v1::Commune> out;
        out.reserve(rows.size());
        for (const pqxx::row& r : rows) {
          v1::Commune& c = out.emplace_back();
          c.set_insee_code(r[0].as<std::string>());
          c.set_name(r[1].as<std::string>());
          c.set_departement(r[2].as<std::string>());
          c.set_population(r[3].as<int32_t>());
          c.set_latitude(r[4].as<double>());
          c.set_longitude(r[5].as<double>());
          c.set_coordinates_source(r[6].as<std::string>());
          const int kind = r[7].as<int>();
          if (!r[10].is_null()) {
            for (absl::string_view p : absl::StrSplit(r[10].as<std::string>(), ',')) c.add_postcodes(std::string(p));
          }
          if (kind >= 2) {
            c.set_postcode(r[8].as<std::string>());
          } else if (c.postcodes_size() == 1) {
            c.set_postcode(c.postcodes(0));
          }
          if (kind == 2) c.set_matched_alias(r[9].as<std::string>());
        }
        return out;
      });
}

}  // namespace meltingdoc::profiles
