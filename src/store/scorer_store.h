#pragma once
// ScorerStore: the scorer registry of MLflow 3 (scorers and scorer_versions tables), as MLflow
// 3.17.2's SQL store keeps it (docs/reference/datasets.md section 3). Experiments are checked
// by the caller (ScorerService); every method is thread-safe, blocking, one transaction.
//
// Errors: RESOURCE_DOES_NOT_EXIST "Scorer with name 'N' not found for experiment E." and
// "Scorer with name 'N' and version V not found for experiment E.".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mlflow::store {

struct ScorerVersion {
  std::string experiment_id;
  std::string scorer_name;
  int64_t scorer_version = 0;
  std::string serialized_scorer;
  int64_t creation_time = 0;
  std::string scorer_id;  // uuid4 text, one per (experiment, name)
};

// A row of online_scoring_configs (MLflow 3.17's table; absent from databases our schema made).
struct OnlineScoringConfig {
  std::string online_scoring_config_id;
  std::string scorer_id;
  double sample_rate = 0;
  std::string experiment_id;
  std::optional<std::string> filter_string;
};

class ScorerStore {
 public:
  virtual ~ScorerStore() = default;
  // A new version (1 for a new name, else the highest + 1).
  virtual Result<ScorerVersion> RegisterScorer(int64_t experiment_id, const std::string& name,
                                               const std::string& serialized_scorer) = 0;
  // The latest version of each scorer of these experiments (nullopt: of every experiment), by
  // (experiment_id, name); scorers of deleted experiments are left out.
  virtual Result<std::vector<ScorerVersion>> ListScorers(const std::optional<std::vector<int64_t>>& experiment_ids) = 0;
  virtual Result<std::vector<ScorerVersion>> ListScorerVersions(int64_t experiment_id, const std::string& name) = 0;
  // nullopt version: the latest.
  virtual Result<ScorerVersion> GetScorer(int64_t experiment_id, const std::string& name,
                                          std::optional<int64_t> version) = 0;
  // nullopt version: every version and the scorer itself.
  virtual Status DeleteScorer(int64_t experiment_id, const std::string& name, std::optional<int64_t> version) = 0;
  // The online scoring configs of these scorers (none when the database has no such table).
  virtual Result<std::vector<OnlineScoringConfig>> GetOnlineScoringConfigs(const std::vector<std::string>& scorer_ids) = 0;
};

}  // namespace mlflow::store
