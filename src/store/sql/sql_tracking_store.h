#pragma once
// The SQL TrackingStore over MLflow's own schema (docs/reference/database.md), for SQLite and PostgreSQL.
#include <memory>
#include <string>

#include "store/sql/database.h"
#include "store/tracking_store.h"

namespace mlflow::store::sql {

class SqlTrackingStore : public TrackingStore {
 public:
  // default_artifact_root: where new experiments put artifacts ("mlflow-artifacts:/", "/abs/mlruns",
  // "s3://bucket/prefix"); a relative local path is made absolute.
  SqlTrackingStore(std::shared_ptr<sql::Database> db, std::string default_artifact_root);

  // Creates the Default experiment (id 0) when missing. Call once before serving.
  Status Initialize();

  sql::Database& database() { return *db_; }
  const std::string& default_artifact_root() const { return default_artifact_root_; }

  Result<std::string> CreateExperiment(const std::string& name, const std::string& artifact_location,
                                       const std::vector<KeyValue>& tags) override;
  Result<Experiment> GetExperiment(const std::string& experiment_id) override;
  Result<Experiment> GetExperimentByName(const std::string& name) override;
  Status DeleteExperiment(const std::string& experiment_id) override;
  Status RestoreExperiment(const std::string& experiment_id) override;
  Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) override;
  Status SetExperimentTag(const std::string& experiment_id, const KeyValue& tag) override;
  Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key) override;
  Result<ExperimentSearchPage> SearchExperiments(const ExperimentSearchRequest& request) override;

  Result<Run> CreateRun(const std::string& experiment_id, const std::string& user_id,
                        std::optional<int64_t> start_time, const std::vector<KeyValue>& tags,
                        const std::string& run_name) override;
  Result<RunInfo> UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                            std::optional<int64_t> end_time, const std::string& run_name) override;
  Status DeleteRun(const std::string& run_id) override;
  Status RestoreRun(const std::string& run_id) override;
  Result<Run> GetRun(const std::string& run_id) override;
  Result<RunSearchPage> SearchRuns(const RunSearchRequest& request) override;

  Status LogMetric(const std::string& run_id, const Metric& metric) override;
  Status LogParam(const std::string& run_id, const KeyValue& param) override;
  Status SetTag(const std::string& run_id, const KeyValue& tag) override;
  Status DeleteTag(const std::string& run_id, const std::string& key) override;
  Status LogBatch(const std::string& run_id, const std::vector<Metric>& metrics, const std::vector<KeyValue>& params,
                  const std::vector<KeyValue>& tags) override;
  Status LogInputs(const std::string& run_id, const std::vector<DatasetInput>& datasets,
                   const std::vector<ModelInput>& models) override;
  Status LogOutputs(const std::string& run_id, const std::vector<ModelOutput>& models) override;
  bool async_writes() const override { return db_->async_writes(); }
  void CreateRunAsync(const std::string& experiment_id, const std::string& user_id, std::optional<int64_t> start_time,
                      const std::vector<KeyValue>& tags, const std::string& run_name,
                      std::function<void(Result<Run>)> done) override;
  void LogMetricAsync(const std::string& run_id, const Metric& metric, std::function<void(Status)> done) override;
  void LogBatchAsync(std::string run_id, std::vector<Metric> metrics, std::vector<KeyValue> params,
                     std::vector<KeyValue> tags, std::function<void(Status)> done) override;
  Status UpdateRunTag(const std::string& run_id, const std::string& key, const TagUpdate& update) override;

  Result<MetricHistoryPage> GetMetricHistory(const std::string& run_id, const std::string& key, int64_t max_results,
                                             const std::string& page_token) override;
  Result<std::vector<Metric>> GetMetricHistoryBulk(const RunMetricsRequest& request) override;
  Result<std::vector<Metric>> GetMetricHistoryAtSteps(const std::vector<std::string>& run_ids, const std::string& key,
                                                      std::optional<int64_t> start_step,
                                                      std::optional<int64_t> end_step, int64_t max_results) override;
  Result<std::vector<DatasetSummary>> SearchDatasets(const std::vector<std::string>& experiment_ids) override;

  // In sql_hard_delete.cc.
  Result<std::vector<std::string>> GetDeletedRunIds(int64_t older_than_ms) override;
  Status HardDeleteRun(const std::string& run_id) override;
  Status HardDeleteExperiment(const std::string& experiment_id) override;

 private:
  std::shared_ptr<sql::Database> db_;
  std::string default_artifact_root_;
};

// Joins a child path onto an artifact URI the way MLflow's append_to_uri_path does.
std::string AppendToUriPath(const std::string& base, const std::string& child);
// Makes a local relative path absolute; URIs with a scheme are returned as they are.
std::string ResolveArtifactLocation(const std::string& location);

}  // namespace mlflow::store::sql
