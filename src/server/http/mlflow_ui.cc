#include "server/http/mlflow_ui.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

namespace mlflow::server {

Result<std::string> FindMlflowUiBuild(const std::string& python) {
  // find_spec locates the package `import mlflow` would load, without running its __init__.
  // stderr is dropped: the message below says what to do.
  std::string cmd = python +
                    " -c \"import importlib.util as u, os; s = u.find_spec('mlflow'); "
                    "print(os.path.dirname(s.origin) if s and s.origin else '')\" 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return Status::InvalidParameter("--ui mlflow: could not run " + python);
  std::string out;
  std::array<char, 512> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int rc = ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 127) {
    return Status::InvalidParameter("--ui mlflow: " + python +
                                    " was not found on PATH; it is used to find the installed `mlflow` "
                                    "package (or pass --static-dir DIR with a UI build)");
  }
  if (WEXITSTATUS(rc) != 0 || out.empty()) {
    return Status::InvalidParameter("--ui mlflow: no `mlflow` Python package is installed for " + python +
                                    " (pip install mlflow==3.17.2, activate the environment that has it, "
                                    "or pass --static-dir DIR with a UI build)");
  }
  std::filesystem::path build = std::filesystem::path(out) / "server" / "js" / "build";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(build / "index.html", ec)) {
    return Status::InvalidParameter("--ui mlflow: the `mlflow` package at " + out +
                                    " has no built UI (" + (build / "index.html").string() +
                                    " is missing; a source checkout? install a release from PyPI)");
  }
  return build.string();
}

}  // namespace mlflow::server
