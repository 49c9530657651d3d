#pragma once
// LoggedModelStore: MLflow 3 logged models (logged_models and its params, tags and metrics
// tables). Metrics are written by the tracking store when a run metric carries a model_id; this
// store reads them back. Every method is thread-safe and blocking.
//
// Errors: unknown or deleted model RESOURCE_DOES_NOT_EXIST "Logged model with ID 'X' not found.";
// missing / inactive experiment as in the tracking store; bad names INVALID_PARAMETER_VALUE.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"

namespace mlflow::store {

// LoggedModelStatus numbers as stored in logged_models.status.
enum class LoggedModelStatus { kUnspecified = 0, kPending = 1, kReady = 2, kUploadFailed = 3 };

struct LoggedModel {
  std::string model_id;
  std::string experiment_id;
  std::string name;
  std::string artifact_uri;
  int64_t creation_timestamp_ms = 0;
  int64_t last_updated_timestamp_ms = 0;
  LoggedModelStatus status = LoggedModelStatus::kPending;
  std::optional<std::string> model_type;
  std::optional<std::string> source_run_id;
  std::optional<std::string> status_message;
  std::vector<KeyValue> tags;
  std::vector<KeyValue> params;
  std::vector<Metric> metrics;  // every logged_model_metrics row (run_id, model_id filled)
};

struct CreateLoggedModelRequest {
  std::string experiment_id;
  std::optional<std::string> name;  // nullopt or "" = generated
  std::optional<std::string> model_type;
  std::optional<std::string> source_run_id;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
};

struct LoggedModelDataset {
  std::string dataset_name;
  std::optional<std::string> dataset_digest;
};

struct LoggedModelOrder {
  std::string field_name;
  bool ascending = true;
  std::optional<std::string> dataset_name;
  std::optional<std::string> dataset_digest;
};

struct LoggedModelSearchRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  std::vector<LoggedModelDataset> datasets;
  std::vector<LoggedModelOrder> order_by;
  int64_t max_results = 0;  // 0 = default (50)
  std::string page_token;
};

struct LoggedModelPage {
  std::vector<LoggedModel> models;
  std::string next_page_token;
};

// "LOGGED_MODEL_READY" etc.
inline const char* LoggedModelStatusName(LoggedModelStatus s) {
  switch (s) {
    case LoggedModelStatus::kPending:
      return "LOGGED_MODEL_PENDING";
    case LoggedModelStatus::kReady:
      return "LOGGED_MODEL_READY";
    case LoggedModelStatus::kUploadFailed:
      return "LOGGED_MODEL_UPLOAD_FAILED";
    case LoggedModelStatus::kUnspecified:
      break;
  }
  return "LOGGED_MODEL_STATUS_UNSPECIFIED";
}

class LoggedModelStore {
 public:
  virtual ~LoggedModelStore() = default;

  virtual Result<LoggedModel> CreateLoggedModel(const CreateLoggedModelRequest& request) = 0;
  virtual Result<LoggedModel> GetLoggedModel(const std::string& model_id) = 0;
  virtual Result<LoggedModel> FinalizeLoggedModel(const std::string& model_id, LoggedModelStatus status) = 0;
  virtual Status DeleteLoggedModel(const std::string& model_id) = 0;
  virtual Result<LoggedModelPage> SearchLoggedModels(const LoggedModelSearchRequest& request) = 0;
  virtual Status SetLoggedModelTags(const std::string& model_id, const std::vector<KeyValue>& tags) = 0;
  virtual Status DeleteLoggedModelTag(const std::string& model_id, const std::string& key) = 0;
  virtual Status LogLoggedModelParams(const std::string& model_id, const std::vector<KeyValue>& params) = 0;
  // Appends {"name": name, "version": version} to the model's mlflow.modelVersions tag (JSON list),
  // unless already present. Used when a model version is registered from this model.
  virtual Status AddModelVersionTag(const std::string& model_id, const std::string& name, int64_t version) = 0;

  // --- permanent deletion (`mlflow-cpp gc`) ---
  // The model whatever its lifecycle stage (GetLoggedModel hides deleted ones).
  virtual Result<LoggedModel> GetLoggedModelAnyStage(const std::string& model_id) = 0;
  // Ids of deleted models last updated at least older_than_ms ago.
  virtual Result<std::vector<std::string>> GetDeletedLoggedModelIds(int64_t older_than_ms) = 0;
  // Removes a model with its params, metrics and tags, in one transaction. RESOURCE_DOES_NOT_EXIST
  // for an unknown id.
  virtual Status HardDeleteLoggedModel(const std::string& model_id) = 0;
};

}  // namespace mlflow::store
