#include "service/scorer_service.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/entities.h"
#include "core/python_numbers.h"

namespace mlflow::service {
namespace {

using Json = nlohmann::json;

// MLflow's DECORATOR_SCORER_REGISTRATION_NOT_SUPPORTED_ERROR.
constexpr const char* kCustomScorerRefused =
    "Custom scorer registration (using @scorer decorator) is disabled by default outside of Databricks tracking "
    "environments due to security concerns. Custom scorers require arbitrary code execution during "
    "deserialization.\n\nTo use custom scorers:\n1. Configure MLflow to use a Databricks tracking URI, or\n2. Manage "
    "your custom scorer code in a source code repository (e.g., GitHub) and import it directly, or\n3. On a "
    "self-managed MLflow server (or local environment) that you trust to run the scorer's code, set the "
    "MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS environment variable to true, or\n4. Use built-in scorers or make_judge() "
    "scorers instead.";

// A non-null "call_source" anywhere: a decorator scorer, alone or inside an ensemble.
bool HasCallSource(const Json& v) {
  if (v.is_object()) {
    auto it = v.find("call_source");
    if (it != v.end() && !it->is_null()) return true;
    return std::any_of(v.begin(), v.end(), [](const Json& x) { return HasCallSource(x); });
  }
  if (v.is_array()) return std::any_of(v.begin(), v.end(), [](const Json& x) { return HasCallSource(x); });
  return false;
}

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

}  // namespace

Result<int64_t> ScorerService::ActiveExperiment(const std::string& experiment_id) {
  MLFLOW_ASSIGN_OR_RETURN(Experiment e, tracking_.GetExperiment(experiment_id));
  if (e.lifecycle_stage != kLifecycleActive) {
    return Status::InvalidParameter("The experiment " + e.experiment_id +
                                    " must be in the 'active' state. Current state is " + e.lifecycle_stage + ".");
  }
  return std::stoll(e.experiment_id);
}

Result<store::ScorerVersion> ScorerService::RegisterScorer(const std::string& experiment_id, const std::string& name,
                                                           const std::string& serialized_scorer) {
  Json data = Json::parse(serialized_scorer, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded()) return Status::InvalidParameter("serialized_scorer must be valid JSON");
  if (!allow_custom_scorers_ && HasCallSource(data)) return Status::InvalidParameter(kCustomScorerRefused);
  if (Blank(name)) return Status::InvalidParameter("Scorer name cannot be empty or contain only whitespace.");
  MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ActiveExperiment(experiment_id));
  return store_.RegisterScorer(eid, name, serialized_scorer);
}

Result<std::vector<store::ScorerVersion>> ScorerService::ListScorers(
    const std::string& experiment_id, const std::optional<std::vector<std::string>>& experiment_ids) {
  if (!experiment_id.empty() && experiment_ids) {
    return Status::InvalidParameter(
        "Cannot specify both 'experiment_id' and 'experiment_ids'. Use 'experiment_ids' to scope the query to "
        "multiple experiments, or 'experiment_id' to scope it to a single experiment.");
  }
  if (experiment_ids) {
    std::vector<int64_t> ids;
    for (const auto& e : *experiment_ids) {
      bool out_of_range = false;
      std::optional<int64_t> n = ParsePythonInt(e, &out_of_range);
      if (!n || out_of_range) {
        return Status::InvalidParameter("Invalid experiment ID '" + e + "'. Experiment ID must be a valid integer.");
      }
      if (std::find(ids.begin(), ids.end(), *n) == ids.end()) ids.push_back(*n);
    }
    return store_.ListScorers(ids);
  }
  if (!experiment_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ActiveExperiment(experiment_id));
    return store_.ListScorers(std::vector<int64_t>{eid});
  }
  return store_.ListScorers(std::nullopt);
}

Result<std::vector<store::ScorerVersion>> ScorerService::ListScorerVersions(const std::string& experiment_id,
                                                                            const std::string& name) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ActiveExperiment(experiment_id));
  return store_.ListScorerVersions(eid, name);
}

Result<store::ScorerVersion> ScorerService::GetScorer(const std::string& experiment_id, const std::string& name,
                                                      std::optional<int64_t> version) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ActiveExperiment(experiment_id));
  return store_.GetScorer(eid, name, version);
}

Status ScorerService::DeleteScorer(const std::string& experiment_id, const std::string& name,
                                   std::optional<int64_t> version) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ActiveExperiment(experiment_id));
  return store_.DeleteScorer(eid, name, version);
}

}  // namespace mlflow::service
