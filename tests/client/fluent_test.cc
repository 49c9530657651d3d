// The fluent API on a local SQLite URI: RAII runs (FINISHED on scope exit, FAILED when an
// exception leaves the scope), nested runs, system tags, asynchronous metrics delivered by the run's end.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "mlflow/mlflow.h"
#include "server_process.h"

namespace mlflow {
namespace {

namespace fs = std::filesystem;

class FluentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("fluent-test");
    old_cwd_ = fs::current_path();
    fs::current_path(dir_);
    set_tracking_uri("sqlite:///" + dir_ + "/fluent.db");
    set_experiment("fluent");
  }
  void TearDown() override {
    while (active_run_id()) end_run();
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }
  std::string dir_;
  fs::path old_cwd_;
};

TEST_F(FluentTest, RunFinishesOnScopeExitWithEveryMetric) {
  std::string id;
  {
    ActiveRun run = start_run("scoped");
    id = run.run_id();
    ASSERT_EQ(active_run_id(), id);
    log_param("lr", "0.1");
    log_params({{"epochs", "3"}, {"batch", "32"}});
    for (int step = 0; step < 5000; ++step) log_metric("loss", 1.0 / (step + 1), step);
    log_metrics({{"acc", 0.9}, {"f1", 0.8}}, 7);
    set_tag("phase", "train");
    log_text("hello", "notes/readme.txt");
  }
  EXPECT_FALSE(active_run_id().has_value());
  Client& c = fluent_client();
  entities::Run run = c.get_run(id);
  EXPECT_EQ(run.info.status, "FINISHED");
  EXPECT_TRUE(run.info.end_time.has_value());
  EXPECT_EQ(run.info.run_name, "scoped");
  EXPECT_EQ(run.data.params.at("epochs"), "3");
  EXPECT_EQ(run.data.tags.at("phase"), "train");
  EXPECT_EQ(c.get_metric_history(id, "loss").size(), 5000u);
  EXPECT_EQ(run.data.metrics.at("acc"), 0.9);
  EXPECT_EQ(c.list_artifacts(id, "notes").size(), 1u);
  EXPECT_EQ(run.info.experiment_id, c.get_experiment_by_name("fluent")->experiment_id);
}

TEST_F(FluentTest, RunFailsWhenAnExceptionLeavesItsScope) {
  std::string id;
  try {
    ActiveRun run = start_run();
    id = run.run_id();
    log_metric("loss", 1.0);
    throw std::runtime_error("diverged");
  } catch (const std::runtime_error&) {
  }
  entities::Run run = fluent_client().get_run(id);
  EXPECT_EQ(run.info.status, "FAILED");
  EXPECT_EQ(run.data.metrics.at("loss"), 1.0);
}

TEST_F(FluentTest, NestedRunsCarryTheirParent) {
  ActiveRun parent = start_run("parent");
  try {
    start_run("not-nested");
    FAIL() << "a second run started without nested=true";
  } catch (const MlflowError& e) {
    EXPECT_EQ(e.error_code(), "INVALID_PARAMETER_VALUE");
  }
  std::string child_id;
  {
    ActiveRun child = start_run("child", /*nested=*/true);
    child_id = child.run_id();
    EXPECT_EQ(active_run_id(), child_id);
  }
  EXPECT_EQ(active_run_id(), parent.run_id());
  entities::Run child = fluent_client().get_run(child_id);
  EXPECT_EQ(child.data.tags.at("mlflow.parentRunId"), parent.run_id());
  EXPECT_EQ(child.info.status, "FINISHED");
  parent.end(entities::RunStatus::kKilled);
  EXPECT_EQ(fluent_client().get_run(parent.run_id()).info.status, "KILLED");
  EXPECT_FALSE(active_run_id().has_value());
}

// Python's context providers: user, source name and type, and git facts of the checkout the program is in.
TEST_F(FluentTest, SystemTagsAsThePythonClientSetsThem) {
  ActiveRun run = start_run();
  entities::Run r = run.run();
  EXPECT_EQ(r.data.tags.at("mlflow.source.type"), "LOCAL");
  EXPECT_NE(r.data.tags.at("mlflow.source.name").find("client_tests"), std::string::npos);
  EXPECT_FALSE(r.data.tags.at("mlflow.user").empty());
  EXPECT_EQ(r.info.user_id, r.data.tags.at("mlflow.user"));
  // The test binary lives in the build folder of a git checkout: the commit is HEAD's.
  std::string cmd = "git -C '" + std::string(MLFLOW_SOURCE_DIR) + "' rev-parse HEAD 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[64] = {0};
  bool got = fgets(buf, sizeof(buf), p) != nullptr;
  pclose(p);
  if (got && std::string(MLFLOW_BINARY_DIR).rfind(MLFLOW_SOURCE_DIR, 0) == 0) {
    std::string head(buf);
    head.erase(head.find_last_not_of("\n") + 1);
    EXPECT_EQ(r.data.tags.at("mlflow.source.git.commit"), head);
  } else {
    // Built outside the checkout: no git tags, as Python sets none outside a repository.
    EXPECT_EQ(r.data.tags.count("mlflow.source.git.commit"), 0u) << "build dir " << MLFLOW_BINARY_DIR;
  }
}

TEST_F(FluentTest, LoggingWithoutARunThrows) {
  try {
    log_param("a", "b");
    FAIL() << "no error";
  } catch (const MlflowError& e) {
    EXPECT_EQ(e.error_code(), "INVALID_STATE");
  }
}

TEST_F(FluentTest, RegisterModelFromRunArtifacts) {
  std::string id;
  {
    ActiveRun run = start_run();
    id = run.run_id();
    log_text("artifact_path: model\nflavors: {}\n", "model/MLmodel");
  }
  entities::ModelVersion v = register_model("runs:/" + id + "/model", "fluent-model");
  EXPECT_EQ(v.version, "1");
  EXPECT_EQ(v.run_id, id);
  entities::ModelVersion v2 = register_model("runs:/" + id + "/model", "fluent-model");
  EXPECT_EQ(v2.version, "2");
}

TEST(TrackingUri, ResolvedAsMlflowResolvesIt) {
  set_tracking_uri("http://127.0.0.1:1");
  EXPECT_EQ(get_tracking_uri(), "http://127.0.0.1:1");
  try {
    Client c("file:///tmp/mlruns");
    FAIL() << "an unsupported scheme was accepted";
  } catch (const MlflowError& e) {
    EXPECT_EQ(e.error_code(), "INVALID_PARAMETER_VALUE");
  }
}

}  // namespace
}  // namespace mlflow
