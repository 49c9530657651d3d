#pragma once
// Trace analytics (QueryTraceMetrics, POST /api/3.0/mlflow/traces/metrics), the parts that need
// no database: the metrics, aggregations and dimensions each view offers and MLflow 3.17's checks
// of them (mlflow/store/tracking/utils/sql_trace_metrics_utils.py), the one-clause filter grammar
// (`span.type = "LLM"`, `trace.tag.<key> = 'v'`), and the grouping / aggregation of the values the
// store reads (docs/reference/tracing.md, "Trace analytics").
//
//   TraceMetricsQuery q{.view = MetricView::kTraces, .metric_name = "latency", ...};
//   MLFLOW_RETURN_IF_ERROR(ValidateTraceMetricsQuery(q));
//   std::vector<MetricDataPoint> points = AggregateMetricSamples(q, samples);  // samples from the store
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::tracing {

enum class MetricView { kTraces, kSpans, kAssessments };
enum class AggregationKind { kCount, kSum, kAvg, kPercentile, kMin, kMax };

// The proto enum names ("TRACES", "COUNT", ...).
const char* MetricViewName(MetricView v);
const char* AggregationName(AggregationKind k);
std::optional<MetricView> MetricViewFromName(std::string_view name);
std::optional<AggregationKind> AggregationFromName(std::string_view name);

struct MetricAggregation {
  AggregationKind kind = AggregationKind::kCount;
  std::optional<double> percentile;  // PERCENTILE only, 0..100
  // The key of its value in a data point: "COUNT", "AVG", "P50.0" (Python's str of the float).
  std::string Label() const;
};

// One filter clause: `<view>.<entity>[.<key>] = <quoted value>`.
struct MetricFilter {
  std::string view;    // "trace" | "span" | "assessment"
  std::string entity;  // trace: status | tag | metadata; span: name | status | type; assessment: name | type
  std::optional<std::string> key;
  std::string value;
};

// INVALID_PARAMETER_VALUE with MLflow's messages (SearchTraceMetricsUtils) for anything else.
Result<MetricFilter> ParseMetricFilter(std::string_view filter);

struct TraceMetricsQuery {
  std::vector<std::string> experiment_ids;
  MetricView view = MetricView::kTraces;
  std::string metric_name;
  std::vector<MetricAggregation> aggregations;
  std::vector<std::string> dimensions;
  std::vector<std::string> filters;  // parsed by the store, one clause each, in order
  std::optional<int64_t> time_interval_seconds;  // 0 or absent: no time buckets
  std::optional<int64_t> start_time_ms;          // inclusive
  std::optional<int64_t> end_time_ms;            // inclusive
  int64_t max_results = 1000;                    // MLflow's MAX_RESULTS_QUERY_TRACE_METRICS
};

// MLflow's validate_query_trace_metrics_params, then the time-bucket bounds rule; the
// percentile rules of its MetricAggregation are the handler's (they fail before the store).
Status ValidateTraceMetricsQuery(const TraceMetricsQuery& q);

// The dimension names, in request order, that the store must read for `q`.
inline constexpr const char* kTimeBucketDimension = "time_bucket";

// One value the store read: its time bucket start (ms, already floored), the request's dimension
// values in request order (nullopt: the row is left out, as MLflow leaves out null dimensions),
// and the value to aggregate (nullopt: not counted). `distinct` is what session_count counts.
struct MetricSample {
  std::optional<int64_t> bucket_ms;
  std::vector<std::optional<std::string>> dimensions;
  std::optional<double> value;
  std::optional<std::string> distinct;
};

struct MetricDataPoint {
  std::string metric_name;
  std::vector<std::pair<std::string, std::string>> dimensions;  // time_bucket (ISO 8601) first
  std::vector<std::pair<std::string, double>> values;           // by aggregation label
};

// Groups by (time bucket, dimensions), ordered as MLflow's SQL orders them (bucket, then each
// dimension ascending, byte order), at most max_results groups. Without any grouping there is
// one group even over no rows (a COUNT of 0), as SQL's aggregate over an empty table; a group
// whose every aggregate is null is left out.
std::vector<MetricDataPoint> AggregateMetricSamples(const TraceMetricsQuery& q, std::vector<MetricSample> samples);

// The floor of `timestamp_ms` to a bucket of `interval_seconds`, as MLflow's SQL computes it
// (integer division, truncating).
int64_t TimeBucketStart(int64_t timestamp_ms, int64_t interval_seconds);
// datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(): "2026-12-06T21:00:00+00:00".
std::string TimeBucketIso(int64_t bucket_ms);

}  // namespace mlflow::tracing
