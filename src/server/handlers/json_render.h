#pragma once
// Entities to MLflow's JSON shapes (docs/reference/rest-api.md section 2): snake_case, int64 as numbers, NaN and
// infinities as strings, unset and empty repeated fields omitted.
#include <nlohmann/json.hpp>

#include "core/entities.h"
#include "core/status.h"
#include "server/http/http_types.h"

namespace mlflow::server {

nlohmann::json DoubleToJson(double v);
nlohmann::json ToJson(const Experiment& e);
nlohmann::json ToJson(const RunInfo& info);
nlohmann::json ToJson(const Metric& m, bool with_run_id = false);
nlohmann::json ToJson(const Run& run);
nlohmann::json KeyValuesToJson(const std::vector<KeyValue>& kvs);

// {"metrics": [...], "next_page_token": ...} written directly: metric histories reach hundreds of
// thousands of points, and a DOM per point would dominate the request's time.
std::string MetricListJson(const std::vector<Metric>& metrics, const std::string& next_page_token,
                           bool with_run_id = false);
// A run as MLflow renders it (same fields as ToJson(Run)), written directly: search pages hold
// thousands of runs with tens of entries each. CreateRun's answer has no "outputs" (with_outputs
// false).
void AppendRunJson(std::string& out, const Run& run, bool with_outputs = true);
// {"runs": [...], "next_page_token": ...}
std::string RunListJson(const std::vector<Run>& runs, const std::string& next_page_token);
// Appends a JSON string literal.
void AppendJsonString(std::string& out, std::string_view s);
// Appends a double as MLflow renders it (shortest round-trip; NaN/Infinity as strings).
void AppendJsonDouble(std::string& out, double v);

HttpResponse JsonResponse(const nlohmann::json& body);
// {"error_code": ..., "message": ...} with the status of the error code.
HttpResponse ErrorResponse(const Status& status);

}  // namespace mlflow::server
