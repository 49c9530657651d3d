#pragma once
// The environment a project command runs in (docs/reference/formats.md c.4): the current one
// (local), a virtualenv built from python_env.yaml once and cached by a hash of its spec, a conda
// environment, or a docker container. Each returns the shell prefix that activates it.
//
//   MLFLOW_ASSIGN_OR_RETURN(Activation a, PrepareVirtualenv(project, "virtualenv"));
//   command = a.prefix.empty() ? command : a.prefix + " && " + command;
#include <string>
#include <vector>

#include "core/status.h"
#include "projects/project_spec.h"

namespace mlflow::projects {

struct Activation {
  std::string prefix;  // "source <env>/bin/activate", or "" for local
  std::string env_tag; // mlflow.project.env value ("" = no tag)
};

// Where environments are cached: MLFLOW_ENV_ROOT, else ~/.mlflow/envs.
std::string EnvRoot();

// The venv for project's python_env.yaml (or a bare one when the project names none), built under
// EnvRoot() the first time and reused while the spec and the requirement files it names are
// unchanged. manager "virtualenv": python -m venv, then pip with the user's pip configuration;
// "uv": uv venv and uv pip install ($MLFLOW_CPP_UV, else uv on PATH), in a folder of its own.
Result<Activation> PrepareVirtualenv(const Project& project, const std::string& manager = "virtualenv");

// A conda environment from the project's conda yaml; a clear error when conda is missing.
Result<Activation> PrepareConda(const Project& project);

// Fails with MLflow's message when no docker engine answers.
Status ValidateDocker();

// `docker run --rm ...` for the project's docker_env, with the run's variables.
std::vector<std::string> DockerCommand(const DockerEnv& env, const std::vector<std::pair<std::string, std::string>>& run_env);

}  // namespace mlflow::projects
