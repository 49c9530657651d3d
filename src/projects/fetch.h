#pragma once
// Where a project comes from: a local folder (used in place), `file://` or a git repository
// (fetched into a temporary folder), with `#subdirectory` and `--version`
// (docs/reference/formats.md c.5), and the git facts MLflow tags the run with (c.6).
//
//   MLFLOW_ASSIGN_OR_RETURN(FetchedProject p, FetchProject("https://host/repo.git#sub", "v1.0"));
//   ... LoadProject(p.work_dir) ...
#include <optional>
#include <string>

#include "core/status.h"

namespace mlflow::projects {

struct FetchedProject {
  std::string work_dir;     // absolute folder holding the MLproject
  std::string source_name;  // the mlflow.source.name tag
  std::optional<std::string> git_commit;
  std::optional<std::string> repo_url;
  std::optional<std::string> git_branch;  // --version when it names a local branch
  std::string temp_dir;                   // a fetched copy to delete afterwards ("" = none)
};

Result<FetchedProject> FetchProject(const std::string& uri, const std::optional<std::string>& version);

// getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password database.
std::string CurrentUser();

}  // namespace mlflow::projects
