#pragma once
// mlflow::Client: MLflow's MlflowClient in C++. Talks to a tracking server over HTTP(S)
// (http://, https://) or, with no server, straight to a database (sqlite:///, postgresql://, mysql://).
//
//   mlflow::Client client;  // MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
//   std::string exp = client.create_experiment("robot-arm");
//   mlflow::entities::Run run = client.create_run(exp);
//   client.log_param(run.info.run_id, "lr", "0.01");
//   for (int step = 0; step < 1000; ++step) client.log_metric_async(run.info.run_id, "loss", 1.0 / (step + 1), step);
//   client.flush();  // every queued metric is stored
//   client.set_terminated(run.info.run_id);
//
// Every call blocks until the store or the server answered, except log_metric_async (queued, sent
// in batches by a background thread; flush() waits for them). Errors throw mlflow::MlflowError.
// A Client is thread-safe. Over HTTP, transient failures (connection errors, 408, 429, 500, 502,
// 503, 504) are retried with exponential backoff as the Python client retries them
// (MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, MLFLOW_HTTP_REQUEST_BACKOFF_JITTER,
// MLFLOW_HTTP_REQUEST_TIMEOUT); credentials come from MLFLOW_TRACKING_USERNAME/PASSWORD or
// MLFLOW_TRACKING_TOKEN.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlflow/error.h"
#include "mlflow/export.h"
#include "mlflow/types.h"

namespace mlflow {

namespace client_internal {
class Backend;
class AsyncLogger;
}  // namespace client_internal

using Tags = std::map<std::string, std::string>;

// The tracking URI a Client without one uses, as MLflow resolves it: the one given to
// set_tracking_uri(), else MLFLOW_TRACKING_URI, else sqlite:///mlflow.db.
MLFLOW_API std::string get_tracking_uri();
MLFLOW_API void set_tracking_uri(const std::string& uri);

struct SearchRunsOptions {
  std::string filter;
  entities::ViewType view_type = entities::ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::vector<std::string> order_by;
  std::string page_token;
};

class MLFLOW_API Client {
 public:
  // tracking_uri "" = get_tracking_uri().
  explicit Client(const std::string& tracking_uri = "");
  ~Client();  // flushes queued metrics (errors are reported on stderr, not thrown)
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  const std::string& tracking_uri() const;

  // --- experiments ---
  std::string create_experiment(const std::string& name, const std::string& artifact_location = "",
                                const Tags& tags = {});
  entities::Experiment get_experiment(const std::string& experiment_id);
  // nullopt when no experiment has that name.
  std::optional<entities::Experiment> get_experiment_by_name(const std::string& name);
  entities::PagedList<entities::Experiment> search_experiments(
      const std::string& filter = "", int64_t max_results = 1000, const std::vector<std::string>& order_by = {},
      entities::ViewType view_type = entities::ViewType::kActiveOnly, const std::string& page_token = "");
  void delete_experiment(const std::string& experiment_id);
  void restore_experiment(const std::string& experiment_id);
  void rename_experiment(const std::string& experiment_id, const std::string& new_name);
  void set_experiment_tag(const std::string& experiment_id, const std::string& key, const std::string& value);
  void delete_experiment_tag(const std::string& experiment_id, const std::string& key);

  // --- runs ---
  // Sets the tags given (no system tags: the fluent start_run adds those, as in MLflow); user_id is
  // their mlflow.user, else "unknown" (as MlflowClient). start_time 0 = now.
  entities::Run create_run(const std::string& experiment_id, const Tags& tags = {}, const std::string& run_name = "",
                           int64_t start_time = 0);
  entities::Run get_run(const std::string& run_id);
  entities::RunInfo update_run(const std::string& run_id, std::optional<entities::RunStatus> status = std::nullopt,
                               const std::string& name = "");
  // Waits for the run's queued metrics, then ends it. end_time 0 = now.
  void set_terminated(const std::string& run_id, entities::RunStatus status = entities::RunStatus::kFinished,
                      int64_t end_time = 0);
  void delete_run(const std::string& run_id);
  void restore_run(const std::string& run_id);
  entities::PagedList<entities::Run> search_runs(const std::vector<std::string>& experiment_ids,
                                                 const SearchRunsOptions& options = {});

  // --- params, metrics, tags ---
  void log_param(const std::string& run_id, const std::string& key, const std::string& value);
  // timestamp 0 = now.
  void log_metric(const std::string& run_id, const std::string& key, double value, int64_t step = 0,
                  int64_t timestamp = 0);
  // Queued and sent in batches by a background thread; returns in tens of nanoseconds. flush(),
  // set_terminated() and the destructor wait for queued metrics; transient server failures are
  // retried until the server answers, so none is lost when the server restarts.
  void log_metric_async(const std::string& run_id, const std::string& key, double value, int64_t step = 0,
                        int64_t timestamp = 0);
  // Waits until every metric queued before the call is stored; throws the first error a queued
  // metric met (it is then cleared).
  void flush();
  void set_tag(const std::string& run_id, const std::string& key, const std::string& value);
  void delete_tag(const std::string& run_id, const std::string& key);
  // Any size: split into requests within MLflow's limits (1000 metrics, 100 params, 100 tags).
  void log_batch(const std::string& run_id, const std::vector<entities::Metric>& metrics = {},
                 const std::vector<entities::Param>& params = {}, const std::vector<entities::RunTag>& tags = {});
  // Every point of one metric, in step order.
  std::vector<entities::Metric> get_metric_history(const std::string& run_id, const std::string& key);

  // --- artifacts (in the run's artifact location, through the server's proxy for mlflow-artifacts:) ---
  void log_artifact(const std::string& run_id, const std::string& local_path, const std::string& artifact_path = "");
  void log_artifacts(const std::string& run_id, const std::string& local_dir, const std::string& artifact_path = "");
  // Writes `text` to artifact_file (a path relative to the run's artifact root).
  void log_text(const std::string& run_id, const std::string& text, const std::string& artifact_file);
  std::vector<entities::FileInfo> list_artifacts(const std::string& run_id, const std::string& path = "");
  // Returns the local path of the downloaded file or directory below dst_dir.
  std::string download_artifacts(const std::string& run_id, const std::string& path, const std::string& dst_dir);

  // --- model registry ---
  entities::RegisteredModel create_registered_model(const std::string& name, const Tags& tags = {},
                                                    const std::string& description = "");
  entities::RegisteredModel get_registered_model(const std::string& name);
  entities::RegisteredModel rename_registered_model(const std::string& name, const std::string& new_name);
  entities::RegisteredModel update_registered_model(const std::string& name, const std::string& description);
  void delete_registered_model(const std::string& name);
  entities::PagedList<entities::RegisteredModel> search_registered_models(
      const std::string& filter = "", int64_t max_results = 100, const std::vector<std::string>& order_by = {},
      const std::string& page_token = "");
  void set_registered_model_tag(const std::string& name, const std::string& key, const std::string& value);
  void delete_registered_model_tag(const std::string& name, const std::string& key);
  entities::ModelVersion create_model_version(const std::string& name, const std::string& source,
                                              const std::string& run_id = "", const Tags& tags = {},
                                              const std::string& description = "", const std::string& model_id = "");
  entities::ModelVersion get_model_version(const std::string& name, const std::string& version);
  entities::ModelVersion update_model_version(const std::string& name, const std::string& version,
                                              const std::string& description);
  entities::ModelVersion transition_model_version_stage(const std::string& name, const std::string& version,
                                                        const std::string& stage,
                                                        bool archive_existing_versions = false);
  void delete_model_version(const std::string& name, const std::string& version);
  entities::PagedList<entities::ModelVersion> search_model_versions(const std::string& filter = "",
                                                                    int64_t max_results = 10000,
                                                                    const std::vector<std::string>& order_by = {},
                                                                    const std::string& page_token = "");
  std::string get_model_version_download_uri(const std::string& name, const std::string& version);
  void set_model_version_tag(const std::string& name, const std::string& version, const std::string& key,
                             const std::string& value);
  void delete_model_version_tag(const std::string& name, const std::string& version, const std::string& key);
  void set_registered_model_alias(const std::string& name, const std::string& alias, const std::string& version);
  void delete_registered_model_alias(const std::string& name, const std::string& alias);
  entities::ModelVersion get_model_version_by_alias(const std::string& name, const std::string& alias);

  // --- logged models (MLflow 3) ---
  entities::LoggedModel create_logged_model(const std::string& experiment_id, const std::string& name = "",
                                            const std::string& source_run_id = "", const Tags& tags = {},
                                            const Tags& params = {}, const std::string& model_type = "");
  entities::LoggedModel get_logged_model(const std::string& model_id);
  // status: "READY" or "FAILED" (LOGGED_MODEL_READY / LOGGED_MODEL_UPLOAD_FAILED).
  entities::LoggedModel finalize_logged_model(const std::string& model_id, const std::string& status = "READY");
  void delete_logged_model(const std::string& model_id);
  void set_logged_model_tags(const std::string& model_id, const Tags& tags);
  void delete_logged_model_tag(const std::string& model_id, const std::string& key);
  entities::PagedList<entities::LoggedModel> search_logged_models(const std::vector<std::string>& experiment_ids,
                                                                  const std::string& filter = "",
                                                                  int64_t max_results = 100,
                                                                  const std::string& page_token = "");
  // Uploads a local file into the logged model's artifact location.
  void log_model_artifact(const std::string& model_id, const std::string& local_path,
                          const std::string& artifact_path = "");

 private:
  client_internal::AsyncLogger& async_logger();

  std::string tracking_uri_;
  std::shared_ptr<client_internal::Backend> backend_;
  std::unique_ptr<client_internal::AsyncLogger> async_;
};

}  // namespace mlflow
