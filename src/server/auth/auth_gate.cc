#include "server/auth/auth_gate.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "auth/assessment_rules.h"
#include "auth/field_spellings.h"
#include "auth/logged_model_targets.h"
#include "auth/model_version_source.h"
#include "auth/password_hash.h"
#include "auth/permissions.h"
#include "auth/request_aliases.h"
#include "auth/route_rules.h"
#include "core/uri.h"
#include "server/auth/auth_handlers.h"
#include "server/auth/auth_request.h"
#include "server/auth/role_handlers.h"
#include "server/auth/signup_handlers.h"
#include "server/handlers/json_render.h"
#include "server/handlers/routes.h"

namespace mlflow::server {

using auth::Action;
using auth::Effect;
using auth::Kind;
using auth::Permission;
using auth::RouteRule;
using auth::Subject;

namespace {

// The password older MLflow releases shipped in basic_auth.ini: MLflow 3.17.2 refuses it for
// admins at login and at bootstrap.
constexpr const char* kLegacyAdminPassword = "password1234";

// With workspaces off (MLflow's default) every resource and grant lives in this workspace.
constexpr const char* kDefaultWorkspace = "default";

// A JSON string or integer as text (experiment ids come as either).
std::string JsonText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n\r\f\v") - b + 1);
}

bool Allows(const Permission& p, Action a) {
  switch (a) {
    case Action::kRead:
      return p.can_read;
    case Action::kUpdate:
      return p.can_update;
    case Action::kDelete:
      return p.can_delete;
    case Action::kManage:
      return p.can_manage;
  }
  return false;
}

// Remembers which (stored hash, password) pairs verified, so a client's every request does not
// pay scrypt's cost again. Keyed on the stored hash: a changed password misses at once.
class VerifiedCache {
 public:
  bool Verify(const std::string& stored, const std::string& password) {
    std::string key = Key(stored, password);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = ok_.find(key); it != ok_.end() && it->second > std::chrono::steady_clock::now()) return true;
    }
    if (!auth::VerifyPassword(stored, password)) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (ok_.size() >= kMaxEntries) ok_.clear();
    ok_[key] = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    return true;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  static std::string Key(const std::string& stored, const std::string& password) {
    std::string in = stored + '\0' + password;
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), md);
    return std::string(reinterpret_cast<const char*>(md), sizeof(md));
  }
  std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> ok_;
};

}  // namespace

struct AuthGate::Impl {
  auth::AuthConfig config;
  std::unique_ptr<auth::AuthStore> store;
  ApiContext ctx;
  VerifiedCache verified;

  // The authenticated user, or nullopt (401).
  std::optional<auth::User> Authenticate(const HttpRequest& req) {
    std::optional<std::pair<std::string, std::string>> cred = BasicCredentials(req);
    if (!cred) return std::nullopt;
    Result<std::optional<auth::User>> user = store->FindUser(cred->first);
    if (!user.ok() || !user->has_value()) return std::nullopt;
    if (!verified.Verify((*user)->password_hash, cred->second)) return std::nullopt;
    if ((*user)->is_admin && cred->second == kLegacyAdminPassword) {
      spdlog::warn("rejected a login by admin user '{}' with the insecure default password of older MLflow releases",
                   cred->first);
      return std::nullopt;
    }
    return *user;
  }

  Result<Permission> PermissionOn(const auth::User& user, const std::string& type, const std::string& id) {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
    return auth::Effective(auth::FoldGrants(grants, type, id), config.default_permission);
  }

  Permission Effective(const std::vector<auth::Grant>& grants, const std::string& type, const std::string& id) {
    return auth::Effective(auth::FoldGrants(grants, type, id), config.default_permission);
  }

  bool Denied(const std::vector<auth::Grant>& grants, const std::vector<std::pair<std::string, std::string>>& rungs) {
    return auth::Governing(grants, rungs, config.default_permission).name == "DENY";
  }

  Result<bool> CanOnExperiment(const auth::User& user, const std::string& experiment_id, Action a) {
    MLFLOW_ASSIGN_OR_RETURN(Permission p, PermissionOn(user, "experiment", experiment_id));
    return Allows(p, a);
  }

  // An action on a run, trace or logged model of an experiment, as MLflow 3.17.2 resolves it
  // (mlflow/server/auth/__init__.py _run_requirement, _authorize_trace, _authorize_logged_model_id,
  // _bulk_requirements_in_experiments): READ on the experiment, and the action allowed by the
  // wildcard grant on the sub-resource tier ("run", "trace", "logged_model") when the user holds
  // one (a DENY there refuses even an experiment's MANAGE), else by the experiment's permission.
  Result<bool> CanInExperiment(const auth::User& user, const std::string& experiment_id, const char* tier, Action a) {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
    if (!Effective(grants, "experiment", experiment_id).can_read) return false;
    return Allows(auth::Governing(grants, {{tier, "*"}, {"experiment", experiment_id}}, config.default_permission), a);
  }

  // Whether a stored registered model is a prompt (MLflow's RegisteredModel._is_prompt); nullopt for
  // an unknown name.
  Result<std::optional<bool>> IsPrompt(const std::string& name) {
    Result<::mlflow::store::RegisteredModel> rm = ctx.registry->GetRegisteredModel(name);
    if (!rm.ok() && rm.status().code() == ErrorCode::kResourceDoesNotExist) return std::optional<bool>();
    if (!rm.ok()) return rm.status();
    for (const KeyValue& t : rm->tags) {
      if (t.key == "mlflow.prompt.is_prompt" && t.value == "true") return std::optional<bool>(true);
    }
    return std::optional<bool>(false);
  }

  // The registry's shared routes, as MLflow 3.17.2 checks them (mlflow/server/auth/__init__.py:
  // _get_permission_from_registered_model_or_prompt_name, validate_can_*_model_or_prompt_version,
  // validate_can_create_model_version, validate_can_{set,delete}_model_or_prompt_version_alias,
  // validate_can_delete_registered_model_or_prompt_cascade, validate_can_read_model_version_artifact).
  // The container is the stored model or prompt (its grants under "registered_model" or "prompt");
  // the version tier ("registered_model_version" / "prompt_version", wildcard only) governs the
  // version operations when the caller holds a grant there, else the container's grant does.
  Result<bool> CanOnRegistryEntity(const auth::User& user, const RouteRule& rule, const HttpRequest& req,
                                   const CheckParams& params) {
    MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("name"));
    MLFLOW_ASSIGN_OR_RETURN(std::optional<bool> prompt, IsPrompt(name));
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
    if (rule.subject == Subject::kRegistryEntity) {
      return Allows(Effective(grants, prompt.value_or(false) ? "prompt" : "registered_model", name), rule.action);
    }
    if (!prompt) return false;  // a version of nothing: refused, as MLflow refuses an unknown target
    const std::string type = *prompt ? "prompt" : "registered_model";
    const std::string version_tier = *prompt ? "prompt_version" : "registered_model_version";
    const Permission container = Effective(grants, type, name);
    const Permission tier = auth::Governing(grants, {{version_tier, "*"}, {type, name}}, config.default_permission);
    switch (rule.subject) {
      case Subject::kModelVersion:
        if (!container.can_read) return false;
        if (rule.action == Action::kRead) return !Denied(grants, {{version_tier, "*"}});
        return Allows(tier, rule.action);
      case Subject::kModelVersionCreate:
        if (!container.can_update || Denied(grants, {{version_tier, "*"}})) return false;
        return CanCreateVersionFrom(user, req, params, *prompt, grants);
      case Subject::kModelVersionAlias:
        return Allows(container, rule.action) && tier.can_read;
      case Subject::kRegistryCascadeDelete:
        return container.can_delete && tier.can_delete;
      case Subject::kModelVersionArtifact:
        // The artifact's positive gate reads the "registered_model" grant even for a prompt.
        return Effective(grants, "registered_model", name).can_read && tier.name != "DENY";
      default:
        return false;
    }
  }

  // The rest of validate_can_create_model_version, once the container allows the create: the
  // body is parsed (a field spelt both ways: 400); a prompt marker saying the other kind of
  // version than the registered model holds needs that kind's version tier not denied; a
  // models:/<name>/... source needs READ on that registered model or prompt, and then nothing
  // else; otherwise the run (run_id) and the logged models (model_id, a models:/<id> source) the
  // version names need READ, as a present but empty id or one that does not exist is refused.
  Result<bool> CanCreateVersionFrom(const auth::User& user, const HttpRequest& req, const CheckParams& params,
                                    bool parent_is_prompt, const std::vector<auth::Grant>& grants) {
    MLFLOW_RETURN_IF_ERROR(CheckFieldSpellings(req, auth::SpelledFieldsOfRoute(req.method, req.path)));
    const auth::CreateVersionRequest r = auth::ReadCreateVersionRequest(params.Body());
    if (r.prompt_marker && *r.prompt_marker != parent_is_prompt &&
        Denied(grants, {{*r.prompt_marker ? "prompt_version" : "registered_model_version", "*"}})) {
      return false;
    }
    MLFLOW_RETURN_IF_ERROR(r.source_status);
    if (r.source_name) {
      MLFLOW_ASSIGN_OR_RETURN(std::optional<bool> source_prompt, IsPrompt(*r.source_name));
      if (!source_prompt) return false;  // refused, not reported: no oracle for which names exist
      return Effective(grants, *source_prompt ? "prompt" : "registered_model", *r.source_name).can_read;
    }
    if (r.run_id) {
      if (r.run_id->empty()) return false;
      Result<::mlflow::Run> run = ctx.tracking->GetRun(*r.run_id);
      if (!run.ok() && run.status().code() != ErrorCode::kResourceDoesNotExist) return run.status();
      if (!run.ok()) return false;
      MLFLOW_ASSIGN_OR_RETURN(bool ok, CanInExperiment(user, run->info.experiment_id, "run", Action::kRead));
      if (!ok) return false;
    }
    for (const std::optional<std::string>& id : {r.model_id, r.source_model_id}) {
      if (!id) continue;
      if (id->empty()) return false;
      MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> experiment_id, LoggedModelExperiment(*id));
      if (!experiment_id) return false;
      MLFLOW_ASSIGN_OR_RETURN(bool ok, CanInExperiment(user, *experiment_id, "logged_model", Action::kRead));
      if (!ok) return false;
    }
    return true;
  }

  // The experiment of a logged model; nullopt when there is no such model (the checks refuse it).
  Result<std::optional<std::string>> LoggedModelExperiment(const std::string& model_id) {
    Result<::mlflow::store::LoggedModel> m = ctx.logged_models->GetLoggedModel(model_id);
    if (!m.ok() && m.status().code() == ErrorCode::kResourceDoesNotExist) return std::optional<std::string>();
    if (!m.ok()) return m.status();
    return std::optional<std::string>(m->experiment_id);
  }

  // The action on every experiment listed (in the tier, when one is named); an empty list is
  // refused (an unscoped bulk request).
  Result<bool> CanOnEveryExperiment(const auth::User& user, const std::vector<std::string>& ids, Action a,
                                    const char* tier = nullptr) {
    if (ids.empty()) return false;
    for (const std::string& id : ids) {
      MLFLOW_ASSIGN_OR_RETURN(bool ok, tier ? CanInExperiment(user, id, tier, a) : CanOnExperiment(user, id, a));
      if (!ok) return false;
    }
    return true;
  }

  // The experiment of each trace; nothing when one of them does not exist (MLflow refuses the
  // whole request then).
  Result<std::vector<std::string>> TraceExperiments(const std::vector<std::string>& trace_ids) {
    std::vector<std::string> out;
    for (const std::string& id : trace_ids) {
      Result<TraceInfo> info = ctx.tracing->GetTraceInfo(id);
      if (!info.ok() && info.status().code() == ErrorCode::kResourceDoesNotExist) return std::vector<std::string>{};
      if (!info.ok()) return info.status();
      out.push_back(info->experiment_id);
    }
    return out;
  }

  // Whether the caller may do `action` on the rule's subject; a Status for a request the check
  // cannot even read (missing parameter, unknown experiment name), answered as MLflow's JSON
  // error. A run, logged model or trace that does not exist is refused, as MLflow does.
  Result<bool> Check(const RouteRule& rule, const HttpRequest& req, const auth::User& user) {
    CheckParams params(req);
    // MLflow's check parses the message first (route_rules.h parsed_message); DeleteScorer's
    // reads its experiment_id and name before, so a missing one is reported first there.
    if (rule.subject != Subject::kScorer) MLFLOW_RETURN_IF_ERROR(SpellingFirst(rule, req));
    switch (rule.subject) {
      case Subject::kNone:
        return false;
      case Subject::kExperimentId: {
        MLFLOW_ASSIGN_OR_RETURN(std::string id, params.Required("experiment_id"));
        return CanOnExperiment(user, id, rule.action);
      }
      case Subject::kExperimentName: {
        MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("experiment_name"));
        Result<Experiment> e = ctx.tracking->GetExperimentByName(name);
        if (!e.ok()) return Status::NotFound("Could not find experiment with name " + name);
        return CanOnExperiment(user, e->experiment_id, rule.action);
      }
      case Subject::kExperimentIds: {
        for (const std::string& id : params.List("experiment_ids")) {
          MLFLOW_ASSIGN_OR_RETURN(bool ok, CanOnExperiment(user, id, rule.action));
          if (!ok) return false;
        }
        return true;
      }
      case Subject::kExperimentIdsRequired:
        return CanOnEveryExperiment(user, params.List("experiment_ids"), rule.action);
      case Subject::kTraceExperimentIds:
        return CanOnEveryExperiment(user, params.List("experiment_ids"), rule.action, "trace");
      case Subject::kTraceMetricsExperimentIds: {
        // Read as MLflow reads the message (either spelling; both at once: 400).
        const nlohmann::json& body = params.Body();
        MLFLOW_RETURN_IF_ERROR(auth::RejectConflictingAliases(body, auth::QueryTraceMetricsFields()));
        std::vector<std::string> ids;
        const nlohmann::json* list = auth::AliasedValue(body, auth::QueryTraceMetricsFields().front());
        if (list && list->is_array()) {
          for (const nlohmann::json& id : *list) {
            if (!JsonText(id).empty()) ids.push_back(JsonText(id));
          }
        }
        MLFLOW_ASSIGN_OR_RETURN(bool ok, CanOnEveryExperiment(user, ids, rule.action, "trace"));
        // The ASSESSMENTS view also reads the assessment tier of each experiment.
        const nlohmann::json* view = auth::AliasedValue(body, auth::QueryTraceMetricsFields()[1]);
        if (!ok || !view || (*view != "ASSESSMENTS" && *view != 3)) return ok;
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
        for (const std::string& id : ids) {
          if (!auth::AssessmentTierReadable(grants, id, config.default_permission)) return false;
        }
        return true;
      }
      case Subject::kAssessment:
      case Subject::kAssessmentCreate: {
        MLFLOW_ASSIGN_OR_RETURN(std::string trace_id, params.Required("trace_id"));
        Result<TraceInfo> info = ctx.tracing->GetTraceInfo(trace_id);
        if (!info.ok()) return false;  // MLflow refuses a trace it cannot find
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
        auth::AssessmentOp op = rule.subject == Subject::kAssessmentCreate ? auth::AssessmentOp::kCreate
                                : rule.action == Action::kRead             ? auth::AssessmentOp::kGet
                                : rule.action == Action::kDelete           ? auth::AssessmentOp::kDelete
                                                                           : auth::AssessmentOp::kUpdate;
        return auth::AssessmentAllowed(grants, info->experiment_id, op, config.default_permission);
      }
      case Subject::kTraceSearchLocations: {
        // The experiment of every location that names one, in the snake_case or lowerCamelCase
        // field names MLflow's ParseDict accepts (a field spelt both ways: 400, as MLflow), among
        // the locations its parser reads before a malformed item; a search naming no experiment
        // is refused (MLflow's _bulk_requirements_in_experiments).
        const nlohmann::json& body = params.Body();
        MLFLOW_RETURN_IF_ERROR(auth::RejectConflictingAliases(body, auth::SearchTracesV3Fields()));
        const auth::AliasedField& locations_field = auth::SearchTracesV3Fields().front();
        const auth::AliasedField& experiment_field = locations_field.fields.front();
        std::vector<std::string> ids;
        const nlohmann::json* locations = auth::AliasedValue(body, locations_field);
        if (locations) {
          for (const nlohmann::json* loc : auth::ItemsParsedBeforeFailure(*locations, locations_field.fields)) {
            const nlohmann::json* exp = auth::AliasedValue(*loc, experiment_field);
            const nlohmann::json* id = exp ? auth::AliasedValue(*exp, experiment_field.fields.front()) : nullptr;
            if (id && id->is_string() && !id->get<std::string>().empty()) ids.push_back(id->get<std::string>());
          }
        }
        return CanOnEveryExperiment(user, ids, rule.action, "trace");
      }
      case Subject::kTraceIds: {
        MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> experiments, TraceExperiments(params.List("trace_ids")));
        return CanOnEveryExperiment(user, experiments, Action::kRead, "trace");
      }
      case Subject::kRunAndTraceIds: {
        MLFLOW_ASSIGN_OR_RETURN(std::string run_id, params.Required("run_id", "run_uuid"));
        Result<::mlflow::Run> run = ctx.tracking->GetRun(run_id);
        if (!run.ok()) return false;
        MLFLOW_ASSIGN_OR_RETURN(bool ok, CanInExperiment(user, run->info.experiment_id, "run", rule.action));
        if (!ok) return false;
        MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> experiments, TraceExperiments(params.List("trace_ids")));
        return CanOnEveryExperiment(user, experiments, Action::kRead, "trace");
      }
      case Subject::kDataset:
      case Subject::kDatasetAndExperimentIds: {
        MLFLOW_ASSIGN_OR_RETURN(std::string dataset_id, params.Required("dataset_id"));
        Result<std::vector<std::string>> linked = ctx.datasets->GetExperimentIds(dataset_id);
        // An unknown dataset is refused, as MLflow does; another failure is answered as itself.
        if (!linked.ok() && linked.status().code() == ErrorCode::kResourceDoesNotExist) return false;
        if (!linked.ok()) return linked.status();
        MLFLOW_ASSIGN_OR_RETURN(bool ok, CanOnEveryExperiment(user, *linked, rule.action));
        if (!ok || rule.subject == Subject::kDataset) return ok;
        // Attaching needs the action on the experiments being attached too.
        return CanOnEveryExperiment(user, params.List("experiment_ids"), rule.action);
      }
      case Subject::kRun: {
        MLFLOW_ASSIGN_OR_RETURN(std::string run_id, params.Required("run_id", "run_uuid"));
        Result<::mlflow::Run> run = ctx.tracking->GetRun(run_id);
        if (!run.ok()) return false;  // MLflow refuses (403) what it cannot find
        MLFLOW_ASSIGN_OR_RETURN(bool ok, CanInExperiment(user, run->info.experiment_id, "run", rule.action));
        if (!ok || rule.parsed_message == nullptr) return ok;
        // Metrics logged to a logged model, models linked as inputs or outputs: the caller must
        // be able to update each of those too (_validate_can_update_run_and_models); one that
        // does not exist is refused.
        for (const std::string& id : auth::LoggedModelsWrittenBy(rule.parsed_message, params.Body())) {
          MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> experiment_id, LoggedModelExperiment(id));
          if (!experiment_id) return false;
          MLFLOW_ASSIGN_OR_RETURN(ok, CanInExperiment(user, *experiment_id, "logged_model", Action::kUpdate));
          if (!ok) return false;
        }
        return true;
      }
      case Subject::kLoggedModelCreate: {
        // validate_can_create_logged_model reads the parsed message (either spelling): update on
        // the experiment with the logged_model tier not denied, and READ on source_run_id's run.
        const nlohmann::json& body = params.Body();
        const nlohmann::json* e = auth::AliasedValue(body, {"experiment_id", "experimentId", {}});
        if (e == nullptr || !e->is_string() || e->get<std::string>().empty()) return false;
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
        if (!Effective(grants, "experiment", e->get<std::string>()).can_update ||
            Denied(grants, {{"logged_model", "*"}})) {
          return false;
        }
        const nlohmann::json* source = auth::AliasedValue(body, {"source_run_id", "sourceRunId", {}});
        if (source == nullptr || !source->is_string() || source->get<std::string>().empty()) return true;
        Result<::mlflow::Run> run = ctx.tracking->GetRun(source->get<std::string>());
        if (!run.ok() && run.status().code() != ErrorCode::kResourceDoesNotExist) return run.status();
        if (!run.ok()) return false;
        return CanInExperiment(user, run->info.experiment_id, "run", Action::kRead);
      }
      case Subject::kRunIds: {
        // get-history-bulk names its runs run_id, get-history-bulk-interval run_ids (MLflow reads
        // only that name on each route).
        const bool interval = req.path.find("-interval") != std::string::npos;
        std::vector<std::string> ids = params.List(interval ? "run_ids" : "run_id");
        if (ids.empty()) {
          return Status::InvalidParameter(std::string(interval ? "GetMetricHistoryBulkInterval" : "GetMetricHistoryBulk") +
                                          " request must specify at least one run_id.");
        }
        // Every run is looked up before any is checked: an unknown run is answered as the
        // store's 404 even after a run the caller may not read, as MLflow's
        // validate_can_read_metric_history_bulk does (unlike its single-run checks, which refuse).
        std::vector<std::string> experiments;
        for (const std::string& id : ids) {
          MLFLOW_ASSIGN_OR_RETURN(::mlflow::Run run, ctx.tracking->GetRun(id));
          experiments.push_back(run.info.experiment_id);
        }
        for (const std::string& experiment_id : experiments) {
          MLFLOW_ASSIGN_OR_RETURN(bool ok, CanInExperiment(user, experiment_id, "run", rule.action));
          if (!ok) return false;
        }
        return true;
      }
      case Subject::kLoggedModel: {
        MLFLOW_ASSIGN_OR_RETURN(std::string id, params.Required("model_id"));
        Result<::mlflow::store::LoggedModel> m = ctx.logged_models->GetLoggedModel(id);
        if (!m.ok()) return false;
        return CanInExperiment(user, m->experiment_id, "logged_model", rule.action);
      }
      case Subject::kTrace: {
        std::string id = params.Optional("trace_id");
        if (id.empty()) {
          MLFLOW_ASSIGN_OR_RETURN(id, params.Required("request_id"));
        }
        Result<TraceInfo> info = ctx.tracing->GetTraceInfo(id);
        if (!info.ok()) return false;
        return CanInExperiment(user, info->experiment_id, "trace", rule.action);
      }
      case Subject::kTraceLocation: {
        std::string id = params.Optional("experiment_id");
        if (id.empty()) id = params.Nested({"trace", "trace_info", "trace_location", "mlflow_experiment", "experiment_id"});
        if (id.empty()) return Status::InvalidParameter("Missing value for required parameter 'experiment_id'. "
                                                        "See the API docs for more information about request "
                                                        "parameters.");
        return CanOnExperiment(user, id, rule.action);
      }
      case Subject::kRegisteredModel: {
        MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("name"));
        MLFLOW_ASSIGN_OR_RETURN(Permission p, PermissionOn(user, "registered_model", name));
        return Allows(p, rule.action);
      }
      case Subject::kRegistryEntity:
      case Subject::kModelVersion:
      case Subject::kModelVersionCreate:
      case Subject::kModelVersionAlias:
      case Subject::kRegistryCascadeDelete:
      case Subject::kModelVersionArtifact:
        return CanOnRegistryEntity(user, rule, req, params);
      case Subject::kScorerCreate: {
        MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, params.Required("experiment_id"));
        MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("name"));
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
        if (!Effective(grants, "experiment", experiment_id).can_update) return false;
        return !Denied(grants, {{"scorer", auth::ScorerPattern(experiment_id, name)}}) &&
               !Denied(grants, {{"scorer_version", "*"}});
      }
      case Subject::kScorer: {
        MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, params.Required("experiment_id"));
        MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("name"));
        MLFLOW_RETURN_IF_ERROR(SpellingFirst(rule, req));
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
        const std::string pattern = auth::ScorerPattern(experiment_id, name);
        Permission own = Effective(grants, "scorer", pattern);
        // The version tier decides when granted, else the scorer's own grant (validate_can_*_scorer).
        Permission tier = auth::Governing(grants, {{"scorer_version", "*"}, {"scorer", pattern}},
                                          config.default_permission);
        if (rule.action == Action::kRead) return own.can_read && tier.name != "DENY";
        std::optional<nlohmann::json> version = params.Raw("version");
        bool one_version = version && !version->is_null();
        return (one_version ? own.can_read : own.can_delete) && tier.can_delete;
      }
      case Subject::kScorerListing: {
        std::string experiment_id = params.Optional("experiment_id");
        if (experiment_id.empty()) return true;  // across experiments: filtered afterwards
        return CanOnExperiment(user, experiment_id, Action::kRead);
      }
      case Subject::kOnlineScoringConfigs: {
        std::vector<std::string> ids = params.List("scorer_ids");
        if (ids.empty()) return true;  // the handler answers the missing parameter
        MLFLOW_ASSIGN_OR_RETURN(std::vector<::mlflow::store::OnlineScoringConfig> configs,
                                ctx.scorers->GetOnlineScoringConfigs(ids));
        for (const auto& c : configs) {
          MLFLOW_ASSIGN_OR_RETURN(bool ok, CanOnExperiment(user, c.experiment_id, Action::kRead));
          if (!ok) return false;
        }
        return true;
      }
      case Subject::kArtifactPath: {
        // Proxied paths are <experiment_id>/<run_id>/artifacts/...: no leading number, the default.
        std::string path = params.Optional("path");
        size_t digits = 0;
        while (digits < path.size() && std::isdigit(static_cast<unsigned char>(path[digits]))) ++digits;
        if (digits > 0 && digits < path.size() && path[digits] == '/') {
          return CanOnExperiment(user, path.substr(0, digits), rule.action);
        }
        std::optional<Permission> def = auth::PermissionNamed(config.default_permission);
        return def && Allows(*def, rule.action);
      }
    }
    return false;
  }

  // A body spelling a field both ways, refused before the decision on the routes whose MLflow
  // check parses the request message itself (the route would refuse it after the check).
  static Status SpellingFirst(const RouteRule& rule, const HttpRequest& req) {
    if (rule.parsed_message == nullptr || auth::MessageOfRoute(req.method, req.path) != rule.parsed_message) {
      return Status();
    }
    return CheckFieldSpellings(req, auth::SpelledFieldsOfRoute(req.method, req.path));
  }

  // The caller's decision before the route runs: nullopt lets it run.
  std::optional<HttpResponse> Gate(const RouteRule& rule, const HttpRequest& req, std::optional<auth::User>* who) {
    if (rule.kind == Kind::kPublic) return std::nullopt;
    std::optional<auth::User> user = Authenticate(req);
    if (!user) return Unauthenticated();
    *who = user;
    if (user->is_admin) return std::nullopt;
    Result<bool> allowed = false;
    switch (rule.kind) {
      case Kind::kPublic:
      case Kind::kAuthenticated:
        return std::nullopt;
      case Kind::kAdminOnly:
      case Kind::kDeny:
        return Forbidden();
      case Kind::kSelf: {
        Result<std::string> name = CheckParams(req).Required("username");
        if (!name.ok()) return ErrorResponse(name.status());
        allowed = *name == user->username;
        break;
      }
      case Kind::kGetUserPermission:
        allowed = CanGetUserPermission(req, *user);
        break;
      case Kind::kCreateUser:
        allowed = IsAdminOf(*user, std::nullopt);
        break;
      case Kind::kManageRoles:
      case Kind::kViewRoles:
        allowed = CanOnRoles(rule.kind, req, *user);
        break;
      case Kind::kListRoles:
        allowed = CanListRoles(req, *user);
        break;
      case Kind::kViewUserRoles:
        allowed = CanViewUserRoles(req, *user);
        break;
      case Kind::kManageGrant:
        allowed = CanManageGrant(req, *user);
        break;
      case Kind::kResource:
        allowed = Check(rule, req, *user);
        break;
    }
    if (!allowed.ok()) return ErrorResponse(allowed.status());
    if (!*allowed) return Forbidden();
    return std::nullopt;
  }

  // validate_can_manage_resource: a wildcard grant is a workspace admin's to give (it names no
  // resource); any other needs MANAGE on the resource, resolved as users/permissions/get does.
  Result<bool> CanManageGrant(const HttpRequest& req, const auth::User& user) {
    CheckParams params(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string type, params.Required("resource_type"));
    MLFLOW_ASSIGN_OR_RETURN(std::string id, params.Required("resource_id"));
    if (id == "*") {
      MLFLOW_RETURN_IF_ERROR(auth::ValidateResourceGrant(type, id, "READ"));
      return IsAdminOf(user, std::string(kDefaultWorkspace));
    }
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, store->GrantsOf(user.id));
    MLFLOW_ASSIGN_OR_RETURN(Permission p, auth::UserPermissionOn(grants, type, id, config.default_permission));
    return p.can_manage;
  }

  // A workspace admin: of `workspace`, or (nullopt) of any workspace.
  Result<bool> IsAdminOf(const auth::User& user, const std::optional<std::string>& workspace) {
    MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> admin, store->AdminWorkspaces(user.id));
    return workspace ? admin.count(*workspace) > 0 : !admin.empty();
  }

  // validate_can_get_user_permission: oneself, or a workspace admin where the resource lives
  // (every resource lives in "default" here; one that cannot be found is refused).
  Result<bool> CanGetUserPermission(const HttpRequest& req, const auth::User& user) {
    CheckParams params(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string type, params.Required("resource_type"));
    if (type == "workspace") MLFLOW_RETURN_IF_ERROR(auth::ValidateResourceGrant("workspace", "*", "READ"));
    MLFLOW_ASSIGN_OR_RETURN(std::string name, params.Required("username"));
    if (name == user.username) return true;
    MLFLOW_ASSIGN_OR_RETURN(std::optional<auth::User> target, store->FindUser(name));
    if (!target) return false;
    MLFLOW_ASSIGN_OR_RETURN(std::string id, params.Required("resource_id"));
    if (!ResourceExists(type, id)) return false;
    return IsAdminOf(user, std::string(kDefaultWorkspace));
  }

  // Whether the resource a per-user grant names can be found (MLflow reads its workspace from it).
  bool ResourceExists(const std::string& type, const std::string& id) {
    if (id == "*") return true;
    if (type == "experiment") return ctx.tracking->GetExperiment(id).ok();
    if (type == "registered_model") return ctx.registry->GetRegisteredModel(id).ok();
    if (type == "scorer") {
      size_t slash = id.find('/');
      return slash != std::string::npos && ctx.tracking->GetExperiment(id.substr(0, slash)).ok();
    }
    return false;  // gateway and MCP resources are not served here
  }

  // The workspace a role request addresses (role_id, role_permission_id or workspace), as
  // _get_role_workspace_from_request reads it; nullopt for a role that does not exist.
  Result<std::optional<std::string>> RoleWorkspace(const HttpRequest& req) {
    using Out = std::optional<std::string>;
    CheckParams params(req);
    // A role (or role grant) that does not exist is refused (403), not reported (404).
    auto role_workspace = [&](int64_t role_id) -> Result<Out> {
      Result<auth::Role> role = store->GetRole(role_id);
      if (role.ok()) return Out(role->workspace);
      if (role.status().code() == ErrorCode::kResourceDoesNotExist) return Out();
      return role.status();
    };
    if (params.Raw("role_id")) {
      MLFLOW_ASSIGN_OR_RETURN(int64_t id, params.RequiredInt("role_id"));
      return role_workspace(id);
    }
    if (params.Raw("role_permission_id")) {
      MLFLOW_ASSIGN_OR_RETURN(int64_t id, params.RequiredInt("role_permission_id"));
      Result<auth::RolePermission> rp = store->GetRolePermission(id);
      if (rp.ok()) return role_workspace(rp->role_id);
      if (rp.status().code() == ErrorCode::kResourceDoesNotExist) return Out();
      return rp.status();
    }
    if (std::optional<nlohmann::json> w = params.Raw("workspace")) {
      if (!w->is_string() || Trim(w->get<std::string>()).empty()) {
        return Status::InvalidParameter("Parameter 'workspace' must be a non-empty string.");
      }
      return Out(w->get<std::string>());
    }
    return Status::InvalidParameter("Request must include one of: role_id, role_permission_id, workspace.");
  }

  // validate_can_manage_roles (a workspace admin there) and validate_can_view_roles (a member).
  Result<bool> CanOnRoles(Kind kind, const HttpRequest& req, const auth::User& user) {
    MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> workspace, RoleWorkspace(req));
    if (!workspace) return false;
    if (kind == Kind::kManageRoles) return IsAdminOf(user, *workspace);
    MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> present, store->PresentWorkspaces(user.id));
    return present.count(*workspace) > 0;
  }

  // validate_can_list_roles: a member of every workspace asked for; no workspace: admins only.
  Result<bool> CanListRoles(const HttpRequest& req, const auth::User& user) {
    std::set<std::string> asked;
    for (const std::string& w : CheckParams(req).List("workspace")) {
      if (!Trim(w).empty()) asked.insert(Trim(w));
    }
    if (asked.empty()) return false;
    MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> present, store->PresentWorkspaces(user.id));
    return std::includes(present.begin(), present.end(), asked.begin(), asked.end());
  }

  // validate_can_view_user_roles: oneself, or a workspace admin where the user holds a role.
  Result<bool> CanViewUserRoles(const HttpRequest& req, const auth::User& user) {
    MLFLOW_ASSIGN_OR_RETURN(std::string name, CheckParams(req).Required("username"));
    if (name == user.username) return true;
    MLFLOW_ASSIGN_OR_RETURN(std::optional<auth::User> target, store->FindUser(name));
    if (!target) return false;
    MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> admin, store->AdminWorkspaces(user.id));
    MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> present, store->PresentWorkspaces(target->id));
    for (const std::string& w : present) {
      if (admin.count(w)) return true;
    }
    return false;
  }

  HttpResponse Run(const RouteRule& rule, const HttpRequest& req, const Handler& inner) {
    std::optional<auth::User> user;
    if (std::optional<HttpResponse> refused = Gate(rule, req, &user)) return std::move(*refused);
    if (rule.effect == Effect::kNone || !user) return inner(req);
    return Apply(rule.effect, req, *user, inner);
  }

  HttpResponse Apply(Effect effect, const HttpRequest& req, const auth::User& user, const Handler& inner);
};

HttpResponse AuthGate::Impl::Apply(Effect effect, const HttpRequest& req, const auth::User& user,
                                   const Handler& inner) {
  auto readable_experiment = [&](const std::string& id) {
    Result<bool> ok = CanOnExperiment(user, id, Action::kRead);
    return ok.ok() && *ok;
  };
  auto readable_model = [&](const std::string& name) {
    Result<Permission> p = PermissionOn(user, "registered_model", name);
    return p.ok() && p->can_read;
  };
  switch (effect) {
    case Effect::kNone:
      return inner(req);
    case Effect::kFilterRunExperiments: {
      if (user.is_admin) return inner(req);
      HttpRequest filtered = FilterListParam(req, "experiment_ids", readable_experiment);
      // /graphql's mlflowSearchRuns (graphql_handlers.cc) resolves to null when none of the
      // experiments it names is readable, as MLflow's GraphQL middleware answers; the REST
      // search itself keeps searching the (empty) rest.
      if (req.headers.count("x-mlflow-cpp-graphql") && CheckParams(req).List("experiment_ids").size() > 0 &&
          CheckParams(filtered).List("experiment_ids").empty()) {
        return Forbidden();
      }
      return inner(filtered);
    }
    case Effect::kFilterExperiments:
      if (user.is_admin) return inner(req);
      return FilterPages(req, inner, "experiments", 1000, [&](const nlohmann::json& e) {
        return readable_experiment(e.value("experiment_id", ""));
      });
    case Effect::kFilterRegisteredModels:
      if (user.is_admin) return inner(req);
      return FilterPages(req, inner, "registered_models", 100,
                         [&](const nlohmann::json& m) { return readable_model(m.value("name", "")); });
    case Effect::kFilterLoggedModels:
      if (user.is_admin) return inner(req);
      return FilterPages(req, inner, "models", 50, [&](const nlohmann::json& m) {
        return readable_experiment(m.contains("info") ? m["info"].value("experiment_id", "") : "");
      });
    case Effect::kFilterModelVersions: {
      HttpResponse res = inner(req);
      if (user.is_admin) return res;
      return FilterBody(std::move(res), "model_versions",
                        [&](const nlohmann::json& v) { return readable_model(v.value("name", "")); });
    }
    case Effect::kGrantExperiment: {
      HttpResponse res = inner(req);
      if (res.status == 200) {
        nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
        if (body.is_object() && body.contains("experiment_id")) {
          Status st = store->UpsertGrant(user.id, "experiment", body["experiment_id"].get<std::string>(), "MANAGE");
          if (!st.ok()) spdlog::error("could not grant MANAGE on the new experiment: {}", st.message());
        }
      }
      return res;
    }
    case Effect::kGrantRegisteredModel: {
      HttpResponse res = inner(req);
      if (res.status == 200) {
        nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
        if (body.is_object() && body.contains("registered_model")) {
          const nlohmann::json& m = body["registered_model"];
          bool prompt = false;
          for (const auto& t : m.value("tags", nlohmann::json::array())) {
            if (t.value("key", "") == "mlflow.prompt.is_prompt" && t.value("value", "") == "true") prompt = true;
          }
          Status st = store->UpsertGrant(user.id, prompt ? "prompt" : "registered_model", m.value("name", ""), "MANAGE");
          if (!st.ok()) spdlog::error("could not grant MANAGE on the new registered model: {}", st.message());
        }
      }
      return res;
    }
    case Effect::kDropRegisteredModelGrants: {
      std::string name = CheckParams(req).Optional("name");
      HttpResponse res = inner(req);
      if (res.status == 200 && !name.empty()) {
        Status st = store->DeleteGrantsFor("registered_model", name);
        if (st.ok()) st = store->DeleteGrantsFor("prompt", name);
        if (!st.ok()) spdlog::error("could not drop the grants of a deleted model: {}", st.message());
      }
      return res;
    }
    case Effect::kGrantScorer: {
      HttpResponse res = inner(req);
      if (res.status == 200) {
        nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
        if (body.is_object() && body.contains("experiment_id") && body.contains("name")) {
          std::string pattern = auth::ScorerPattern(JsonText(body["experiment_id"]), JsonText(body["name"]));
          Status st = store->UpsertGrant(user.id, "scorer", pattern, "MANAGE");
          if (!st.ok()) spdlog::error("could not grant MANAGE on the new scorer: {}", st.message());
        }
      }
      return res;
    }
    case Effect::kDropScorerGrants: {
      CheckParams params(req);
      std::string experiment_id = params.Optional("experiment_id"), name = params.Optional("name");
      HttpResponse res = inner(req);
      if (res.status == 200 && !experiment_id.empty() && !name.empty()) {
        Status st = store->DeleteGrantsFor("scorer", auth::ScorerPattern(experiment_id, name));
        if (!st.ok()) spdlog::error("could not drop the grants of a deleted scorer: {}", st.message());
      }
      return res;
    }
    case Effect::kFilterScorers: {
      HttpResponse res = inner(req);
      if (user.is_admin || res.status != 200) return res;
      Result<std::vector<auth::Grant>> grants = store->GrantsOf(user.id);
      if (!grants.ok()) return ErrorResponse(grants.status());
      // filter_list_scorers: no veto on the version tier; the experiment and the scorer each
      // readable, falling back to a workspace-wide grant.
      if (Denied(*grants, {{"scorer_version", "*"}})) return FilterBody(std::move(res), "scorers", [](const auto&) {
        return false;
      });
      return FilterBody(std::move(res), "scorers", [&](const nlohmann::json& sc) {
        std::string experiment_id = JsonText(sc.value("experiment_id", nlohmann::json("")));
        std::string pattern = auth::ScorerPattern(experiment_id, sc.value("scorer_name", ""));
        const auto& d = config.default_permission;
        return auth::Governing(*grants, {{"experiment", experiment_id}, {"workspace", "*"}}, d).can_read &&
               auth::Governing(*grants, {{"scorer", pattern}, {"workspace", "*"}}, d).can_read;
      });
    }
    case Effect::kRenameRegisteredModelGrants: {
      CheckParams params(req);
      std::string from = params.Optional("name"), to = params.Optional("new_name");
      HttpResponse res = inner(req);
      if (res.status == 200 && !from.empty() && !to.empty()) {
        Status st = store->RenameGrantsFor("registered_model", from, to);
        if (!st.ok()) spdlog::error("could not move the grants of a renamed model: {}", st.message());
      }
      return res;
    }
  }
  return inner(req);
}

Result<std::shared_ptr<AuthGate>> AuthGate::Create(const ApiContext& ctx) {
  auto impl = std::make_shared<Impl>();
  MLFLOW_ASSIGN_OR_RETURN(impl->config, auth::LoadAuthConfig());
  MLFLOW_ASSIGN_OR_RETURN(impl->store, auth::AuthStore::Open(impl->config.database_uri));
  impl->ctx = ctx;
  const auto& cfg = impl->config;
  if (!cfg.admin_username) {
    return Status::InvalidParameter(
        "MLflow Authentication needs a username for the admin user, but none is configured (or it is empty). Set the "
        "MLFLOW_AUTH_ADMIN_USERNAME environment variable, or set `admin_username` in the configuration file "
        "referenced by MLFLOW_AUTH_CONFIG_PATH, and restart the server.");
  }
  const std::string& admin = *cfg.admin_username;
  MLFLOW_ASSIGN_OR_RETURN(std::optional<auth::User> existing, impl->store->FindUser(admin));
  auto check_password = [&]() -> Status {
    if (!cfg.admin_password) {
      return Status::InvalidParameter(
          "MLflow Authentication needs a password to create the admin user '" + admin +
          "', but none is configured (or it is empty). MLflow ships no default admin password. Set the "
          "MLFLOW_AUTH_ADMIN_PASSWORD environment variable, or set `admin_password` in the configuration file "
          "referenced by MLFLOW_AUTH_CONFIG_PATH, and restart the server.");
    }
    if (*cfg.admin_password == kLegacyAdminPassword) {
      return Status::InvalidParameter("Refusing to use the insecure default password that older MLflow versions "
                                      "shipped in basic_auth.ini for the admin user '" + admin +
                                      "'. Set MLFLOW_AUTH_ADMIN_PASSWORD or `admin_password` to a different password.");
    }
    if (cfg.admin_password->size() < 12) {
      return Status::InvalidParameter("The configured password for the admin user '" + admin +
                                      "' is invalid: Password must be at least 12 characters. Set "
                                      "MLFLOW_AUTH_ADMIN_PASSWORD or `admin_password` to a valid password.");
    }
    return Status();
  };
  if (!existing) {
    MLFLOW_RETURN_IF_ERROR(check_password());
    Result<auth::User> created = impl->store->CreateUser(admin, *cfg.admin_password, true);
    // Another replica may have created it a moment ago.
    if (!created.ok() && created.status().code() != ErrorCode::kResourceAlreadyExists) return created.status();
    spdlog::info("created admin user '{}'", admin);
  } else if (cfg.admin_password && *cfg.admin_password != kLegacyAdminPassword &&
             auth::VerifyPassword(existing->password_hash, kLegacyAdminPassword)) {
    // MLflow's rotation path for databases made with the old shipped password.
    MLFLOW_RETURN_IF_ERROR(check_password());
    MLFLOW_RETURN_IF_ERROR(impl->store->UpdatePassword(admin, *cfg.admin_password));
    spdlog::warn("replaced the insecure default password of admin user '{}' with the configured one", admin);
  }
  return std::shared_ptr<AuthGate>(new AuthGate(std::move(impl)));
}

void AuthGate::Install(Router& router) {
  RegisterAuthHandlers(router, *impl_->store, impl_->config);
  RegisterRoleHandlers(router, *impl_->store);
  RegisterSignupHandlers(router, *impl_->store, impl_->config.secret_key);
  std::shared_ptr<Impl> impl = impl_;
  router.WrapAll(
      [impl](const std::string& method, const std::string& pattern, Handler inner) -> Handler {
        RouteRule rule = method == "OPTIONS" ? RouteRule{Kind::kAuthenticated} : auth::RuleFor(method, pattern);
        return [impl, rule, inner = std::move(inner)](const HttpRequest& req) { return impl->Run(rule, req, inner); };
      },
      [impl](const std::string& method, const std::string& pattern, StreamHandler inner) -> StreamHandler {
        RouteRule rule = auth::RuleFor(method, pattern);
        return [impl, rule, inner = std::move(inner)](StreamContext& s) {
          std::optional<auth::User> user;
          if (std::optional<HttpResponse> refused = impl->Gate(rule, s.request(), &user)) {
            s.Respond(*refused);
            return;
          }
          inner(s);
        };
      });
}

}  // namespace mlflow::server
