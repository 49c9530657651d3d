#pragma once
// `mlflow-cpp run`: fetch a project, create its run with the params and tags MLflow logs, run the
// entry point in its environment and end the run with the command's outcome
// (docs/reference/formats.md c.6, c.7). Sweeps run a parameter grid as child runs of one parent.
//
//   RunOptions o;
//   o.uri = "examples/projects/shell";
//   o.params = {{"alpha", "0.5"}};
//   int exit_code = RunProject(o);
#include <optional>
#include <string>
#include <vector>

#include "projects/project_spec.h"

namespace mlflow::projects {

struct RunOptions {
  std::string uri;
  std::string entry_point = "main";
  std::optional<std::string> version;
  ParamList params;
  std::string experiment_name;
  std::string experiment_id;
  std::string run_name;
  std::string env_manager;  // "" = the project's default
  std::string backend = "local";
  std::string backend_config;
  std::string run_id;  // continue an existing run (what --async's background process uses)
  bool async = false;
  bool dry_run = false;                   // kubernetes: print the Job instead of submitting it
  std::vector<std::string> sweeps;        // "name=v1,v2,v3": one child run per grid point
  int max_parallel = 1;
};

// Returns the process exit code: 0 when the run finished, 1 on failure or bad input (message on
// stderr), 130 when interrupted.
int RunProject(const RunOptions& options);

}  // namespace mlflow::projects
