#pragma once
// MLflow's trace-level rules that do not need a database (docs/reference/tracing.md section 5):
// token usage and cost aggregated over a span tree, request/response previews, the analytics
// values MLflow 3.17 keeps in trace_info columns (and their metadata form), assessment numbers.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/limits.h"
#include "core/status.h"
#include "tracing/json.h"

namespace mlflow::tracing {

// A span reduced to what aggregation needs: its id, its parent and the attribute's object
// (mlflow.chat.tokenUsage or mlflow.llm.cost), if it holds one.
struct AggregationNode {
  std::string span_id;
  std::optional<std::string> parent_id;
  std::optional<Json> data;  // an object
};

// The node for a span whose attribute value is `dumped` (the stored JSON text, or absent).
AggregationNode MakeAggregationNode(std::string span_id, std::optional<std::string> parent_id,
                                    const std::optional<std::string>& dumped);

// Sums the data of the topmost spans that carry it (a span below one that has data is skipped,
// so parent roll-ups are not counted twice). Usage: input/output/total_tokens always, the cache
// token keys when present; cost: input/output/total_cost. nullopt when no span has data.
// INVALID_PARAMETER_VALUE when a value is not a number (MLflow fails the whole batch there).
Result<std::optional<Json>> AggregateUsage(const std::vector<AggregationNode>& nodes);
Result<std::optional<Json>> AggregateCost(const std::vector<AggregationNode>& nodes);

// Analytics values MLflow 3.17 stores in trace_info columns; the metadata keys
// mlflow.trace.tokenUsage / mlflow.trace.cost / mlflow.trace.session are their JSON form.
inline constexpr std::array<const char*, 6> kTokenKeys = {
    "input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
    "cache_creation_input_tokens_above_1hr"};
inline constexpr std::array<const char*, 3> kCostKeys = {"input_cost", "output_cost", "total_cost"};

struct TraceAnalytics {
  std::optional<std::string> session_id;
  std::array<std::optional<int64_t>, 6> tokens;
  std::array<std::optional<double>, 3> costs;

  bool has_tokens() const;
  bool has_costs() const;
};

// Which analytics a metadata map sets (a key present with an unusable value sets NULL).
struct AnalyticsUpdate {
  std::optional<std::optional<std::string>> session_id;
  std::array<std::optional<std::optional<int64_t>>, 6> tokens;
  std::array<std::optional<std::optional<double>>, 3> costs;
  void ApplyTo(TraceAnalytics& a) const;
};

// MLflow's analytics_columns_from_metadata. INVALID_PARAMETER_VALUE when the session id is longer
// than 250 characters.
Result<AnalyticsUpdate> AnalyticsFromMetadata(const std::vector<KeyValue>& metadata);

// The metadata MLflow 3.17 renders from the columns: {"input_tokens": 1, ...} in key order.
std::optional<std::string> TokenUsageJson(const TraceAnalytics& a);
std::optional<std::string> CostJson(const TraceAnalytics& a);

// token_count_or_none / finite_float_or_none of a JSON value.
std::optional<int64_t> TokenCount(const Json& v);
std::optional<double> FiniteFloat(const Json& v);

// True for the metadata keys MLflow 3.17 keeps in columns instead of metadata rows.
bool IsPromotedMetadataKey(std::string_view key);

// The preview MLflow derives from a root span's mlflow.spanInputs / spanOutputs text: the last
// chat message of `role` when the value holds OpenAI-style messages, else the text; cut to 1000
// characters ("..." at the end).
std::string TruncatedPreview(const std::string& text, const char* role);

// "Trace name" / "Session ID" length checks: INVALID_PARAMETER_VALUE "'<what>' exceeds the maximum
// length of N characters".
Status ValidateTraceName(const std::string& name);
Status ValidateSessionId(const std::string& session_id);

// assessment_aggregate: the numeric view of an assessment value (bool -> 1/0, finite numbers,
// "yes"/"no"), and whether the value is a finite number.
std::pair<std::optional<double>, bool> AssessmentAggregate(const Json& value);

}  // namespace mlflow::tracing
