#include "auth/route_rules.h"

#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "auth/field_spellings.h"

namespace mlflow::auth {
namespace {

TEST(RouteRules, ExperimentsAndRuns) {
  RouteRule r = RuleFor("GET", "/api/2.0/mlflow/experiments/get");
  EXPECT_EQ(r.kind, Kind::kResource);
  EXPECT_EQ(r.subject, Subject::kExperimentId);
  EXPECT_EQ(r.action, Action::kRead);
  r = RuleFor("POST", "/ajax-api/2.0/mlflow/experiments/delete");
  EXPECT_EQ(r.action, Action::kDelete);
  r = RuleFor("POST", "/api/2.0/mlflow/runs/log-batch");
  EXPECT_EQ(r.subject, Subject::kRun);
  EXPECT_EQ(r.action, Action::kUpdate);
  r = RuleFor("POST", "/api/2.0/mlflow/runs/create");
  EXPECT_EQ(r.subject, Subject::kExperimentId);
  EXPECT_EQ(r.action, Action::kUpdate);
  r = RuleFor("POST", "/api/2.0/mlflow/experiments/create");
  EXPECT_EQ(r.kind, Kind::kAuthenticated);
  EXPECT_EQ(r.effect, Effect::kGrantExperiment);
}

TEST(RouteRules, RegistryLoggedModelsAndArtifacts) {
  RouteRule r = RuleFor("DELETE", "/api/2.0/mlflow/registered-models/delete");
  EXPECT_EQ(r.subject, Subject::kRegistryCascadeDelete);
  EXPECT_EQ(r.action, Action::kDelete);
  EXPECT_EQ(r.effect, Effect::kDropRegisteredModelGrants);
  // Version operations consult the version tier (registered_model_version / prompt_version).
  r = RuleFor("PATCH", "/api/2.0/mlflow/model-versions/update");
  EXPECT_EQ(r.subject, Subject::kModelVersion);
  EXPECT_EQ(r.action, Action::kUpdate);
  r = RuleFor("DELETE", "/api/2.0/mlflow/model-versions/delete-tag");
  EXPECT_EQ(r.subject, Subject::kModelVersion);
  EXPECT_EQ(r.action, Action::kDelete);
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/registered-models/alias").subject, Subject::kModelVersion);
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/registered-models/alias").subject, Subject::kModelVersionAlias);
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/model-versions/create").subject, Subject::kModelVersionCreate);
  EXPECT_EQ(RuleFor("GET", "/model-versions/get-artifact").subject, Subject::kModelVersionArtifact);
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/registered-models/set-tag").subject, Subject::kRegistryEntity);
  r = RuleFor("GET", "/api/2.0/mlflow/registered-models/search");
  EXPECT_EQ(r.effect, Effect::kFilterRegisteredModels);
  r = RuleFor("PATCH", "/api/2.0/mlflow/logged-models/{model_id}/tags");
  EXPECT_EQ(r.subject, Subject::kLoggedModel);
  r = RuleFor("PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}");
  EXPECT_EQ(r.subject, Subject::kArtifactPath);
  EXPECT_EQ(r.action, Action::kUpdate);
  r = RuleFor("GET", "/get-artifact");
  EXPECT_EQ(r.subject, Subject::kRun);
}

TEST(RouteRules, Traces) {
  // SearchTracesV3 had no rule, so non-admins were refused every trace search.
  RouteRule r = RuleFor("POST", "/api/3.0/mlflow/traces/search");
  EXPECT_EQ(r.kind, Kind::kResource);
  EXPECT_EQ(r.subject, Subject::kTraceSearchLocations);
  EXPECT_EQ(r.action, Action::kRead);
  EXPECT_EQ(RuleFor("POST", "/ajax-api/3.0/mlflow/traces/search").subject, Subject::kTraceSearchLocations);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/traces/search").kind, Kind::kDeny);
  // An unscoped trace listing or metrics query is refused (MLflow 3.17.2 denies it), so both name
  // a subject that requires experiment ids.
  r = RuleFor("POST", "/api/3.0/mlflow/traces/metrics");
  EXPECT_EQ(r.subject, Subject::kTraceMetricsExperimentIds);
  EXPECT_EQ(r.action, Action::kRead);
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/traces").subject, Subject::kTraceExperimentIds);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/traces/batchGet").subject, Subject::kTraceIds);
  EXPECT_EQ(RuleFor("POST", "/api/3.0/mlflow/traces/batchGetInfos").subject, Subject::kTraceIds);
  r = RuleFor("POST", "/api/2.0/mlflow/traces/link-to-run");
  EXPECT_EQ(r.subject, Subject::kRunAndTraceIds);
  EXPECT_EQ(r.action, Action::kUpdate);
  r = RuleFor("POST", "/api/2.0/mlflow/traces/link-prompts");
  EXPECT_EQ(r.subject, Subject::kTrace);
  EXPECT_EQ(r.action, Action::kUpdate);
}

TEST(RouteRules, DatasetsAndPresignedDownloads) {
  // These had no rule, so every non-admin was refused them; MLflow checks the linked experiments.
  RouteRule r = RuleFor("POST", "/api/3.0/mlflow/datasets/create");
  EXPECT_EQ(r.subject, Subject::kExperimentIdsRequired);
  EXPECT_EQ(r.action, Action::kUpdate);
  EXPECT_EQ(RuleFor("GET", "/ajax-api/3.0/mlflow/datasets/search").subject, Subject::kExperimentIdsRequired);
  r = RuleFor("GET", "/api/3.0/mlflow/datasets/{dataset_id}/records");
  EXPECT_EQ(r.subject, Subject::kDataset);
  EXPECT_EQ(r.action, Action::kRead);
  EXPECT_EQ(RuleFor("DELETE", "/api/3.0/mlflow/datasets/{dataset_id}").action, Action::kDelete);
  EXPECT_EQ(RuleFor("DELETE", "/api/3.0/mlflow/datasets/{dataset_id}/tags/{key}").action, Action::kUpdate);
  EXPECT_EQ(RuleFor("POST", "/api/3.0/mlflow/datasets/{dataset_id}/add-experiments").subject,
            Subject::kDatasetAndExperimentIds);
  r = RuleFor("POST", "/api/2.0/mlflow/artifacts/presigned-download-url");
  EXPECT_EQ(r.subject, Subject::kRun);
  EXPECT_EQ(r.action, Action::kRead);
  // Still no rule: MLflow's webhooks are admin-only, and so they stay here.
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/webhooks").kind, Kind::kDeny);
}

TEST(RouteRules, UnknownRoutesAreDeniedAndHealthIsPublic) {
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/no-such-thing").kind, Kind::kDeny);
  EXPECT_EQ(RuleFor("GET", "/version").kind, Kind::kAuthenticated);
  EXPECT_EQ(RuleFor("GET", "/").kind, Kind::kAuthenticated);
  EXPECT_EQ(RuleFor("GET", "/mlflow-cpp/stats").kind, Kind::kDeny);
  EXPECT_EQ(RuleFor("GET", "/health").kind, Kind::kPublic);
  EXPECT_EQ(RuleFor("GET", "/static-files/{path...}").kind, Kind::kPublic);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/server-info").kind, Kind::kPublic);
  EXPECT_TRUE(IsUnprotectedPath("/favicon.ico"));
  EXPECT_FALSE(IsUnprotectedPath("/"));
}

TEST(RouteRules, UserEndpoints) {
  // MLflow 3.17.2 lets a workspace admin create users (validate_can_create_user).
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/users/create").kind, Kind::kCreateUser);
  EXPECT_EQ(RuleFor("PATCH", "/api/2.0/mlflow/users/update-admin").kind, Kind::kAdminOnly);
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/users/list").kind, Kind::kAuthenticated);
  EXPECT_EQ(RuleFor("GET", "/ajax-api/3.0/mlflow/users/permissions/list").kind, Kind::kViewUserRoles);
  EXPECT_EQ(RuleFor("GET", "/api/2.0/mlflow/users/get").kind, Kind::kSelf);
  EXPECT_EQ(RuleFor("PATCH", "/api/2.0/mlflow/users/update-password").kind, Kind::kSelf);
  EXPECT_EQ(RuleFor("POST", "/api/3.0/mlflow/users/permissions/grant").kind, Kind::kManageGrant);
}

TEST(RouteRules, RoleEndpoints) {
  EXPECT_EQ(RuleFor("POST", "/api/3.0/mlflow/roles/create").kind, Kind::kManageRoles);
  EXPECT_EQ(RuleFor("GET", "/ajax-api/3.0/mlflow/roles/get").kind, Kind::kViewRoles);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/roles/list").kind, Kind::kListRoles);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/roles/permissions/list").kind, Kind::kViewRoles);
  EXPECT_EQ(RuleFor("DELETE", "/api/3.0/mlflow/roles/unassign").kind, Kind::kManageRoles);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/roles/users/list").kind, Kind::kManageRoles);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/users/roles/list").kind, Kind::kViewUserRoles);
  // Wrong method: no rule, refused.
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/roles/delete").kind, Kind::kDeny);
}

TEST(RouteRules, Scorers) {
  RouteRule r = RuleFor("POST", "/api/3.0/mlflow/scorers/register");
  EXPECT_EQ(r.subject, Subject::kScorerCreate);
  EXPECT_EQ(r.effect, Effect::kGrantScorer);
  r = RuleFor("DELETE", "/ajax-api/3.0/mlflow/scorers/delete");
  EXPECT_EQ(r.subject, Subject::kScorer);
  EXPECT_EQ(r.action, Action::kDelete);
  EXPECT_EQ(r.effect, Effect::kDropScorerGrants);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/scorers/get").action, Action::kRead);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/scorers/list").effect, Effect::kFilterScorers);
  EXPECT_EQ(RuleFor("GET", "/api/3.0/mlflow/scorers/online-configs").subject, Subject::kOnlineScoringConfigs);
}

TEST(RouteRules, ChecksThatParseTheMessageFirst) {
  // Each names the message its route parses (field_spellings.h), so the gate can refuse a body
  // spelling a field both ways before deciding, as MLflow's check does.
  const std::pair<const char*, const char*> parsed[] = {
      {"/api/2.0/mlflow/runs/log-metric", "LogMetric"},   {"/api/2.0/mlflow/runs/log-batch", "LogBatch"},
      {"/api/2.0/mlflow/runs/log-inputs", "LogInputs"},   {"/api/2.0/mlflow/runs/outputs", "LogOutputs"},
      {"/api/2.0/mlflow/logged-models", "CreateLoggedModel"}, {"/api/3.0/mlflow/traces", "StartTraceV3"}};
  for (const auto& [path, message] : parsed) {
    const char* got = RuleFor("POST", path).parsed_message;
    ASSERT_NE(got, nullptr) << path;
    EXPECT_EQ(std::string(got), message) << path;
    EXPECT_EQ(MessageOfRoute("POST", path), message) << path;
  }
  EXPECT_EQ(std::string(RuleFor("DELETE", "/api/3.0/mlflow/scorers/delete").parsed_message), "DeleteScorer");
  // CreateLoggedModel reads its experiment (either spelling) and source run from the message.
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/logged-models").subject, Subject::kLoggedModelCreate);
  // The v2 trace start shares the pattern but parses StartTrace: no refusal before the check.
  EXPECT_NE(MessageOfRoute("POST", "/api/2.0/mlflow/traces"), "StartTraceV3");
  // Checks that read single parameters leave a both-ways body to the route.
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/runs/log-parameter").parsed_message, nullptr);
  EXPECT_EQ(RuleFor("POST", "/api/2.0/mlflow/runs/update").parsed_message, nullptr);
}

}  // namespace
}  // namespace mlflow::auth
