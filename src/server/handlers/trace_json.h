#pragma once
// Trace entities to and from MLflow's JSON (protobuf's JSON mapping of service.proto TraceInfoV3,
// TraceInfo (v2), Trace and assessments.proto, as MLflow's server writes and reads it;
// docs/reference/tracing.md section 2).
//
//   std::string out;
//   AppendTraceInfoV3Json(out, info);            // {"trace_id": ..., "request_time": "...Z", ...}
//   Result<TraceInfo> in = ParseTraceInfoV3(body["trace"]["trace_info"]);
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/trace_entities.h"
#include "store/trace_store.h"

namespace mlflow::server {

// google.protobuf.Timestamp / Duration in JSON: "2025-04-15T08:49:18.699Z", "1.500s".
std::string TimestampJson(int64_t millis);
std::string DurationJson(int64_t millis);
// RFC 3339 with an optional fraction (up to 9 digits) and a Z or +hh:mm offset; to milliseconds
// (truncated toward the past). INVALID_PARAMETER_VALUE when malformed.
Result<int64_t> ParseTimestampJson(std::string_view text);
// "<seconds>[.<fraction>]s", optionally negative; to milliseconds (toward zero).
Result<int64_t> ParseDurationJson(std::string_view text);

// TraceInfoV3 as the v3 endpoints render it (tags and metadata cut to MLflow's rendering limits).
void AppendTraceInfoV3Json(std::string& out, const TraceInfo& info);
// TraceInfo (v2): request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_metadata, tags.
void AppendTraceInfoV2Json(std::string& out, const TraceInfo& info);
// Trace: {"trace_info": {...}, "spans": [...]}. INVALID_PARAMETER_VALUE for a stored span MLflow cannot read.
Status AppendTraceJson(std::string& out, const store::TraceData& trace);
void AppendAssessmentJson(std::string& out, const Assessment& a);

// The TraceInfoV3 of a StartTraceV3 request.
Result<TraceInfo> ParseTraceInfoV3(const nlohmann::json& j);
// An assessment of CreateAssessment (value as MLflow stores it: json.dumps of the decoded value).
Result<Assessment> ParseAssessment(const nlohmann::json& j);
// UpdateAssessment: the assessment fields named by update_mask ("assessmentName,feedback").
Result<store::AssessmentUpdate> ParseAssessmentUpdate(const nlohmann::json& assessment, const nlohmann::json& mask);

// TraceInfoV3.State name for a v2 TraceStatus name (and back).
std::string StateFromV2Status(std::string_view status);
std::string V2StatusFromState(std::string_view state);

}  // namespace mlflow::server
