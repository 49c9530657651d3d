#pragma once
// The SQL DatasetStore over MLflow's evaluation dataset tables (docs/reference/datasets.md).
#include <memory>

#include "store/dataset_store.h"
#include "store/sql/database.h"

namespace mlflow::store::sql {

class SqlDatasetStore : public DatasetStore {
 public:
  explicit SqlDatasetStore(std::shared_ptr<sql::Database> db) : db_(std::move(db)) {}

  Result<EvaluationDataset> CreateDataset(const std::string& name, const std::vector<DatasetTag>& tags,
                                          const std::vector<std::string>& experiment_ids,
                                          const std::optional<std::string>& user) override;
  Result<EvaluationDataset> GetDataset(const std::string& dataset_id) override;
  Status DeleteDataset(const std::string& dataset_id) override;
  Result<DatasetPage> SearchDatasets(const DatasetSearchRequest& request) override;
  Status SetDatasetTags(const std::string& dataset_id, const std::vector<DatasetTag>& tags) override;
  Status DeleteDatasetTag(const std::string& dataset_id, const std::string& key) override;
  Result<DatasetUpsertResult> UpsertDatasetRecords(const std::string& dataset_id,
                                                   const std::vector<DatasetRecordUpsert>& records) override;
  Result<DatasetRecordPage> GetDatasetRecords(const std::string& dataset_id, int64_t max_results,
                                              const std::optional<std::pair<int64_t, std::string>>& after,
                                              int64_t offset) override;
  Result<int64_t> DeleteDatasetRecords(const std::string& dataset_id,
                                       const std::vector<std::string>& record_ids) override;
  Result<std::vector<std::string>> GetDatasetExperimentIds(const std::string& dataset_id) override;
  Result<EvaluationDataset> AddDatasetToExperiments(const std::string& dataset_id,
                                                    const std::vector<std::string>& experiment_ids) override;
  Result<EvaluationDataset> RemoveDatasetFromExperiments(const std::string& dataset_id,
                                                         const std::vector<std::string>& experiment_ids) override;

 private:
  std::shared_ptr<sql::Database> db_;
};

}  // namespace mlflow::store::sql
