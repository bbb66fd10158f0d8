#include "services/search/ranking.h"

#include <cmath>

#include <gtest/gtest.h>

namespace meltingdoc::search {
namespace {

TEST(BlendScore, TextOnlyIsMonotoneAndBounded) {
  EXPECT_DOUBLE_EQ(BlendScore(0.0, 0, std::nullopt, 0), 0.0);
  EXPECT_DOUBLE_EQ(BlendScore(1.0, 0, std::nullopt, 0), kTextWeight * 0.5);
  EXPECT_LT(BlendScore(0.1, 0, std::nullopt, 0), BlendScore(0.2, 0, std::nullopt, 0));
  EXPECT_LT(BlendScore(1e9, 0, std::nullopt, 0), kTextWeight + 1e-9);
  EXPECT_DOUBLE_EQ(BlendScore(-3.0, 0, std::nullopt, 0), 0.0);  // never negative
}

TEST(BlendScore, EndorsementsHaveDiminishingReturnsAndSaturate) {
  const double e0 = BlendScore(std::nullopt, 0, std::nullopt, 0);
  const double e1 = BlendScore(std::nullopt, 1, std::nullopt, 0);
  const double e10 = BlendScore(std::nullopt, 10, std::nullopt, 0);
  const double e50 = BlendScore(std::nullopt, 50, std::nullopt, 0);
  const double e500 = BlendScore(std::nullopt, 500, std::nullopt, 0);
  EXPECT_EQ(e0, 0);
  EXPECT_LT(e1, e10);
  EXPECT_LT(e10, e50);
  EXPECT_GT(e1 - e0, (e10 - e1) / 9);  // the first endorsement is worth more than later ones
  EXPECT_DOUBLE_EQ(e50, kEndorsementWeight);
  EXPECT_DOUBLE_EQ(e500, kEndorsementWeight);
}

TEST(BlendScore, NearnessFadesLinearlyToTheRadius) {
  EXPECT_DOUBLE_EQ(BlendScore(std::nullopt, 0, 0.0, 30), kProximityWeight);
  EXPECT_DOUBLE_EQ(BlendScore(std::nullopt, 0, 15.0, 30), kProximityWeight / 2);
  EXPECT_DOUBLE_EQ(BlendScore(std::nullopt, 0, 45.0, 30), 0.0);
  EXPECT_DOUBLE_EQ(BlendScore(std::nullopt, 0, std::nullopt, 30), 0.0);  // no coordinates
  EXPECT_DOUBLE_EQ(BlendScore(std::nullopt, 0, 1.0, 0), 0.0);  // no origin
}

TEST(BlendScore, AStrongTextMatchBeatsEndorsementsOfAWeakOne) {
  // A doctor matching the query well (rank 0.5) with no endorsements outranks one matching
  // weakly (rank 0.05) with a few; many endorsements can still lift a decent match.
  EXPECT_GT(BlendScore(0.5, 0, std::nullopt, 0), BlendScore(0.05, 3, std::nullopt, 0));
  EXPECT_GT(BlendScore(0.3, 40, std::nullopt, 0), BlendScore(0.5, 0, std::nullopt, 0));
  // Same text and endorsements: the nearer wins.
  EXPECT_GT(BlendScore(0.3, 5, 2.0, 30), BlendScore(0.3, 5, 20.0, 30));
}

TEST(Geo, HaversineKnownDistances) {
  // Lyon (Bellecour) to Paris (Notre-Dame): about 392 km.
  EXPECT_NEAR(HaversineKm(45.7578, 4.8320, 48.8530, 2.3499), 392, 3);
  EXPECT_NEAR(HaversineKm(45.0, 5.0, 45.0, 5.0), 0, 1e-9);
  // One degree of latitude.
  EXPECT_NEAR(HaversineKm(45.0, 5.0, 46.0, 5.0), 111.19, 0.05);
}

TEST(Geo, BoundingBoxContainsTheCircle) {
  const double lat = 45.76, lon = 4.83, r = 30;
  const BoundingBox b = BoxAround(lat, lon, r);
  for (int deg = 0; deg < 360; deg += 5) {
    // Points exactly r km away in every direction must fall in the box.
    const double rad = deg * 3.14159265358979323846 / 180;
    const double dlat = r / 111.19 * std::cos(rad);
    const double dlon = r / (111.19 * std::cos(lat * 3.14159265358979323846 / 180)) * std::sin(rad);
    const double plat = lat + dlat * 0.999, plon = lon + dlon * 0.999;
    ASSERT_LE(HaversineKm(lat, lon, plat, plon), r + 0.5);
    EXPECT_GE(plat, b.min_lat);
    EXPECT_LE(plat, b.max_lat);
    EXPECT_GE(plon, b.min_lon) << deg;
    EXPECT_LE(plon, b.max_lon) << deg;
  }
  EXPECT_LT(b.max_lat - b.min_lat, 0.6);  // and is not absurdly large
}

}  // namespace
}  // namespace meltingdoc::search
