#include "artifacts/object_store_repository.h"

#include <algorithm>

#include "artifacts/path_safety.h"

namespace mlflow::artifacts {
namespace {

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  return s;
}

}  // namespace

ObjectStoreRepository::ObjectStoreRepository(std::string prefix) : prefix_(TrimSlashes(std::move(prefix))) {}

Result<std::string> ObjectStoreRepository::KeyFor(const std::string& path) const {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  return JoinPath(prefix_, norm);
}

Result<std::vector<FileInfo>> ObjectStoreRepository::List(const std::string& dir) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(dir));
  std::string key_prefix = JoinPath(prefix_, norm);
  if (!key_prefix.empty()) key_prefix += "/";
  Listing listing;
  MLFLOW_RETURN_IF_ERROR(ListObjects(key_prefix, true, 0, &listing));
  std::vector<FileInfo> out;
  std::vector<std::string> dirs;
  for (const auto& d : listing.prefixes) {
    if (d.size() <= key_prefix.size() || d.compare(0, key_prefix.size(), key_prefix) != 0) continue;
    std::string name = TrimSlashes(d.substr(key_prefix.size()));
    if (name.empty()) continue;
    dirs.push_back(name);
    out.push_back(FileInfo{JoinPath(norm, name), true, std::nullopt});
  }
  for (const auto& f : listing.objects) {
    // Skips the folder's own marker object ("dir/") and keys outside the prefix.
    if (f.path.size() <= key_prefix.size() || f.path.compare(0, key_prefix.size(), key_prefix) != 0) continue;
    std::string name = f.path.substr(key_prefix.size());
    if (name.find('/') != std::string::npos) continue;
    // A marker object named like a sub-folder (hierarchical namespaces keep one per folder): the
    // folder is listed once, as a folder.
    if (std::find(dirs.begin(), dirs.end(), name) != dirs.end()) continue;
    out.push_back(FileInfo{JoinPath(norm, name), false, f.file_size});
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status ObjectStoreRepository::Write(const std::string& path, ByteSource& src) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return InvalidPath();
  return WriteObject(JoinPath(prefix_, norm), src);
}

Status ObjectStoreRepository::Read(const std::string& path, ByteSink& sink) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return Status::NotFound("No such artifact: '" + path + "'");
  Status st = ReadObject(JoinPath(prefix_, norm), sink);
  if (st.code() == ErrorCode::kResourceDoesNotExist) return Status::NotFound("No such artifact: '" + norm + "'");
  return st;
}

Status ObjectStoreRepository::Delete(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return InvalidPath();
  std::string key = JoinPath(prefix_, norm);
  Listing listing;
  MLFLOW_RETURN_IF_ERROR(ListObjects(key + "/", false, 0, &listing));
  std::vector<std::string> keys;
  for (const auto& f : listing.objects) keys.push_back(f.path);
  keys.push_back(key);
  // Deepest first: with a hierarchical namespace a folder can only go once it is empty, and a key
  // sorts before the keys that extend it.
  std::sort(keys.rbegin(), keys.rend());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& k : keys) MLFLOW_RETURN_IF_ERROR(DeleteObject(k));
  return Status();
}

Result<bool> ObjectStoreRepository::IsDirectory(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return true;
  Listing listing;
  MLFLOW_RETURN_IF_ERROR(ListObjects(JoinPath(prefix_, norm) + "/", false, 1, &listing));
  return !listing.objects.empty();
}

}  // namespace mlflow::artifacts
