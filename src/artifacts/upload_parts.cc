#include "artifacts/upload_parts.h"

#include <algorithm>

namespace mlflow::artifacts {

int64_t LimitedSource::Read(char* buf, size_t size) {
  if (left_ == 0) return 0;
  int64_t n = inner_.Read(buf, static_cast<size_t>(std::min<uint64_t>(size, left_)));
  if (n <= 0) return -1;  // broken, or the body ended before the declared size
  left_ -= static_cast<uint64_t>(n);
  return n;
}

int64_t BufferSource::Read(char* buf, size_t size) {
  size_t n = std::min(size, data_.size() - pos_);
  std::copy_n(data_.data() + pos_, n, buf);
  pos_ += n;
  return static_cast<int64_t>(n);
}

bool FillBuffer(ByteSource& src, size_t want, std::string* buf) {
  buf->resize(want);
  size_t got = 0;
  while (got < want) {
    int64_t n = src.Read(buf->data() + got, want - got);
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  buf->resize(got);
  return true;
}

}  // namespace mlflow::artifacts
