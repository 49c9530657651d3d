// TracingService: the tracing rules applied before the trace store, each refusing its request with
// MLflow's message and writing nothing; spans of an OTLP export stored and linked to a run.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "service_fixture.h"
#include "tracing/otlp.h"
#include "tracing/span_convert.h"

namespace mlflow::service {
namespace {

class TracingServiceTest : public ServiceTest {
 protected:
  std::string NewTrace() {
    TraceInfo info;
    info.trace_id = "tr-" + NewUuidHex();
    info.experiment_id = "0";
    info.request_time_ms = 1000;
    info.state = kTraceStateOk;
    auto stored = tracing_->StartTrace(info);
    EXPECT_TRUE(stored.ok()) << stored.status().message();
    return info.trace_id;
  }
  size_t CountTraces() {
    store::TraceSearchRequest r;
    r.experiment_ids = {"0"};
    auto page = tracing_->SearchTraces(r);
    EXPECT_TRUE(page.ok()) << page.status().message();
    return page.ok() ? page->traces.size() : 0;
  }
};

void ExpectInvalid(const Status& st, const std::string& message) {
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << st.message();
  EXPECT_EQ(st.message(), message);
}

TEST_F(TracingServiceTest, DeleteTracesNeedsIdsOrAgeNotBoth) {
  std::string id = NewTrace();
  store::DeleteTracesRequest r;
  r.experiment_id = "0";
  ExpectInvalid(tracing_->DeleteTraces(r).status(),
                "Either `max_timestamp_millis` or `trace_ids` must be specified.");
  r.trace_ids = {id};
  r.max_timestamp_millis = 5000;
  ExpectInvalid(tracing_->DeleteTraces(r).status(),
                "Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
  r.max_timestamp_millis.reset();
  r.max_traces = 1;
  ExpectInvalid(tracing_->DeleteTraces(r).status(), "`max_traces` can't be specified if `trace_ids` is specified.");
  r.trace_ids.clear();
  r.max_timestamp_millis = 5000;
  r.max_traces = 0;
  ExpectInvalid(tracing_->DeleteTraces(r).status(), "`max_traces` must be a positive integer, received 0.");
  EXPECT_EQ(CountTraces(), 1u);  // nothing deleted by a refused request
  r.max_traces = 1;
  auto n = tracing_->DeleteTraces(r);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(CountTraces(), 0u);
}

TEST_F(TracingServiceTest, SystemTagsAreImmutable) {
  std::string id = NewTrace();
  ExpectInvalid(tracing_->SetTraceTag(id, kTagSpansLocation, "x"),
                "Tag 'mlflow.trace.spansLocation' is immutable and cannot be set on a trace.");
  ExpectInvalid(tracing_->DeleteTraceTag(id, kTagArchiveLocation),
                "Tag 'mlflow.trace.archiveLocation' is immutable and cannot be deleted on a trace.");
  ExpectInvalid(tracing_->SetTraceTag(id, kTagArchivalFailure, "x"),
                "Tag 'mlflow.trace.archivalFailure' is immutable and cannot be set on a trace.");
  // The archival failure may be cleared: the store answers (no such tag here).
  EXPECT_EQ(tracing_->DeleteTraceTag(id, kTagArchivalFailure).code(), ErrorCode::kResourceDoesNotExist);
  auto info = tracing_->GetTraceInfo(id);
  ASSERT_TRUE(info.ok());
  for (const auto& t : info->tags) EXPECT_NE(t.key, kTagSpansLocation);
}

TEST_F(TracingServiceTest, LinkToRunCapsTheIdsPerRequest) {
  std::string run = NewRun();
  std::vector<std::string> ids(101, NewTrace());
  ExpectInvalid(tracing_->LinkTracesToRun(ids, run),
                "Cannot link more than 100 traces to a run in a single request. Provided 101 traces.");
  ids.resize(100);
  EXPECT_TRUE(tracing_->LinkTracesToRun(ids, run).ok());
}

TEST_F(TracingServiceTest, PromptVersionsMustBeIntegers) {
  std::string id = NewTrace();
  ExpectInvalid(tracing_->LinkPromptsToTrace(id, {{"p", "one"}}),
                "Invalid prompt version 'one': a prompt version must be an integer.");
  auto info = tracing_->GetTraceInfo(id);
  ASSERT_TRUE(info.ok());
  for (const auto& t : info->tags) EXPECT_NE(t.key, kTagLinkedPrompts);
}

// MLflow's store returns before looking anything up when there is nothing to link, so an unknown
// run or trace is accepted then; nothing is written.
TEST_F(TracingServiceTest, LinkingNothingIsAcceptedAndWritesNothing) {
  std::string id = NewTrace();
  EXPECT_TRUE(tracing_->LinkTracesToRun({}, "no-such-run").ok());
  EXPECT_TRUE(tracing_->LinkPromptsToTrace("tr-no-such-trace", {}).ok());
  EXPECT_TRUE(tracing_->LinkPromptsToTrace(id, {}).ok());
  auto info = tracing_->GetTraceInfo(id);
  ASSERT_TRUE(info.ok());
  for (const auto& t : info->tags) EXPECT_NE(t.key, kTagLinkedPrompts);
  // With something to link, the unknown trace is still refused.
  EXPECT_EQ(tracing_->LinkPromptsToTrace("tr-no-such-trace", {{"p", "1"}}).code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(TracingServiceTest, SearchLocationsAreExperimentIds) {
  NewTrace();
  store::TraceSearchRequest r;
  r.experiment_ids = {"catalog.schema.a_table_with_a_long_name"};
  ExpectInvalid(tracing_->SearchTraces(r).status(),
                "Locations must be a list of experiment IDs. Found invalid experiment IDs: catalog.schema.a_tab....");
}

TEST_F(TracingServiceTest, ExportedSpansAreStoredAndTheirTraceLinkedToTheRun) {
  std::string run = NewRun();
  auto request = tracing::DecodeOtlpJson(
      R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "0102030405060708090A0B0C0D0E0F10",
          "spanId": "1112131415161718", "name": "root", "startTimeUnixNano": "1000000",
          "endTimeUnixNano": "3000000", "status": {"code": 1}}]}]}]})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  auto spans = tracing::ConvertOtlpRequest(*request);
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_TRUE(tracing_->LogSpans("0", std::move(*spans), *request, run).ok());
  auto trace = tracing_->GetTrace("tr-0102030405060708090a0b0c0d0e0f10", false);
  ASSERT_TRUE(trace.ok()) << trace.status().message();
  EXPECT_EQ(trace->span_contents.size(), 1u);
  store::TraceSearchRequest r;
  r.experiment_ids = {"0"};
  r.filter = "run_id = '" + run + "'";
  auto page = tracing_->SearchTraces(r);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->traces.size(), 1u);
  EXPECT_EQ(page->traces[0].trace_id, "tr-0102030405060708090a0b0c0d0e0f10");
}

}  // namespace
}  // namespace mlflow::service
