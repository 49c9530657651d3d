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
  kManageGrant,    // grant/revoke: MANAGE on (resource_type, resource_id); "*": workspace admins
  kGetUserPermission,  // self, or a workspace admin where the resource lives
  kCreateUser,     // a workspace admin (of any workspace)
  kManageRoles,    // a workspace admin of the role's workspace (role_id, role_permission_id or workspace)
  kViewRoles,      // any member (a role holder) of the role's workspace
  kListRoles,      // a member of every workspace named by the repeated `workspace` query parameter
  kViewUserRoles,  // the user named by `username`, or a workspace admin where that user holds a role
  kDeny,           // routes without a rule: refused for non-admins (MLflow's fail-closed default)
};

// Where the resource a check needs comes from.
enum class Subject {
  kNone,
  kExperimentId,    // param experiment_id
  kExperimentName,  // param experiment_name -> its experiment
  kExperimentIds,   // every id of the list param experiment_ids (search-datasets)
  // Every id of experiment_ids (or experimentIds); none at all: refused, as MLflow's
  // _bulk_requirements_in_experiments and its dataset create/search checks refuse an unscoped
  // request (GET traces, traces/metrics, datasets/create, datasets/search).
  kExperimentIdsRequired,
  kTraceExperimentIds,  // GET traces: as kExperimentIdsRequired, in the "trace" tier of each experiment
  kTraceMetricsExperimentIds,  // QueryTraceMetrics: as kExperimentIdsRequired, from its JSON (either spelling)
  kTraceIds,        // every trace of trace_ids -> its experiment; none, or one unknown: refused
  kRunAndTraceIds,  // link-to-run: the action on run_id's experiment, READ on every trace's (none: refused)
  kDataset,         // path dataset_id -> every experiment it is linked to; none (or no dataset): refused
  kDatasetAndExperimentIds,  // add-experiments: kDataset, and the action on every experiment_ids (required)
  // Runs, logged models and traces: READ on their experiment and the action in their wildcard
  // tier ("run", "logged_model", "trace"), else in the experiment (auth_gate.cc CanInExperiment).
  kRun,             // param run_id (run_uuid) -> its experiment; for LogMetric, LogBatch, LogInputs
                    // and LogOutputs (parsed_message) also update on every logged model they write to
  kRunIds,          // every run of the repeated query param run_id / run_ids
  kLoggedModel,     // param model_id (path) -> its experiment
  // CreateLoggedModel: update on experiment_id (either spelling) with the "logged_model" tier not
  // denied, and READ on the run of source_run_id when one is named.
  kLoggedModelCreate,
  kTrace,           // param trace_id / request_id -> its experiment
  // Assessments: path trace_id -> its experiment; the "assessment" tier (auth/assessment_rules.h),
  // by the action (kRead get, kUpdate update, kDelete delete); kAssessmentCreate for a create.
  kAssessment,
  kAssessmentCreate,
  kRegisteredModel, // param name
  // The registry's shared routes (mlflow/server/auth/__init__.py, the *_registered_model_or_prompt
  // validators): param name -> the stored registered model, a prompt when it carries the tag
  // mlflow.prompt.is_prompt=true, whose grants then live under "prompt" instead of
  // "registered_model". The version tier is "prompt_version" or "registered_model_version" ("*").
  kRegistryEntity,        // the action on the model or prompt (an unknown name: "registered_model")
  kModelVersion,          // READ on the container; kRead: the version tier not denied; else the
                          // action in the version tier, or on the container when the tier has no grant
  kModelVersionCreate,    // UPDATE on the container, the version tier not denied
  kModelVersionAlias,     // the action on the container, READ in the version tier (else the container)
  kRegistryCascadeDelete, // DELETE on the container and in the version tier (else the container)
  kModelVersionArtifact,  // READ on ("registered_model", name), the version tier (else the container) not denied
  kArtifactPath,    // proxied artifact path: leading experiment id, else the default permission
  kTraceLocation,   // StartTraceV3 body trace.trace_info.trace_location.mlflow_experiment.experiment_id
  kTraceSearchLocations,  // SearchTracesV3: every locations[].mlflow_experiment.experiment_id; none: refused
  // Scorers: grants on "<experiment_id>/<quoted name>" (permissions.h ScorerPattern), with no
  // inheritance from the experiment, and the wildcard tier "scorer_version" able to veto.
  kScorerCreate,          // RegisterScorer: EDIT on the experiment, scorer and versions not denied
  kScorer,                // params experiment_id + name; kDelete without `version`: the scorer's delete
  kScorerListing,         // ListScorers: experiment READ when experiment_id is given (rows filtered after)
  kOnlineScoringConfigs,  // every listed scorer_id's experiment READ
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
  kGrantScorer,             // RegisterScorer: the caller gets MANAGE on the scorer
  kDropScorerGrants,        // DeleteScorer: every user's grants on the scorer go
  kFilterScorers,           // ListScorers: keep scorers the caller may read in readable experiments
};

struct RouteRule {
  Kind kind = Kind::kDeny;
  Subject subject = Subject::kNone;
  Action action = Action::kRead;
  Effect effect = Effect::kNone;
  // The request message MLflow's check parses before it decides ("LogMetric"), or nullptr: a body
  // spelling one of its fields both ways is then refused (400) even to a caller the check would
  // refuse (403), on the requests whose route parses that message (auth/field_spellings.h: the
  // v2 and v3 trace starts share a pattern, and only the v3 check parses).
  const char* parsed_message = nullptr;
};

// method and the route pattern as registered ("/api/2.0/mlflow/runs/get",
// "/ajax-api/2.0/mlflow/logged-models/{model_id}", "/get-artifact", ...).
RouteRule RuleFor(std::string_view method, std::string_view pattern);
// Paths served without credentials, as MLflow's auth app leaves them.
bool IsUnprotectedPath(std::string_view path);

}  // namespace mlflow::auth
