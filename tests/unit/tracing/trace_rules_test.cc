// Trace-level rules: usage/cost aggregation over span trees, analytics values and their metadata
// form, previews, assessment numbers.
#include "tracing/trace_rules.h"

#include "core/trace_entities.h"

#include <gtest/gtest.h>

namespace mlflow::tracing {
namespace {

TEST(TraceRules, AggregationSkipsSpansBelowOneWithData) {
  std::vector<AggregationNode> nodes = {
      MakeAggregationNode("a", std::nullopt, R"({"input_tokens": 10, "output_tokens": 1, "total_tokens": 11})"),
      MakeAggregationNode("b", "a", R"({"input_tokens": 99})"),  // rolled up into a already
      MakeAggregationNode("c", std::nullopt, std::nullopt),
      MakeAggregationNode("d", "c", R"({"input_tokens": 5, "cache_read_input_tokens": 2})"),
      MakeAggregationNode("e", "missing-parent", R"({"total_tokens": 1.5})"),
  };
  auto usage = AggregateUsage(nodes);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(PyJsonDumps(**usage),
            R"({"input_tokens": 15, "output_tokens": 1, "total_tokens": 12.5, "cache_read_input_tokens": 2})");
  EXPECT_FALSE(AggregateUsage({MakeAggregationNode("x", std::nullopt, std::nullopt)})->has_value());
  EXPECT_FALSE(AggregateUsage({MakeAggregationNode("x", std::nullopt, R"({"input_tokens": "many"})")}).ok());
  // A cycle of parent ids is walked a bounded number of times.
  EXPECT_TRUE(AggregateCost({MakeAggregationNode("p", "q", R"({"total_cost": 1})"),
                             MakeAggregationNode("q", "p", R"({"total_cost": 2})")}).ok());
}

TEST(TraceRules, AnalyticsFromMetadataAndBack) {
  auto u = AnalyticsFromMetadata({{kMetaTokenUsage, R"({"total_tokens": 5, "input_tokens": 2.0, "bogus": 1,
                                                       "output_tokens": "x"})"},
                                  {kMetaCost, R"({"total_cost": 1, "input_cost": "0.5"})"},
                                  {kMetaSession, "s1"}});
  ASSERT_TRUE(u.ok());
  TraceAnalytics a;
  u->ApplyTo(a);
  EXPECT_EQ(*TokenUsageJson(a), R"({"input_tokens": 2, "total_tokens": 5})");
  EXPECT_EQ(*CostJson(a), R"({"input_cost": 0.5, "total_cost": 1.0})");
  EXPECT_EQ(*a.session_id, "s1");
  EXPECT_FALSE(AnalyticsFromMetadata({{kMetaSession, std::string(251, 's')}}).ok());
}

TEST(TraceRules, TokenCountAndFiniteFloat) {
  EXPECT_EQ(*TokenCount(Json(5.0)), 5);
  EXPECT_EQ(*TokenCount(Json("1e3")), 1000);
  EXPECT_FALSE(TokenCount(Json(5.5)));
  EXPECT_FALSE(TokenCount(Json(true)));
  EXPECT_FALSE(TokenCount(Json("9223372036854775808")));
  EXPECT_EQ(*FiniteFloat(Json(" 2.5 ")), 2.5);
  EXPECT_FALSE(FiniteFloat(Json("inf")));
  EXPECT_FALSE(FiniteFloat(Json(nullptr)));
}

TEST(TraceRules, Previews) {
  EXPECT_EQ(TruncatedPreview(R"({"x": 3})", "user"), R"({"x": 3})");
  EXPECT_EQ(TruncatedPreview(R"({"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]})",
                             "user"),
            "u");
  EXPECT_EQ(TruncatedPreview(R"({"choices": [{"message": {"role": "assistant", "content": [{"type": "text",
                             "text": "t"}]}}]})", "assistant"), "t");
  std::string long_text(1200, 'z');
  std::string p = TruncatedPreview(long_text, "user");
  EXPECT_EQ(p.size(), 1000u);
  EXPECT_EQ(p.substr(997), "...");
}

TEST(TraceRules, AssessmentAggregate) {
  EXPECT_EQ(AssessmentAggregate(Json(true)), std::make_pair(std::optional<double>(1.0), false));
  EXPECT_EQ(AssessmentAggregate(Json(0.25)), std::make_pair(std::optional<double>(0.25), true));
  EXPECT_EQ(AssessmentAggregate(Json(" Yes ")), std::make_pair(std::optional<double>(1.0), false));
  EXPECT_EQ(AssessmentAggregate(Json("maybe")).first, std::nullopt);
}

}  // namespace
}  // namespace mlflow::tracing
