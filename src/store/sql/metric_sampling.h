#pragma once
// The sample of one run's metric history that get-history-bulk-interval (the UI's charts) returns,
// chosen exactly as MLflow 3.17.2's SQL store chooses it (SqlAlchemyStore.
// _sample_rows_with_window_functions): the run's points in the step range, ordered by
// (step, timestamp, value, is_nan), are cut into max_results NTILE buckets; the first point of each
// bucket is kept, and the last point always ends the sample (replacing the last bucket's first point
// when there are already max_results).
//
// What it costs: on SQLite, two seeks and one walk over the run's entries of
// idx_mlflowcpp_metric_steps (run_uuid, key, step, timestamp, value, is_nan), inside the database and
// index-only, plus one row read per kept point; a count and a second walk only when the history is
// not one point a step. On PostgreSQL and MySQL, a count and one numbering query. Never a sort,
// never a read of the table itself; still linear in the points in range (the walk passes each).
//
// Except on SQLite for a history known to be one point a step (metric_shapes.h): position p of the
// range is step first + p, so each kept point is one index seek, whatever the history's length.
// Each seek must find exactly one point; any other answer falls back to the walk.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "store/sql/connection.h"

namespace mlflow::store::sql {

// Positions (0-based, ascending) of the points kept out of `total` ordered points.
std::vector<int64_t> SampledPositions(int64_t total, int64_t max_results);

// The kept points of one run (run_id and key filled), in (step, timestamp, value, is_nan) order.
// start_step and end_step are both set or both unset. shapes_trusted (SQLite): the caller found
// the one-point-a-step rows trustworthy in this read snapshot (MetricShapesTrusted).
std::vector<Metric> SampleMetricHistory(Connection& c, const std::string& run_id, const std::string& key,
                                        std::optional<int64_t> start_step, std::optional<int64_t> end_step,
                                        int64_t max_results, bool shapes_trusted = false);

}  // namespace mlflow::store::sql
