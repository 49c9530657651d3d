#pragma once
// Splits a libFuzzer input into a few leading selector bytes and the text that follows, so one
// target can exercise several entry points (scripts/fuzz.sh, fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mlflow::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  // The next selector byte (0 once the input is used up).
  uint8_t Byte() {
    if (pos_ >= size_) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  // Text up to the next '\n' (or the end), consumed with its '\n'.
  std::string_view Line() {
    std::string_view rest = Rest();
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    pos_ += nl == std::string_view::npos ? rest.size() : nl + 1;
    return line;
  }
  // Everything not consumed yet.
  std::string_view Rest() const { return std::string_view(data_ + pos_, size_ - pos_); }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace mlflow::fuzz
