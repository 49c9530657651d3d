#include "client/system_tags.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace mlflow::client_internal {
namespace {

namespace fs = std::filesystem;

std::string ReadFirstLine(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// argv[0] of this process (Python: sys.argv[0]).
std::string ProgramPath() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string arg0;
  std::getline(in, arg0, '\0');
  return arg0;
}

// The git directory of the checkout holding `start` (a .git folder, or the folder a .git file points to).
std::optional<fs::path> FindGitDir(fs::path dir) {
  std::error_code ec;
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    fs::path dot = dir / ".git";
    if (fs::is_directory(dot, ec)) return dot;
    if (fs::is_regular_file(dot, ec)) {  // worktrees and submodules: "gitdir: <path>"
      std::string line = ReadFirstLine(dot);
      if (line.rfind("gitdir: ", 0) == 0) {
        fs::path target = line.substr(8);
        return target.is_absolute() ? target : dir / target;
      }
    }
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

// A worktree's git dir names the shared one in "commondir".
fs::path CommonDir(const fs::path& git_dir) {
  std::string common = ReadFirstLine(git_dir / "commondir");
  if (common.empty()) return git_dir;
  fs::path p = common;
  return p.is_absolute() ? p : git_dir / p;
}

std::string ResolveRef(const fs::path& git_dir, const std::string& ref) {
  for (const fs::path& base : {git_dir, CommonDir(git_dir)}) {
    std::string loose = ReadFirstLine(base / ref);
    if (!loose.empty()) return loose;
    std::ifstream packed(base / "packed-refs");
    std::string line;
    while (std::getline(packed, line)) {
      if (line.size() > 41 && line.compare(41, std::string::npos, ref) == 0) return line.substr(0, 40);
    }
  }
  return "";
}

// The first remote's url in .git/config, without credentials (user:token@).
std::string RemoteUrl(const fs::path& git_dir) {
  std::ifstream in(CommonDir(git_dir) / "config");
  std::string line;
  bool in_remote = false;
  while (std::getline(in, line)) {
    std::string t = line;
    t.erase(0, t.find_first_not_of(" \t"));
    if (!t.empty() && t[0] == '[') {
      in_remote = t.rfind("[remote ", 0) == 0;
      continue;
    }
    if (in_remote && t.rfind("url", 0) == 0) {
      size_t eq = t.find('=');
      if (eq == std::string::npos) continue;
      std::string url = t.substr(eq + 1);
      url.erase(0, url.find_first_not_of(" \t"));
      while (!url.empty() && (url.back() == ' ' || url.back() == '\r')) url.pop_back();
      size_t scheme = url.find("://");
      size_t at = url.find('@');
      if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
        size_t slash = url.find('/', scheme + 3);
        if (slash == std::string::npos || at < slash) url.erase(scheme + 3, at - scheme - 2);
      }
      return url;
    }
  }
  return "";
}

}  // namespace

std::string CurrentUser() {
  // Python's getpass.getuser(): these variables first, then the password database.
  for (const char* name : {"LOGNAME", "USER", "LNAME", "USERNAME"}) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
  }
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "unknown";
}

std::map<std::string, std::string> DefaultRunTags() {
  std::map<std::string, std::string> tags;
  const char* username = std::getenv("MLFLOW_TRACKING_USERNAME");
  tags["mlflow.user"] = username && *username ? username : CurrentUser();
  std::string program = ProgramPath();
  tags["mlflow.source.name"] = program.empty() ? "<console>" : program;
  tags["mlflow.source.type"] = "LOCAL";
  if (program.empty()) return tags;
  // The checkout holding the program: its real location (argv[0] may be relative to a working
  // directory the program has left since).
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return tags;
  std::optional<fs::path> git_dir = FindGitDir(dir);
  if (!git_dir) return tags;
  std::string head = ReadFirstLine(*git_dir / "HEAD");
  std::string commit, branch;
  if (head.rfind("ref: ", 0) == 0) {
    std::string ref = head.substr(5);
    commit = ResolveRef(*git_dir, ref);
    if (ref.rfind("refs/heads/", 0) == 0) branch = ref.substr(11);
  } else {
    commit = head;
  }
  if (commit.empty()) return tags;  // a checkout without commits: Python sets no git tag either
  tags["mlflow.source.git.commit"] = commit;
  if (!branch.empty()) tags["mlflow.source.git.branch"] = branch;
  std::string url = RemoteUrl(*git_dir);
  if (!url.empty()) tags["mlflow.source.git.repoURL"] = url;
  return tags;
}

}  // namespace mlflow::client_internal
