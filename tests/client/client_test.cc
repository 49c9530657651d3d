// mlflow::Client against each kind of tracking URI: a real `mlflow-cpp server` over 127.0.0.1
// (http://), a local SQLite database with no server (sqlite:///), and ("database") a fresh database
// on the MariaDB or PostgreSQL server that tests/mysql/with_mariadb.sh or tests/pg/with_cluster.sh
// started (ctest client_tests_mysql, client_tests_pg). The same assertions hold for all: the client
// means the same thing whichever way it talks.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "core/ids.h"
#include "mlflow/mlflow.h"
#include "server_process.h"
#include "store/sql/mysql_connection.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/store_uri.h"

namespace mlflow {
namespace {

namespace fs = std::filesystem;
using entities::RunStatus;

struct Target {
  std::string dir;
  std::unique_ptr<testing::ServerProcess> server;
  std::string uri;
};

// A fresh database on the test server of with_mariadb.sh (MLFLOW_TEST_MYSQL_URI, an admin URI
// without a database) or with_cluster.sh (MLFLOW_TEST_PG_URI); "" when neither is set.
std::string FreshServerDatabase() {
  const std::string name = "c_" + NewUuidHex().substr(0, 16);
  if (const char* mysql = std::getenv("MLFLOW_TEST_MYSQL_URI"); mysql && *mysql) {
    std::string base(mysql);
    if (base.back() != '/') base += '/';
    auto admin = store::sql::ParseMysqlUri(base + "mysql");
    if (!admin.ok()) return "";
    store::sql::MysqlConnection(*admin).ExecScript("CREATE DATABASE " + name);
    return base + name;
  }
  if (const char* pg = std::getenv("MLFLOW_TEST_PG_URI"); pg && *pg) {
    const std::string admin(pg);
    store::sql::PostgresConnection(admin).ExecScript("CREATE DATABASE " + name);
    return admin.substr(0, admin.rfind('/') + 1) + name;
  }
  return "";
}

class ClientTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    t_.dir = testing::MakeTempDir("client-test");
    if (GetParam() == "http") {
      t_.server = std::make_unique<testing::ServerProcess>(MLFLOW_CPP_BINARY, t_.dir);
      t_.server->Start();
      t_.uri = t_.server->url();
    } else if (GetParam() == "database") {
      t_.uri = FreshServerDatabase();
      ASSERT_FALSE(t_.uri.empty()) << "no MLFLOW_TEST_MYSQL_URI or MLFLOW_TEST_PG_URI: run under "
                                      "tests/mysql/with_mariadb.sh or tests/pg/with_cluster.sh";
    } else {
      t_.uri = "sqlite:///" + t_.dir + "/local.db";
    }
    old_cwd_ = fs::current_path();
    fs::current_path(t_.dir);  // a local store keeps artifacts in ./mlruns
    client_ = std::make_unique<Client>(t_.uri);
  }
  void TearDown() override {
    client_.reset();
    t_.server.reset();
    fs::current_path(old_cwd_);
    fs::remove_all(t_.dir);
  }

  Target t_;
  fs::path old_cwd_;
  std::unique_ptr<Client> client_;
};

TEST_P(ClientTest, ExperimentsCreateGetSearchRenameDeleteRestore) {
  Client& c = *client_;
  std::string id = c.create_experiment("exp-a", "", {{"team", "robots"}});
  entities::Experiment e = c.get_experiment(id);
  EXPECT_EQ(e.name, "exp-a");
  EXPECT_EQ(e.tags.at("team"), "robots");
  EXPECT_EQ(e.lifecycle_stage, "active");
  ASSERT_TRUE(c.get_experiment_by_name("exp-a").has_value());
  EXPECT_FALSE(c.get_experiment_by_name("no-such-experiment").has_value());

  c.rename_experiment(id, "exp-b");
  c.set_experiment_tag(id, "k", "v");
  EXPECT_EQ(c.get_experiment(id).name, "exp-b");
  EXPECT_EQ(c.get_experiment(id).tags.at("k"), "v");
  auto page = c.search_experiments("name = 'exp-b'");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].experiment_id, id);

  c.delete_experiment(id);
  EXPECT_EQ(c.get_experiment(id).lifecycle_stage, "deleted");
  EXPECT_TRUE(c.search_experiments("name = 'exp-b'").items.empty());
  c.restore_experiment(id);
  EXPECT_EQ(c.get_experiment(id).lifecycle_stage, "active");

  try {
    c.create_experiment("exp-b");
    FAIL() << "a second experiment with the same name was created";
  } catch (const MlflowError& err) {
    EXPECT_EQ(err.error_code(), "RESOURCE_ALREADY_EXISTS");
  }
}

TEST_P(ClientTest, RunDataParamsMetricsTagsBatchHistory) {
  Client& c = *client_;
  std::string exp = c.create_experiment("runs");
  entities::Run run = c.create_run(exp, {{"mlflow.user", "alice"}}, "first");
  const std::string& id = run.info.run_id;
  EXPECT_EQ(run.info.status, "RUNNING");
  EXPECT_EQ(run.info.run_name, "first");
  EXPECT_EQ(run.info.user_id, "alice");

  c.log_param(id, "lr", "0.01");
  c.log_metric(id, "loss", 0.5, 1, 1000);
  c.log_metric(id, "loss", 0.25, 2, 2000);
  c.log_metric(id, "odd", std::nan(""), 0, 1000);
  c.set_tag(id, "phase", "train");
  std::vector<entities::Metric> many;
  for (int i = 0; i < 2500; ++i) many.push_back({"acc", i / 2500.0, 5000 + i, i});
  std::vector<entities::Param> params;
  for (int i = 0; i < 150; ++i) params.push_back({"p" + std::to_string(i), std::to_string(i)});
  c.log_batch(id, many, params, {{"batch", "yes"}});

  entities::Run got = c.get_run(id);
  EXPECT_EQ(got.data.params.at("lr"), "0.01");
  EXPECT_EQ(got.data.params.size(), 151u);
  EXPECT_EQ(got.data.metrics.at("loss"), 0.25);
  EXPECT_TRUE(std::isnan(got.data.metrics.at("odd")));
  EXPECT_EQ(got.data.tags.at("phase"), "train");
  EXPECT_EQ(got.data.tags.at("batch"), "yes");
  EXPECT_EQ(got.data.tags.at("mlflow.runName"), "first");

  auto loss = c.get_metric_history(id, "loss");
  ASSERT_EQ(loss.size(), 2u);
  EXPECT_EQ(loss[0].value, 0.5);
  EXPECT_EQ(loss[1].step, 2);
  EXPECT_EQ(c.get_metric_history(id, "acc").size(), 2500u);

  c.delete_tag(id, "phase");
  EXPECT_EQ(c.get_run(id).data.tags.count("phase"), 0u);
  try {
    c.log_param(id, "lr", "0.02");  // params never change
    FAIL() << "a changed param was accepted";
  } catch (const MlflowError& err) {
    EXPECT_EQ(err.error_code(), "INVALID_PARAMETER_VALUE");
  }

  SearchRunsOptions by_loss;
  by_loss.filter = "metrics.loss < 0.3";
  auto found = c.search_runs({exp}, by_loss);
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].info.run_id, id);

  c.set_terminated(id, RunStatus::kKilled, 9000);
  EXPECT_EQ(c.get_run(id).info.status, "KILLED");
  EXPECT_EQ(c.get_run(id).info.end_time, 9000);
  c.delete_run(id);
  EXPECT_EQ(c.get_run(id).info.lifecycle_stage, "deleted");
  c.restore_run(id);
  EXPECT_EQ(c.get_run(id).info.lifecycle_stage, "active");
}

TEST_P(ClientTest, UnknownRunIsResourceDoesNotExist) {
  try {
    client_->get_run("0123456789abcdef0123456789abcdef");
    FAIL() << "no error";
  } catch (const MlflowError& err) {
    EXPECT_EQ(err.error_code(), "RESOURCE_DOES_NOT_EXIST");
    if (GetParam() == "http") {
      EXPECT_EQ(err.http_status(), 404);
    }
  }
}

TEST_P(ClientTest, AsyncMetricsAreAllStoredAfterFlush) {
  Client& c = *client_;
  std::string run_id = c.create_run("0").info.run_id;
  constexpr int kPoints = 20000;
  for (int i = 0; i < kPoints; ++i) c.log_metric_async(run_id, i % 2 ? "a" : "b", i, i);
  c.flush();
  EXPECT_EQ(c.get_metric_history(run_id, "a").size() + c.get_metric_history(run_id, "b").size(),
            static_cast<size_t>(kPoints));
  EXPECT_EQ(c.get_run(run_id).data.metrics.at("a"), kPoints - 1);
}

TEST_P(ClientTest, AsyncMetricRefusedByTheStoreIsReportedByFlush) {
  Client& c = *client_;
  c.log_metric_async("0123456789abcdef0123456789abcdef", "loss", 1.0);
  try {
    c.flush();
    FAIL() << "flush did not report the refused metric";
  } catch (const MlflowError& err) {
    EXPECT_EQ(err.error_code(), "RESOURCE_DOES_NOT_EXIST");
  }
  c.flush();  // the error was reported once
}

TEST_P(ClientTest, ArtifactsLogListDownload) {
  Client& c = *client_;
  std::string run_id = c.create_run("0").info.run_id;
  fs::create_directories(t_.dir + "/src/sub");
  std::ofstream(t_.dir + "/src/weights.bin") << "0123456789";
  std::ofstream(t_.dir + "/src/sub/notes.txt") << "hello";
  c.log_artifact(run_id, t_.dir + "/src/weights.bin", "model");
  c.log_artifacts(run_id, t_.dir + "/src", "all");
  c.log_text(run_id, "{\"a\": 1}", "config/params.json");

  auto top = c.list_artifacts(run_id);
  std::vector<std::string> names;
  for (const auto& f : top) names.push_back(f.path);
  EXPECT_EQ(names, (std::vector<std::string>{"all", "config", "model"}));
  auto model = c.list_artifacts(run_id, "model");
  ASSERT_EQ(model.size(), 1u);
  EXPECT_EQ(model[0].path, "model/weights.bin");
  EXPECT_EQ(model[0].file_size, 10);

  std::string local = c.download_artifacts(run_id, "config/params.json", t_.dir + "/dl");
  std::ifstream in(local);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "{\"a\": 1}");
  std::string dir = c.download_artifacts(run_id, "all", t_.dir + "/dl2");
  EXPECT_TRUE(fs::exists(fs::path(dir) / "sub" / "notes.txt"));
}

TEST_P(ClientTest, RegistryModelsVersionsAliasesStages) {
  Client& c = *client_;
  std::string run_id = c.create_run("0").info.run_id;
  c.create_registered_model("robot-policy", {{"owner", "me"}}, "a policy");
  auto rm = c.get_registered_model("robot-policy");
  EXPECT_EQ(rm.description, "a policy");
  EXPECT_EQ(rm.tags.at("owner"), "me");

  auto v1 = c.create_model_version("robot-policy", "runs:/" + run_id + "/model", run_id);
  auto v2 = c.create_model_version("robot-policy", "runs:/" + run_id + "/model", run_id, {{"k", "v"}});
  EXPECT_EQ(v1.version, "1");
  EXPECT_EQ(v2.version, "2");
  EXPECT_EQ(v2.tags.at("k"), "v");
  EXPECT_EQ(v2.run_id, run_id);

  c.set_registered_model_alias("robot-policy", "champion", "2");
  EXPECT_EQ(c.get_model_version_by_alias("robot-policy", "champion").version, "2");
  EXPECT_EQ(c.get_registered_model("robot-policy").aliases.at("champion"), "2");
  auto staged = c.transition_model_version_stage("robot-policy", "1", "Staging");
  EXPECT_EQ(staged.current_stage, "Staging");
  c.set_model_version_tag("robot-policy", "1", "validated", "true");
  EXPECT_EQ(c.get_model_version("robot-policy", "1").tags.at("validated"), "true");
  EXPECT_EQ(c.search_model_versions("name = 'robot-policy'").items.size(), 2u);
  EXPECT_EQ(c.search_registered_models("name LIKE 'robot%'").items.size(), 1u);
  EXPECT_FALSE(c.get_model_version_download_uri("robot-policy", "1").empty());

  c.delete_registered_model_alias("robot-policy", "champion");
  c.delete_model_version("robot-policy", "1");
  EXPECT_EQ(c.search_model_versions("name = 'robot-policy'").items.size(), 1u);
  c.rename_registered_model("robot-policy", "robot-policy-2");
  c.delete_registered_model("robot-policy-2");
  EXPECT_TRUE(c.search_registered_models("name LIKE 'robot%'").items.empty());
}

TEST_P(ClientTest, LoggedModelsCreateFinalizeSearchArtifacts) {
  Client& c = *client_;
  std::string exp = c.create_experiment("models");
  std::string run_id = c.create_run(exp).info.run_id;
  auto m = c.create_logged_model(exp, "policy", run_id, {{"t", "1"}}, {{"alpha", "0.5"}}, "agent");
  EXPECT_EQ(m.status, "LOGGED_MODEL_PENDING");
  EXPECT_EQ(m.name, "policy");
  EXPECT_EQ(m.params.at("alpha"), "0.5");
  std::ofstream(t_.dir + "/MLmodel") << "artifact_path: policy\n";
  c.log_model_artifact(m.model_id, t_.dir + "/MLmodel");
  auto ready = c.finalize_logged_model(m.model_id, "READY");
  EXPECT_EQ(ready.status, "LOGGED_MODEL_READY");
  c.set_logged_model_tags(m.model_id, {{"stage", "eval"}});
  EXPECT_EQ(c.get_logged_model(m.model_id).tags.at("stage"), "eval");
  auto found = c.search_logged_models({exp});
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].model_id, m.model_id);
  c.delete_logged_model_tag(m.model_id, "stage");
  EXPECT_EQ(c.get_logged_model(m.model_id).tags.count("stage"), 0u);

  c.create_registered_model("from-logged");
  auto v = c.create_model_version("from-logged", "models:/" + m.model_id, run_id, {}, "", m.model_id);
  EXPECT_EQ(v.version, "1");
}

INSTANTIATE_TEST_SUITE_P(Uris, ClientTest, ::testing::Values("http", "sqlite", "database"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mlflow
