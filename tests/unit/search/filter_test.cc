#include <gtest/gtest.h>

#include "search/filter.h"

namespace mlflow::search {
namespace {
TEST(Filter, Smoke) {
  auto r = ParseFilter(SearchEntity::kRuns, "metrics.rmse < 1 and params.model = 'tree'");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(RenderFilter(*r), "metric.`rmse` < 1 AND param.`model` = 'tree'");
}
}  // namespace
}  // namespace mlflow::search
