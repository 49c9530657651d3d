#pragma once
// Finds the web UI build that ships inside the `mlflow` Python package, for `--ui mlflow`
// (docs/reference/ui.md, "MLflow's UI"): the package `python3 -c 'import mlflow'` would import
// (python3 from PATH), its `server/js/build` folder. The package is located without importing it
// (importlib's find_spec), so this takes milliseconds, not the seconds `import mlflow` takes.
//
//   MLFLOW_ASSIGN_OR_RETURN(std::string dir, FindMlflowUiBuild());
//   MLFLOW_ASSIGN_OR_RETURN(auto site, StaticSite::FromDirectory(dir, CachePolicy::kMlflow));
#include <string>

#include "core/status.h"

namespace mlflow::server {

// The absolute path of the UI build, or INVALID_PARAMETER_VALUE saying what is missing: no
// python3, no `mlflow` package, or a package without a built UI (a source checkout).
Result<std::string> FindMlflowUiBuild(const std::string& python = "python3");

}  // namespace mlflow::server
