#include "artifacts/local_repository.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <vector>

#include "artifacts/path_safety.h"

namespace mlflow::artifacts {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr const char* kTempInfix = ".mlflow-upload-";

// True when `p` is `base` or lies below it (both canonical).
bool IsWithin(const fs::path& p, const fs::path& base) {
  auto pi = p.begin();
  for (auto bi = base.begin(); bi != base.end(); ++bi, ++pi) {
    if (bi->empty()) continue;  // trailing separator
    if (pi == p.end() || *pi != *bi) return false;
  }
  return true;
}

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

int PercentHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UnquotePath(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && PercentHex(in[i + 1]) >= 0 && PercentHex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(PercentHex(in[i + 1]) * 16 + PercentHex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

Status ErrnoStatus(const std::string& what, int err) {
  return Status::Internal(what + ": " + std::strerror(err));
}

// Closes a descriptor and removes a temporary file unless released.
class TempFile {
 public:
  TempFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void Release() { path_.clear(); }

 private:
  int fd_;
  fs::path path_;
};

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

size_t SweepStaleUploads(const fs::path& root, std::chrono::seconds max_age, size_t max_entries) {
  size_t removed = 0, seen = 0;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  // Symlinks are not followed: only files below the root itself are touched.
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end && seen < max_entries; it.increment(ec), ++seen) {
    std::error_code ec2;
    if (!it->is_regular_file(ec2) || it->is_symlink(ec2)) continue;
    if (!LocalArtifactRepository::IsTemporaryName(it->path().filename().string())) continue;
    auto mtime = it->last_write_time(ec2);
    if (ec2 || now - mtime < max_age) continue;
    if (fs::remove(it->path(), ec2)) ++removed;
  }
  return removed;
}

Result<std::string> LocalPathFromUri(const std::string& uri) {
  std::string path = uri;
  if (uri.rfind("file:", 0) == 0) {
    std::string rest = uri.substr(5);
    if (rest.rfind("//", 0) == 0) {
      rest = rest.substr(2);
      size_t slash = rest.find('/');
      std::string host = rest.substr(0, slash);
      if (!host.empty() && host != "localhost") {
        return Status::InvalidParameter("file: URI with a remote host is not supported: '" + uri + "'");
      }
      rest = slash == std::string::npos ? "/" : rest.substr(slash);
    }
    path = UnquotePath(rest);
  }
  if (path.empty()) return Status::InvalidParameter("empty artifact location");
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return Status::InvalidParameter("invalid local path '" + path + "': " + ec.message());
  return abs.lexically_normal().string();
}

LocalArtifactRepository::LocalArtifactRepository(fs::path root) : root_(std::move(root).lexically_normal()) {}

std::string LocalArtifactRepository::root_uri() const { return root_.string(); }

bool LocalArtifactRepository::IsTemporaryName(const std::string& name) {
  return !name.empty() && name[0] == '.' && name.find(kTempInfix) != std::string::npos;
}

Result<fs::path> LocalArtifactRepository::Resolve(const std::string& path, std::string* normalized) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  fs::path full = norm.empty() ? root_ : root_ / norm;
  // Follow symlinks in the existing part of the path: the result must stay below the root.
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(root_, ec);
  if (ec) return Status::Internal("cannot resolve artifact root '" + root_.string() + "': " + ec.message());
  fs::path real = fs::weakly_canonical(full, ec);
  if (ec) return InvalidPath();
  if (!IsWithin(real, real_root)) return InvalidPath();
  if (normalized) *normalized = norm;
  return full;
}

Result<std::vector<FileInfo>> LocalArtifactRepository::List(const std::string& dir) {
  std::string norm;
  MLFLOW_ASSIGN_OR_RETURN(fs::path full, Resolve(dir, &norm));
  std::vector<FileInfo> out;
  std::error_code ec;
  if (!fs::is_directory(full, ec)) return out;
  fs::path real_root = fs::weakly_canonical(root_, ec);
  for (fs::directory_iterator it(full, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (IsTemporaryName(name)) continue;
    std::error_code ec2;
    // Entries that are symlinks leaving the root are not listed: they could never be read.
    if (it->is_symlink(ec2)) {
      fs::path target = fs::weakly_canonical(it->path(), ec2);
      if (ec2 || !IsWithin(target, real_root)) continue;
    }
    FileInfo info;
    info.path = norm.empty() ? name : norm + "/" + name;
    info.is_dir = it->is_directory(ec2);
    if (!info.is_dir) {
      auto size = it->file_size(ec2);
      if (ec2) continue;  // vanished, dangling link, special file
      info.file_size = static_cast<int64_t>(size);
    }
    out.push_back(std::move(info));
  }
  if (ec) return Status::Internal("cannot list '" + full.string() + "': " + ec.message());
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status LocalArtifactRepository::Write(const std::string& path, ByteSource& src) {
  std::string norm;
  MLFLOW_ASSIGN_OR_RETURN(fs::path full, Resolve(path, &norm));
  if (norm.empty()) return InvalidPath();
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  if (ec == std::errc::not_a_directory || ec == std::errc::file_exists) {
    // A file sits where a folder of the path should be: the client's mistake, not a server fault.
    return Status::InvalidParameter("Cannot upload '" + norm + "': a parent of the path is a file");
  }
  if (ec) return Status::Internal("cannot create folder for '" + norm + "': " + ec.message());
  // The folders just created may have raced with a symlink swap: check again.
  MLFLOW_RETURN_IF_ERROR(Resolve(path, nullptr).status());
  if (fs::is_directory(full, ec)) {
    return Status::InvalidParameter("Cannot upload '" + norm + "': a directory exists at that path");
  }
  fs::path tmp = full.parent_path() / ("." + full.filename().string() + kTempInfix + RandomSuffix());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return ErrnoStatus("cannot create '" + norm + "'", errno);
  TempFile guard(fd, tmp);
  std::vector<char> buf(kChunk);
  uint64_t total = 0;
  while (true) {
    int64_t n = src.Read(buf.data(), buf.size());
    if (n < 0) return Status::BadRequest("Upload of '" + norm + "' was interrupted");
    if (n == 0) break;
    if (!WriteAll(fd, buf.data(), static_cast<size_t>(n))) return ErrnoStatus("cannot write '" + norm + "'", errno);
    total += static_cast<uint64_t>(n);
  }
  if (auto expected = src.Size(); expected && *expected != total) {
    return Status::BadRequest("Upload of '" + norm + "' was truncated");
  }
  if (guard.Close() != 0) return ErrnoStatus("cannot write '" + norm + "'", errno);
  if (::rename(tmp.c_str(), full.c_str()) != 0) return ErrnoStatus("cannot store '" + norm + "'", errno);
  guard.Release();
  return Status();
}

Status LocalArtifactRepository::Read(const std::string& path, ByteSink& sink) {
  std::string norm;
  MLFLOW_ASSIGN_OR_RETURN(fs::path full, Resolve(path, &norm));
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound("No such artifact: '" + norm + "'");
    return ErrnoStatus("cannot open '" + norm + "'", errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    if (S_ISDIR(st.st_mode)) {
      return Status::InvalidParameter("Artifact path refers to a directory, not a file: '" + norm + "'");
    }
    return Status::NotFound("No such artifact: '" + norm + "'");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Status result;
  if (!sink.Begin(static_cast<uint64_t>(st.st_size))) {
    ::close(fd);
    return Status(ErrorCode::kAborted, "download of '" + norm + "' was cancelled");
  }
  std::vector<char> buf(kChunk);
  while (true) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      result = ErrnoStatus("cannot read '" + norm + "'", errno);
      break;
    }
    if (n == 0) break;
    if (!sink.Write(buf.data(), static_cast<size_t>(n))) {
      result = Status(ErrorCode::kAborted, "download of '" + norm + "' was cancelled");
      break;
    }
  }
  ::close(fd);
  return result;
}

Status LocalArtifactRepository::Delete(const std::string& path) {
  std::string norm;
  MLFLOW_ASSIGN_OR_RETURN(fs::path full, Resolve(path, &norm));
  if (norm.empty()) return InvalidPath();  // never the whole root
  std::error_code ec;
  fs::remove_all(full, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::Internal("cannot delete '" + norm + "': " + ec.message());
  }
  return Status();
}

Result<bool> LocalArtifactRepository::IsDirectory(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(fs::path full, Resolve(path, nullptr));
  std::error_code ec;
  return fs::is_directory(full, ec);
}

}  // namespace mlflow::artifacts
