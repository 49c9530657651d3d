#include "cli/run_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "projects/run_project.h"

namespace mlflow::cli {
namespace {

struct RunCliOptions {
  projects::RunOptions run;
  std::vector<std::string> params;
  std::string version;
  bool bad_param = false;
};
RunCliOptions& Options() {
  static RunCliOptions options;
  return options;
}

}  // namespace

CLI::App* AddRunCommand(CLI::App& app) {
  RunCliOptions& o = Options();
  auto* run = app.add_subcommand("run", "Run an MLflow project from a folder, file:// or git URI as a tracked run");
  run->add_option("uri", o.run.uri, "Project URI: a folder, file://..., or a git repository (#subdirectory allowed)")
      ->required();
  run->add_option("-e,--entry-point", o.run.entry_point, "Entry point, or a .py/.sh file in the project")
      ->capture_default_str();
  run->add_option("-v,--version", o.version, "Git commit, branch or tag to run");
  // One value per -P (so `-P a=1 URI` leaves URI alone), every occurrence kept.
  run->add_option("-P,--param-list", o.params, "A parameter NAME=VALUE (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--experiment-name", o.run.experiment_name, "Experiment to run in (created when missing)");
  run->add_option("--experiment-id", o.run.experiment_id, "Experiment id to run in");
  run->add_option("--run-name", o.run.run_name, "Name of the run (mlflow.runName)");
  run->add_option("--env-manager", o.run.env_manager, "local, virtualenv, uv or conda (default: the project's)");
  run->add_option("-b,--backend", o.run.backend, "local or kubernetes")->capture_default_str();
  run->add_option("-c,--backend-config", o.run.backend_config, "Backend configuration: a .json file or a JSON object");
  run->add_option("--run-id", o.run.run_id, "Continue this existing run instead of creating one");
  run->add_flag("--async", o.run.async, "Start the run in the background, print its id and return");
  run->add_flag("--dry-run", o.run.dry_run, "kubernetes: print the Job that would be submitted");
  run->add_option("--sweep", o.run.sweeps, "NAME=V1,V2,...: run the grid as child runs of one parent (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--max-parallel", o.run.max_parallel, "Sweep runs at a time")->capture_default_str();
  return run;
}

int RunRunCommand() {
  RunCliOptions& o = Options();
  for (const std::string& p : o.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "mlflow-cpp run: Invalid format for -P parameter: '%s'. Use -P name=value.\n", p.c_str());
      return 1;
    }
    o.run.params.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  if (!o.version.empty()) o.run.version = o.version;
  return projects::RunProject(o.run);
}

}  // namespace mlflow::cli
