// TrackingService: MLflow's rules between the handlers and the tracking store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "service_fixture.h"

namespace mlflow::service {
namespace {

using nlohmann::json;

// MLFLOW_TRUNCATE_LONG_VALUES set for one scope.
class ScopedTruncation {
 public:
  explicit ScopedTruncation(const char* value) { setenv("MLFLOW_TRUNCATE_LONG_VALUES", value, 1); }
  ~ScopedTruncation() { unsetenv("MLFLOW_TRUNCATE_LONG_VALUES"); }
};

std::string ModelJson(const std::string& artifact_path, const std::string& padding = "") {
  json model = {{"artifact_path", artifact_path},
                {"flavors", {{"python_function", {{"loader_module", "m"}, {"padding", padding}}}}},
                {"run_id", "r"},
                {"utc_time_created", "2026-01-01 00:00:00.000000"}};
  return model.dump();
}

using TrackingServiceTest = ServiceTest;

TEST_F(TrackingServiceTest, CreateRunWithoutExperimentIsRefusedAndWritesNothing) {
  // Before the service, a run without experiment_id landed in experiment 0.
  for (std::optional<std::string> exp : {std::optional<std::string>(), std::optional<std::string>("")}) {
    CreateRunRequest r;
    r.experiment_id = exp;
    r.run_name = "orphan";
    auto run = tracking_->CreateRun(r);
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.status().code(), ErrorCode::kBadRequest);
  }
  SearchRunsRequest s;
  s.experiment_ids = {"0"};
  auto page = tracking_->SearchRuns(s);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->runs.empty());
  // With the Default experiment deleted, MLflow answers that first.
  ASSERT_TRUE(tracking_->DeleteExperiment("0").ok());
  auto run = tracking_->CreateRun(CreateRunRequest{});
  EXPECT_EQ(run.status().message(), "The experiment 0 must be in the 'active' state. Current state is deleted.");
}

TEST_F(TrackingServiceTest, GetExperimentWithNegativeIdIsNotFoundNotInvalid) {
  auto e = tracking_->GetExperiment("-1");
  EXPECT_EQ(e.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(e.status().message(), "No Experiment with id=-1 exists");
  // Python's int(): sign, spaces and underscores are fine; a fraction is not an id.
  EXPECT_TRUE(tracking_->GetExperiment(" +0 ").ok());
  EXPECT_EQ(tracking_->GetExperiment("1.5").status().message(),
            "Invalid experiment ID '1.5'. Experiment ID must be a valid integer.");
  EXPECT_EQ(tracking_->GetExperiment("99999999999999999999").status().code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(TrackingServiceTest, GetMetricHistoryRefusesMaxResultsBelowOne) {
  std::string run = NewRun();
  Metric m;
  m.key = "loss";
  m.timestamp = 1;
  ASSERT_TRUE(tracking_->LogMetric(run, m).ok());
  for (int64_t bad : {0, -1}) {
    auto page = tracking_->GetMetricHistory({run, "loss", bad, ""});
    EXPECT_EQ(page.status().message(), "Invalid value " + std::to_string(bad) +
                                           " for parameter 'max_results' supplied. It must be a positive integer.");
  }
  auto all = tracking_->GetMetricHistory({run, "loss", std::nullopt, ""});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->metrics.size(), 1u);
}

TEST_F(TrackingServiceTest, ParamKeyWithEmojiIsRefused) {
  std::string run = NewRun();
  Status st = tracking_->LogParam(run, {"p\xF0\x9F\x98\x80", "v"});  // U+1F600
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(st.message().find("Names may only contain"), std::string::npos) << st.message();
  EXPECT_TRUE(tracking_->LogParam(run, {"p\xC3\xA9\xE4\xB8\xAD", "v"}).ok());  // letters of other scripts
  LogBatchRequest batch;
  batch.run_id = run;
  batch.tags.push_back({"t\xF0\x9F\x98\x80", "v"});
  EXPECT_NE(tracking_->LogBatch(std::move(batch)).message().find("'tags[0].key'"), std::string::npos);
}

TEST_F(TrackingServiceTest, BatchLimitsAndKeyRules) {
  std::string run = NewRun();
  LogBatchRequest batch;
  batch.run_id = run;
  Metric m;
  m.key = "m";
  m.timestamp = 1;
  for (size_t i = 0; i <= limits::kMaxMetricsPerBatch; ++i) batch.metrics.push_back(m);
  EXPECT_EQ(tracking_->LogBatch(std::move(batch)).message(),
            "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics "
            "across multiple requests and try again.");
  LogBatchRequest dups;
  dups.run_id = run;
  dups.params = {{"a", "1"}, {"a", "2"}};
  EXPECT_EQ(tracking_->LogBatch(std::move(dups)).message(),
            "Duplicate parameter keys have been submitted: ['a']. Please ensure the request contains only one param "
            "value per param key.");
  LogBatchRequest bad_run;
  bad_run.run_id = "-bad";
  EXPECT_EQ(tracking_->LogBatch(std::move(bad_run)).message(), "Invalid value \"-bad\" for parameter 'run_id' supplied.");
}

TEST_F(TrackingServiceTest, LongValuesAreCutOrRefusedByTheSwitch) {
  std::string run = NewRun();
  const std::string long_param(limits::kMaxParamValueLength + 10, 'p');
  ASSERT_TRUE(tracking_->LogParam(run, {"cut", long_param}).ok());
  auto got = tracking_->GetRun(run);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->params.size(), 1u);
  EXPECT_EQ(got->params[0].value.size(), limits::kMaxParamValueLength);
  LogBatchRequest batch;
  batch.run_id = run;
  batch.tags.push_back({"t", std::string(limits::kMaxTagValueLength + 1, 't')});
  ASSERT_TRUE(tracking_->LogBatch(std::move(batch)).ok());
  EXPECT_EQ(Tag(run, "t").size(), limits::kMaxTagValueLength);

  ScopedTruncation off("false");
  EXPECT_EQ(tracking_->LogParam(run, {"refused", long_param}).message(),
            "'Param value' exceeds the maximum length of 6000 characters");
  EXPECT_EQ(tracking_->SetTag(run, {"t2", std::string(limits::kMaxTagValueLength + 1, 't')}).message(),
            "'value' exceeds the maximum length of 8000 characters");
  // Experiment tag values are never cut.
  EXPECT_EQ(tracking_->SetExperimentTag("0", {"e", std::string(limits::kMaxExperimentTagValueLength + 1, 'e')})
                .message(),
            "'value' exceeds the maximum length of 20000 characters");
}

// LogModel used to read the run and then set the history tag in a second transaction: two
// concurrent calls could both read the old list and one entry was lost.
TEST_F(TrackingServiceTest, ConcurrentLogModelCallsLoseNoHistoryEntry) {
  std::string run = NewRun();
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = tracking_->LogModel(run, ModelJson("m-" + std::to_string(t) + "-" + std::to_string(i)));
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  json history = json::parse(Tag(run, kLogModelHistoryTag));
  ASSERT_TRUE(history.is_array());
  std::set<std::string> paths;
  for (const auto& m : history) paths.insert(m["artifact_path"].get<std::string>());
  EXPECT_EQ(history.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(paths.size(), size_t{kThreads * kPerThread});
}

// The history went through SetTag, which cut values at 8000 characters: a long history became
// invalid JSON and the next LogModel silently started a new list.
TEST_F(TrackingServiceTest, LogModelHistoryLongerThanATagValueStaysWholeJson) {
  std::string run = NewRun();
  const std::string padding(1000, 'x');
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(tracking_->LogModel(run, ModelJson("m" + std::to_string(i), padding)).ok());
  std::string value = Tag(run, kLogModelHistoryTag);
  EXPECT_GT(value.size(), limits::kMaxTagValueLength);
  json history = json::parse(value, nullptr, false);
  ASSERT_TRUE(history.is_array()) << value.substr(0, 200);
  EXPECT_EQ(history.size(), 12u);
  EXPECT_EQ(history[11]["artifact_path"], "m11");
}

TEST_F(TrackingServiceTest, LogModelChecksTheModelDocument) {
  std::string run = NewRun();
  EXPECT_EQ(tracking_->LogModel(run, "{not json").message(), "Malformed model info. \n {not json \n is not a valid JSON.");
  EXPECT_EQ(tracking_->LogModel(run, R"({"flavors": {}})").message(),
            "Model json is missing mandatory fields: {'artifact_path', 'run_id', 'utc_time_created'}");
  EXPECT_EQ(tracking_->LogModel("0123456789abcdef0123456789abcdef", ModelJson("m")).code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Tag(run, kLogModelHistoryTag), "");
}

TEST_F(TrackingServiceTest, LogInputsChecksPresenceThenLengths) {
  std::string run = NewRun();
  auto request = [&](DatasetFields d) {
    LogInputsRequest r;
    r.run_id = run;
    r.datasets.push_back({d, {}});
    return r;
  };
  DatasetFields ok{"d", "x", "local", "{}", std::nullopt, std::nullopt};
  EXPECT_TRUE(tracking_->LogInputs(request(ok)).ok());
  DatasetFields no_digest = ok;
  no_digest.digest.reset();
  EXPECT_EQ(tracking_->LogInputs(request(no_digest)).message(), "Dataset digest cannot be None");
  DatasetFields long_name = ok;
  long_name.name = std::string(limits::kMaxDatasetNameLength + 1, 'n');
  EXPECT_EQ(tracking_->LogInputs(request(long_name)).message(), "'name' exceeds the maximum length of 500 characters");
  LogInputsRequest no_dataset;
  no_dataset.run_id = run;
  no_dataset.datasets.push_back({});
  EXPECT_EQ(tracking_->LogInputs(no_dataset).message(), "Dataset cannot be None");
  LogInputsRequest tag_without_value = request(ok);
  tag_without_value.datasets[0].tags.push_back({"k", std::nullopt});
  EXPECT_EQ(tracking_->LogInputs(tag_without_value).message(), "InputTag value cannot be None");
}

TEST_F(TrackingServiceTest, MetricHistoryReadsCheckTheirBounds) {
  std::vector<std::string> many(limits::kMaxRunIdsPerBulkHistory + 1, "r");
  EXPECT_EQ(tracking_->GetMetricHistoryBulk({{}, "m", std::nullopt}).status().message(),
            "GetMetricHistoryBulk request must specify at least one run_id.");
  EXPECT_EQ(tracking_->GetMetricHistoryBulk({{"r"}, "", std::nullopt}).status().message(),
            "GetMetricHistoryBulk request must specify a metric_key.");
  EXPECT_EQ(tracking_->GetMetricHistoryBulkInterval({many, "m", std::nullopt, std::nullopt, std::nullopt})
                .status()
                .message(),
            "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.");
  EXPECT_EQ(tracking_->GetMetricHistoryBulkInterval({{"r"}, "m", std::nullopt, std::nullopt, 2501}).status().message(),
            "max_results must be between 1 and 2500.");
  EXPECT_EQ(tracking_->GetMetricHistoryBulkInterval({{"r"}, "m", 5, std::nullopt, std::nullopt}).status().message(),
            "If either start step or end step are specified, both must be specified.");
  std::vector<std::string> experiments(limits::kMaxExperimentIdsPerDatasetSearch + 1, "0");
  EXPECT_EQ(tracking_->SearchDatasets(experiments).status().message(),
            "SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.");
}

TEST_F(TrackingServiceTest, CreateExperimentChecksNameAndLocation) {
  EXPECT_EQ(tracking_->CreateExperiment({std::string(501, 'n'), "", {}}).status().message(),
            "'name' exceeds the maximum length of 500 characters");
  EXPECT_EQ(tracking_->CreateExperiment({"e", "s3://b/x#frag", {}}).status().message(),
            "'artifact_location' URL can't include fragments or params.");
  auto id = tracking_->CreateExperiment({"e", "", {{"k", "v"}}});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(tracking_->GetExperiment(*id)->tags.size(), 1u);
}

}  // namespace
}  // namespace mlflow::service
