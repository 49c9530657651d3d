#include "auth/route_rules.h"

#include <map>
#include <regex>
#include <utility>

namespace mlflow::auth {
namespace {

using Key = std::pair<std::string, std::string>;  // method, path without its /api/N.0 prefix

RouteRule R(Subject s, Action a, Effect e = Effect::kNone) { return RouteRule{Kind::kResource, s, a, e}; }
RouteRule K(Kind k, Effect e = Effect::kNone) { return RouteRule{k, Subject::kNone, Action::kRead, e}; }
// A rule whose MLflow check parses `message` first (mlflow/server/auth/__init__.py of 3.17.2:
// validate_can_log_metric, validate_can_log_batch, validate_can_log_inputs, validate_can_log_outputs,
// validate_can_create_logged_model, validate_can_delete_scorer, validate_can_start_trace_v3).
RouteRule Parsed(RouteRule r, const char* message) {
  r.parsed_message = message;
  return r;
}

const std::map<Key, RouteRule>& Table() {
  using A = Action;
  using S = Subject;
  static const std::map<Key, RouteRule> kTable = {
      // Experiments
      {{"POST", "/mlflow/experiments/create"}, K(Kind::kAuthenticated, Effect::kGrantExperiment)},
      {{"GET", "/mlflow/experiments/get"}, R(S::kExperimentId, A::kRead)},
      {{"GET", "/mlflow/experiments/get-by-name"}, R(S::kExperimentName, A::kRead)},
      {{"POST", "/mlflow/experiments/delete"}, R(S::kExperimentId, A::kDelete)},
      {{"POST", "/mlflow/experiments/restore"}, R(S::kExperimentId, A::kDelete)},
      {{"POST", "/mlflow/experiments/update"}, R(S::kExperimentId, A::kUpdate)},
      {{"POST", "/mlflow/experiments/set-experiment-tag"}, R(S::kExperimentId, A::kUpdate)},
      {{"POST", "/mlflow/experiments/delete-experiment-tag"}, R(S::kExperimentId, A::kUpdate)},
      {{"POST", "/mlflow/experiments/search"}, K(Kind::kAuthenticated, Effect::kFilterExperiments)},
      {{"GET", "/mlflow/experiments/search"}, K(Kind::kAuthenticated, Effect::kFilterExperiments)},
      {{"POST", "/mlflow/experiments/search-datasets"}, R(S::kExperimentIds, A::kRead)},
      // Runs
      {{"POST", "/mlflow/runs/create"}, R(S::kExperimentId, A::kUpdate)},
      {{"GET", "/mlflow/runs/get"}, R(S::kRun, A::kRead)},
      {{"POST", "/mlflow/runs/delete"}, R(S::kRun, A::kDelete)},
      {{"POST", "/mlflow/runs/restore"}, R(S::kRun, A::kDelete)},
      {{"POST", "/mlflow/runs/update"}, R(S::kRun, A::kUpdate)},
      {{"POST", "/mlflow/runs/log-metric"}, Parsed(R(S::kRun, A::kUpdate), "LogMetric")},
      {{"POST", "/mlflow/runs/log-batch"}, Parsed(R(S::kRun, A::kUpdate), "LogBatch")},
      {{"POST", "/mlflow/runs/log-inputs"}, Parsed(R(S::kRun, A::kUpdate), "LogInputs")},
      {{"POST", "/mlflow/runs/outputs"}, Parsed(R(S::kRun, A::kUpdate), "LogOutputs")},
      {{"POST", "/mlflow/runs/log-model"}, R(S::kRun, A::kUpdate)},
      {{"POST", "/mlflow/runs/set-tag"}, R(S::kRun, A::kUpdate)},
      {{"POST", "/mlflow/runs/delete-tag"}, R(S::kRun, A::kUpdate)},
      {{"POST", "/mlflow/runs/log-parameter"}, R(S::kRun, A::kUpdate)},
      {{"POST", "/mlflow/runs/search"}, K(Kind::kAuthenticated, Effect::kFilterRunExperiments)},
      {{"POST", "/mlflow/runs/create-promptlab-run"}, R(S::kExperimentId, A::kUpdate)},
      {{"GET", "/mlflow/metrics/get-history"}, R(S::kRun, A::kRead)},
      {{"GET", "/mlflow/metrics/get-history-bulk"}, R(S::kRunIds, A::kRead)},
      {{"GET", "/mlflow/metrics/get-history-bulk-interval"}, R(S::kRunIds, A::kRead)},
      {{"GET", "/mlflow/artifacts/list"}, R(S::kRun, A::kRead)},
      {{"POST", "/mlflow/artifacts/presigned-download-url"}, R(S::kRun, A::kRead)},
      // Run artifacts outside the REST API
      {{"GET", "/get-artifact"}, R(S::kRun, A::kRead)},
      {{"POST", "/mlflow/upload-artifact"}, R(S::kRun, A::kUpdate)},
      // Logged models
      {{"POST", "/mlflow/logged-models"}, Parsed(R(S::kLoggedModelCreate, A::kUpdate), "CreateLoggedModel")},
      {{"POST", "/mlflow/logged-models/search"}, K(Kind::kAuthenticated, Effect::kFilterLoggedModels)},
      {{"GET", "/mlflow/logged-models/{model_id}"}, R(S::kLoggedModel, A::kRead)},
      {{"PATCH", "/mlflow/logged-models/{model_id}"}, R(S::kLoggedModel, A::kUpdate)},
      {{"DELETE", "/mlflow/logged-models/{model_id}"}, R(S::kLoggedModel, A::kDelete)},
      {{"PATCH", "/mlflow/logged-models/{model_id}/tags"}, R(S::kLoggedModel, A::kUpdate)},
      {{"DELETE", "/mlflow/logged-models/{model_id}/tags/{tag_key}"}, R(S::kLoggedModel, A::kDelete)},
      {{"POST", "/mlflow/logged-models/{model_id}/params"}, R(S::kLoggedModel, A::kUpdate)},
      {{"GET", "/mlflow/logged-models/{model_id}/artifacts/directories"}, R(S::kLoggedModel, A::kRead)},
      {{"GET", "/mlflow/logged-models/{model_id}/artifacts/files"}, R(S::kLoggedModel, A::kRead)},
      // Registered models and versions
      {{"POST", "/mlflow/registered-models/create"}, K(Kind::kAuthenticated, Effect::kGrantRegisteredModel)},
      {{"GET", "/mlflow/registered-models/get"}, R(S::kRegistryEntity, A::kRead)},
      {{"DELETE", "/mlflow/registered-models/delete"},
       R(S::kRegistryCascadeDelete, A::kDelete, Effect::kDropRegisteredModelGrants)},
      {{"PATCH", "/mlflow/registered-models/update"}, R(S::kRegistryEntity, A::kUpdate)},
      {{"POST", "/mlflow/registered-models/rename"},
       R(S::kRegistryEntity, A::kUpdate, Effect::kRenameRegisteredModelGrants)},
      {{"GET", "/mlflow/registered-models/search"}, K(Kind::kAuthenticated, Effect::kFilterRegisteredModels)},
      {{"GET", "/mlflow/registered-models/get-latest-versions"}, R(S::kModelVersion, A::kRead)},
      {{"POST", "/mlflow/registered-models/get-latest-versions"}, R(S::kModelVersion, A::kRead)},
      {{"POST", "/mlflow/registered-models/set-tag"}, R(S::kRegistryEntity, A::kUpdate)},
      {{"DELETE", "/mlflow/registered-models/delete-tag"}, R(S::kRegistryEntity, A::kUpdate)},
      {{"POST", "/mlflow/registered-models/alias"}, R(S::kModelVersionAlias, A::kUpdate)},
      {{"DELETE", "/mlflow/registered-models/alias"}, R(S::kModelVersionAlias, A::kDelete)},
      {{"GET", "/mlflow/registered-models/alias"}, R(S::kModelVersion, A::kRead)},
      {{"POST", "/mlflow/model-versions/create"}, R(S::kModelVersionCreate, A::kUpdate)},
      {{"GET", "/mlflow/model-versions/get"}, R(S::kModelVersion, A::kRead)},
      {{"GET", "/mlflow/model-versions/search"}, K(Kind::kAuthenticated, Effect::kFilterModelVersions)},
      {{"DELETE", "/mlflow/model-versions/delete"}, R(S::kModelVersion, A::kDelete)},
      {{"PATCH", "/mlflow/model-versions/update"}, R(S::kModelVersion, A::kUpdate)},
      {{"POST", "/mlflow/model-versions/transition-stage"}, R(S::kModelVersion, A::kUpdate)},
      {{"GET", "/mlflow/model-versions/get-download-uri"}, R(S::kModelVersion, A::kRead)},
      {{"POST", "/mlflow/model-versions/set-tag"}, R(S::kModelVersion, A::kUpdate)},
      {{"DELETE", "/mlflow/model-versions/delete-tag"}, R(S::kModelVersion, A::kDelete)},
      {{"GET", "/model-versions/get-artifact"}, R(S::kModelVersionArtifact, A::kRead)},
      // Traces
      {{"POST", "/mlflow/traces"}, Parsed(R(S::kTraceLocation, A::kUpdate), "StartTraceV3")},
      {{"GET", "/mlflow/traces/{trace_id}"}, R(S::kTrace, A::kRead)},
      {{"GET", "/mlflow/traces/get"}, R(S::kTrace, A::kRead)},
      {{"GET", "/mlflow/traces/{request_id}/info"}, R(S::kTrace, A::kRead)},
      {{"PATCH", "/mlflow/traces/{request_id}"}, R(S::kTrace, A::kUpdate)},
      {{"PATCH", "/mlflow/traces/{request_id}/tags"}, R(S::kTrace, A::kUpdate)},
      {{"DELETE", "/mlflow/traces/{request_id}/tags"}, R(S::kTrace, A::kUpdate)},
      {{"PATCH", "/mlflow/traces/{trace_id}/tags"}, R(S::kTrace, A::kUpdate)},
      {{"DELETE", "/mlflow/traces/{trace_id}/tags"}, R(S::kTrace, A::kUpdate)},
      {{"POST", "/mlflow/traces/{trace_id}/assessments"}, R(S::kAssessmentCreate, A::kUpdate)},
      {{"GET", "/mlflow/traces/{trace_id}/assessments/{assessment_id}"}, R(S::kAssessment, A::kRead)},
      {{"PATCH", "/mlflow/traces/{trace_id}/assessments/{assessment_id}"}, R(S::kAssessment, A::kUpdate)},
      {{"DELETE", "/mlflow/traces/{trace_id}/assessments/{assessment_id}"}, R(S::kAssessment, A::kDelete)},
      {{"GET", "/mlflow/traces"}, R(S::kTraceExperimentIds, A::kRead)},
      {{"GET", "/mlflow/traces/batchGet"}, R(S::kTraceIds, A::kRead)},
      {{"POST", "/mlflow/traces/batchGetInfos"}, R(S::kTraceIds, A::kRead)},
      {{"POST", "/mlflow/traces/link-to-run"}, R(S::kRunAndTraceIds, A::kUpdate)},
      {{"POST", "/mlflow/traces/link-prompts"}, R(S::kTrace, A::kUpdate)},
      // MLflow 3.17.2's validate_can_search_traces_v3: read on each experiment location.
      {{"POST", "/mlflow/traces/search"}, R(S::kTraceSearchLocations, A::kRead)},
      {{"POST", "/mlflow/traces/delete-traces"}, R(S::kExperimentId, A::kDelete)},
      {{"POST", "/mlflow/traces/metrics"}, R(S::kTraceMetricsExperimentIds, A::kRead)},
      {{"GET", "/mlflow/get-trace-artifact"}, R(S::kTrace, A::kRead)},
      // Scorers
      {{"POST", "/mlflow/scorers/register"}, R(S::kScorerCreate, A::kUpdate, Effect::kGrantScorer)},
      {{"GET", "/mlflow/scorers/list"}, R(S::kScorerListing, A::kRead, Effect::kFilterScorers)},
      {{"GET", "/mlflow/scorers/versions"}, R(S::kScorer, A::kRead)},
      {{"GET", "/mlflow/scorers/get"}, R(S::kScorer, A::kRead)},
      {{"DELETE", "/mlflow/scorers/delete"},
       Parsed(R(S::kScorer, A::kDelete, Effect::kDropScorerGrants), "DeleteScorer")},
      {{"GET", "/mlflow/scorers/online-configs"}, R(S::kOnlineScoringConfigs, A::kRead)},
      // Evaluation datasets: through the experiments a dataset is linked to (MLflow 3.17.2's
      // DATASET_BEFORE_REQUEST_HANDLERS; a dataset linked to none is refused to non-admins).
      {{"POST", "/mlflow/datasets/create"}, R(S::kExperimentIdsRequired, A::kUpdate)},
      {{"POST", "/mlflow/datasets/search"}, R(S::kExperimentIdsRequired, A::kRead)},
      {{"GET", "/mlflow/datasets/search"}, R(S::kExperimentIdsRequired, A::kRead)},
      {{"GET", "/mlflow/datasets/{dataset_id}"}, R(S::kDataset, A::kRead)},
      {{"DELETE", "/mlflow/datasets/{dataset_id}"}, R(S::kDataset, A::kDelete)},
      {{"PATCH", "/mlflow/datasets/{dataset_id}/tags"}, R(S::kDataset, A::kUpdate)},
      {{"DELETE", "/mlflow/datasets/{dataset_id}/tags/{key}"}, R(S::kDataset, A::kUpdate)},
      {{"POST", "/mlflow/datasets/{dataset_id}/records"}, R(S::kDataset, A::kUpdate)},
      {{"GET", "/mlflow/datasets/{dataset_id}/records"}, R(S::kDataset, A::kRead)},
      {{"DELETE", "/mlflow/datasets/{dataset_id}/records"}, R(S::kDataset, A::kUpdate)},
      {{"GET", "/mlflow/datasets/{dataset_id}/experiment-ids"}, R(S::kDataset, A::kRead)},
      {{"POST", "/mlflow/datasets/{dataset_id}/add-experiments"}, R(S::kDatasetAndExperimentIds, A::kUpdate)},
      {{"POST", "/mlflow/datasets/{dataset_id}/remove-experiments"}, R(S::kDataset, A::kUpdate)},
      // Proxied artifacts
      {{"GET", "/mlflow-artifacts/artifacts/{path...}"}, R(S::kArtifactPath, A::kRead)},
      {{"PUT", "/mlflow-artifacts/artifacts/{path...}"}, R(S::kArtifactPath, A::kUpdate)},
      {{"DELETE", "/mlflow-artifacts/artifacts/{path...}"}, R(S::kArtifactPath, A::kDelete)},
      {{"POST", "/mlflow-artifacts/mpu/create/{path...}"}, R(S::kArtifactPath, A::kUpdate)},
      {{"POST", "/mlflow-artifacts/mpu/complete/{path...}"}, R(S::kArtifactPath, A::kUpdate)},
      {{"POST", "/mlflow-artifacts/mpu/abort/{path...}"}, R(S::kArtifactPath, A::kUpdate)},
      // The web UI's shell and the version string it reads: any signed-in user.
      {{"GET", "/"}, K(Kind::kAuthenticated)},
      {{"GET", "/version"}, K(Kind::kAuthenticated)},
      // The sign-up page: for those who may create users. Its form's target, users/create-ui,
      // has no rule in MLflow either, so only admins may post it.
      {{"GET", "/signup"}, K(Kind::kCreateUser)},
      {{"GET", "/mlflow/ui-telemetry"}, K(Kind::kAuthenticated)},
      {{"POST", "/mlflow/ui-telemetry"}, K(Kind::kAuthenticated)},
      // The UI's GraphQL queries: any signed-in user; each field then runs the REST route it
      // stands for under that route's rule (graphql_handlers.cc), so a field the caller may not
      // read resolves to null, as MLflow's GraphQL authorization middleware answers.
      {{"POST", "/graphql"}, K(Kind::kAuthenticated)},
      {{"GET", "/graphql"}, K(Kind::kAuthenticated)},
      // Users and grants (auth_gate.cc serves these)
      {{"POST", "/mlflow/users/create"}, K(Kind::kCreateUser)},
      {{"GET", "/mlflow/users/get"}, K(Kind::kSelf)},
      {{"GET", "/mlflow/users/current"}, K(Kind::kAuthenticated)},
      {{"GET", "/mlflow/users/list"}, K(Kind::kAuthenticated)},
      {{"PATCH", "/mlflow/users/update-password"}, K(Kind::kSelf)},
      {{"PATCH", "/mlflow/users/update-admin"}, K(Kind::kAdminOnly)},
      {{"DELETE", "/mlflow/users/delete"}, K(Kind::kAdminOnly)},
      {{"GET", "/mlflow/users/current/permissions"}, K(Kind::kAuthenticated)},
      {{"GET", "/mlflow/users/permissions/list"}, K(Kind::kViewUserRoles)},
      {{"GET", "/mlflow/users/roles/list"}, K(Kind::kViewUserRoles)},
      {{"POST", "/mlflow/users/permissions/grant"}, K(Kind::kManageGrant)},
      {{"POST", "/mlflow/users/permissions/revoke"}, K(Kind::kManageGrant)},
      {{"GET", "/mlflow/users/permissions/get"}, K(Kind::kGetUserPermission)},
      // Roles (role_handlers.cc)
      {{"POST", "/mlflow/roles/create"}, K(Kind::kManageRoles)},
      {{"GET", "/mlflow/roles/get"}, K(Kind::kViewRoles)},
      {{"GET", "/mlflow/roles/list"}, K(Kind::kListRoles)},
      {{"PATCH", "/mlflow/roles/update"}, K(Kind::kManageRoles)},
      {{"DELETE", "/mlflow/roles/delete"}, K(Kind::kManageRoles)},
      {{"POST", "/mlflow/roles/permissions/add"}, K(Kind::kManageRoles)},
      {{"DELETE", "/mlflow/roles/permissions/remove"}, K(Kind::kManageRoles)},
      {{"GET", "/mlflow/roles/permissions/list"}, K(Kind::kViewRoles)},
      {{"PATCH", "/mlflow/roles/permissions/update"}, K(Kind::kManageRoles)},
      {{"POST", "/mlflow/roles/assign"}, K(Kind::kManageRoles)},
      {{"DELETE", "/mlflow/roles/unassign"}, K(Kind::kManageRoles)},
      {{"GET", "/mlflow/roles/users/list"}, K(Kind::kManageRoles)},
  };
  return kTable;
}

// "/api/2.0/mlflow/x" and "/ajax-api/3.0/mlflow/x" -> "/mlflow/x"; other paths unchanged.
std::string StripApiPrefix(std::string_view pattern) {
  static const std::regex kPrefix(R"(^/(ajax-)?api/\d+\.\d+(/.*)$)");
  std::string p(pattern);
  std::smatch m;
  if (std::regex_match(p, m, kPrefix)) return m[2].str();
  return p;
}

}  // namespace

bool IsUnprotectedPath(std::string_view path) {
  for (std::string_view prefix : {"/static", "/favicon.ico", "/health"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  return StripApiPrefix(path) == "/mlflow/server-info";
}

RouteRule RuleFor(std::string_view method, std::string_view pattern) {
  if (IsUnprotectedPath(pattern)) return K(Kind::kPublic);
  auto it = Table().find({std::string(method == "HEAD" ? "GET" : method), StripApiPrefix(pattern)});
  if (it == Table().end()) return K(Kind::kDeny);
  return it->second;
}

}  // namespace mlflow::auth
