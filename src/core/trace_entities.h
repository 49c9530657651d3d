#pragma once
// GenAI tracing entities as MLflow 3 defines them (service.proto TraceInfoV3, assessments.proto,
// the `spans` table), independent of storage and JSON (docs/reference/tracing.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"

namespace mlflow {

// TraceInfoV3.State names, as stored in trace_info.status.
inline constexpr const char* kTraceStateUnspecified = "STATE_UNSPECIFIED";
inline constexpr const char* kTraceStateOk = "OK";
inline constexpr const char* kTraceStateError = "ERROR";
inline constexpr const char* kTraceStateInProgress = "IN_PROGRESS";

// Trace tags and metadata MLflow gives a meaning to.
inline constexpr const char* kTagTraceName = "mlflow.traceName";
inline constexpr const char* kTagArtifactLocation = "mlflow.artifactLocation";
inline constexpr const char* kTagSpansLocation = "mlflow.trace.spansLocation";
inline constexpr const char* kTagArchiveLocation = "mlflow.trace.archiveLocation";
inline constexpr const char* kTagArchivalFailure = "mlflow.trace.archivalFailure";
inline constexpr const char* kTagLinkedPrompts = "mlflow.linkedPrompts";
inline constexpr const char* kSpansLocationTrackingStore = "TRACKING_STORE";
inline constexpr const char* kSpansLocationArchiveRepo = "ARCHIVE_REPO";
inline constexpr const char* kMetaSourceRun = "mlflow.sourceRun";
inline constexpr const char* kMetaSizeStats = "mlflow.trace.sizeStats";
inline constexpr const char* kMetaTokenUsage = "mlflow.trace.tokenUsage";
inline constexpr const char* kMetaCost = "mlflow.trace.cost";
inline constexpr const char* kMetaSession = "mlflow.trace.session";
inline constexpr const char* kMetaUser = "mlflow.trace.user";
inline constexpr const char* kMetaInfoFinalized = "mlflow.trace.infoFinalized";

// One assessment row (feedback, expectation or issue reference). Values are kept as the JSON
// text MLflow stores (json.dumps of the value); rendering turns them back into proto JSON.
struct Assessment {
  std::string assessment_id;
  std::string trace_id;
  std::string name;
  std::string assessment_type;  // "feedback" | "expectation" | "issue"
  std::string value_json;
  std::optional<std::string> error_json;  // feedback only: {"error_code":..., ...}
  int64_t created_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string source_type;  // "HUMAN" | "LLM_JUDGE" | "CODE" | "SOURCE_TYPE_UNSPECIFIED"
  std::optional<std::string> source_id;
  std::optional<std::string> run_id;
  std::optional<std::string> span_id;
  std::optional<std::string> rationale;
  std::optional<std::string> overrides;
  bool valid = true;
  std::optional<std::string> metadata_json;  // json.dumps of a {str: str} dict
};

struct TraceInfo {
  std::string trace_id;  // "tr-<32 hex>" (v3) or a v2 request id
  std::string experiment_id;
  int64_t request_time_ms = 0;
  std::optional<int64_t> execution_duration_ms;
  std::string state = kTraceStateUnspecified;
  std::optional<std::string> client_request_id;
  std::optional<std::string> request_preview;
  std::optional<std::string> response_preview;
  std::vector<KeyValue> trace_metadata;  // unique keys
  std::vector<KeyValue> tags;            // unique keys
  std::vector<Assessment> assessments;
};

// A span as stored in the `spans` table: the indexed columns and the full span as JSON text
// (Span.to_dict of MLflow's Python entity, json.dumps'd).
struct SpanRecord {
  std::string trace_id;  // the MLflow trace id
  std::string span_id;   // 16 hex digits
  std::optional<std::string> parent_span_id;
  std::string name;
  std::optional<std::string> type;
  std::string status;  // "UNSET" | "OK" | "ERROR"
  int64_t start_time_unix_nano = 0;
  int64_t end_time_unix_nano = 0;
  std::string content;
  // Analytics columns of newer schemas (MLflow 3.17); written only where they exist.
  std::optional<double> input_cost;
  std::optional<double> output_cost;
  std::optional<double> total_cost;
  std::optional<std::string> model_name;
  std::optional<std::string> model_provider;
};

// A trace and its spans' stored JSON, roots first then by start time (GetTrace, BatchGetTraces).
struct Trace {
  TraceInfo info;
  std::vector<std::string> span_contents;
};

}  // namespace mlflow
