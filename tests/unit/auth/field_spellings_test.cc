#include "auth/field_spellings.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

using nlohmann::json;

TEST(FieldSpellings, RouteKeyReadsAjaxAsApiAndParametersAsOne) {
  EXPECT_EQ(RouteKey("/ajax-api/2.0/mlflow/runs/search"), "/api/2.0/mlflow/runs/search");
  EXPECT_EQ(RouteKey("/api/3.0/mlflow/traces/{trace_id}/tags"), "/api/3.0/mlflow/traces/{}/tags");
  EXPECT_EQ(RouteKey("/api/2.0/mlflow-artifacts/mpu/create/{path...}"), "/api/2.0/mlflow-artifacts/mpu/create/{}");
  EXPECT_EQ(RouteKey("/api/2.0/mlflow-artifacts/mpu/create/<path:artifact_path>"),
            "/api/2.0/mlflow-artifacts/mpu/create/{}");
}

TEST(FieldSpellings, JsonNameIsLowerCamel) {
  EXPECT_EQ(JsonName("max_results"), "maxResults");
  EXPECT_EQ(JsonName("filter_string1"), "filterString1");
  EXPECT_EQ(JsonName("name"), "name");
}

TEST(FieldSpellings, ProtobufRoutesNameTheirMessage) {
  EXPECT_EQ(MessageOfRoute("POST", "/api/2.0/mlflow/runs/search"), "SearchRuns");
  EXPECT_EQ(MessageOfRoute("POST", "/ajax-api/2.0/mlflow/runs/search"), "SearchRuns");
  EXPECT_EQ(MessageOfRoute("GET", "/api/2.0/mlflow/runs/get"), "GetRun");
  EXPECT_EQ(MessageOfRoute("POST", "/api/2.0/mlflow/model-versions/create"), "CreateModelVersion");
  EXPECT_EQ(MessageOfRoute("POST", "/api/2.0/mlflow/logged-models/search"), "SearchLoggedModels");
  EXPECT_EQ(MessageOfRoute("POST", "/api/3.0/mlflow/datasets/create"), "CreateDataset");
  EXPECT_EQ(MessageOfRoute("POST", "/api/3.0/mlflow/traces"), "StartTraceV3");
  EXPECT_EQ(MessageOfRoute("POST", "/api/3.0/mlflow/scorers/register"), "RegisterScorer");
  EXPECT_EQ(MessageOfRoute("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets"), "SearchDatasets");
  EXPECT_EQ(MessageOfRoute("PATCH", "/api/2.0/mlflow/logged-models/{model_id}/tags"), "SetLoggedModelTags");
  EXPECT_EQ(MessageOfRoute("POST", "/api/2.0/mlflow-artifacts/mpu/create/{path...}"),
            "artifacts.CreateMultipartUpload");
}

TEST(FieldSpellings, RoutesWithoutSuchMessageHaveNoEntry) {
  // Raw JSON (request.get_json) in MLflow: any keys.
  EXPECT_EQ(SpelledFieldsOfRoute("PUT", "/api/3.0/mlflow/scorers/online-config"), nullptr);
  EXPECT_EQ(SpelledFieldsOfRoute("POST", "/ajax-api/2.0/mlflow/runs/create-promptlab-run"), nullptr);
  // A message whose fields all have one spelling (name, version).
  EXPECT_EQ(SpelledFieldsOfRoute("DELETE", "/api/2.0/mlflow/registered-models/delete"), nullptr);
  EXPECT_EQ(SpelledFieldsOfRoute("GET", "/api/2.0/mlflow/registered-models/get"), nullptr);
  // Another method on a known path, an unknown path.
  EXPECT_EQ(SpelledFieldsOfRoute("DELETE", "/api/2.0/mlflow/runs/search"), nullptr);
  EXPECT_EQ(SpelledFieldsOfRoute("POST", "/api/2.0/mlflow/nosuch"), nullptr);
}

TEST(FieldSpellings, FieldsReachNestedMessages) {
  const std::vector<AliasedField>* f = SpelledFieldsOfRoute("POST", "/api/2.0/mlflow/runs/log-batch");
  ASSERT_NE(f, nullptr);
  Status s = RejectConflictingAliases(json::parse(R"({"run_id": "a", "metrics": [{"runId": "b", "run_id": "c"}]})"), *f);
  EXPECT_EQ(s.message(), "Request specifies both 'run_id' and 'runId'; provide only one of them.");
  EXPECT_TRUE(RejectConflictingAliases(json::parse(R"({"run_id": "a", "metrics": [{"runId": "b"}]})"), *f).ok());

  f = SpelledFieldsOfRoute("POST", "/api/3.0/mlflow/traces");
  ASSERT_NE(f, nullptr);
  s = RejectConflictingAliases(
      json::parse(R"({"trace": {"traceInfo": {"trace_location": {"mlflow_experiment":
                     {"experiment_id": "1", "experimentId": "2"}}}}})"),
      *f);
  EXPECT_EQ(s.message(), "Request specifies both 'experiment_id' and 'experimentId'; provide only one of them.");

  // The first conflict in the proto's field order is the one named.
  f = SpelledFieldsOfRoute("POST", "/api/2.0/mlflow/runs/search");
  ASSERT_NE(f, nullptr);
  s = RejectConflictingAliases(
      json::parse(R"({"page_token": "", "pageToken": "", "experiment_ids": [], "experimentIds": []})"), *f);
  EXPECT_EQ(s.message(), "Request specifies both 'experiment_ids' and 'experimentIds'; provide only one of them.");
}

}  // namespace
}  // namespace mlflow::auth
