#pragma once
// What each route of the server requires of a non-admin caller under the basic-auth app
// (docs/reference/auth.md, "What each endpoint requires"), decided once per route pattern when
// the app is installed. Pure data: auth_gate.cc resolves the subject and checks the permission.
//
//   RouteRule rule = RuleFor("POST", "/api/2.0/mlflow/runs/log-metric");
//   // rule.kind == Kind::kResource, rule.subject == Subject::kRun, rule.action == Action::kUpdate
#include <string>
#include <string_view>
#include <vector>

namespace mlflow::auth {

enum class Kind {
  kPublic,         // no credentials needed (/health, /static..., /favicon.ico, server-info)
  kAuthenticated,  // any authenticated user (results may still be filtered, see Effect)
  kAdminOnly,      // only admins (non-admins get 403)
  kSelf,           // only the user named by `username` (or an admin)
  kResource,       // the subject's permission must allow the action
  kManageGrant,    // grant/revoke: MANAGE on (resource_type, resource_id); "*" only for admins
  kGetUserPermission,  // self or admin
  kDeny,           // routes without a rule: refused for non-admins (MLflow's fail-closed default)
};

// Where the resource a check needs comes from.
enum class Subject {
  kNone,
  kExperimentId,    // param experiment_id
  kExperimentName,  // param experiment_name -> its experiment
  kExperimentIds,   // every id of the list param experiment_ids (search-datasets, traces)
  kRun,             // param run_id (run_uuid) -> its experiment
  kRunIds,          // every run of the repeated query param run_id / run_ids
  kLoggedModel,     // param model_id (path) -> its experiment
  kTrace,           // param trace_id / request_id -> its experiment
  kRegisteredModel, // param name
  kArtifactPath,    // proxied artifact path: leading experiment id, else the default permission
  kTraceLocation,   // StartTraceV3 body trace.trace_info.trace_location.mlflow_experiment.experiment_id
};

enum class Action { kRead, kUpdate, kDelete, kManage };

// What happens around an allowed request.
enum class Effect {
  kNone,
  kFilterExperiments,       // SearchExperiments: keep readable experiments, refetch to fill the page
  kFilterRegisteredModels,  // SearchRegisteredModels: keep readable models, refetch
  kFilterModelVersions,     // SearchModelVersions: keep versions of readable models
  kFilterLoggedModels,      // SearchLoggedModels: keep models of readable experiments, refetch
  kFilterRunExperiments,    // SearchRuns: drop unreadable experiment_ids before the search
  kGrantExperiment,         // CreateExperiment: the caller gets MANAGE on it
  kGrantRegisteredModel,    // CreateRegisteredModel: the caller gets MANAGE on it
  kDropRegisteredModelGrants,    // DeleteRegisteredModel: every grant on the name goes
  kRenameRegisteredModelGrants,  // RenameRegisteredModel: grants follow the new name
};

struct RouteRule {
  Kind kind = Kind::kDeny;
  Subject subject = Subject::kNone;
  Action action = Action::kRead;
  Effect effect = Effect::kNone;
};

// method and the route pattern as registered ("/api/2.0/mlflow/runs/get",
// "/ajax-api/2.0/mlflow/logged-models/{model_id}", "/get-artifact", ...).
RouteRule RuleFor(std::string_view method, std::string_view pattern);
// Paths served without credentials, as MLflow's auth app leaves them.
bool IsUnprotectedPath(std::string_view path);

}  // namespace mlflow::auth
