#include "auth/request_aliases.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

using nlohmann::json;

TEST(RequestAliases, OneSpellingEitherWayIsAccepted) {
  EXPECT_TRUE(RejectConflictingAliases(json::parse(R"({"max_results": 5})"), SearchTracesV3Fields()).ok());
  EXPECT_TRUE(RejectConflictingAliases(json::parse(R"({"maxResults": 5, "orderBy": []})"), SearchTracesV3Fields()).ok());
  EXPECT_TRUE(RejectConflictingAliases(
                  json::parse(R"({"locations": [{"mlflowExperiment": {"experimentId": "1"}},
                                                {"mlflow_experiment": {"experiment_id": "2"}}]})"),
                  SearchTracesV3Fields())
                  .ok());
  EXPECT_TRUE(RejectConflictingAliases(json::parse(R"("not an object")"), SearchTracesV3Fields()).ok());
  // Keys that are not fields of the message are left alone, as MLflow leaves them.
  EXPECT_TRUE(RejectConflictingAliases(json::parse(R"({"foo_bar": 1, "fooBar": 2})"), SearchTracesV3Fields()).ok());
}

TEST(RequestAliases, BothSpellingsAreRefusedWithMlflowsMessage) {
  Status s = RejectConflictingAliases(json::parse(R"({"max_results": 5, "maxResults": 5})"), SearchTracesV3Fields());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(s.message(), "Request specifies both 'max_results' and 'maxResults'; provide only one of them.");
  s = RejectConflictingAliases(
      json::parse(R"({"locations": [{"mlflow_experiment": {"experiment_id": "1"}, "mlflowExperiment": {}}]})"),
      SearchTracesV3Fields());
  EXPECT_EQ(s.message(), "Request specifies both 'mlflow_experiment' and 'mlflowExperiment'; provide only one of them.");
  // Nested in a list element, under the other spelling of its parent.
  s = RejectConflictingAliases(
      json::parse(R"({"locations": [{}, {"mlflowExperiment": {"experiment_id": "1", "experimentId": "2"}}]})"),
      SearchTracesV3Fields());
  EXPECT_EQ(s.message(), "Request specifies both 'experiment_id' and 'experimentId'; provide only one of them.");
  s = RejectConflictingAliases(json::parse(R"({"experiment_ids": ["1"], "experimentIds": ["2"]})"),
                               QueryTraceMetricsFields());
  EXPECT_EQ(s.message(), "Request specifies both 'experiment_ids' and 'experimentIds'; provide only one of them.");
}

TEST(RequestAliases, AliasedValueReadsEitherSpelling) {
  const AliasedField& ids = QueryTraceMetricsFields().front();
  json body = json::parse(R"({"experimentIds": ["7"]})");
  ASSERT_NE(AliasedValue(body, ids), nullptr);
  EXPECT_EQ(*AliasedValue(body, ids), json::array({"7"}));
  EXPECT_EQ(AliasedValue(json::parse("{}"), ids), nullptr);
  EXPECT_EQ(AliasedValue(json(5), ids), nullptr);
}

// As protobuf's ParseDict fills MLflow's message: objects are locations, a string (or a list of
// strings naming no field) an empty one, anything else ends the parse with what was read before.
TEST(RequestAliases, ItemsParsedBeforeFailureStopsWhereMlflowsParserDoes) {
  const std::vector<AliasedField>& location = SearchTracesV3Fields().front().fields;
  auto count = [&](const char* text) { return ItemsParsedBeforeFailure(json::parse(text), location).size(); };
  EXPECT_EQ(count(R"([{"a": 1}, {"b": 2}])"), 2u);
  EXPECT_EQ(count(R"([5])"), 0u);
  EXPECT_EQ(count(R"([5, {"a": 1}])"), 0u);
  EXPECT_EQ(count(R"([{"a": 1}, 5, {"b": 2}])"), 1u);
  EXPECT_EQ(count(R"([{"a": 1}, null, {"b": 2}])"), 1u);
  EXPECT_EQ(count(R"([{"a": 1}, true, {"b": 2}])"), 1u);
  EXPECT_EQ(count(R"(["x", {"a": 1}, [], ["xyz"], {"b": 2}])"), 2u);
  EXPECT_EQ(count(R"([{"a": 1}, ["type"], {"b": 2}])"), 1u);
  EXPECT_EQ(count(R"([{"a": 1}, ["mlflowExperiment"], {"b": 2}])"), 1u);
  EXPECT_EQ(count(R"([{"a": 1}, [1], {"b": 2}])"), 1u);
  const json list = json::parse(R"(["x", {"a": 1}])");
  std::vector<const json*> items = ItemsParsedBeforeFailure(list, location);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(*items[0], json::parse(R"({"a": 1})"));
  EXPECT_TRUE(ItemsParsedBeforeFailure(json::parse(R"({"a": 1})"), location).empty());
}

}  // namespace
}  // namespace mlflow::auth
