#pragma once
// Child processes: run a command and capture its output (with a time limit), or start a long-lived
// child whose stdin/stdout are pipes (the Python workers). posix_spawn, so it is safe from a
// multi-threaded server.
//
//   MLFLOW_ASSIGN_OR_RETURN(RunOutput r, RunCapture({"python3", "-c", "print(1)"}, 10));
//   MLFLOW_ASSIGN_OR_RETURN(Child c, SpawnPiped({"python3", "worker.py"}, {{"KEY", "v"}}));
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace mlflow::models {

struct RunOutput {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (searched on PATH) and waits at most timeout_seconds (then SIGKILL, exit_code -1).
// Extra environment variables are added to this process's environment.
Result<RunOutput> RunCapture(const std::vector<std::string>& argv, int timeout_seconds,
                             const std::map<std::string, std::string>& env = {}, const std::string& cwd = "");

struct Child {
  pid_t pid = -1;
  int in_fd = -1;   // write end of the child's stdin
  int out_fd = -1;  // read end of the child's stdout
};

// Starts a child with piped stdin/stdout; its stderr goes to `stderr_fd` (-1: ours).
Result<Child> SpawnPiped(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         int stderr_fd = -1);

// The environment of this process with `extra` added/replaced, as "K=V" strings.
std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra);

}  // namespace mlflow::models
