#pragma once
// The Python that runs a python_function model, chosen as `mlflow models serve --env-manager` does:
//   local       the current Python (--python, else $MLFLOW_CPP_PYTHON, else python3 on PATH);
//   virtualenv  a venv built from the model's python_env.yaml / requirements.txt with an interpreter
//               of the model's Python version, created once under $MLFLOW_ENV_ROOT (default
//               ~/.mlflow/envs) in a folder named by a hash of the spec, and reused afterwards;
//   uv          the same made by `uv venv` and `uv pip install` ($MLFLOW_CPP_UV, else uv on PATH), in a
//               folder of its own (mlflow-cpp-uv-<sha1>).
//
//   PythonEnv env;
//   MLFLOW_ASSIGN_OR_RETURN(env, PreparePythonEnv("/tmp/model", {.env_manager = "virtualenv"}));
//   env.python;  // ~/.mlflow/envs/mlflow-cpp-<sha1>/bin/python
#include <string>
#include <vector>

#include "core/status.h"
#include "models/mlmodel.h"

namespace mlflow::models {

struct EnvOptions {
  std::string env_manager = "virtualenv";  // local | virtualenv | uv
  std::string python;                      // local: the interpreter; virtualenv: one more base candidate
  std::string env_root;                    // default: $MLFLOW_ENV_ROOT, else ~/.mlflow/envs
  int install_timeout_seconds = 3600;
};

struct PythonEnv {
  std::string python;       // interpreter to run
  std::string description;  // "local python3" / "virtualenv ~/.mlflow/envs/mlflow-cpp-... (Python 3.11.7)"
};

// INVALID_PARAMETER_VALUE for an unknown manager; NOT_FOUND when no interpreter of the model's
// Python version exists (virtualenv) or uv does not run (uv); INTERNAL when building the venv fails (pip's output in the message).
Result<PythonEnv> PreparePythonEnv(const std::string& model_dir, const EnvOptions& options);

// The interpreter --env-manager local uses.
std::string LocalPython(const std::string& explicit_python);

// sha1 hex of the environment spec (the venv folder name is "mlflow-cpp-" + this).
std::string EnvSpecHash(const PythonEnvSpec& spec);

}  // namespace mlflow::models
