#include "projects/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

namespace mlflow::projects {
namespace {

sigset_t ManagedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// In the forked child: the signal mask and dispositions back to defaults, then exec.
[[noreturn]] void ExecChild(const ChildSpec& spec, int stdout_fd, Stderr stderr_mode) {
  sigset_t all = ManagedSignals();
  sigprocmask(SIG_UNBLOCK, &all, nullptr);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  if (stdout_fd >= 0) {
    dup2(stdout_fd, STDOUT_FILENO);
    if (stderr_mode == Stderr::kMerge) dup2(stdout_fd, STDERR_FILENO);
    close(stdout_fd);
  }
  if (stderr_mode == Stderr::kDiscard) {
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      dup2(null_fd, STDERR_FILENO);
      close(null_fd);
    }
  }
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
    std::fprintf(stderr, "cannot enter %s: %s\n", spec.cwd.c_str(), std::strerror(errno));
    _exit(127);
  }
  for (const auto& [k, v] : spec.env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (const std::string& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

}  // namespace

Result<CommandOutput> RunCapture(const std::vector<std::string>& argv, const std::string& cwd, Stderr stderr_mode) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Internal(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    ChildSpec spec{argv, cwd, {}, false};
    ExecChild(spec, fds[1], stderr_mode);
  }
  close(fds[1]);
  CommandOutput out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exit_code = ExitCodeOf(status);
  return out;
}

SignalGuard::SignalGuard() {
  sigset_t set = ManagedSignals();
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

SignalGuard::~SignalGuard() {
  sigset_t set = ManagedSignals();
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

ChildProcesses::~ChildProcesses() {
  if (!pids_.empty()) KillAll();
}

Result<pid_t> ChildProcesses::Start(const ChildSpec& spec) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return Status::Internal(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    ExecChild(spec, -1, Stderr::kInherit);
  }
  setpgid(pid, pid);  // also here: no window where a kill(-pid) would miss the child
  pids_.push_back(pid);
  return pid;
}

ChildProcesses::Event ChildProcesses::Wait() {
  sigset_t set = ManagedSignals();
  for (;;) {
    for (size_t i = 0; i < pids_.size(); ++i) {
      int status = 0;
      pid_t got = waitpid(pids_[i], &status, WNOHANG);
      if (got == pids_[i]) {
        pids_.erase(pids_.begin() + static_cast<long>(i));
        return Event{got, ExitCodeOf(status), 0};
      }
    }
    timespec timeout{0, 50 * 1000 * 1000};
    int sig = sigtimedwait(&set, nullptr, &timeout);
    if (sig > 0) return Event{0, 0, sig};
  }
}

void ChildProcesses::KillAll(int grace_seconds) {
  for (pid_t pid : pids_) kill(-pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
  while (!pids_.empty()) {
    for (size_t i = 0; i < pids_.size();) {
      int status = 0;
      if (waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
        // The leader is gone; its group may still hold children that ignored SIGTERM.
        kill(-pids_[i], SIGKILL);
        pids_.erase(pids_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    if (pids_.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      for (pid_t pid : pids_) kill(-pid, SIGKILL);
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<pid_t> SpawnDetached(const ChildSpec& spec) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return Status::Internal(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setsid();
    ExecChild(spec, -1, Stderr::kInherit);
  }
  return pid;
}

std::string SelfExecutable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "mlflow-cpp" : p.string();
}

}  // namespace mlflow::projects
