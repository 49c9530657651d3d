#pragma once
// Page tokens exactly as MLflow makes them: standard base64 (with padding) of the JSON
// {"offset": N}. Decoding any other input fails with INVALID_PARAMETER_VALUE; it never throws.
//
//   std::string t = EncodeOffsetToken(100);          // "eyJvZmZzZXQiOiAxMDB9"
//   Result<int64_t> off = DecodeOffsetToken(t);      // 100; "" -> 0 (first page)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "search/order_by.h"

namespace mlflow::search {

// base64(json.dumps({"offset": offset})). offset > 0.
std::string EncodeOffsetToken(int64_t offset);

// "" -> 0. Otherwise the offset (> 0). Errors (INVALID_PARAMETER_VALUE), as MLflow words them:
// "Invalid page token, could not base64-decode"; "Invalid page token, decoded value=b'...'"
// (not JSON); "Invalid page token, parsed value={...}" (no / zero / negative offset, not an
// object); "Invalid page token, not stringable X" (offset not an integer).
Result<int64_t> DecodeOffsetToken(std::string_view token);

// SearchLoggedModels token: base64 of {"experiment_ids": [...], "filter_string": str|null,
// "order_by": [obj]|null, "offset": N}; bound to the request that produced it.
struct LoggedModelPageToken {
  std::vector<std::string> experiment_ids;
  std::optional<std::string> filter_string;  // nullopt / "" both mean none
  std::vector<LoggedModelOrderBy> order_by;
  int64_t offset = 0;
};

std::string EncodeLoggedModelToken(const LoggedModelPageToken& token);
// Errors: "Invalid page token: T. <reason>".
Result<LoggedModelPageToken> DecodeLoggedModelToken(std::string_view token);
// Checks the token belongs to this request ("Experiment IDs in the page token do not match the
// requested experiment IDs. Expected: A. Found: B", same for filter string and order by).
Status ValidateLoggedModelToken(const LoggedModelPageToken& token,
                                const std::vector<std::string>& experiment_ids,
                                const std::optional<std::string>& filter_string,
                                const std::vector<LoggedModelOrderBy>& order_by);

// Standard base64 with padding; Base64Decode follows Python's b64decode (characters outside
// the alphabet are skipped; wrong padding fails).
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace mlflow::search
