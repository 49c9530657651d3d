#pragma once
// The tags the Python client sets on every new run (mlflow/tracking/context/ in MLflow 3.17.2):
// mlflow.user (MLFLOW_TRACKING_USERNAME, else the login name as Python's getpass.getuser() finds
// it), mlflow.source.name (the program as started: argv[0]), mlflow.source.type ("LOCAL"), and, when
// the program lives in a git checkout, mlflow.source.git.commit, .branch and .repoURL (the first
// remote's URL, credentials removed). Read from the files under .git: no git process is started.
#include <map>
#include <string>

namespace mlflow::client_internal {

std::string CurrentUser();
std::map<std::string, std::string> DefaultRunTags();

}  // namespace mlflow::client_internal
