#pragma once
// ByteSource / ByteSink over local files, with optional progress. FileSink writes to a hidden
// temporary file next to the target and renames it into place on Commit().
#include <string>

#include "artifacts/artifact_repository.h"

namespace mlflow::artifacts {

class FileSource : public ByteSource {
 public:
  FileSource() = default;
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Status Open(const std::string& path, ProgressFn progress = nullptr);
  int64_t Read(char* buf, size_t size) override;
  std::optional<uint64_t> Size() const override { return size_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t done_ = 0;
  ProgressFn progress_;
};

class FileSink : public ByteSink {
 public:
  FileSink() = default;
  ~FileSink() override;  // removes the temporary file unless committed
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  // Creates parent folders and the temporary file.
  Status Open(const std::string& path, ProgressFn progress = nullptr);
  bool Begin(std::optional<uint64_t> size) override;
  bool Write(const char* data, size_t size) override;
  // Renames the finished file into place.
  Status Commit();

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  ProgressFn progress_;
};

}  // namespace mlflow::artifacts
