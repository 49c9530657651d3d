#pragma once
// TrackingService: experiments, runs, their data and metric history, with MLflow's rules applied
// before the store is called: limits and key rules (core/limits.h, core/validation.h), defaults,
// the checks MLflow's handlers make, and the read-modify-write sequences (LogModel). The server's
// handlers decode a request into these typed requests and render the answers; an in-process
// client calls the same methods. Thread-safe: it holds no state besides the store.
//
//   service::TrackingService tracking(store);
//   service::CreateRunRequest create;
//   create.experiment_id = "0";
//   MLFLOW_ASSIGN_OR_RETURN(Run run, tracking.CreateRun(create));
//   service::LogBatchRequest batch;
//   batch.run_id = run.info.run_id;
//   batch.params.push_back({"lr", "0.01"});
//   MLFLOW_RETURN_IF_ERROR(tracking.LogBatch(std::move(batch)));
//
// Errors are MLflow's (docs/reference/limits.md, docs/reference/rest-api.md 3.1, 3.2): rule
// violations INVALID_PARAMETER_VALUE, plus whatever the store answers (unknown ids, inactive
// entities, changed params).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "store/tracking_store.h"

namespace mlflow::service {

// The tag MLflow keeps the LogModel history in (a JSON list of models).
inline constexpr const char* kLogModelHistoryTag = "mlflow.log-model.history";

struct CreateExperimentRequest {
  std::string name;
  std::string artifact_location;  // "" = <default artifact root>/<id>
  std::vector<KeyValue> tags;     // stored as given (MLflow checks no keys here)
};

struct SearchExperimentsRequest {
  std::string filter;
  ViewType view_type = ViewType::kActiveOnly;
  std::optional<int64_t> max_results;  // MLflow has no default: unset is 0, which is refused
  std::vector<std::string> order_by;
  std::string page_token;
};

struct CreateRunRequest {
  std::optional<std::string> experiment_id;  // required: MLflow refuses a run without one
  std::string user_id;
  std::optional<int64_t> start_time;  // unset = 0
  std::vector<KeyValue> tags;
  std::string run_name;  // "" = the mlflow.runName tag if given, else a generated name
};

struct UpdateRunRequest {
  std::string run_id;
  std::optional<std::string> status;  // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
  std::optional<int64_t> end_time;
  std::string run_name;  // "" = unchanged
};

struct SearchRunsRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  ViewType view_type = ViewType::kActiveOnly;
  std::optional<int64_t> max_results;  // unset = 1000
  std::vector<std::string> order_by;
  std::string page_token;
};

struct LogBatchRequest {
  std::string run_id;
  std::vector<Metric> metrics;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
};

// LogInputs as the request carried it: MLflow checks that each field is present, so any may be
// absent here (nullopt).
struct DatasetFields {
  std::optional<std::string> name, digest, source_type, source, schema, profile;
};
struct InputTagFields {
  std::optional<std::string> key, value;
};
struct DatasetInputFields {
  std::optional<DatasetFields> dataset;
  std::vector<InputTagFields> tags;
};
struct LogInputsRequest {
  std::string run_id;
  std::vector<DatasetInputFields> datasets;
  std::vector<ModelInput> models;
};

struct MetricHistoryRequest {
  std::string run_id;
  std::string metric_key;
  std::optional<int64_t> max_results;  // unset = every point in one page; set: at least 1
  std::string page_token;
};

// get-history-bulk (the UI's older call): every point of one metric for up to 100 runs.
struct MetricHistoryBulkRequest {
  std::vector<std::string> run_ids;
  std::string metric_key;  // required
  std::optional<int64_t> max_results;  // unset = 25000; larger values are capped at 25000
};

// get-history-bulk-interval (the UI's charts): a sample of each run's points in a step range.
struct MetricHistoryIntervalRequest {
  std::vector<std::string> run_ids;  // 1..100
  std::string metric_key;
  std::optional<int64_t> start_step, end_step;  // both or neither
  std::optional<int64_t> max_results;           // 1..2500, unset = 2500
};

class TrackingService {
 public:
  explicit TrackingService(store::TrackingStore& store) : store_(store) {}

  // --- experiments ---
  // Returns the new experiment's id.
  Result<std::string> CreateExperiment(const CreateExperimentRequest& request);
  Result<Experiment> GetExperiment(const std::string& experiment_id);
  Result<Experiment> GetExperimentByName(const std::string& name);
  Status DeleteExperiment(const std::string& experiment_id);
  Status RestoreExperiment(const std::string& experiment_id);
  Status RenameExperiment(const std::string& experiment_id, const std::string& new_name);
  Status SetExperimentTag(const std::string& experiment_id, const KeyValue& tag);
  Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key);
  Result<store::ExperimentSearchPage> SearchExperiments(const SearchExperimentsRequest& request);

  // --- runs ---
  Result<Run> CreateRun(const CreateRunRequest& request);
  Result<RunInfo> UpdateRun(const UpdateRunRequest& request);
  Status DeleteRun(const std::string& run_id);
  Status RestoreRun(const std::string& run_id);
  Result<Run> GetRun(const std::string& run_id);
  Result<store::RunSearchPage> SearchRuns(const SearchRunsRequest& request);

  // --- run data ---
  Status LogMetric(const std::string& run_id, const Metric& metric);
  // Long values are cut to MLflow's limit, or refused when MLFLOW_TRUNCATE_LONG_VALUES is false.
  Status LogParam(const std::string& run_id, KeyValue param);
  Status SetTag(const std::string& run_id, KeyValue tag);
  Status DeleteTag(const std::string& run_id, const std::string& key);
  // Taken by value: long values are cut in place, nothing is copied on the way to the store.
  Status LogBatch(LogBatchRequest request);
  // Appends the model (a JSON object with MLflow's mandatory fields) to the run's
  // mlflow.log-model.history tag, in one atomic store operation: concurrent calls lose nothing.
  Status LogModel(const std::string& run_id, const std::string& model_json);
  Status LogInputs(const LogInputsRequest& request);
  Status LogOutputs(const std::string& run_id, const std::vector<ModelOutput>& models);

  // --- the same writes without waiting (server/handlers/fast_writes.h) ---
  // The same rules and answers as CreateRun, LogMetric and LogBatch; `done` gets the answer, at once
  // for a refused request, else after the COMMIT on the store's writer thread. Only worth calling
  // when async_writes() is true (elsewhere the store blocks). CreateRunAsync needs an experiment id:
  // without one MLflow reads the Default experiment first, which the blocking CreateRun does.
  bool async_writes() const { return store_.async_writes(); }
  void CreateRunAsync(const CreateRunRequest& request, std::function<void(Result<Run>)> done);
  void LogMetricAsync(const std::string& run_id, const Metric& metric, std::function<void(Status)> done);
  void LogBatchAsync(LogBatchRequest request, std::function<void(Status)> done);

  // --- metric history and datasets ---
  Result<store::MetricHistoryPage> GetMetricHistory(const MetricHistoryRequest& request);
  // Points with run_id filled, ordered by run, timestamp, step, value.
  Result<std::vector<Metric>> GetMetricHistoryBulk(const MetricHistoryBulkRequest& request);
  Result<std::vector<Metric>> GetMetricHistoryBulkInterval(const MetricHistoryIntervalRequest& request);
  // experiment_ids: 1..20.
  Result<std::vector<store::DatasetSummary>> SearchDatasets(const std::vector<std::string>& experiment_ids);

 private:
  store::TrackingStore& store_;
};

}  // namespace mlflow::service
