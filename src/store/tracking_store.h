#pragma once
// TrackingStore: experiments, runs and their params, metrics, tags and inputs. One SQL
// implementation serves SQLite and PostgreSQL (store/sql/). Every method is thread-safe and
// blocking; the server calls it from worker threads, never from IO threads.
//
// Errors (Status codes) follow MLflow's SQL store: RESOURCE_DOES_NOT_EXIST for unknown ids,
// INVALID_PARAMETER_VALUE for writes to deleted entities and changed params,
// RESOURCE_ALREADY_EXISTS for duplicate experiment names, INVALID_STATE for renaming a deleted
// experiment. Values are stored as given: MLflow's rules on them (limits, key rules, truncation
// of long values) are the service's job (service/tracking_service.h).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"

namespace mlflow::store {

struct MetricHistoryPage {
  std::vector<Metric> metrics;
  std::string next_page_token;  // empty when no more points
};

struct RunSearchRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  ViewType view_type = ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct RunSearchPage {
  std::vector<Run> runs;
  std::string next_page_token;
};

struct ExperimentSearchRequest {
  std::string filter;
  ViewType view_type = ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct ExperimentSearchPage {
  std::vector<Experiment> experiments;
  std::string next_page_token;
};

struct DatasetSummary {
  std::string experiment_id;
  std::string name;
  std::string digest;
  std::optional<std::string> context;
};

// One metric history point together with its run, for the bulk history endpoints.
struct RunMetricsRequest {
  std::vector<std::string> run_ids;
  std::string metric_key;
  int64_t max_results = 25000;
};

class TrackingStore {
 public:
  virtual ~TrackingStore() = default;

  // --- experiments ---
  // Returns the new experiment id. artifact_location empty = <default root>/<id>.
  virtual Result<std::string> CreateExperiment(const std::string& name, const std::string& artifact_location,
                                               const std::vector<KeyValue>& tags) = 0;
  virtual Result<Experiment> GetExperiment(const std::string& experiment_id) = 0;
  virtual Result<Experiment> GetExperimentByName(const std::string& name) = 0;
  virtual Status DeleteExperiment(const std::string& experiment_id) = 0;
  virtual Status RestoreExperiment(const std::string& experiment_id) = 0;
  virtual Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) = 0;
  virtual Status SetExperimentTag(const std::string& experiment_id, const KeyValue& tag) = 0;
  virtual Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key) = 0;
  virtual Result<ExperimentSearchPage> SearchExperiments(const ExperimentSearchRequest& request) = 0;

  // --- runs ---
  virtual Result<Run> CreateRun(const std::string& experiment_id, const std::string& user_id,
                                std::optional<int64_t> start_time, const std::vector<KeyValue>& tags,
                                const std::string& run_name) = 0;
  // Only the given fields change. run_name non-empty also upserts tag mlflow.runName.
  virtual Result<RunInfo> UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                                    std::optional<int64_t> end_time, const std::string& run_name) = 0;
  virtual Status DeleteRun(const std::string& run_id) = 0;
  virtual Status RestoreRun(const std::string& run_id) = 0;
  virtual Result<Run> GetRun(const std::string& run_id) = 0;
  virtual Result<RunSearchPage> SearchRuns(const RunSearchRequest& request) = 0;

  // --- run data ---
  virtual Status LogMetric(const std::string& run_id, const Metric& metric) = 0;
  virtual Status LogParam(const std::string& run_id, const KeyValue& param) = 0;
  virtual Status SetTag(const std::string& run_id, const KeyValue& tag) = 0;
  virtual Status DeleteTag(const std::string& run_id, const std::string& key) = 0;
  // Params, then metrics, then tags. Validation of counts and keys happens before the call.
  virtual Status LogBatch(const std::string& run_id, const std::vector<Metric>& metrics,
                          const std::vector<KeyValue>& params, const std::vector<KeyValue>& tags) = 0;
  virtual Status LogInputs(const std::string& run_id, const std::vector<DatasetInput>& datasets,
                           const std::vector<ModelInput>& models) = 0;

  // --- the same writes without waiting (the request path of server/handlers/fast_writes.h) ---
  // When async_writes() is true these queue the write and return at once; `done` gets what the
  // blocking call would have returned, after the COMMIT, on the writer's thread (short, non-blocking
  // work only). Elsewhere they run the blocking call and then `done` on the calling thread.
  virtual bool async_writes() const { return false; }
  virtual void CreateRunAsync(const std::string& experiment_id, const std::string& user_id,
                              std::optional<int64_t> start_time, const std::vector<KeyValue>& tags,
                              const std::string& run_name, std::function<void(Result<Run>)> done) {
    done(CreateRun(experiment_id, user_id, start_time, tags, run_name));
  }
  virtual void LogMetricAsync(const std::string& run_id, const Metric& metric, std::function<void(Status)> done) {
    done(LogMetric(run_id, metric));
  }
  virtual void LogBatchAsync(std::string run_id, std::vector<Metric> metrics, std::vector<KeyValue> params,
                             std::vector<KeyValue> tags, std::function<void(Status)> done) {
    done(LogBatch(run_id, metrics, params, tags));
  }
  virtual Status LogOutputs(const std::string& run_id, const std::vector<ModelOutput>& models) = 0;
  // One atomic read-modify-write of a run tag: `update` gets the tag's value (nullopt when unset)
  // and returns the new one, inside the write transaction that stores it, with the run locked
  // against every other updater (other server processes on PostgreSQL included). The run must be
  // active. An error from `update` is returned and nothing is written. `update` may run more
  // than once (a write retried on a fresh connection): it must depend only on its argument.
  using TagUpdate = std::function<Result<std::string>(const std::optional<std::string>& current)>;
  virtual Status UpdateRunTag(const std::string& run_id, const std::string& key, const TagUpdate& update) = 0;

  // Points ordered by timestamp, step, value. max_results <= 0 = all points.
  virtual Result<MetricHistoryPage> GetMetricHistory(const std::string& run_id, const std::string& key,
                                                     int64_t max_results, const std::string& page_token) = 0;
  // Points of several runs for one key (run_id filled), ordered by run_id, timestamp, step, value.
  virtual Result<std::vector<Metric>> GetMetricHistoryBulk(const RunMetricsRequest& request) = 0;
  // Points of several runs at the given steps only (for the interval endpoint).
  virtual Result<std::vector<Metric>> GetMetricHistoryAtSteps(const std::vector<std::string>& run_ids,
                                                              const std::string& key,
                                                              std::optional<int64_t> start_step,
                                                              std::optional<int64_t> end_step,
                                                              int64_t max_results) = 0;
  virtual Result<std::vector<DatasetSummary>> SearchDatasets(const std::vector<std::string>& experiment_ids) = 0;

  // --- permanent deletion (`mlflow-cpp gc`, as MLflow's SQL store does it) ---
  // Ids of runs in the deleted stage whose deleted_time is at least older_than_ms ago.
  virtual Result<std::vector<std::string>> GetDeletedRunIds(int64_t older_than_ms) = 0;
  // Removes a run with its params, metrics, latest metrics and tags, in one transaction, whatever
  // its stage (the caller checks it). RESOURCE_DOES_NOT_EXIST for an unknown id.
  virtual Status HardDeleteRun(const std::string& run_id) = 0;
  // Removes a deleted experiment with everything in it (runs and their data, tags, logged models,
  // traces, datasets, scorers), in one transaction. RESOURCE_DOES_NOT_EXIST unless it exists and
  // is in the deleted stage.
  virtual Status HardDeleteExperiment(const std::string& experiment_id) = 0;
};

}  // namespace mlflow::store
