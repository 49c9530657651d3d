// The usage examples at the top of the service headers (and core/status.h), compiled and run here. Each example sits
// between "// example: <header>" and "// end" exactly as the header shows it (indentation aside);
// HeaderExamplesAreTheCodeCompiledHere fails when a header's example and this copy drift apart.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/ids.h"
#include "service/dataset_service.h"
#include "service/scorer_service.h"
#include "service_fixture.h"
#include "store/sql/sql_dataset_store.h"
#include "store/sql/sql_scorer_store.h"

namespace mlflow {
namespace {

Status TrackingExample(store::TrackingStore& store) {
  // example: service/tracking_service.h
  service::TrackingService tracking(store);
  service::CreateRunRequest create;
  create.experiment_id = "0";
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking.CreateRun(create));
  service::LogBatchRequest batch;
  batch.run_id = run.info.run_id;
  batch.params.push_back({"lr", "0.01"});
  MLFLOW_RETURN_IF_ERROR(tracking.LogBatch(std::move(batch)));
  // end
  return Status();
}

Result<int64_t> RegistryExample(store::RegistryStore& registry_store, store::TrackingStore& tracking_store,
                                store::LoggedModelStore& logged_model_store) {
  // example: service/registry_service.h
  service::RegistryService registry(registry_store, tracking_store, logged_model_store);
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel model, registry.CreateRegisteredModel("churn", {}, ""));
  service::CreateModelVersionRequest version;
  version.name = model.name;
  version.source = "s3://bucket/churn/model";
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, registry.CreateModelVersion(version));
  // end
  return mv.version;
}

Result<store::LoggedModelStatus> LoggedModelExample(store::LoggedModelStore& logged_model_store) {
  // example: service/logged_model_service.h
  service::LoggedModelService models(logged_model_store);
  store::CreateLoggedModelRequest create;
  create.experiment_id = "0";
  create.name = "classifier";
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel model, models.CreateLoggedModel(create));
  MLFLOW_ASSIGN_OR_RETURN(model, models.FinalizeLoggedModel(model.model_id, store::LoggedModelStatus::kReady));
  // end
  return model.status;
}

Result<std::string> ArtifactExample(const std::string& destination, service::TrackingService& tracking,
                                    service::RegistryService& registry, service::LoggedModelService& logged_models,
                                    const std::string& run_id) {
  // example: service/artifact_service.h
  service::ArtifactService artifacts({.serve_artifacts = true, .destination = destination}, tracking, registry,
                                     logged_models);
  MLFLOW_ASSIGN_OR_RETURN(service::ArtifactListing listing, artifacts.ListRunArtifacts(run_id, "model"));
  MLFLOW_ASSIGN_OR_RETURN(service::ArtifactFile file, artifacts.RunArtifact(run_id, "model/MLmodel"));
  // file.repo->Read(file.path, sink) streams it
  // end
  return listing.root_uri + " " + file.path;
}

Result<size_t> TracingExample(store::TraceStore& trace_store) {
  // example: service/tracing_service.h
  service::TracingService tracing(trace_store);
  TraceInfo info;
  info.trace_id = "tr-" + NewUuidHex();
  info.experiment_id = "0";
  info.state = kTraceStateOk;
  MLFLOW_ASSIGN_OR_RETURN(TraceInfo stored, tracing.StartTrace(info));
  MLFLOW_RETURN_IF_ERROR(tracing.SetTraceTag(stored.trace_id, "team", "search"));
  store::TraceSearchRequest search;
  search.experiment_ids = {"0"};
  search.filter = "tags.team = 'search'";
  MLFLOW_ASSIGN_OR_RETURN(store::TracePage page, tracing.SearchTraces(search));
  // end
  return page.traces.size();
}

Result<std::string> StatusExample(service::TrackingService& tracking, const std::string& run_id) {
  // example: core/status.h
  Result<Run> run = tracking.GetRun(run_id);
  if (!run.ok()) return run.status();  // MLflow's error code and message, for the caller to answer
  MLFLOW_ASSIGN_OR_RETURN(Experiment experiment, tracking.GetExperiment(run->info.experiment_id));
  // end
  return experiment.name;
}

Result<int64_t> DatasetExample(store::DatasetStore& dataset_store) {
  // example: service/dataset_service.h
  service::DatasetService datasets(dataset_store);
  MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d, datasets.CreateDataset("qa", {"0"}, R"({"team": "a"})"));
  MLFLOW_ASSIGN_OR_RETURN(store::DatasetUpsertResult n,
                          datasets.UpsertRecords(d.dataset_id, R"([{"inputs": {"q": "hi"}}])"));
  MLFLOW_ASSIGN_OR_RETURN(service::RecordsPage page, datasets.GetRecords(d.dataset_id, 0, ""));
  // end
  return n.inserted + static_cast<int64_t>(page.next_page_token.size());
}

Result<size_t> ScorerExample(store::ScorerStore& scorer_store, store::TrackingStore& tracking_store) {
  // example: service/scorer_service.h
  service::ScorerService scorers(scorer_store, tracking_store, /*allow_custom_scorers=*/false);
  MLFLOW_ASSIGN_OR_RETURN(store::ScorerVersion v,
                          scorers.RegisterScorer("0", "relevance", R"({"name": "relevance"})"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::ScorerVersion> latest, scorers.ListScorers("0", std::nullopt));
  // end
  return latest.size() + static_cast<size_t>(v.scorer_version);
}

using HeaderExamplesTest = service::ServiceTest;

TEST_F(HeaderExamplesTest, ExamplesRun) {
  EXPECT_TRUE(TrackingExample(*tracking_store_).ok());
  auto version = RegistryExample(*registry_store_, *tracking_store_, *logged_model_store_);
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(*version, 1);
  auto status = LoggedModelExample(*logged_model_store_);
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, store::LoggedModelStatus::kReady);
  std::string run = NewRun();
  auto where = ArtifactExample((dir_ / "mlartifacts").string(), *tracking_, *registry_, *logged_models_, run);
  ASSERT_TRUE(where.ok()) << where.status().message();
  EXPECT_EQ(*where, "mlflow-artifacts:/0/" + run + "/artifacts 0/" + run + "/artifacts/model/MLmodel");
  EXPECT_EQ(*StatusExample(*tracking_, run), "Default");
  auto found = TracingExample(*trace_store_);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, 1u);
  EXPECT_EQ(StatusExample(*tracking_, std::string(32, 'f')).status().code(), ErrorCode::kResourceDoesNotExist);
  store::sql::SqlDatasetStore dataset_store(db_);
  auto inserted = DatasetExample(dataset_store);
  ASSERT_TRUE(inserted.ok()) << inserted.status().message();
  EXPECT_EQ(*inserted, 1);
  store::sql::SqlScorerStore scorer_store(db_);
  auto scorers = ScorerExample(scorer_store, *tracking_store_);
  ASSERT_TRUE(scorers.ok()) << scorers.status().message();
  EXPECT_EQ(*scorers, 2u);
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

TEST(HeaderExamples, HeaderExamplesAreTheCodeCompiledHere) {
  const std::string root = MLFLOW_SOURCE_DIR;
  std::vector<std::string> here = Lines(root + "/tests/unit/service/header_examples_test.cc");
  int checked = 0;
  for (size_t i = 0; i < here.size(); ++i) {
    const std::string marker = "// example: ";
    std::string line = Trim(here[i]);
    if (line.rfind(marker, 0) != 0) continue;
    const std::string header = line.substr(marker.size());
    std::vector<std::string> example;
    for (size_t j = i + 1; j < here.size() && Trim(here[j]) != "// end"; ++j) example.push_back(Trim(here[j]));
    // The header's example: its first run of "//   " comment lines.
    std::vector<std::string> shown;
    for (const auto& h : Lines(root + "/src/" + header)) {
      if (h.rfind("//   ", 0) == 0) {
        shown.push_back(Trim(h.substr(2)));
      } else if (!shown.empty()) {
        break;
      }
    }
    // A wrapped call continues on an indented line: compare the statements, not the wrapping.
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& l : v) s += l + " ";
      return s;
    };
    EXPECT_EQ(join(shown), join(example)) << header;
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

}  // namespace
}  // namespace mlflow
