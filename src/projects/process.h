#pragma once
// Child processes for `mlflow-cpp run`: short helper commands whose output we read (git, python),
// and project commands that stream to our terminal, each in its own process group so that an
// interrupt reaches the whole tree (bash, python, its workers).
//
//   SignalGuard guard;  // SIGINT/SIGTERM/SIGHUP now arrive through ChildProcesses::Wait
//   ChildProcesses children;
//   MLFLOW_ASSIGN_OR_RETURN(pid_t pid, children.Start({{"bash", "-c", "train"}, work_dir, env}));
//   ChildProcesses::Event e = children.Wait();  // an exit, or a signal to us
#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::projects {

struct CommandOutput {
  int exit_code = 0;
  std::string output;  // stdout (and stderr when merged)
};

// What RunCapture does with the command's stderr.
enum class Stderr { kInherit, kMerge, kDiscard };

// Runs argv (PATH lookup) in cwd ("" = ours) and collects its output.
Result<CommandOutput> RunCapture(const std::vector<std::string>& argv, const std::string& cwd = "",
                                 Stderr stderr_mode = Stderr::kInherit);

struct ChildSpec {
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::pair<std::string, std::string>> env;  // set on top of ours
  bool new_session = false;                               // detached (setsid) instead of a process group
};

// Blocks SIGINT, SIGTERM and SIGHUP for the process while alive, so they are taken synchronously
// by ChildProcesses::Wait. Create it before any thread starts (libcurl's resolver threads inherit
// the mask).
class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
};

class ChildProcesses {
 public:
  struct Event {
    pid_t pid = 0;       // the child that ended (0 when a signal came instead)
    int exit_code = 0;   // its exit status; 128 + signal when a signal ended it
    int signal = 0;      // a signal sent to us
  };

  ~ChildProcesses();  // kills what is still running
  Result<pid_t> Start(const ChildSpec& spec);
  // Waits for the next child exit or signal to us.
  Event Wait();
  // SIGTERM to every running group, SIGKILL to those still alive after grace_seconds; reaps them.
  void KillAll(int grace_seconds = 5);
  size_t running() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

// Starts a detached process (new session) that outlives us; returns its pid.
Result<pid_t> SpawnDetached(const ChildSpec& spec);

// The path of this executable.
std::string SelfExecutable();

}  // namespace mlflow::projects
