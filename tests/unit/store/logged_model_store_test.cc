// The SQL logged-model store on a real SQLite file: MLflow's rows for logged models, their params,
// tags and the metrics the tracking store links to them.
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sqlite_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "core/ids.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

class LoggedModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("logged-model-store-" + NewUuidHex());
    fs::create_directories(dir_);
    path_ = (dir_ / "mlflow.db").string();
    db_ = std::make_shared<store::sql::SqliteDatabase>(store::sql::SqliteOptions{path_});
    ASSERT_TRUE(store::sql::CreateSchema(db_->writer_connection()).ok());
    tracking_ = std::make_unique<SqlTrackingStore>(db_, "mlflow-artifacts:/");
    ASSERT_TRUE(tracking_->Initialize().ok());
    store_ = std::make_unique<SqlLoggedModelStore>(db_);
  }
  void TearDown() override {
    store_.reset();
    tracking_.reset();
    db_->Close();
    fs::remove_all(dir_);
  }
  LoggedModel Create(CreateLoggedModelRequest r = {}) {
    if (r.experiment_id.empty()) r.experiment_id = "0";
    auto m = store_->CreateLoggedModel(r);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? *m : LoggedModel{};
  }
  std::string Text(const std::string& sql) {
    store::sql::SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st->Step()) << sql;
    return st->IsNull(0) ? "<NULL>" : st->Text(0);
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<store::sql::SqliteDatabase> db_;
  std::unique_ptr<SqlTrackingStore> tracking_;
  std::unique_ptr<SqlLoggedModelStore> store_;
};

TEST_F(LoggedModelStoreTest, CreateWritesMlflowRow) {
  CreateLoggedModelRequest r;
  r.name = "my_model";
  r.model_type = "sklearn";
  r.params = {{"a", "1"}};
  r.tags = {{"t", "x"}};
  LoggedModel m = Create(r);
  EXPECT_TRUE(std::regex_match(m.model_id, std::regex("m-[0-9a-f]{32}")));
  EXPECT_EQ(m.artifact_uri, "mlflow-artifacts:/0/models/" + m.model_id + "/artifacts");
  EXPECT_EQ(m.status, LoggedModelStatus::kPending);
  std::string where = " FROM logged_models WHERE model_id = '" + m.model_id + "'";
  EXPECT_EQ(Text("SELECT status" + where), "1");
  EXPECT_EQ(Text("SELECT lifecycle_stage" + where), "active");
  EXPECT_EQ(Text("SELECT artifact_location" + where), m.artifact_uri);
  EXPECT_EQ(Text("SELECT source_run_id" + where), "<NULL>");
  EXPECT_EQ(Text("SELECT experiment_id FROM logged_model_params WHERE param_key = 'a'"), "0");
  EXPECT_EQ(Text("SELECT tag_value FROM logged_model_tags WHERE tag_key = 't'"), "x");
  LoggedModel generated = Create();
  EXPECT_TRUE(std::regex_match(generated.name, std::regex("[a-z]+-[a-z]+-\\d+"))) << generated.name;
}

TEST_F(LoggedModelStoreTest, ExperimentRules) {
  CreateLoggedModelRequest r;
  r.experiment_id = "77";
  EXPECT_EQ(store_->CreateLoggedModel(r).status().message(), "No Experiment with id=77 exists");
  auto exp = tracking_->CreateExperiment("e", "", {});
  ASSERT_TRUE(exp.ok());
  ASSERT_TRUE(tracking_->DeleteExperiment(*exp).ok());
  r.experiment_id = *exp;
  EXPECT_EQ(store_->CreateLoggedModel(r).status().code(), ErrorCode::kInvalidParameterValue);
  r.experiment_id = "0";
  r.name = "a.b";
  EXPECT_EQ(store_->CreateLoggedModel(r).status().message(),
            "Invalid model name ('a.b') provided. Model name must be a non-empty string and cannot contain the "
            "following characters: ('/', ':', '.', '%', '\"', \"'\")");
}

TEST_F(LoggedModelStoreTest, FinalizeDeleteTagsParams) {
  LoggedModel m = Create();
  auto f = store_->FinalizeLoggedModel(m.model_id, LoggedModelStatus::kReady);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->status, LoggedModelStatus::kReady);
  EXPECT_EQ(Text("SELECT status FROM logged_models"), "2");
  ASSERT_TRUE(store_->SetLoggedModelTags(m.model_id, {{"k", "1"}, {"k", "2"}}).ok());
  EXPECT_EQ(Text("SELECT tag_value FROM logged_model_tags WHERE tag_key = 'k'"), "2");
  ASSERT_TRUE(store_->DeleteLoggedModelTag(m.model_id, "k").ok());
  EXPECT_EQ(store_->DeleteLoggedModelTag(m.model_id, "k").message(),
            "No tag with key 'k' found for model with ID '" + m.model_id + "'.");
  ASSERT_TRUE(store_->LogLoggedModelParams(m.model_id, {{"p", "1"}}).ok());
  EXPECT_EQ(store_->LogLoggedModelParams(m.model_id, {{"p", "1"}}).code(), ErrorCode::kBadRequest);
  ASSERT_TRUE(store_->DeleteLoggedModel(m.model_id).ok());
  EXPECT_EQ(Text("SELECT lifecycle_stage FROM logged_models"), "deleted");
  EXPECT_EQ(store_->GetLoggedModel(m.model_id).status().message(),
            "Logged model with ID '" + m.model_id + "' not found.");
  EXPECT_EQ(store_->DeleteLoggedModel("m-none").code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(LoggedModelStoreTest, MetricsLoggedOnRunsAreReturned) {
  auto run = tracking_->CreateRun("0", "u", 1, {}, "");
  ASSERT_TRUE(run.ok());
  CreateLoggedModelRequest r;
  r.source_run_id = run->info.run_id;
  LoggedModel m = Create(r);
  Metric x;
  x.key = "acc";
  x.value = 0.5;
  x.timestamp = 10;
  x.step = 2;
  x.model_id = m.model_id;
  x.dataset_name = "ds";
  ASSERT_TRUE(tracking_->LogMetric(run->info.run_id, x).ok());
  auto got = store_->GetLoggedModel(m.model_id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->metrics.size(), 1u);
  EXPECT_EQ(got->metrics[0].key, "acc");
  EXPECT_EQ(got->metrics[0].value, 0.5);
  EXPECT_EQ(got->metrics[0].step, 2);
  EXPECT_EQ(got->metrics[0].run_id, run->info.run_id);
  EXPECT_EQ(got->metrics[0].dataset_name, "ds");
  EXPECT_EQ(got->metrics[0].model_id, m.model_id);
}

TEST_F(LoggedModelStoreTest, ModelVersionsTagIsAppendedOnce) {
  LoggedModel m = Create();
  ASSERT_TRUE(store_->AddModelVersionTag(m.model_id, "reg", 1).ok());
  ASSERT_TRUE(store_->AddModelVersionTag(m.model_id, "reg", 1).ok());
  ASSERT_TRUE(store_->AddModelVersionTag(m.model_id, "reg", 2).ok());
  EXPECT_EQ(Text("SELECT tag_value FROM logged_model_tags WHERE tag_key = 'mlflow.modelVersions'"),
            R"([{"name": "reg", "version": 1}, {"name": "reg", "version": 2}])");
}

TEST_F(LoggedModelStoreTest, SearchExcludesDeletedAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    CreateLoggedModelRequest r;
    r.name = "n" + std::to_string(i);
    ids.push_back(Create(r).model_id);
  }
  ASSERT_TRUE(store_->DeleteLoggedModel(ids[1]).ok());
  LoggedModelSearchRequest s;
  s.experiment_ids = {"0"};
  s.filter = "name != 'n0'";
  auto page = store_->SearchLoggedModels(s);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->models.size(), 1u);
  EXPECT_EQ(page->models[0].model_id, ids[2]);
  s.filter.clear();
  s.max_results = 1;
  page = store_->SearchLoggedModels(s);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->models.size(), 1u);
  EXPECT_FALSE(page->next_page_token.empty());
  s.page_token = page->next_page_token;
  auto next = store_->SearchLoggedModels(s);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->models.size(), 1u);
  EXPECT_NE(next->models[0].model_id, page->models[0].model_id);
  EXPECT_TRUE(next->next_page_token.empty());
}

}  // namespace
}  // namespace mlflow::store::sql
