#pragma once
// Every tracking call `mlflow-cpp run` makes, behind one small interface: over a tracking server's
// REST API (http://, https://) or directly over a database (sqlite:///, postgresql://) through the
// tracking service. A public client library can back it later without touching the runner.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto tracking, OpenTracking("http://127.0.0.1:5000"));
//   MLFLOW_ASSIGN_OR_RETURN(RunRef run, tracking->CreateRun("0", tags));
//   MLFLOW_RETURN_IF_ERROR(tracking->SetTerminated(run.run_id, "FINISHED"));
#include <memory>
#include <string>

#include "core/status.h"
#include "projects/project_spec.h"

namespace mlflow::projects {

struct RunRef {
  std::string run_id;
  std::string experiment_id;
  std::string status;
};

class ProjectTracking {
 public:
  virtual ~ProjectTracking() = default;
  // The experiment's id; with create, one is created when none has that name.
  virtual Result<std::string> ExperimentIdByName(const std::string& name, bool create) = 0;
  // A RUNNING run started now, user_id from the mlflow.user tag.
  virtual Result<RunRef> CreateRun(const std::string& experiment_id, const ParamList& tags) = 0;
  virtual Result<RunRef> GetRun(const std::string& run_id) = 0;
  virtual Status LogBatch(const std::string& run_id, const ParamList& params, const ParamList& tags) = 0;
  virtual Status SetTag(const std::string& run_id, const std::string& key, const std::string& value) = 0;
  // status FINISHED, FAILED or KILLED; end time now.
  virtual Status SetTerminated(const std::string& run_id, const std::string& status) = 0;
};

// http(s):// -> REST; sqlite:/// or postgresql:// -> the database itself.
Result<std::unique_ptr<ProjectTracking>> OpenTracking(const std::string& tracking_uri);

// Each backend, for OpenTracking.
Result<std::unique_ptr<ProjectTracking>> OpenRestTracking(const std::string& base_url);
Result<std::unique_ptr<ProjectTracking>> OpenStoreTracking(const std::string& store_uri);

// MLFLOW_TRACKING_URI, else MLflow's default (sqlite:///mlflow.db in the working directory).
std::string ResolveTrackingUri();

}  // namespace mlflow::projects
