#include "auth/logged_model_targets.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

using nlohmann::json;
using Ids = std::vector<std::string>;

TEST(LoggedModelTargets, EachMessageWhereItNamesModels) {
  EXPECT_EQ(LoggedModelsWrittenBy("LogMetric", json{{"run_id", "r"}, {"modelId", "m-1"}}), Ids{"m-1"});
  EXPECT_EQ(LoggedModelsWrittenBy("LogMetric", json{{"run_id", "r"}, {"model_id", ""}}), Ids{});
  json batch = {{"metrics", {{{"key", "a"}, {"model_id", "m-2"}}, {{"key", "b"}, {"modelId", "m-1"}},
                             {{"key", "c"}, {"model_id", "m-2"}}, {{"key", "d"}}}}};
  EXPECT_EQ(LoggedModelsWrittenBy("LogBatch", batch), (Ids{"m-1", "m-2"}));  // sorted, once each
  EXPECT_EQ(LoggedModelsWrittenBy("LogInputs", json{{"models", {{{"model_id", "m-3"}}}}}), Ids{"m-3"});
  EXPECT_EQ(LoggedModelsWrittenBy("LogOutputs", json{{"models", {{{"modelId", "m-4"}, {"step", 1}}}}}), Ids{"m-4"});
  // Another message, or a body that is not an object: nothing to check.
  EXPECT_EQ(LoggedModelsWrittenBy("LogParam", json{{"model_id", "m-1"}}), Ids{});
  EXPECT_EQ(LoggedModelsWrittenBy("LogMetric", json::array()), Ids{});
}

TEST(LoggedModelTargets, ListItemsAsMlflowsParserReadsThem) {
  // A number ends the parse: the items before it count, those after it do not.
  json outputs = {{"models", json::array({json{{"model_id", "m-1"}}, 5, json{{"model_id", "m-2"}}})}};
  EXPECT_EQ(LoggedModelsWrittenBy("LogOutputs", outputs), Ids{"m-1"});
  // A string reads as an empty message and the parse goes on.
  json inputs = {{"models", json::array({"x", json{{"model_id", "m-2"}}})}};
  EXPECT_EQ(LoggedModelsWrittenBy("LogInputs", inputs), Ids{"m-2"});
  EXPECT_EQ(LoggedModelsWrittenBy("LogBatch", json{{"metrics", "notalist"}}), Ids{});
}

}  // namespace
}  // namespace mlflow::auth
