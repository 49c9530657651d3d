#include "projects/fetch.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "projects/process.h"

namespace mlflow::projects {
namespace fs = std::filesystem;
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// git's answer, or nullopt when git fails (not a repository, unknown ref).
std::optional<std::string> Git(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir});
  Result<CommandOutput> out = RunCapture(args, "", Stderr::kDiscard);  // a probe: "not a git repository" is an answer
  if (!out.ok() || out->exit_code != 0) return std::nullopt;
  return Trim(out->output);
}

Status GitOrFail(const std::string& dir, std::vector<std::string> args, const std::string& what) {
  args.insert(args.begin(), {"git", "-C", dir});
  MLFLOW_ASSIGN_OR_RETURN(CommandOutput out, RunCapture(args, "", Stderr::kMerge));
  if (out.exit_code != 0) return Status::InvalidParameter(what + "\n" + Trim(out.output));
  return Status();
}

bool IsBareRepository(const std::string& dir) {
  return Git(dir, {"rev-parse", "--is-bare-repository"}).value_or("") == "true";
}

bool IsWorkTree(const std::string& dir) {
  return Git(dir, {"rev-parse", "--is-inside-work-tree"}).value_or("") == "true";
}

// https://user:token@host/x -> https://host/x: repository URLs become tags anyone can read.
std::string StripCredentials(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t host_start = scheme_end + 3;
  size_t path_start = url.find('/', host_start);
  std::string netloc = url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  size_t at = netloc.rfind('@');
  if (at == std::string::npos) return url;
  return url.substr(0, host_start) + netloc.substr(at + 1) + (path_start == std::string::npos ? "" : url.substr(path_start));
}

Status FetchGit(const std::string& uri, const std::optional<std::string>& version, const std::string& dst) {
  MLFLOW_RETURN_IF_ERROR(GitOrFail(dst, {"init", "-q"}, "git init failed in " + dst));
  MLFLOW_RETURN_IF_ERROR(GitOrFail(dst, {"remote", "add", "origin", uri}, "git remote add failed"));
  if (version) {
    Status st = GitOrFail(dst, {"fetch", "-q", "--depth", "1", "--tags", "origin", *version}, "");
    if (st.ok()) st = GitOrFail(dst, {"checkout", "-q", *version}, "");
    // A sha a branch tip does not name may need the full history.
    if (!st.ok() && GitOrFail(dst, {"fetch", "-q", "--tags", "origin"}, "").ok()) {
      st = GitOrFail(dst, {"checkout", "-q", *version}, "");
    }
    if (!st.ok()) {
      return Status::InvalidParameter("Unable to checkout version '" + *version + "' of git repo " + uri +
                                      "- please ensure that the version exists in the repo. Error: " + st.message());
    }
  } else {
    std::optional<std::string> head = Git(dst, {"ls-remote", "--symref", "origin", "HEAD"});
    std::string branch;
    if (head && head->rfind("ref: refs/heads/", 0) == 0) {
      size_t start = std::string("ref: refs/heads/").size();
      branch = head->substr(start, head->find('\t') - start);
    }
    if (branch.empty()) return Status::InvalidParameter("Failed to find HEAD branch of git repo " + uri);
    MLFLOW_RETURN_IF_ERROR(GitOrFail(dst, {"fetch", "-q", "--depth", "1", "origin", branch}, "git fetch failed"));
    MLFLOW_RETURN_IF_ERROR(GitOrFail(dst, {"checkout", "-q", "-b", branch, "FETCH_HEAD"}, "git checkout failed"));
  }
  return GitOrFail(dst, {"submodule", "-q", "update", "--init", "--recursive"}, "git submodule update failed");
}

// file://<repo root>#<sub dir> when the folder is inside a git work tree, else the folder.
std::string LocalSourceName(const std::string& abs_dir) {
  std::optional<std::string> root = Git(abs_dir, {"rev-parse", "--show-toplevel"});
  if (!root || root->empty()) return abs_dir;
  std::string rel = abs_dir;
  if (rel.rfind(*root, 0) == 0) rel = rel.substr(root->size());
  if (rel.empty()) return "file://" + *root;
  if (rel[0] == '/') rel.erase(0, 1);
  return "file://" + *root + "#" + rel;
}

}  // namespace

std::string CurrentUser() {
  for (const char* name : {"LOGNAME", "USER", "LNAME", "USERNAME"}) {
    if (const char* v = std::getenv(name); v && *v) return v;
  }
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name) return pw->pw_name;
  return "unknown";
}

Result<FetchedProject> FetchProject(const std::string& raw_uri, const std::optional<std::string>& version) {
  std::string uri = raw_uri;
  while (!uri.empty() && (uri.front() == '\'' || uri.front() == '"')) uri.erase(0, 1);
  while (!uri.empty() && (uri.back() == '\'' || uri.back() == '"')) uri.pop_back();
  std::string subdir;
  std::string base = uri;
  if (size_t hash = uri.find('#'); hash != std::string::npos) {
    subdir = uri.substr(hash + 1);
    base = uri.substr(0, hash);
  }
  if (subdir.find('.') != std::string::npos) {
    return Status::InvalidParameter("'.' is not allowed in project subdirectory paths.");
  }
  std::string local_path = base.rfind("file://", 0) == 0 ? base.substr(7) : base;
  std::error_code ec;
  // A local bare repository has no work tree to run in: it is fetched like a remote one.
  bool local = !local_path.empty() && fs::is_directory(local_path, ec) && !IsBareRepository(local_path);

  FetchedProject out;
  std::string root;
  if (local) {
    root = fs::absolute(local_path).lexically_normal().string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    if (version) {
      if (!IsWorkTree(root)) {
        return Status::InvalidParameter("Setting a version is only supported for Git project URIs");
      }
      Status st = GitOrFail(root, {"checkout", "-q", *version}, "");
      if (!st.ok()) {
        return Status::InvalidParameter("Unable to checkout version '" + *version + "' of git repo " + root +
                                        "- please ensure that the version exists in the repo. Error: " + st.message());
      }
    }
    out.source_name = subdir.empty() ? LocalSourceName(root) : uri;
  } else {
    std::string tmpl = (fs::temp_directory_path() / "mlflow-project-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return Status::Internal("cannot create a temporary folder");
    out.temp_dir = root = tmpl;
    std::fprintf(stderr, "=== Fetching project from %s into %s ===\n", uri.c_str(), root.c_str());
    Status st = FetchGit(base, version, root);
    if (!st.ok()) {
      fs::remove_all(root, ec);
      return st;
    }
    out.source_name = uri;
  }
  fs::path work = subdir.empty() ? fs::path(root) : fs::path(root) / subdir;
  if (!fs::is_directory(work, ec)) {
    if (!out.temp_dir.empty()) fs::remove_all(out.temp_dir, ec);
    return Status::InvalidParameter("Could not find subdirectory " + subdir + " of " + root);
  }
  out.work_dir = work.lexically_normal().string();
  while (out.work_dir.size() > 1 && out.work_dir.back() == '/') out.work_dir.pop_back();
  out.git_commit = Git(out.work_dir, {"rev-parse", "HEAD"});
  if (std::optional<std::string> remotes = Git(out.work_dir, {"config", "--get-regexp", "^remote\\..*\\.url$"})) {
    std::string first = remotes->substr(0, remotes->find('\n'));
    if (size_t space = first.find(' '); space != std::string::npos) out.repo_url = StripCredentials(first.substr(space + 1));
  }
  if (version && Git(out.work_dir, {"rev-parse", "--verify", "-q", "refs/heads/" + *version})) out.git_branch = *version;
  return out;
}

}  // namespace mlflow::projects
