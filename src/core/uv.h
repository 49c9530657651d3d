#pragma once
// uv for `--env-manager uv` (models serve/predict in src/models/python_env.cc, run in
// src/projects/environment.cc): one executable and one message for both.
#include <cstdlib>
#include <string>

namespace mlflow {

// $MLFLOW_CPP_UV, else uv on PATH.
inline std::string UvExecutable() {
  const char* env = std::getenv("MLFLOW_CPP_UV");
  return env && *env ? env : "uv";
}

inline std::string UvMissingMessage(const std::string& uv) {
  return "--env-manager uv needs uv (" + uv + " does not run): install it (pip install uv) or set MLFLOW_CPP_UV";
}

}  // namespace mlflow
