#include "artifacts/file_streams.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace mlflow::artifacts {

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileSource::Open(const std::string& path, ProgressFn progress) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Status::InvalidParameter("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidParameter("'" + path + "' is not a regular file");
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  size_ = static_cast<uint64_t>(st.st_size);
  progress_ = std::move(progress);
  return Status();
}

int64_t FileSource::Read(char* buf, size_t size) {
  while (true) {
    ssize_t n = ::read(fd_, buf, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    done_ += static_cast<uint64_t>(n);
    if (progress_ && n > 0) progress_(done_, size_);
    return n;
  }
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Status FileSink::Open(const std::string& path, ProgressFn progress) {
  namespace fs = std::filesystem;
  path_ = path;
  progress_ = std::move(progress);
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  if (ec) return Status::Internal("cannot create folder for '" + path + "': " + ec.message());
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  tmp_ = (p.parent_path() / ("." + p.filename().string() + ".download-" + std::to_string(rng() % 1000000000))).string();
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    tmp_.clear();
    return Status::Internal("cannot create '" + path + "': " + std::strerror(errno));
  }
  return Status();
}

bool FileSink::Begin(std::optional<uint64_t> size) {
  total_ = size.value_or(0);
  return fd_ >= 0;
}

bool FileSink::Write(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
    done_ += static_cast<uint64_t>(n);
  }
  if (progress_) progress_(done_, total_);
  return true;
}

Status FileSink::Commit() {
  if (fd_ < 0) return Status::Internal("download target was not opened");
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return Status::Internal("cannot write '" + path_ + "': " + std::strerror(errno));
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return Status::Internal("cannot store '" + path_ + "': " + std::strerror(errno));
  }
  tmp_.clear();
  return Status();
}

}  // namespace mlflow::artifacts
