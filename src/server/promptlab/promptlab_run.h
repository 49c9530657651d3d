#pragma once
// The prompt lab's run (POST /ajax-api/2.0/mlflow/runs/create-promptlab-run), as MLflow 3.17.2's
// mlflow/utils/promptlab_utils.py writes it through the tracking service and the run's artifact
// repository: a run (user, start time, name, tags), the model parameters plus `model_route` and
// `prompt_template` as params, the tags mlflow.loggedArtifacts (the evaluation table) and
// mlflow.runSourceType = PROMPT_ENGINEERING, a mlflow.log-model.history entry for "model", the
// promptlab pyfunc model under model/ (MLmodel, parameters.yaml, the input examples, conda.yaml,
// python_env.yaml, requirements.txt) and eval_results_table.json; then the run is FINISHED. When a
// step after the run's creation fails, the run is FAILED and still returned, as MLflow does.
// docs/reference/rest-api.md, 129.
//
//   PromptlabRunRequest r{.experiment_id = "1", .prompt_template = "Hi {{ name }}", ...};
//   MLFLOW_ASSIGN_OR_RETURN(Run run, CreatePromptlabRun(tracking, artifacts, r));
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "service/artifact_service.h"
#include "service/tracking_service.h"

namespace mlflow::server {

struct PromptlabRunRequest {
  std::string experiment_id;
  std::string run_name;  // "" = generated
  std::vector<KeyValue> tags;
  std::string prompt_template;
  std::vector<KeyValue> prompt_parameters;  // values as Python's str() of what the client sent
  std::string model_route;
  std::vector<KeyValue> model_parameters;
  std::string model_input;
  std::string model_output_json = "null";  // the JSON value the client sent (the table keeps it as is)
  std::vector<KeyValue> model_output_parameters;
  std::string user_id = "unknown";
  int64_t start_time = 0;
};

// The Python environment recorded in the model's conda.yaml / python_env.yaml (MLflow writes the
// server's own): python3 on PATH (or $MLFLOW_CPP_PYTHON), read once.
struct PromptlabPythonEnv {
  std::string python_version;  // "3.11.7"
  std::string pip_version;     // "" when pip is not installed
  std::vector<std::string> build_dependencies;  // pip==X, setuptools==Y, wheel (unversioned when absent)
};
Result<PromptlabPythonEnv> LocalPromptlabPythonEnv();

Result<Run> CreatePromptlabRun(service::TrackingService& tracking, service::ArtifactService& artifacts,
                               const PromptlabRunRequest& request);

}  // namespace mlflow::server
