#pragma once
// SQLite's ceiling for tracking_bench's write figures, measured like with like: on a copy of the
// server's own database taken right after the phase (the same B-trees, as deep as the server's,
// with every index the server keeps: MLflow's and mlflow-cpp's, schema.cc CreateExtraIndexes), and
// writing the rows the server wrote in that phase, in its order: the same number of runs written
// to at once (one per client), one latest_metrics upsert per key and request, the metric-shape
// rows and the shape mark's update per transaction (store/sql/metric_shapes.h). Only rows: the
// server's reads (the run's lookup, the shape check), SAVEPOINTs and answers are not in it.
//
//   CopyDatabase(server_db, copy);                      // after the phase, the server idle
//   Ceiling c = CeilingMetricRequests(copy, {.requests_per_tx = 4.4, .points = 100, .runs = 8}, 1.5);
#include <string>

namespace mlflow::bench {

// A ceiling phase: operations per second, and the CPU seconds it took for `ops` operations.
struct Ceiling {
  double rate = 0;
  double cpu = 0;
  double ops = 1;
  double CpuMicrosPerOp() const { return ops > 0 ? cpu * 1e6 / ops : 0; }
};

// CPU time of the calling thread: the ceiling runs on one thread, so this is SQLite's own work
// (fsync waits excluded), a figure that other load on the machine changes little.
double ThreadCpuSeconds();

// A consistent copy of the SQLite database at `from` (its WAL included) into `to`, page for page
// (SQLite's backup API: the same layout, not VACUUM's compacted one). Throws std::runtime_error.
void CopyDatabase(const std::string& from, const std::string& to);

// Transactions hold the number of requests (or runs) group commit formed on average, a fraction
// too: 4.4 is three transactions of 4 and two of 5 in every five, in turn (rounded to 4, the
// commits, whose cost is fixed, would be 10% too many).
//
// Metric requests as the server writes them: log-batch (`points` = 100, keys m0..m9 as
// bench_common's BatchBody) or log-metric (`points` = 1, key "single").
struct MetricRequests {
  double requests_per_tx = 1;
  int points = 100;
  int runs = 8;
};
// Operations are points.
Ceiling CeilingMetricRequests(const std::string& path, MetricRequests shape, double seconds);
// create-run: the runs row and its mlflow.runName tag; operations are runs.
Ceiling CeilingRuns(const std::string& path, double runs_per_tx, double seconds);
// A fully populated run: create-run, then one batch of 20 params, 20 metrics and 10 tags.
Ceiling CeilingFullRuns(const std::string& path, double runs_per_tx, double seconds);

}  // namespace mlflow::bench
