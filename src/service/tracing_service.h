#pragma once
// TracingService: MLflow 3 GenAI traces (docs/reference/tracing.md), with MLflow's tracing rules
// applied before the store: immutable system tags, the arguments of a trace deletion, the cap on
// traces linked per request, experiment ids of search locations, prompt versions, and the rules a
// batch of exported spans must meet (trace names, session ids, token-usage and cost roll-ups,
// tracing/span_convert.h). The store checks what needs the database (store/trace_store.h).
//
//   service::TracingService tracing(trace_store);
//   TraceInfo info;
//   info.trace_id = "tr-" + NewUuidHex();
//   info.experiment_id = "0";
//   info.state = kTraceStateOk;
//   MLFLOW_ASSIGN_OR_RETURN(TraceInfo stored, tracing.StartTrace(info));
//   MLFLOW_RETURN_IF_ERROR(tracing.SetTraceTag(stored.trace_id, "team", "search"));
//   store::TraceSearchRequest search;
//   search.experiment_ids = {"0"};
//   search.filter = "tags.team = 'search'";
//   MLFLOW_ASSIGN_OR_RETURN(store::TracePage page, tracing.SearchTraces(search));
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "core/trace_entities.h"
#include "store/trace_store.h"
#include "tracing/otlp.h"
#include "tracing/span_convert.h"

namespace mlflow::service {

// A prompt version named by LinkPromptsToTrace, as the request gives it.
struct PromptVersionRef {
  std::string name;
  std::string version;  // must read as an integer
};

class TracingService {
 public:
  explicit TracingService(store::TraceStore& store) : store_(store) {}

  Result<TraceInfo> StartTrace(const TraceInfo& info);
  Result<TraceInfo> GetTraceInfo(const std::string& trace_id);
  Result<std::vector<TraceInfo>> BatchGetTraceInfos(const std::vector<std::string>& trace_ids,
                                                    const std::optional<std::vector<std::string>>& experiment_ids);
  Result<store::TraceData> GetTrace(const std::string& trace_id, bool allow_partial);
  Result<std::vector<store::TraceData>> BatchGetTraces(const std::vector<std::string>& trace_ids,
                                                       const std::optional<std::vector<std::string>>& experiment_ids);
  // The trace as stored now (no waiting for late spans): what the UI's trace download serves.
  Result<store::TraceData> ReadTrace(const std::string& trace_id);

  // Spans of one OTLP export (already converted from the wire, tracing::ConvertOtlpRequest) into
  // `experiment_id`, in one transaction. The traces whose root span arrived are then linked to
  // `run_id` when given, best effort as MLflow does (a failed link does not fail the export).
  Status LogSpans(const std::string& experiment_id, std::vector<tracing::ConvertedSpan> spans,
                  const tracing::OtlpRequest& request, const std::optional<std::string>& run_id);

  // Search locations as the v3 request names them: experiment ids only (an id with a '.' names a
  // Unity Catalog table, which this server does not hold).
  Result<store::TracePage> SearchTraces(const store::TraceSearchRequest& request);
  // Trace analytics (POST /api/3.0/mlflow/traces/metrics): MLflow's checks of the metric, its
  // aggregations and dimensions (tracing/trace_metrics.h), then the store's grouping.
  Result<std::vector<tracing::MetricDataPoint>> QueryTraceMetrics(const tracing::TraceMetricsQuery& query);
  // By ids, or by age (max_timestamp_millis, at most max_traces of the oldest), never both.
  Result<int64_t> DeleteTraces(const store::DeleteTracesRequest& request);

  Status SetTraceTag(const std::string& trace_id, const std::string& key, const std::string& value);
  Status DeleteTraceTag(const std::string& trace_id, const std::string& key);
  Status LinkTracesToRun(const std::vector<std::string>& trace_ids, const std::string& run_id);
  Status LinkPromptsToTrace(const std::string& trace_id, const std::vector<PromptVersionRef>& versions);

  Result<Assessment> CreateAssessment(const Assessment& assessment);
  Result<Assessment> GetAssessment(const std::string& trace_id, const std::string& assessment_id);
  Result<Assessment> UpdateAssessment(const std::string& trace_id, const std::string& assessment_id,
                                      const store::AssessmentUpdate& update);
  Status DeleteAssessment(const std::string& trace_id, const std::string& assessment_id);

  // The MLflow 2 trace API still served for older 3.x clients.
  Result<TraceInfo> StartTraceV2(const std::string& experiment_id, int64_t timestamp_ms,
                                 const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags);
  Result<TraceInfo> EndTraceV2(const std::string& request_id, int64_t timestamp_ms, const std::string& state,
                               const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags);

  // Where a trace's files live (its mlflow.artifactLocation tag). INTERNAL_ERROR when unset.
  static Result<std::string> ArtifactRoot(const TraceInfo& info);

 private:
  store::TraceStore& store_;
};

}  // namespace mlflow::service
