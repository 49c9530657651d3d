#pragma once
// TraceStore: MLflow 3 GenAI traces (trace_info and its tags, request metadata, spans,
// assessments, trace-to-run / trace-to-prompt links) with MLflow's store semantics
// (docs/reference/tracing.md). Every method is thread-safe and blocking.
//
// Errors follow MLflow's SQL store: an unknown trace is RESOURCE_DOES_NOT_EXIST ("Trace with ID
// 'X' not found." and its variants), a missing or deleted experiment as in the tracking store,
// bad tag keys and over-long values INVALID_PARAMETER_VALUE; a refused request writes nothing.
// The rules that need no database are applied before, by service::TracingService.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/trace_entities.h"
#include "tracing/span_convert.h"
#include "tracing/trace_metrics.h"

namespace mlflow::store {

struct TraceSearchRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  int64_t max_results = 100;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct TracePage {
  std::vector<TraceInfo> traces;
  std::string next_page_token;
};

struct DeleteTracesRequest {
  std::string experiment_id;
  std::optional<int64_t> max_timestamp_millis;
  std::optional<int64_t> max_traces;
  std::vector<std::string> trace_ids;
};

// A trace as read in one snapshot: its info and, when its spans live in the tracking store, the
// spans' stored JSON (roots first, then by start time).
struct TraceData {
  TraceInfo info;
  bool spans_in_store = false;
  std::vector<std::string> span_contents;
};

// UpdateAssessment's fields (set = update).
struct AssessmentUpdate {
  std::optional<std::string> name;
  std::optional<std::string> expectation_value_json;
  std::optional<std::string> feedback_value_json;
  std::optional<std::optional<std::string>> feedback_error_json;
  std::optional<std::string> rationale;
  std::optional<std::map<std::string, std::string>> metadata;  // merged into the existing one
};

class TraceStore {
 public:
  virtual ~TraceStore() = default;

  // StartTraceV3: creates the trace (or completes one that spans created first), adding the
  // artifact location tag and the mlflow.trace.infoFinalized metadata. The experiment must exist
  // and be active.
  virtual Result<TraceInfo> StartTrace(const TraceInfo& info) = 0;
  virtual Result<TraceInfo> GetTraceInfo(const std::string& trace_id) = 0;
  // Infos of the traces that exist (and lie in `experiment_ids` when given), in request order.
  virtual Result<std::vector<TraceInfo>> BatchGetTraceInfos(const std::vector<std::string>& trace_ids,
                                                            const std::optional<std::vector<std::string>>& experiment_ids) = 0;
  // One read snapshot (no waiting). RESOURCE_DOES_NOT_EXIST "Trace with ID X is not found.".
  virtual Result<TraceData> ReadTrace(const std::string& trace_id) = 0;
  // GetTrace as MLflow serves it: spans must be in the tracking store (INTERNAL_ERROR "Trace
  // data not stored in tracking store" otherwise); unless allow_partial, a trace with fewer
  // spans than its size stats announce is read again after 1 s and 2 s, then refused with
  // RESOURCE_DOES_NOT_EXIST "... is not fully exported yet, please try again later.".
  virtual Result<TraceData> GetTrace(const std::string& trace_id, bool allow_partial) = 0;
  // Complete traces only (as GetTrace without waiting), in request order.
  virtual Result<std::vector<TraceData>> BatchGetTraces(const std::vector<std::string>& trace_ids,
                                                        const std::optional<std::vector<std::string>>& experiment_ids) = 0;
  // Stores the spans of a batch (one transaction) and updates each trace as MLflow's log_spans
  // does, creating missing traces in `experiment_id`.
  virtual Status LogSpans(const std::string& experiment_id, const std::vector<tracing::TraceSpanBatch>& batches) = 0;
  virtual Result<TracePage> SearchTraces(const TraceSearchRequest& request) = 0;
  // By ids, or by age (the oldest first, at most max_traces); the argument rules are the
  // service's (service/tracing_service.h).
  virtual Result<int64_t> DeleteTraces(const DeleteTracesRequest& request) = 0;
  // QueryTraceMetrics: `query` grouped and aggregated over the traces, spans or assessments of
  // its experiments (validated by the service first); INVALID_PARAMETER_VALUE for a bad filter.
  virtual Result<std::vector<tracing::MetricDataPoint>> QueryTraceMetrics(const tracing::TraceMetricsQuery& query) = 0;
  virtual Status SetTraceTag(const std::string& trace_id, const std::string& key, const std::string& value) = 0;
  virtual Status DeleteTraceTag(const std::string& trace_id, const std::string& key) = 0;
  virtual Status LinkTracesToRun(const std::vector<std::string>& trace_ids, const std::string& run_id) = 0;
  // prompt_ids: "name/version".
  virtual Status LinkPromptsToTrace(const std::string& trace_id, const std::vector<std::string>& prompt_ids) = 0;

  virtual Result<Assessment> CreateAssessment(const Assessment& assessment) = 0;
  virtual Result<Assessment> GetAssessment(const std::string& trace_id, const std::string& assessment_id) = 0;
  virtual Result<Assessment> UpdateAssessment(const std::string& trace_id, const std::string& assessment_id,
                                              const AssessmentUpdate& update) = 0;
  virtual Status DeleteAssessment(const std::string& trace_id, const std::string& assessment_id) = 0;

  // The MLflow 2 trace API still served for older 3.x clients.
  virtual Result<TraceInfo> StartTraceV2(const std::string& experiment_id, int64_t timestamp_ms,
                                         const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) = 0;
  virtual Result<TraceInfo> EndTraceV2(const std::string& request_id, int64_t timestamp_ms, const std::string& state,
                                       const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) = 0;
};

}  // namespace mlflow::store
