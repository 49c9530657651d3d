#include "store/sql/trace_analytics_sql.h"

#include "core/py_json.h"
#include "core/trace_entities.h"

namespace mlflow::store::sql {
namespace {

bool IsTokens(std::string_view key) { return key == kMetaTokenUsage; }

// The trace_info columns of the key (named as the JSON keys).
std::vector<const char*> ColumnsOf(std::string_view key) {
  if (IsTokens(key)) return {tracing::kTokenKeys.begin(), tracing::kTokenKeys.end()};
  return {tracing::kCostKeys.begin(), tracing::kCostKeys.end()};
}

}  // namespace

bool IsAnalyticsMetadataKey(std::string_view key) { return key == kMetaTokenUsage || key == kMetaCost; }

std::optional<tracing::TraceAnalytics> CanonicalAnalyticsValue(std::string_view key, const std::string& value) {
  const bool tokens = IsTokens(key);
  const std::vector<const char*> cols = ColumnsOf(key);
  std::optional<PyJson> parsed = PyJsonLoads(value);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  // A key that is not a column makes the value unusable (MLflow: set(parsed) must be a subset).
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    bool known = false;
    for (const char* c : cols) known = known || it.key() == c;
    if (!known) return std::nullopt;
  }
  tracing::TraceAnalytics a;
  PyJson normalized = PyJson::object();
  for (size_t i = 0; i < cols.size(); ++i) {
    auto it = parsed->find(cols[i]);
    if (it == parsed->end()) continue;
    if (tokens) {
      a.tokens[i] = tracing::TokenCount(*it);
      if (a.tokens[i]) normalized[cols[i]] = *a.tokens[i];
    } else {
      a.costs[i] = tracing::FiniteFloat(*it);
      if (a.costs[i]) normalized[cols[i]] = *a.costs[i];
    }
  }
  if (normalized.empty() || PyJsonDumps(normalized) != value) return std::nullopt;
  return a;
}

AnalyticsPredicate AnalyticsMetadataExists(const std::string& alias, std::string_view key) {
  AnalyticsPredicate p;
  p.text = "(";
  bool first = true;
  for (const char* col : ColumnsOf(key)) {
    p.text += std::string(first ? "" : " OR ") + alias + "." + col + " IS NOT NULL";
    first = false;
  }
  p.text += ")";
  return p;
}

AnalyticsPredicate AnalyticsMetadataEquals(const std::string& alias, std::string_view key, const std::string& value) {
  AnalyticsPredicate p;
  std::optional<tracing::TraceAnalytics> want = CanonicalAnalyticsValue(key, value);
  if (!want) {
    p.text = "1 = 0";
    return p;
  }
  const bool tokens = IsTokens(key);
  const std::vector<const char*> cols = ColumnsOf(key);
  p.text = "(";
  for (size_t i = 0; i < cols.size(); ++i) {
    const std::string col = alias + "." + cols[i];
    if (i) p.text += " AND ";
    const bool set = tokens ? want->tokens[i].has_value() : want->costs[i].has_value();
    if (!set) {
      p.text += col + " IS NULL";
      continue;
    }
    // The IS NOT NULL keeps the conjunction false, not unknown, on a NULL column, so that a
    // negation of it (search's `!=`) holds there as MLflow's does.
    p.text += "(" + col + " IS NOT NULL AND " + col + " = ?)";
    if (tokens) {
      p.params.emplace_back(*want->tokens[i]);
    } else {
      p.params.emplace_back(*want->costs[i]);
    }
  }
  p.text += ")";
  return p;
}

}  // namespace mlflow::store::sql
