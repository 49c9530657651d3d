// The SQL trace store on a real SQLite file, in both table layouts it serves: the one
// CreateSchema makes (MLflow 3.6's revision: trace name, session and token usage as tag /
// metadata rows) and MLflow 3.17's (the same values in trace_info columns; simulated here by
// adding the analytics columns). Each test checks what the store answers and where the values
// landed in the tables.
#include "store/sql/sql_trace_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/ids.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_connection.h"
#include "store/sql/sqlite_database.h"
#include "tracing/otlp.h"
#include "tracing/span_convert.h"
#include "unit/store/trace_metrics_cases.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

// The columns MLflow 3.17's migrations add to the trace tables.
constexpr const char* kAnalyticsColumns = R"(
ALTER TABLE trace_info ADD COLUMN trace_name VARCHAR(250);
ALTER TABLE trace_info ADD COLUMN session_id VARCHAR(250);
ALTER TABLE trace_info ADD COLUMN input_tokens BIGINT;
ALTER TABLE trace_info ADD COLUMN output_tokens BIGINT;
ALTER TABLE trace_info ADD COLUMN total_tokens BIGINT;
ALTER TABLE trace_info ADD COLUMN cache_read_input_tokens BIGINT;
ALTER TABLE trace_info ADD COLUMN cache_creation_input_tokens BIGINT;
ALTER TABLE trace_info ADD COLUMN cache_creation_input_tokens_above_1hr BIGINT;
ALTER TABLE trace_info ADD COLUMN input_cost FLOAT;
ALTER TABLE trace_info ADD COLUMN output_cost FLOAT;
ALTER TABLE trace_info ADD COLUMN total_cost FLOAT;
ALTER TABLE trace_info ADD COLUMN db_payload_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessments ADD COLUMN experiment_id INTEGER;
ALTER TABLE assessments ADD COLUMN trace_timestamp_ms BIGINT;
ALTER TABLE assessments ADD COLUMN aggregate_value FLOAT;
ALTER TABLE assessments ADD COLUMN is_numeric_value BOOLEAN;
ALTER TABLE spans ADD COLUMN input_cost FLOAT;
ALTER TABLE spans ADD COLUMN output_cost FLOAT;
ALTER TABLE spans ADD COLUMN total_cost FLOAT;
ALTER TABLE spans ADD COLUMN model_name VARCHAR(500);
ALTER TABLE spans ADD COLUMN model_provider VARCHAR(500);
)";

std::string Hex32(int n) {
  std::string h = std::to_string(n);
  return std::string(32 - h.size(), '0') + h;
}
std::string Bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

const std::string* Find(const std::vector<KeyValue>& kvs, const std::string& key) {
  for (const auto& kv : kvs)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

class TraceStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("trace-store-" + NewUuidHex());
    fs::create_directories(dir_);
    path_ = (dir_ / "mlflow.db").string();
    db_ = std::make_shared<SqliteDatabase>(SqliteOptions{path_});
    ASSERT_TRUE(CreateSchema(db_->writer_connection()).ok());
    if (GetParam()) db_->writer_connection().ExecScript(kAnalyticsColumns);
    tracking_ = std::make_unique<SqlTrackingStore>(db_, "mlflow-artifacts:/");
    ASSERT_TRUE(tracking_->Initialize().ok());
    traces_ = std::make_unique<SqlTraceStore>(db_);
    ASSERT_TRUE(traces_->Initialize().ok());
    ASSERT_EQ(traces_->analytics_layout(), GetParam());
  }
  void TearDown() override {
    traces_.reset();
    tracking_.reset();
    db_->Close();
    fs::remove_all(dir_);
  }

  int64_t Count(const std::string& sql) {
    SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st->Step());
    return st->Int(0);
  }
  std::string Text(const std::string& sql) {
    SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    if (!st->Step() || st->IsNull(0)) return "<none>";
    return st->Text(0);
  }

  TraceInfo Info(int n, int64_t ts, const std::string& state = kTraceStateOk) {
    TraceInfo t;
    t.trace_id = "tr-" + Hex32(n);
    t.experiment_id = "0";
    t.request_time_ms = ts;
    t.execution_duration_ms = 5;
    t.state = state;
    return t;
  }

  // Logs one OTLP span; parent_hex empty for a root.
  void LogSpan(int trace, const std::string& span_hex, const std::string& parent_hex, const std::string& name,
               const std::string& span_type, int64_t start_ms, int status = tracing::kStatusOk) {
    tracing::OtlpSpan s;
    s.trace_id = Bytes(Hex32(trace));
    s.span_id = Bytes(span_hex);
    if (!parent_hex.empty()) s.parent_span_id = Bytes(parent_hex);
    s.name = name;
    s.start_time_unix_nano = static_cast<uint64_t>(start_ms) * 1000000;
    s.end_time_unix_nano = s.start_time_unix_nano + 2000000;
    s.attributes.push_back({"mlflow.spanType", tracing::Json(span_type), std::nullopt});
    s.status_code = status;
    tracing::OtlpRequest req;
    req.resource_spans.push_back({{}, {s}});
    auto converted = tracing::ConvertOtlpRequest(req);
    ASSERT_TRUE(converted.ok()) << converted.status().message();
    auto batches = tracing::GroupSpansByTrace(std::move(*converted), req);
    ASSERT_TRUE(batches.ok()) << batches.status().message();
    Status st = traces_->LogSpans("0", *batches);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  std::vector<std::string> Search(const std::string& filter, std::vector<std::string> order_by = {}) {
    TraceSearchRequest r;
    r.experiment_ids = {"0"};
    r.filter = filter;
    r.order_by = std::move(order_by);
    auto page = traces_->SearchTraces(r);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status().message();
    std::vector<std::string> ids;
    if (page.ok())
      for (const auto& t : page->traces) ids.push_back(t.trace_id);
    return ids;
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqlTrackingStore> tracking_;
  std::unique_ptr<SqlTraceStore> traces_;
};

TEST_P(TraceStoreTest, StartTracePutsPromotedValuesWhereTheLayoutKeepsThem) {
  TraceInfo in = Info(1, 1000);
  in.tags = {{"k", "v"}, {kTagTraceName, "my trace"}};
  in.trace_metadata = {{"u", "x"},
                       {kMetaSession, "s1"},
                       {kMetaTokenUsage, R"({"input_tokens": 3, "output_tokens": 4, "total_tokens": 7})"}};
  auto started = traces_->StartTrace(in);
  ASSERT_TRUE(started.ok()) << started.status().message();

  auto got = traces_->GetTraceInfo(in.trace_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, "OK");
  EXPECT_EQ(got->request_time_ms, 1000);
  ASSERT_TRUE(Find(got->tags, kTagTraceName));
  EXPECT_EQ(*Find(got->tags, kTagTraceName), "my trace");
  EXPECT_EQ(got->tags.back().key, kTagTraceName);  // promoted values render last
  EXPECT_EQ(*Find(got->tags, kTagArtifactLocation), "mlflow-artifacts:/0/traces/" + in.trace_id + "/artifacts");
  EXPECT_EQ(*Find(got->trace_metadata, kMetaSession), "s1");
  EXPECT_EQ(*Find(got->trace_metadata, kMetaInfoFinalized), "true");
  EXPECT_EQ(*Find(got->trace_metadata, "u"), "x");
  ASSERT_TRUE(Find(got->trace_metadata, kMetaTokenUsage));
  EXPECT_EQ(*Find(got->trace_metadata, kMetaTokenUsage), R"({"input_tokens": 3, "output_tokens": 4, "total_tokens": 7})");

  const int64_t name_tags = Count("SELECT COUNT(*) FROM trace_tags WHERE key = 'mlflow.traceName'");
  const int64_t session_rows = Count("SELECT COUNT(*) FROM trace_request_metadata WHERE key = 'mlflow.trace.session'");
  if (GetParam()) {
    EXPECT_EQ(name_tags, 0);
    EXPECT_EQ(session_rows, 0);
    EXPECT_EQ(Text("SELECT trace_name FROM trace_info"), "my trace");
    EXPECT_EQ(Text("SELECT session_id FROM trace_info"), "s1");
    EXPECT_EQ(Count("SELECT total_tokens FROM trace_info"), 7);
  } else {
    EXPECT_EQ(name_tags, 1);
    EXPECT_EQ(session_rows, 1);
  }
  EXPECT_EQ(traces_->GetTraceInfo(in.trace_id).value().trace_metadata.size(), got->trace_metadata.size());
}

TEST_P(TraceStoreTest, RefusedWritesLeaveNothing) {
  TraceInfo bad = Info(2, 1000);
  bad.experiment_id = "42";
  EXPECT_EQ(traces_->StartTrace(bad).status().code(), ErrorCode::kResourceDoesNotExist);
  TraceInfo long_name = Info(3, 1000);
  long_name.tags = {{kTagTraceName, std::string(100000, 'n')}};
  long_name.trace_metadata = {{"u", "x"}};
  EXPECT_FALSE(traces_->StartTrace(long_name).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_info"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_request_metadata"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_tags"), 0);

  auto missing = traces_->GetTraceInfo("tr-" + Hex32(9));
  EXPECT_EQ(missing.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(), "Trace with ID 'tr-" + Hex32(9) + "' not found.");
  // MLflow lets the foreign key refuse a tag on an unknown trace.
  EXPECT_EQ(traces_->SetTraceTag("tr-" + Hex32(9), "k", "v").code(), ErrorCode::kBadRequest);
}

TEST_P(TraceStoreTest, SpansBuildTheTraceAndReadBackRootFirst) {
  const std::string root = "00000000000000a1", child = "00000000000000b2", grandchild = "00000000000000c3";
  LogSpan(5, grandchild, child, "tool", "TOOL", 1003);
  LogSpan(5, child, root, "llm", "LLM", 1002);
  const std::string id = "tr-" + Hex32(5);
  // Not finished yet: only non-root spans, the trace is in progress.
  EXPECT_EQ(traces_->GetTraceInfo(id).value().state, "IN_PROGRESS");
  LogSpan(5, root, "", "agent", "AGENT", 1000);

  auto info = traces_->GetTraceInfo(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->state, "OK");
  EXPECT_EQ(info->request_time_ms, 1000);
  EXPECT_EQ(info->execution_duration_ms, 5);  // 1000 .. 1005
  EXPECT_EQ(*Find(info->tags, kTagSpansLocation), kSpansLocationTrackingStore);

  auto trace = traces_->ReadTrace(id);
  ASSERT_TRUE(trace.ok());
  ASSERT_TRUE(trace->spans_in_store);
  ASSERT_EQ(trace->span_contents.size(), 3u);
  EXPECT_NE(trace->span_contents[0].find("\"name\": \"agent\""), std::string::npos);
  EXPECT_NE(trace->span_contents[1].find("\"name\": \"llm\""), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM spans WHERE trace_id = '" + id + "'"), 3);
  EXPECT_EQ(Text("SELECT type FROM spans WHERE span_id = '" + child + "'"), "LLM");
  if (GetParam()) {
    EXPECT_GT(Count("SELECT db_payload_generation FROM trace_info"), 0);
  }

  // The same span again replaces its row rather than adding one.
  LogSpan(5, child, root, "llm2", "LLM", 1002);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM spans WHERE trace_id = '" + id + "'"), 3);
  EXPECT_EQ(Text("SELECT name FROM spans WHERE span_id = '" + child + "'"), "llm2");
}

TEST_P(TraceStoreTest, SearchByEachFilterKindOrderAndPages) {
  for (int i = 1; i <= 5; ++i) {
    TraceInfo t = Info(i, 1000 * i, i % 2 ? kTraceStateOk : kTraceStateError);
    t.tags = {{"parity", i % 2 ? "odd" : "even"}, {kTagTraceName, "t" + std::to_string(i)}};
    t.trace_metadata = {{kMetaSession, i <= 2 ? "early" : "late"}};
    ASSERT_TRUE(traces_->StartTrace(t).ok());
  }
  LogSpan(6, "00000000000000d4", "", "retrieve", "RETRIEVER", 6000);
  const std::string t1 = "tr-" + Hex32(1), t2 = "tr-" + Hex32(2), t3 = "tr-" + Hex32(3), t4 = "tr-" + Hex32(4),
                    t5 = "tr-" + Hex32(5), t6 = "tr-" + Hex32(6);

  EXPECT_EQ(Search(""), (std::vector<std::string>{t6, t5, t4, t3, t2, t1}));  // newest first
  EXPECT_EQ(Search("trace.status = 'ERROR'"), (std::vector<std::string>{t4, t2}));
  EXPECT_EQ(Search("trace.timestamp_ms >= 3000 AND trace.timestamp_ms < 5000", {"timestamp_ms ASC"}),
            (std::vector<std::string>{t3, t4}));
  EXPECT_EQ(Search("tags.parity = 'odd'", {"timestamp_ms ASC"}), (std::vector<std::string>{t1, t3, t5}));
  EXPECT_EQ(Search("name = 't2'"), (std::vector<std::string>{t2}));
  EXPECT_EQ(Search("metadata.`mlflow.trace.session` = 'early'", {"timestamp_ms ASC"}),
            (std::vector<std::string>{t1, t2}));
  EXPECT_EQ(Search("span.name = 'retrieve'"), (std::vector<std::string>{t6}));
  EXPECT_EQ(Search("span.type = 'RETRIEVER'"), (std::vector<std::string>{t6}));
  EXPECT_EQ(Search("tags.parity LIKE 'e%'", {"name DESC"}), (std::vector<std::string>{t4, t2}));

  // Pages of two cover everything once.
  TraceSearchRequest r;
  r.experiment_ids = {"0"};
  r.max_results = 2;
  std::vector<std::string> all;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = traces_->SearchTraces(r);
    ASSERT_TRUE(page.ok());
    for (const auto& t : page->traces) all.push_back(t.trace_id);
    if (page->next_page_token.empty()) break;
    r.page_token = page->next_page_token;
  }
  EXPECT_EQ(all, (std::vector<std::string>{t6, t5, t4, t3, t2, t1}));

  TraceSearchRequest bad;
  bad.experiment_ids = {"0"};
  bad.filter = "tags.a = 'x' OR tags.b = 'y'";
  auto refused = traces_->SearchTraces(bad);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(refused.status().message(), "Invalid clause(s) in filter string: 'OR'");
}

TEST_P(TraceStoreTest, AssessmentsCreateUpdateOverrideDelete) {
  ASSERT_TRUE(traces_->StartTrace(Info(7, 1000)).ok());
  const std::string id = "tr-" + Hex32(7);
  Assessment fb;
  fb.trace_id = id;
  fb.name = "quality";
  fb.assessment_type = "feedback";
  fb.value_json = "0.75";
  fb.source_type = "HUMAN";
  fb.source_id = "alice";
  fb.created_timestamp = fb.last_updated_timestamp = 2000;
  auto created = traces_->CreateAssessment(fb);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->assessment_id.rfind("a-", 0), 0u);

  auto info = traces_->GetTraceInfo(id);
  ASSERT_EQ(info->assessments.size(), 1u);
  EXPECT_EQ(info->assessments[0].value_json, "0.75");
  EXPECT_EQ(Search("feedback.quality > 0.5"), (std::vector<std::string>{id}));
  EXPECT_TRUE(Search("feedback.quality > 0.8").empty());
  if (GetParam()) {
    EXPECT_EQ(Text("SELECT aggregate_value FROM assessments"), "0.75");
  }

  AssessmentUpdate up;
  up.rationale = "because";
  auto updated = traces_->UpdateAssessment(id, created->assessment_id, up);
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->rationale, "because");
  EXPECT_EQ(updated->value_json, "0.75");

  Assessment over = fb;
  over.value_json = "0.25";
  over.overrides = created->assessment_id;
  auto replacement = traces_->CreateAssessment(over);
  ASSERT_TRUE(replacement.ok());
  EXPECT_FALSE(traces_->GetAssessment(id, created->assessment_id).value().valid);
  EXPECT_TRUE(traces_->GetAssessment(id, replacement->assessment_id).value().valid);

  Assessment dangling = fb;
  dangling.overrides = "a-missing";
  EXPECT_EQ(traces_->CreateAssessment(dangling).status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assessments"), 2);

  ASSERT_TRUE(traces_->DeleteAssessment(id, created->assessment_id).ok());
  auto gone = traces_->GetAssessment(id, created->assessment_id);
  EXPECT_EQ(gone.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assessments"), 1);
}

TEST_P(TraceStoreTest, TagsLinksAndDeletion) {
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(traces_->StartTrace(Info(i, 1000 * i)).ok());
  LogSpan(4, "00000000000000e5", "", "root", "CHAIN", 4000);
  const std::string t1 = "tr-" + Hex32(1), t4 = "tr-" + Hex32(4);

  ASSERT_TRUE(traces_->SetTraceTag(t1, "k", "v1").ok());
  ASSERT_TRUE(traces_->SetTraceTag(t1, "k", "v2").ok());
  EXPECT_EQ(*Find(traces_->GetTraceInfo(t1).value().tags, "k"), "v2");
  ASSERT_TRUE(traces_->DeleteTraceTag(t1, "k").ok());
  EXPECT_FALSE(Find(traces_->GetTraceInfo(t1).value().tags, "k"));
  EXPECT_EQ(traces_->DeleteTraceTag(t1, "k").code(), ErrorCode::kResourceDoesNotExist);

  auto run = tracking_->CreateRun("0", "u", 1, {}, "");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(traces_->LinkTracesToRun({t1, t4}, run->info.run_id).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entity_associations WHERE destination_id = '" + run->info.run_id + "'"), 2);

  DeleteTracesRequest neither;
  neither.experiment_id = "0";
  // The service refuses such a request (tests/unit/service/tracing_service_test.cc); the store
  // must still not read it as "every trace".
  EXPECT_EQ(traces_->DeleteTraces(neither).value(), 0);

  DeleteTracesRequest old;
  old.experiment_id = "0";
  old.max_timestamp_millis = 2000;
  EXPECT_EQ(traces_->DeleteTraces(old).value(), 2);
  DeleteTracesRequest by_id;
  by_id.experiment_id = "0";
  by_id.trace_ids = {t4, "tr-unknown"};
  EXPECT_EQ(traces_->DeleteTraces(by_id).value(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_info"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM spans"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_tags WHERE request_id <> 'tr-" + Hex32(3) + "'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM trace_request_metadata WHERE request_id <> 'tr-" + Hex32(3) + "'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Layouts, TraceStoreTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "MLflow317" : "MLflow36"; });

TEST_P(TraceStoreTest, MetricsFilterOnTokenUsageAndCost) {
  trace_metrics_cases::FiltersOnTokenUsageAndCost(db_, GetParam());
}

}  // namespace
}  // namespace mlflow::store::sql
