#pragma once
// DOM-free reading of the bodies of log-batch and log-metric, the hottest write routes: a
// well-formed body goes straight into Metric and KeyValue values, without nlohmann's DOM.
//
// Only the common shape is read: every field of the type MLflow's client sends (run_id and keys as
// strings, value a JSON number, timestamp a nonnegative JSON integer, step a JSON integer), each
// field at most once, strings without \u escapes. Anything else (null, a number spelled as a
// string, NaN, a bool, an unknown or repeated field, a missing or empty required field, a number
// out of range, malformed JSON) is declined with nullopt, and the route's handler decodes the body
// as before (tracking_handlers.cc: RequestFields and ParseMetric), so every error answer and every
// odd-but-accepted spelling stays exactly what it was. A body read here gives the same values the
// handler's decoding gives (tests/unit/write_body_test.cc checks both on the same bodies).
//
//   if (std::optional<LogBatchBody> b = ReadLogBatchBody(req.body)) { ...b->metrics... }
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"

namespace mlflow::server {

struct LogBatchBody {
  std::string run_id;
  std::vector<Metric> metrics;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
};

struct LogMetricBody {
  std::string run_id;  // run_id, else run_uuid (MLflow's deprecated spelling)
  Metric metric;
};

std::optional<LogBatchBody> ReadLogBatchBody(std::string_view body);
std::optional<LogMetricBody> ReadLogMetricBody(std::string_view body);

}  // namespace mlflow::server
