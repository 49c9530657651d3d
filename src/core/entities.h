#pragma once
// Tracking entities as MLflow defines them (service.proto), independent of storage and JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow {

struct KeyValue {  // ExperimentTag, RunTag, Param, InputTag
  std::string key;
  std::string value;
};

struct Experiment {
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;  // "active" | "deleted"
  std::optional<int64_t> creation_time;
  std::optional<int64_t> last_update_time;
  std::vector<KeyValue> tags;
};

struct Metric {
  std::string key;
  double value = 0;
  int64_t timestamp = 0;
  int64_t step = 0;
  // MLflow 3 model metrics; empty when absent.
  std::string model_id;
  std::string dataset_name;
  std::string dataset_digest;
  std::string run_id;  // only rendered by bulk history endpoints
};

struct RunInfo {
  std::string run_id;
  std::string run_name;
  std::string experiment_id;
  std::string user_id;
  std::string status;  // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage;
};

struct Dataset {
  std::string name;
  std::string digest;
  std::string source_type;
  std::string source;
  std::optional<std::string> schema;
  std::optional<std::string> profile;
};

struct DatasetInput {
  std::vector<KeyValue> tags;
  Dataset dataset;
};

struct ModelInput {
  std::string model_id;
};

struct ModelOutput {
  std::string model_id;
  int64_t step = 0;
};

struct Run {
  RunInfo info;
  std::vector<Metric> metrics;  // latest value per key
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<DatasetInput> dataset_inputs;
  std::vector<ModelInput> model_inputs;
  std::vector<ModelOutput> model_outputs;
};

enum class ViewType { kActiveOnly = 1, kDeletedOnly = 2, kAll = 3 };

inline constexpr const char* kLifecycleActive = "active";
inline constexpr const char* kLifecycleDeleted = "deleted";
inline constexpr const char* kRunNameTag = "mlflow.runName";

}  // namespace mlflow
