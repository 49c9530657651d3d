#pragma once
// Pieces of an upload body for the object stores that take large files in parts (S3 multipart,
// Azure blocks, GCS resumable chunks): a part read straight from the body, or buffered when the
// body's size is unknown (the only way to know that a part is the last one).
//
//   LimitedSource part(body, 16 << 20);   // streams the next 16 MiB of body, no copy
//   std::string buf;
//   if (!FillBuffer(body, 16 << 20, &buf)) ...;  // buf.size() < 16 MiB: this was the last part
#include <string>

#include "artifacts/artifact_repository.h"

namespace mlflow::artifacts {

// Exactly `limit` bytes of another source; a body that ends early is a broken source (-1).
class LimitedSource : public ByteSource {
 public:
  LimitedSource(ByteSource& inner, uint64_t limit) : inner_(inner), left_(limit), limit_(limit) {}
  int64_t Read(char* buf, size_t size) override;
  std::optional<uint64_t> Size() const override { return limit_; }

 private:
  ByteSource& inner_;
  uint64_t left_;
  uint64_t limit_;
};

// A part held in memory by the caller.
class BufferSource : public ByteSource {
 public:
  explicit BufferSource(const std::string& data) : data_(data) {}
  int64_t Read(char* buf, size_t size) override;
  std::optional<uint64_t> Size() const override { return data_.size(); }

 private:
  const std::string& data_;
  size_t pos_ = 0;
};

// Fills *buf with up to `want` bytes of src (fewer at its end); false when src broke.
bool FillBuffer(ByteSource& src, size_t want, std::string* buf);

}  // namespace mlflow::artifacts
