#include "services/search/ranking.h"

#include <algorithm>
#include <cmath>

namespace meltingdoc::search {
namespace {
constexpr double kEarthRadiusKm = 6371.0;
constexpr double kPi = 3.14159265358979323846;
constexpr double kKmPerDegreeLat = kPi * kEarthRadiusKm / 180.0;
double Radians(double deg) { return deg * kPi / 180.0; }
}  // namespace

double BlendScore(std::optional<double> text_rank, int endorsements,
                  std::optional<double> distance_km, double proximity_km) {
  double text = 0;
  if (text_rank.has_value()) {
    const double r = std::max(0.0, *text_rank);
    text = r / (r + 1.0);  // ts_rank_cd is unbounded; this maps it into [0, 1)
  }
  const double endorsed =
      std::min(1.0, std::log1p(std::max(0, endorsements)) / std::log1p(kEndorsementSaturation));
  double near = 0;
  if (proximity_km > 0 && distance_km.has_value()) {
    near = std::max(0.0, 1.0 - std::max(0.0, *distance_km) / proximity_km);
  }
  return kTextWeight * text + kEndorsementWeight * endorsed + kProximityWeight * near;
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = Radians(lat2 - lat1);
  const double dlon = Radians(lon2 - lon1);
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(Radians(lat1)) * std::cos(Radians(lat2)) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

BoundingBox BoxAround(double lat, double lon, double radius_km) {
  const double dlat = radius_km / kKmPerDegreeLat;
  // Longitude degrees shrink with latitude; near the poles take the whole circle.
  const double cos_lat = std::cos(Radians(std::min(89.0, std::abs(lat) + dlat)));
  const double dlon = cos_lat > 1e-6 ? radius_km / (kKmPerDegreeLat * cos_lat) : 180.0;
  return {std::max(-90.0, lat - dlat), std::min(90.0, lat + dlat),
          dlon >= 180.0 ? -180.0 : lon - dlon, dlon >= 180.0 ? 180.0 : lon + dlon};
}

}  // namespace meltingdoc::search
