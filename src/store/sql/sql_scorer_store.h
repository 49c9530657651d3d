#pragma once
// The SQL ScorerStore over MLflow's scorers and scorer_versions tables (docs/reference/datasets.md section 3).
#include <memory>

#include "store/scorer_store.h"
#include "store/sql/database.h"

namespace mlflow::store::sql {

class SqlScorerStore : public ScorerStore {
 public:
  explicit SqlScorerStore(std::shared_ptr<sql::Database> db) : db_(std::move(db)) {}

  Result<ScorerVersion> RegisterScorer(int64_t experiment_id, const std::string& name,
                                       const std::string& serialized_scorer) override;
  Result<std::vector<ScorerVersion>> ListScorers(const std::optional<std::vector<int64_t>>& experiment_ids) override;
  Result<std::vector<ScorerVersion>> ListScorerVersions(int64_t experiment_id, const std::string& name) override;
  Result<ScorerVersion> GetScorer(int64_t experiment_id, const std::string& name,
                                  std::optional<int64_t> version) override;
  Status DeleteScorer(int64_t experiment_id, const std::string& name, std::optional<int64_t> version) override;
  Result<std::vector<OnlineScoringConfig>> GetOnlineScoringConfigs(const std::vector<std::string>& scorer_ids) override;

 private:
  std::shared_ptr<sql::Database> db_;
};

}  // namespace mlflow::store::sql
