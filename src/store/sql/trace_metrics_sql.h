#pragma once
// QueryTraceMetrics' reads (docs/reference/tracing.md, "Trace analytics"): one parameterised
// SELECT per view over MLflow's trace tables, scoped to the experiments, the time range and the
// filter clauses, whose rows become the samples tracing::AggregateMetricSamples groups. Filter
// keys and values are bound parameters, never SQL text.
//
// Both trace layouts are read (sql_trace_store.h): MLflow 3.17's analytics columns where they
// exist, else the tag / metadata rows and span JSON they were computed from, with the same result.
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "store/sql/connection.h"
#include "tracing/trace_metrics.h"

namespace mlflow::store::sql {

// `q` already validated (tracing::ValidateTraceMetricsQuery). INVALID_PARAMETER_VALUE for a bad
// filter clause, with MLflow's messages.
Result<std::vector<tracing::MetricSample>> ReadMetricSamples(Connection& c, const tracing::TraceMetricsQuery& q,
                                                             const std::vector<int64_t>& experiment_ids,
                                                             bool analytics_layout);

}  // namespace mlflow::store::sql
