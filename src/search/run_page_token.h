#pragma once
// Run search page tokens with a keyset: MLflow's token is base64 of {"offset": N} and its server
// skips N rows, so page k of a walk costs k pages. Ours is the same JSON with one more member,
// "keyset", holding where the page ended (the segment of the order, the order key's value, the
// run's start_time and run_uuid) and a digest of the query it belongs to. The next page then starts
// with an index seek past that row (run_search_sql.h) instead of skipping rows.
//
//   {"offset": 2000, "keyset": {"q": "5f0e...", "s": 0, "v": 0.25, "t": 1700000000000, "u": "ab12..."}}
//
// The token stays opaque base64 JSON: MLflow's server (or an older mlflow-cpp) reading one of ours
// sees its offset and serves the same page. An offset-only token (MLflow's, or ours from another
// query) is served by offset, as MLflow serves it. A keyset whose digest does not match the request
// is ignored: the offset applies.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/sql_value.h"
#include "core/status.h"

namespace mlflow::search {

struct RunKeyset {
  std::string query_digest;        // QueryDigest of the request the page belongs to
  int segment = 0;                 // index into the compiled search's run_segments
  SqlValue value;                  // the order key's value in that row (monostate when none)
  std::optional<int64_t> start_time;
  std::string run_uuid;
};

struct RunPageToken {
  int64_t offset = 0;  // rows before the next page, as MLflow counts them
  std::optional<RunKeyset> keyset;
};

// "" -> offset 0. Errors exactly as DecodeOffsetToken (MLflow's messages); a malformed "keyset"
// member is ignored (the offset applies).
Result<RunPageToken> DecodeRunPageToken(std::string_view token);
std::string EncodeRunPageToken(int64_t offset, const RunKeyset& keyset);

// A stable digest (FNV-1a, hex) of the text that identifies a query: the same request in another
// process or replica gets the same digest.
std::string QueryDigest(std::string_view canonical);

}  // namespace mlflow::search
