// TracingService: MLflow's tracing rules before the trace store (docs/reference/tracing.md).
#include "service/tracing_service.h"

#include <utility>

#include "core/limits.h"
#include "core/python_numbers.h"

namespace mlflow::service {
namespace {

// Tags MLflow manages itself (where spans live, archival); only the archival failure may be deleted.
Status CheckTagMutable(const std::string& key, bool deleting) {
  const bool blocked = key == kTagSpansLocation || key == kTagArchiveLocation || key == kTagArchivalFailure;
  if (blocked && !(deleting && key == kTagArchivalFailure)) {
    return Status::InvalidParameter("Tag '" + key + "' is immutable and cannot be " +
                                    (deleting ? "deleted" : "set") + " on a trace.");
  }
  return Status();
}

}  // namespace

Result<TraceInfo> TracingService::StartTrace(const TraceInfo& info) { return store_.StartTrace(info); }

Result<TraceInfo> TracingService::GetTraceInfo(const std::string& trace_id) { return store_.GetTraceInfo(trace_id); }

Result<std::vector<TraceInfo>> TracingService::BatchGetTraceInfos(
    const std::vector<std::string>& trace_ids, const std::optional<std::vector<std::string>>& experiment_ids) {
  return store_.BatchGetTraceInfos(trace_ids, experiment_ids);
}

Result<store::TraceData> TracingService::GetTrace(const std::string& trace_id, bool allow_partial) {
  return store_.GetTrace(trace_id, allow_partial);
}

Result<std::vector<store::TraceData>> TracingService::BatchGetTraces(
    const std::vector<std::string>& trace_ids, const std::optional<std::vector<std::string>>& experiment_ids) {
  return store_.BatchGetTraces(trace_ids, experiment_ids);
}

Result<store::TraceData> TracingService::ReadTrace(const std::string& trace_id) { return store_.ReadTrace(trace_id); }

Status TracingService::LogSpans(const std::string& experiment_id, std::vector<tracing::ConvertedSpan> spans,
                                const tracing::OtlpRequest& request, const std::optional<std::string>& run_id) {
  if (spans.empty()) return Status();
  std::vector<std::string> completed;
  for (const auto& s : spans)
    if (s.root) completed.push_back(s.record.trace_id);
  // The batch rules (trace names, session ids, roll-ups) refuse the whole batch, as MLflow does.
  MLFLOW_ASSIGN_OR_RETURN(std::vector<tracing::TraceSpanBatch> batches,
                          tracing::GroupSpansByTrace(std::move(spans), request));
  MLFLOW_RETURN_IF_ERROR(store_.LogSpans(experiment_id, batches));
  if (run_id && !completed.empty()) (void)store_.LinkTracesToRun(completed, *run_id);
  return Status();
}

Result<store::TracePage> TracingService::SearchTraces(const store::TraceSearchRequest& request) {
  for (const std::string& id : request.experiment_ids) {
    if (id.find('.') == std::string::npos) continue;
    const std::string shown = id.size() > 20 ? id.substr(0, 20) + "..." : id;
    return Status::InvalidParameter("Locations must be a list of experiment IDs. Found invalid experiment IDs: " +
                                    shown + ".");
  }
  return store_.SearchTraces(request);
}

Result<std::vector<tracing::MetricDataPoint>> TracingService::QueryTraceMetrics(const tracing::TraceMetricsQuery& q) {
  MLFLOW_RETURN_IF_ERROR(tracing::ValidateTraceMetricsQuery(q));
  return store_.QueryTraceMetrics(q);
}

Result<int64_t> TracingService::DeleteTraces(const store::DeleteTracesRequest& r) {
  if (!r.max_timestamp_millis && r.trace_ids.empty()) {
    return Status::InvalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.");
  }
  if (r.max_timestamp_millis && !r.trace_ids.empty()) {
    return Status::InvalidParameter("Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
  }
  if (!r.trace_ids.empty() && r.max_traces) {
    return Status::InvalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
  }
  if (r.max_traces && *r.max_traces <= 0) {
    return Status::InvalidParameter("`max_traces` must be a positive integer, received " +
                                    std::to_string(*r.max_traces) + ".");
  }
  return store_.DeleteTraces(r);
}

Status TracingService::SetTraceTag(const std::string& trace_id, const std::string& key, const std::string& value) {
  MLFLOW_RETURN_IF_ERROR(CheckTagMutable(key, false));
  return store_.SetTraceTag(trace_id, key, value);
}

Status TracingService::DeleteTraceTag(const std::string& trace_id, const std::string& key) {
  MLFLOW_RETURN_IF_ERROR(CheckTagMutable(key, true));
  return store_.DeleteTraceTag(trace_id, key);
}

Status TracingService::LinkTracesToRun(const std::vector<std::string>& trace_ids, const std::string& run_id) {
  if (trace_ids.size() > limits::kMaxTraceLinksPerRequest) {
    return Status::InvalidParameter("Cannot link more than " + std::to_string(limits::kMaxTraceLinksPerRequest) +
                                    " traces to a run in a single request. Provided " +
                                    std::to_string(trace_ids.size()) + " traces.");
  }
  // Nothing to link: MLflow's store returns before it looks the run up (unknown run: 200).
  if (trace_ids.empty()) return Status();
  return store_.LinkTracesToRun(trace_ids, run_id);
}

Status TracingService::LinkPromptsToTrace(const std::string& trace_id, const std::vector<PromptVersionRef>& versions) {
  // Nothing to link: MLflow's store returns before it looks the trace up (unknown trace: 200).
  if (versions.empty()) return Status();
  std::vector<std::string> ids;
  ids.reserve(versions.size());
  for (const PromptVersionRef& pv : versions) {
    std::optional<int64_t> v = ParsePythonInt(pv.version);
    if (!v) {
      return Status::InvalidParameter("Invalid prompt version '" + pv.version +
                                      "': a prompt version must be an integer.");
    }
    ids.push_back(pv.name + "/" + std::to_string(*v));
  }
  return store_.LinkPromptsToTrace(trace_id, ids);
}

Result<Assessment> TracingService::CreateAssessment(const Assessment& assessment) {
  return store_.CreateAssessment(assessment);
}

Result<Assessment> TracingService::GetAssessment(const std::string& trace_id, const std::string& assessment_id) {
  return store_.GetAssessment(trace_id, assessment_id);
}

Result<Assessment> TracingService::UpdateAssessment(const std::string& trace_id, const std::string& assessment_id,
                                                    const store::AssessmentUpdate& update) {
  return store_.UpdateAssessment(trace_id, assessment_id, update);
}

Status TracingService::DeleteAssessment(const std::string& trace_id, const std::string& assessment_id) {
  return store_.DeleteAssessment(trace_id, assessment_id);
}

Result<TraceInfo> TracingService::StartTraceV2(const std::string& experiment_id, int64_t timestamp_ms,
                                               const std::vector<KeyValue>& metadata,
                                               const std::vector<KeyValue>& tags) {
  return store_.StartTraceV2(experiment_id, timestamp_ms, metadata, tags);
}

Result<TraceInfo> TracingService::EndTraceV2(const std::string& request_id, int64_t timestamp_ms,
                                             const std::string& state, const std::vector<KeyValue>& metadata,
                                             const std::vector<KeyValue>& tags) {
  return store_.EndTraceV2(request_id, timestamp_ms, state, metadata, tags);
}

Result<std::string> TracingService::ArtifactRoot(const TraceInfo& info) {
  for (const auto& t : info.tags)
    if (t.key == kTagArtifactLocation) return t.value;
  return Status::Internal("Unable to determine trace artifact location.");
}

}  // namespace mlflow::service
