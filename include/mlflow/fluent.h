#pragma once
// The fluent API: MLflow's mlflow.start_run() / log_param / log_metric / ... in C++, with a run
// that ends itself: FINISHED when its ActiveRun leaves scope, FAILED when the scope is left by an
// exception.
//
//   mlflow::set_experiment("robot-arm");
//   {
//     mlflow::ActiveRun run = mlflow::start_run("baseline");
//     mlflow::log_param("lr", "0.01");
//     for (int step = 0; step < 1000; ++step) mlflow::log_metric("loss", loss(step), step);
//     {
//       mlflow::ActiveRun child = mlflow::start_run("eval", /*nested=*/true);  // mlflow.parentRunId set
//       mlflow::log_metric("accuracy", 0.93);
//     }  // child FINISHED
//     mlflow::log_artifact("weights.bin");
//   }  // run FINISHED, every metric stored
//
// Runs are tracked per thread, as in MLflow. log_metric is asynchronous (queued and sent in batches
// by background threads, so it costs tens of nanoseconds in a training loop); the run's end, flush()
// and the end of the program wait for the queue. Every call throws mlflow::MlflowError on failure;
// calls that need a run throw when none is active. The tracking URI is get_tracking_uri() when the
// run starts; new runs carry the system tags the Python client sets (mlflow.user, mlflow.source.name,
// mlflow.source.type, mlflow.source.git.*).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mlflow/client.h"
#include "mlflow/export.h"

namespace mlflow {

namespace client_internal {
struct FluentRun;
}

class MLFLOW_API ActiveRun {
 public:
  ActiveRun(ActiveRun&&) noexcept;
  ActiveRun& operator=(ActiveRun&&) = delete;
  ActiveRun(const ActiveRun&) = delete;
  ActiveRun& operator=(const ActiveRun&) = delete;
  // Ends the run if it is still active: FAILED while an exception unwinds the stack, else FINISHED.
  ~ActiveRun();

  const std::string& run_id() const;
  // The run as stored now.
  entities::Run run() const;
  // Ends the run now (waiting for its queued metrics).
  void end(entities::RunStatus status = entities::RunStatus::kFinished);

 private:
  friend MLFLOW_API ActiveRun start_run(const std::string&, bool, const Tags&, const std::string&);
  explicit ActiveRun(std::shared_ptr<client_internal::FluentRun> run);
  std::shared_ptr<client_internal::FluentRun> run_;
  int uncaught_at_start_;
};

// Starts a run in the active experiment (set_experiment, else MLFLOW_EXPERIMENT_NAME, else
// MLFLOW_EXPERIMENT_ID, else "0"), or resumes run_id. With a run already active on this thread,
// nested must be true: the new run gets mlflow.parentRunId.
MLFLOW_API ActiveRun start_run(const std::string& run_name = "", bool nested = false, const Tags& tags = {},
                               const std::string& run_id = "");
// Ends this thread's innermost active run.
MLFLOW_API void end_run(entities::RunStatus status = entities::RunStatus::kFinished);
// This thread's innermost active run, if any.
MLFLOW_API std::optional<std::string> active_run_id();

// Makes the experiment active, creating it when missing; returns its id.
MLFLOW_API std::string set_experiment(const std::string& name);

MLFLOW_API void log_param(const std::string& key, const std::string& value);
MLFLOW_API void log_params(const std::map<std::string, std::string>& params);
// Asynchronous (see above). timestamp 0 = now.
MLFLOW_API void log_metric(const std::string& key, double value, int64_t step = 0, int64_t timestamp = 0);
MLFLOW_API void log_metrics(const std::map<std::string, double>& metrics, int64_t step = 0);
MLFLOW_API void set_tag(const std::string& key, const std::string& value);
MLFLOW_API void set_tags(const std::map<std::string, std::string>& tags);
MLFLOW_API void log_artifact(const std::string& local_path, const std::string& artifact_path = "");
MLFLOW_API void log_artifacts(const std::string& local_dir, const std::string& artifact_path = "");
MLFLOW_API void log_text(const std::string& text, const std::string& artifact_file);
// Waits for every queued metric.
MLFLOW_API void flush();

// Registers model_uri ("runs:/<run_id>/<path>", "models:/<model_id>", or a storage URI) as a new
// version of registered model `name`, creating the model when missing (mlflow.register_model).
MLFLOW_API entities::ModelVersion register_model(const std::string& model_uri, const std::string& name,
                                                 const Tags& tags = {});

// The client the fluent API uses for the current tracking URI.
MLFLOW_API Client& fluent_client();

}  // namespace mlflow
