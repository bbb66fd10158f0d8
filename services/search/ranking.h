// How SearchDoctors orders doctors: one score in [0, 1] blending text relevance, peer
// endorsements of the competences the query matched, and nearness to the searched place.
// The same formula exists in SQL (search.doctor_score, migrations/0001_index.sql), where it
// orders and pages the results; tests/integration/search checks that both agree.
#pragma once

#include <optional>

namespace meltingdoc::search {

inline constexpr double kTextWeight = 0.6;
inline constexpr double kEndorsementWeight = 0.25;
inline constexpr double kProximityWeight = 0.15;
// Endorsements count with diminishing returns and saturate here: 50 endorsements of the
// matched competence is as good as it gets.
inline constexpr int kEndorsementSaturation = 50;
// Without a radius, nearness still ranks: it fades to zero at this distance.
inline constexpr double kDefaultProximityKm = 100.0;

// `text_rank`: PostgreSQL ts_rank_cd (>= 0), or nullopt when the query had no text.
// `endorsements`: of the matched competences (all competences without text).
// `distance_km`: to the nearest practice place, nullopt when unknown or no origin was given.
// `proximity_km`: the distance at which nearness counts zero (the radius, or
// kDefaultProximityKm); <= 0 when no origin was given.
double BlendScore(std::optional<double> text_rank, int endorsements,
                  std::optional<double> distance_km, double proximity_km);

// Great-circle distance between two WGS 84 points, in km (haversine, R = 6371 km).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

// A latitude/longitude box containing every point within `radius_km` of the centre; the
// cheap index filter before the exact haversine test.
struct BoundingBox {
  double min_lat, max_lat, min_lon, max_lon;
};
BoundingBox BoxAround(double lat, double lon, double radius_km);

}  // namespace meltingdoc::search
