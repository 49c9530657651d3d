#pragma once
// ScorerService: the scorer registry calls mlflow.genai makes (register, list, versions, get,
// delete), with MLflow 3.17.2's rules: the serialized scorer must be JSON; decorator (@scorer)
// scorers, whose code a server would run, are refused unless the operator allows them
// (MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS); names must not be blank; the experiment must exist and
// be active. docs/reference/datasets.md section 3.
//
//   service::ScorerService scorers(scorer_store, tracking_store, /*allow_custom_scorers=*/false);
//   MLFLOW_ASSIGN_OR_RETURN(store::ScorerVersion v,
//                           scorers.RegisterScorer("0", "relevance", R"({"name": "relevance"})"));
//   MLFLOW_ASSIGN_OR_RETURN(std::vector<store::ScorerVersion> latest, scorers.ListScorers("0", std::nullopt));
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/scorer_store.h"
#include "store/tracking_store.h"

namespace mlflow::service {

class ScorerService {
 public:
  ScorerService(store::ScorerStore& store, store::TrackingStore& tracking, bool allow_custom_scorers)
      : store_(store), tracking_(tracking), allow_custom_scorers_(allow_custom_scorers) {}

  Result<store::ScorerVersion> RegisterScorer(const std::string& experiment_id, const std::string& name,
                                              const std::string& serialized_scorer);
  // experiment_id ("" = none) and experiment_ids (nullopt = not given) are exclusive; with
  // neither, every active experiment's scorers.
  Result<std::vector<store::ScorerVersion>> ListScorers(const std::string& experiment_id,
                                                        const std::optional<std::vector<std::string>>& experiment_ids);
  Result<std::vector<store::ScorerVersion>> ListScorerVersions(const std::string& experiment_id,
                                                               const std::string& name);
  Result<store::ScorerVersion> GetScorer(const std::string& experiment_id, const std::string& name,
                                         std::optional<int64_t> version);
  Status DeleteScorer(const std::string& experiment_id, const std::string& name, std::optional<int64_t> version);
  Result<std::vector<store::OnlineScoringConfig>> GetOnlineScoringConfigs(const std::vector<std::string>& scorer_ids) {
    return store_.GetOnlineScoringConfigs(scorer_ids);
  }

 private:
  // The experiment as an integer id, or MLflow's error (unknown, invalid id, not active).
  Result<int64_t> ActiveExperiment(const std::string& experiment_id);

  store::ScorerStore& store_;
  store::TrackingStore& tracking_;
  bool allow_custom_scorers_;
};

}  // namespace mlflow::service
