#pragma once
// The SQL TraceStore over MLflow's trace tables (trace_info, trace_tags, trace_request_metadata,
// spans, assessments, entity_associations), SQLite and PostgreSQL (docs/reference/tracing.md).
//
// Two layouts are served: the one CreateSchema makes (MLflow 3.6's revision) and MLflow 3.17's,
// where the trace name, session id, token usage and cost moved from tag / metadata rows into
// trace_info columns (and spans, assessments gained analytics columns). Each value is written
// where the database's MLflow would write it and read back as that MLflow renders it, so a
// database written here reads the same in the real server and the other way round.
#include <memory>

#include "store/sql/database.h"
#include "store/trace_store.h"

namespace mlflow::store::sql {

class SqlTraceStore : public TraceStore {
 public:
  explicit SqlTraceStore(std::shared_ptr<Database> db);

  // Detects the layout from the database's columns. Call once before serving.
  Status Initialize();
  bool analytics_layout() const { return analytics_; }

  Result<TraceInfo> StartTrace(const TraceInfo& info) override;
  Result<TraceInfo> GetTraceInfo(const std::string& trace_id) override;
  Result<std::vector<TraceInfo>> BatchGetTraceInfos(const std::vector<std::string>& trace_ids,
                                                    const std::optional<std::vector<std::string>>& experiment_ids) override;
  Result<TraceData> ReadTrace(const std::string& trace_id) override;
  Result<TraceData> GetTrace(const std::string& trace_id, bool allow_partial) override;
  Result<std::vector<TraceData>> BatchGetTraces(const std::vector<std::string>& trace_ids,
                                                const std::optional<std::vector<std::string>>& experiment_ids) override;
  Status LogSpans(const std::string& experiment_id, const std::vector<tracing::TraceSpanBatch>& batches) override;
  Result<TracePage> SearchTraces(const TraceSearchRequest& request) override;
  Result<int64_t> DeleteTraces(const DeleteTracesRequest& request) override;
  Result<std::vector<tracing::MetricDataPoint>> QueryTraceMetrics(const tracing::TraceMetricsQuery& query) override;
  Status SetTraceTag(const std::string& trace_id, const std::string& key, const std::string& value) override;
  Status DeleteTraceTag(const std::string& trace_id, const std::string& key) override;
  Status LinkTracesToRun(const std::vector<std::string>& trace_ids, const std::string& run_id) override;
  Status LinkPromptsToTrace(const std::string& trace_id, const std::vector<std::string>& prompt_ids) override;

  Result<Assessment> CreateAssessment(const Assessment& assessment) override;
  Result<Assessment> GetAssessment(const std::string& trace_id, const std::string& assessment_id) override;
  Result<Assessment> UpdateAssessment(const std::string& trace_id, const std::string& assessment_id,
                                      const AssessmentUpdate& update) override;
  Status DeleteAssessment(const std::string& trace_id, const std::string& assessment_id) override;

  Result<TraceInfo> StartTraceV2(const std::string& experiment_id, int64_t timestamp_ms,
                                 const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) override;
  Result<TraceInfo> EndTraceV2(const std::string& request_id, int64_t timestamp_ms, const std::string& state,
                               const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) override;

 private:
  std::shared_ptr<Database> db_;
  bool analytics_ = false;
  bool payload_generation_ = false;
  bool has_review_queue_items_ = false;
};

}  // namespace mlflow::store::sql
