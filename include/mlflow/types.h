#pragma once
// MLflow's entities as the C++ client returns them, in mlflow::entities as in the Python client's
// mlflow.entities: plain structs, no behaviour. Timestamps are milliseconds since the Unix epoch.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlflow::entities {

struct Param {
  std::string key;
  std::string value;
};

struct RunTag {
  std::string key;
  std::string value;
};

struct Metric {
  std::string key;
  double value = 0;
  int64_t timestamp = 0;
  int64_t step = 0;
};

enum class RunStatus { kRunning, kScheduled, kFinished, kFailed, kKilled };
// "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED".
const char* RunStatusName(RunStatus status);

enum class ViewType { kActiveOnly = 1, kDeletedOnly = 2, kAll = 3 };

struct Experiment {
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;  // "active" | "deleted"
  std::optional<int64_t> creation_time;
  std::optional<int64_t> last_update_time;
  std::map<std::string, std::string> tags;
};

struct RunInfo {
  std::string run_id;
  std::string run_name;
  std::string experiment_id;
  std::string user_id;
  std::string status;  // RunStatusName values
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage;
};

struct RunData {
  std::map<std::string, double> metrics;  // latest value per key
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> tags;
};

struct Run {
  RunInfo info;
  RunData data;
};

// One page of a search; next_page_token is empty on the last page.
template <typename T>
struct PagedList {
  std::vector<T> items;
  std::string next_page_token;
};

struct FileInfo {
  std::string path;
  bool is_dir = false;
  std::optional<int64_t> file_size;
};

struct ModelVersion {
  std::string name;
  std::string version;
  int64_t creation_timestamp = 0;
  std::optional<int64_t> last_updated_timestamp;
  std::string description;
  std::string user_id;
  std::string current_stage;
  std::string source;
  std::string run_id;
  std::string run_link;
  std::string status;  // READY, PENDING_REGISTRATION, FAILED_REGISTRATION
  std::string status_message;
  std::map<std::string, std::string> tags;
  std::vector<std::string> aliases;
};

struct RegisteredModel {
  std::string name;
  std::optional<int64_t> creation_timestamp;
  std::optional<int64_t> last_updated_timestamp;
  std::string description;
  std::vector<ModelVersion> latest_versions;
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> aliases;  // alias -> version
};

// MLflow 3's logged models.
struct LoggedModel {
  std::string model_id;
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string status;  // LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, LOGGED_MODEL_UPLOAD_FAILED
  std::string model_type;
  std::string source_run_id;
  std::string status_message;
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> params;
  std::vector<Metric> metrics;
};

}  // namespace mlflow::entities
