#pragma once
// MLflow's trace search language (SearchTraceUtils, MLflow 3.17): filters and order_by for
// SearchTracesV3, parsed into clauses. The SQL for them is in store/sql/trace_search_sql.h.
//
//   Result<std::vector<TraceClause>> f = ParseTraceFilter("trace.status = 'OK' AND tags.k LIKE 'v%'");
//   Result<std::vector<TraceOrderBy>> o = ParseTraceOrderBy({"timestamp_ms DESC"});
//
// Keys: `trace.`/`attributes.`/`attribute.` or none (attributes: request_id, timestamp[_ms],
// execution_time[_ms], end_time[_ms], status, client_request_id; `name`, `run_id`, `prompt` and
// `text` map to the trace-name tag, the source-run metadata, the linked-prompts tag and span
// content), `tags.`/`tag.`, `metadata.`/`request_metadata.`, `span.` (name, type, status,
// content, attributes.<k>), `feedback.<name>` / `expectation.<name>`, `issue.id`. Comparators are
// checked per key type with MLflow's messages (docs/reference/tracing.md section 6). Errors are
// INVALID_PARAMETER_VALUE; any byte string is safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace mlflow::search {

enum class TraceKeyType { kAttribute, kTag, kMetadata, kSpan, kFeedback, kExpectation, kIssue };

enum class TraceComparator { kEq, kNe, kLt, kLe, kGt, kGe, kLike, kILike, kRLike, kIn, kNotIn, kIsNull, kIsNotNull };

// A numeric literal: integer when written without a fraction or exponent.
struct TraceNumber {
  bool is_integer = true;
  int64_t integer = 0;
  double value = 0;
  std::string text;
};

using TraceValue = std::variant<std::monostate, std::string, TraceNumber, std::vector<std::string>>;

struct TraceClause {
  TraceKeyType type = TraceKeyType::kAttribute;
  // Canonical key: attribute aliases resolved (timestamp -> timestamp_ms, execution_time ->
  // execution_time_ms, end_time -> end_time_ms); name/prompt/run_id/text moved to their tag,
  // metadata or span key; span keys "name" | "type" | "status" | "content" | "attributes.<k>".
  std::string key;
  TraceComparator comparator = TraceComparator::kEq;
  TraceValue value;
};

struct TraceOrderBy {
  TraceKeyType type = TraceKeyType::kAttribute;  // attribute, tag or metadata
  std::string key;
  bool ascending = true;
};

Result<std::vector<TraceClause>> ParseTraceFilter(std::string_view filter);
// Also refuses duplicates ("`order_by` contains duplicate fields: [...]") and ordering by the
// token-usage / cost metadata.
Result<std::vector<TraceOrderBy>> ParseTraceOrderBy(const std::vector<std::string>& order_by);

std::string_view TraceComparatorText(TraceComparator c);

}  // namespace mlflow::search
