#pragma once
// Backend: where a Client's calls go. RestBackend speaks MLflow's REST API to a tracking server;
// LocalBackend calls the service layer (src/service/) over a database opened in-process. Both are
// thread-safe and throw mlflow::MlflowError. Requests are already within MLflow's batch limits
// (Client splits them).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlflow/client.h"
#include "mlflow/types.h"

namespace mlflow::client_internal {

struct CreateModelVersionArgs {
  std::string name, source, run_id, description, model_id;
  Tags tags;
};

struct CreateLoggedModelArgs {
  std::string experiment_id, name, source_run_id, model_type;
  Tags tags, params;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The URI artifact repositories resolve mlflow-artifacts: against ("" for a local store).
  virtual std::string artifact_tracking_uri() const = 0;

  virtual std::string CreateExperiment(const std::string& name, const std::string& artifact_location,
                                       const Tags& tags) = 0;
  virtual entities::Experiment GetExperiment(const std::string& id) = 0;
  virtual std::optional<entities::Experiment> GetExperimentByName(const std::string& name) = 0;
  virtual entities::PagedList<entities::Experiment> SearchExperiments(const std::string& filter, int64_t max_results,
                                                                      const std::vector<std::string>& order_by,
                                                                      entities::ViewType view,
                                                                      const std::string& page_token) = 0;
  virtual void DeleteExperiment(const std::string& id) = 0;
  virtual void RestoreExperiment(const std::string& id) = 0;
  virtual void RenameExperiment(const std::string& id, const std::string& new_name) = 0;
  virtual void SetExperimentTag(const std::string& id, const std::string& key, const std::string& value) = 0;
  virtual void DeleteExperimentTag(const std::string& id, const std::string& key) = 0;

  virtual entities::Run CreateRun(const std::string& experiment_id, const std::string& user_id, int64_t start_time,
                                  const Tags& tags, const std::string& run_name) = 0;
  virtual entities::Run GetRun(const std::string& run_id) = 0;
  virtual entities::RunInfo UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                                      std::optional<int64_t> end_time, const std::string& name) = 0;
  virtual void DeleteRun(const std::string& run_id) = 0;
  virtual void RestoreRun(const std::string& run_id) = 0;
  virtual entities::PagedList<entities::Run> SearchRuns(const std::vector<std::string>& experiment_ids,
                                                        const SearchRunsOptions& options) = 0;

  virtual void LogParam(const std::string& run_id, const std::string& key, const std::string& value) = 0;
  virtual void LogMetric(const std::string& run_id, const entities::Metric& metric) = 0;
  virtual void SetTag(const std::string& run_id, const std::string& key, const std::string& value) = 0;
  virtual void DeleteTag(const std::string& run_id, const std::string& key) = 0;
  virtual void LogBatch(const std::string& run_id, const entities::Metric* metrics, size_t n_metrics,
                        const std::vector<entities::Param>& params, const std::vector<entities::RunTag>& tags) = 0;
  // One page of history; next_page_token empty on the last.
  virtual entities::PagedList<entities::Metric> GetMetricHistory(const std::string& run_id, const std::string& key,
                                                                 const std::string& page_token) = 0;

  virtual entities::RegisteredModel CreateRegisteredModel(const std::string& name, const Tags& tags,
                                                          const std::string& description) = 0;
  virtual entities::RegisteredModel GetRegisteredModel(const std::string& name) = 0;
  virtual entities::RegisteredModel RenameRegisteredModel(const std::string& name, const std::string& new_name) = 0;
  virtual entities::RegisteredModel UpdateRegisteredModel(const std::string& name,
                                                          const std::string& description) = 0;
  virtual void DeleteRegisteredModel(const std::string& name) = 0;
  virtual entities::PagedList<entities::RegisteredModel> SearchRegisteredModels(
      const std::string& filter, int64_t max_results, const std::vector<std::string>& order_by,
      const std::string& page_token) = 0;
  virtual void SetRegisteredModelTag(const std::string& name, const std::string& key, const std::string& value) = 0;
  virtual void DeleteRegisteredModelTag(const std::string& name, const std::string& key) = 0;
  virtual entities::ModelVersion CreateModelVersion(const CreateModelVersionArgs& args) = 0;
  virtual entities::ModelVersion GetModelVersion(const std::string& name, const std::string& version) = 0;
  virtual entities::ModelVersion UpdateModelVersion(const std::string& name, const std::string& version,
                                                    const std::string& description) = 0;
  virtual entities::ModelVersion TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                             const std::string& stage, bool archive) = 0;
  virtual void DeleteModelVersion(const std::string& name, const std::string& version) = 0;
  virtual entities::PagedList<entities::ModelVersion> SearchModelVersions(const std::string& filter,
                                                                          int64_t max_results,
                                                                          const std::vector<std::string>& order_by,
                                                                          const std::string& page_token) = 0;
  virtual std::string GetModelVersionDownloadUri(const std::string& name, const std::string& version) = 0;
  virtual void SetModelVersionTag(const std::string& name, const std::string& version, const std::string& key,
                                  const std::string& value) = 0;
  virtual void DeleteModelVersionTag(const std::string& name, const std::string& version,
                                     const std::string& key) = 0;
  virtual void SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                       const std::string& version) = 0;
  virtual void DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) = 0;
  virtual entities::ModelVersion GetModelVersionByAlias(const std::string& name, const std::string& alias) = 0;

  virtual entities::LoggedModel CreateLoggedModel(const CreateLoggedModelArgs& args) = 0;
  virtual entities::LoggedModel GetLoggedModel(const std::string& model_id) = 0;
  virtual entities::LoggedModel FinalizeLoggedModel(const std::string& model_id, const std::string& status) = 0;
  virtual void DeleteLoggedModel(const std::string& model_id) = 0;
  virtual void SetLoggedModelTags(const std::string& model_id, const Tags& tags) = 0;
  virtual void DeleteLoggedModelTag(const std::string& model_id, const std::string& key) = 0;
  virtual entities::PagedList<entities::LoggedModel> SearchLoggedModels(const std::vector<std::string>& experiment_ids,
                                                                        const std::string& filter,
                                                                        int64_t max_results,
                                                                        const std::string& page_token) = 0;
};

// Opens the backend for a tracking URI: http(s):// -> RestBackend; sqlite:///, postgresql:// ->
// LocalBackend. Throws MlflowError for other schemes.
std::shared_ptr<Backend> OpenBackend(const std::string& tracking_uri);

}  // namespace mlflow::client_internal
