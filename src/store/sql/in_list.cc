#include "store/sql/in_list.h"

#include <algorithm>

namespace mlflow::store::sql {
namespace {

size_t PaddedLength(size_t n) {
  for (size_t length : {size_t{1}, size_t{4}, size_t{16}, size_t{64}, size_t{256}}) {
    if (n <= length) return length;
  }
  return kInListChunk;
}

}  // namespace

std::vector<InListChunk> SplitInList(size_t count) {
  std::vector<InListChunk> chunks;
  for (size_t begin = 0; begin < count; begin += kInListChunk) {
    InListChunk chunk;
    chunk.begin = begin;
    chunk.size = std::min(kInListChunk, count - begin);
    chunk.padded = PaddedLength(chunk.size);
    chunk.placeholders.reserve(chunk.padded * 2 + 1);
    chunk.placeholders += '(';
    for (size_t i = 0; i < chunk.padded; ++i) chunk.placeholders += i ? ",?" : "?";
    chunk.placeholders += ')';
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

void BindInList(Statement& st, int first_index, const std::vector<std::string>& values, const InListChunk& chunk) {
  for (size_t i = 0; i < chunk.padded; ++i) {
    st.Bind(first_index + static_cast<int>(i), values[chunk.begin + std::min(i, chunk.size - 1)]);
  }
}

}  // namespace mlflow::store::sql
