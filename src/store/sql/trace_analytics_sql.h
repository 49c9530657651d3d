#pragma once
// Filters on a trace's token usage and cost metadata (mlflow.trace.tokenUsage, mlflow.trace.cost)
// as MLflow 3.17 evaluates them (docs/reference/tracing.md section 6): on its layout the values
// live in trace_info columns, and only the exact JSON MLflow renders from those columns (keys in
// column order, json.dumps spacing, token counts as integers, costs as floats) can be equal to a
// trace's metadata; any other value matches no trace. Shared by trace search (trace_search_sql.cc)
// and trace analytics (trace_metrics_sql.cc). Values are bound parameters, never SQL text.
//
//   AnalyticsPredicate p = AnalyticsMetadataEquals("t", kMetaTokenUsage, R"({"input_tokens": 3})");
//   sql += " AND " + p.text;  params.insert(params.end(), p.params.begin(), p.params.end());
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sql_value.h"
#include "tracing/trace_rules.h"

namespace mlflow::store::sql {

// SQL text with the values of its `?` placeholders, in order.
struct AnalyticsPredicate {
  std::string text;
  std::vector<SqlValue> params;
};

// mlflow.trace.tokenUsage or mlflow.trace.cost.
bool IsAnalyticsMetadataKey(std::string_view key);

// The column values an `=` filter value stands for: set only when `value` is exactly the JSON
// MLflow renders from them (nullopt: no trace can match). `key` is an analytics metadata key.
std::optional<tracing::TraceAnalytics> CanonicalAnalyticsValue(std::string_view key, const std::string& value);

// On MLflow 3.17's layout (`alias` names trace_info): any of the key's columns is set.
AnalyticsPredicate AnalyticsMetadataExists(const std::string& alias, std::string_view key);
// On MLflow 3.17's layout: the trace's metadata equals `value`.
AnalyticsPredicate AnalyticsMetadataEquals(const std::string& alias, std::string_view key, const std::string& value);

}  // namespace mlflow::store::sql
