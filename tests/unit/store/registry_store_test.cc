// The SQL registry store on a real SQLite file: MLflow's registry write rules (docs/reference/database.md 8) and
// the values it leaves in the tables, checked straight from the file.
#include "store/sql/sql_registry_store.h"
#include "store/sql/sqlite_database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "core/ids.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

class RegistryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("registry-store-" + NewUuidHex());
    fs::create_directories(dir_);
    path_ = (dir_ / "mlflow.db").string();
    db_ = std::make_shared<store::sql::SqliteDatabase>(store::sql::SqliteOptions{path_});
    ASSERT_TRUE(store::sql::CreateSchema(db_->writer_connection()).ok());
    store_ = std::make_unique<SqlRegistryStore>(db_);
  }
  void TearDown() override {
    store_.reset();
    db_->Close();
    fs::remove_all(dir_);
  }
  void Model(const std::string& name) { ASSERT_TRUE(store_->CreateRegisteredModel(name, {}, "").ok()); }
  ModelVersion Version(const std::string& name, const std::string& source = "s3://b/m") {
    CreateModelVersionRequest r;
    r.name = name;
    r.source = source;
    r.run_id = "";
    r.run_link = "";
    r.description = "";
    auto mv = store_->CreateModelVersion(r);
    EXPECT_TRUE(mv.ok()) << mv.status().message();
    return mv.ok() ? *mv : ModelVersion{};
  }
  // One text value straight from the file, bypassing the store ("<NULL>" for NULL).
  std::string Text(const std::string& sql) {
    store::sql::SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st->Step()) << sql;
    return st->IsNull(0) ? "<NULL>" : st->Text(0);
  }
  int64_t Count(const std::string& sql) {
    store::sql::SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st->Step());
    return st->Int(0);
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<store::sql::SqliteDatabase> db_;
  std::unique_ptr<SqlRegistryStore> store_;
};

TEST(RegistryHelpers, ParseModelVersionFollowsPythonInt) {
  EXPECT_EQ(*ParseModelVersion("7"), 7);
  EXPECT_EQ(*ParseModelVersion(" 12 "), 12);
  EXPECT_EQ(*ParseModelVersion("+3"), 3);
  EXPECT_EQ(*ParseModelVersion("1_0"), 10);
  EXPECT_EQ(*ParseModelVersion("-2"), -2);
  for (const char* bad : {"", " ", "abc", "1.0", "1__0", "_1", "1_", "0x1", "99999999999999999999"}) {
    auto r = ParseModelVersion(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), std::string("Parameter 'version' must be an integer, got '") + bad + "'.");
  }
}

TEST(RegistryHelpers, CanonicalStage) {
  EXPECT_EQ(*CanonicalStage("production"), "Production");
  EXPECT_EQ(*CanonicalStage("STAGING"), "Staging");
  EXPECT_EQ(*CanonicalStage("none"), "None");
  EXPECT_EQ(*CanonicalStage("archived"), "Archived");
  EXPECT_FALSE(CanonicalStage("Deleted_Internal").ok());
  EXPECT_EQ(CanonicalStage("x").status().message(),
            "Invalid Model Version stage: x. Value must be one of None, Staging, Production, Archived.");
}

TEST_F(RegistryStoreTest, CreateWritesMlflowValues) {
  auto rm = store_->CreateRegisteredModel("m", {{"a", "1"}, {"a", "2"}}, "desc");
  ASSERT_TRUE(rm.ok()) << rm.status().message();
  EXPECT_EQ(rm->tags.size(), 1u);
  EXPECT_EQ(rm->tags[0].value, "2");
  EXPECT_EQ(Count("SELECT creation_time = last_updated_time FROM registered_models WHERE name = 'm'"), 1);
  ModelVersion mv = Version("m", "s3://b/x");
  EXPECT_EQ(mv.version, 1);
  EXPECT_EQ(Text("SELECT current_stage FROM model_versions WHERE name = 'm'"), "None");
  EXPECT_EQ(Text("SELECT status FROM model_versions WHERE name = 'm'"), "READY");
  EXPECT_EQ(Text("SELECT storage_location FROM model_versions WHERE name = 'm'"), "s3://b/x");
  EXPECT_EQ(Text("SELECT user_id FROM model_versions WHERE name = 'm'"), "<NULL>");
  EXPECT_EQ(Text("SELECT run_id FROM model_versions WHERE name = 'm'"), "");
  EXPECT_EQ(Count("SELECT last_updated_time FROM registered_models WHERE name = 'm'"), mv.creation_timestamp);
  auto dup = store_->CreateRegisteredModel("m", {}, "");
  EXPECT_EQ(dup.status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(dup.status().message(), "Registered Model (name=m) already exists.");
  EXPECT_EQ(store_->CreateRegisteredModel("", {}, "").status().message(),
            "Missing value for required parameter 'name'.");
}

TEST_F(RegistryStoreTest, StorageLocationGivenByCaller) {
  Model("m");
  CreateModelVersionRequest r;
  r.name = "m";
  r.source = "models:/m-abc";
  r.storage_location = "mlflow-artifacts:/1/models/m-abc/artifacts";
  ASSERT_TRUE(store_->CreateModelVersion(r).ok());
  EXPECT_EQ(*store_->GetModelVersionDownloadUri("m", "1"), "mlflow-artifacts:/1/models/m-abc/artifacts");
  EXPECT_EQ(store_->GetModelVersion("m", "1")->source, "models:/m-abc");
  EXPECT_EQ(Text("SELECT run_id FROM model_versions WHERE name = 'm'"), "<NULL>");
}

TEST_F(RegistryStoreTest, SoftDeleteRedactsAndNumbersAreNotReused) {
  Model("m");
  Version("m");
  Version("m");
  ASSERT_TRUE(store_->SetModelVersionTag("m", "2", {"k", "v"}).ok());
  ASSERT_TRUE(store_->SetRegisteredModelAlias("m", "champ", "2").ok());
  ASSERT_TRUE(store_->DeleteModelVersion("m", "2").ok());
  EXPECT_EQ(Text("SELECT current_stage FROM model_versions WHERE version = 2"), "Deleted_Internal");
  EXPECT_EQ(Text("SELECT source FROM model_versions WHERE version = 2"), "REDACTED-SOURCE-PATH");
  EXPECT_EQ(Text("SELECT run_id FROM model_versions WHERE version = 2"), "REDACTED-RUN-ID");
  EXPECT_EQ(Text("SELECT run_link FROM model_versions WHERE version = 2"), "REDACTED-RUN-LINK");
  EXPECT_EQ(Text("SELECT description FROM model_versions WHERE version = 2"), "<NULL>");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM model_version_tags WHERE version = 2"), 1);  // tags kept
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registered_model_aliases"), 0);             // aliases removed
  EXPECT_EQ(store_->GetModelVersion("m", "2").status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Version("m").version, 3);
  auto rm = store_->GetRegisteredModel("m");
  ASSERT_EQ(rm->latest_versions.size(), 1u);
  EXPECT_EQ(rm->latest_versions[0].version, 3);
}

TEST_F(RegistryStoreTest, ConcurrentVersionCreationGetsDistinctNumbers) {
  Model("m");
  constexpr int kThreads = 8, kEach = 5;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> versions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        CreateModelVersionRequest r;
        r.name = "m";
        r.source = "s3://b/x";
        auto mv = store_->CreateModelVersion(r);
        ASSERT_TRUE(mv.ok()) << mv.status().message();
        std::lock_guard<std::mutex> lock(mu);
        versions.insert(mv->version);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(versions.size(), size_t{kThreads * kEach});
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), kThreads * kEach);
}

TEST_F(RegistryStoreTest, RenameMovesEverything) {
  Model("old");
  Version("old");
  ASSERT_TRUE(store_->SetRegisteredModelTag("old", {"t", "1"}).ok());
  ASSERT_TRUE(store_->SetModelVersionTag("old", "1", {"vt", "2"}).ok());
  ASSERT_TRUE(store_->SetRegisteredModelAlias("old", "a", "1").ok());
  auto rm = store_->RenameRegisteredModel("old", "new");
  ASSERT_TRUE(rm.ok()) << rm.status().message();
  for (const char* table : {"registered_models", "model_versions", "registered_model_tags", "model_version_tags",
                            "registered_model_aliases"}) {
    EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE name = 'old'"), 0) << table;
    EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE name = 'new'"), 1) << table;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM model_versions m JOIN registered_models r ON r.name = m.name "
                  "WHERE m.last_updated_time = r.last_updated_time"),
            1);
  Model("other");
  auto clash = store_->RenameRegisteredModel("new", "other");
  EXPECT_EQ(clash.status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(store_->RenameRegisteredModel("new", "").status().message(),
            "Missing value for required parameter 'new_name'.");
}

TEST_F(RegistryStoreTest, DeleteRemovesAllChildren) {
  Model("m");
  Version("m");
  Version("m");
  ASSERT_TRUE(store_->DeleteModelVersion("m", "1").ok());
  ASSERT_TRUE(store_->SetRegisteredModelTag("m", {"t", "1"}).ok());
  ASSERT_TRUE(store_->SetModelVersionTag("m", "2", {"vt", "2"}).ok());
  ASSERT_TRUE(store_->SetRegisteredModelAlias("m", "a", "2").ok());
  ASSERT_TRUE(store_->DeleteRegisteredModel("m").ok());
  for (const char* table : {"registered_models", "model_versions", "registered_model_tags", "model_version_tags",
                            "registered_model_aliases"}) {
    EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(store_->DeleteRegisteredModel("m").code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(RegistryStoreTest, LatestVersionsFollowStageOrder) {
  Model("m");
  for (int i = 0; i < 5; ++i) Version("m");
  ASSERT_TRUE(store_->TransitionModelVersionStage("m", "2", "Production", false).ok());
  ASSERT_TRUE(store_->TransitionModelVersionStage("m", "4", "production", false).ok());
  ASSERT_TRUE(store_->TransitionModelVersionStage("m", "1", "Staging", false).ok());
  // Stages ordered by their lowest version: Staging(1), Production(2), None(3); highest in each.
  auto rm = store_->GetRegisteredModel("m");
  ASSERT_EQ(rm->latest_versions.size(), 3u);
  EXPECT_EQ(rm->latest_versions[0].version, 1);
  EXPECT_EQ(rm->latest_versions[1].version, 4);
  EXPECT_EQ(rm->latest_versions[2].version, 5);
  ASSERT_TRUE(store_->SetRegisteredModelAlias("m", "champ", "4").ok());
  auto prod = store_->GetLatestVersions("m", {"PRODUCTION"});
  ASSERT_EQ(prod->size(), 1u);
  EXPECT_EQ((*prod)[0].version, 4);
  EXPECT_EQ((*prod)[0].aliases, std::vector<std::string>{"champ"});
  // "latest" = the first entry of the list (MLflow's behaviour), not the highest number.
  EXPECT_EQ(store_->GetModelVersionByAlias("m", "latest")->version, 1);
  auto archived = store_->TransitionModelVersionStage("m", "5", "Production", true);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(Text("SELECT current_stage FROM model_versions WHERE version = 2"), "Archived");
  EXPECT_EQ(Text("SELECT current_stage FROM model_versions WHERE version = 4"), "Archived");
  EXPECT_EQ(Text("SELECT current_stage FROM model_versions WHERE version = 1"), "Staging");
  auto bad = store_->TransitionModelVersionStage("m", "5", "None", true);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(RegistryStoreTest, AliasRules) {
  Model("m");
  Version("m");
  Version("m");
  EXPECT_TRUE(store_->SetRegisteredModelAlias("m", "a-b_c", "1").ok());
  EXPECT_TRUE(store_->SetRegisteredModelAlias("m", "a-b_c", "2").ok());
  EXPECT_EQ(Count("SELECT version FROM registered_model_aliases WHERE alias = 'a-b_c'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registered_model_aliases"), 1);
  EXPECT_EQ(store_->SetRegisteredModelAlias("m", "", "1").message(), "Registered model alias name cannot be empty.");
  EXPECT_EQ(store_->SetRegisteredModelAlias("m", "v1", "1").message(), "Version alias name 'v1' is reserved.");
  EXPECT_TRUE(store_->SetRegisteredModelAlias("m", "v1x", "1").ok());
  EXPECT_EQ(store_->SetRegisteredModelAlias("m", "LATEST", "1").message(),
            "'latest' alias name (case insensitive) is reserved.");
  EXPECT_EQ(store_->SetRegisteredModelAlias("m", "x", "3").code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(store_->GetModelVersionByAlias("m", "nope").status().message(), "Registered model alias nope not found.");
  EXPECT_EQ(store_->GetModelVersionByAlias("m", "a-b_c")->version, 2);
}

TEST_F(RegistryStoreTest, SearchPagesLoadWholeModels) {
  for (int i = 0; i < 300; ++i) {
    std::string n = "m" + std::to_string(1000 + i);
    Model(n);
    Version(n);
    ASSERT_TRUE(store_->SetRegisteredModelTag(n, {"i", std::to_string(i)}).ok());
    ASSERT_TRUE(store_->SetModelVersionTag(n, "1", {"vi", std::to_string(i)}).ok());
  }
  RegistrySearchRequest r;
  r.max_results = 1000;
  auto page = store_->SearchRegisteredModels(r);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->models.size(), 300u);  // more than one IN chunk
  EXPECT_TRUE(page->next_page_token.empty());
  for (int i = 0; i < 300; ++i) {
    const auto& rm = page->models[static_cast<size_t>(i)];
    EXPECT_EQ(rm.name, "m" + std::to_string(1000 + i));
    ASSERT_EQ(rm.tags.size(), 1u);
    EXPECT_EQ(rm.tags[0].value, std::to_string(i));
    ASSERT_EQ(rm.latest_versions.size(), 1u);
    ASSERT_EQ(rm.latest_versions[0].tags.size(), 1u);
    EXPECT_EQ(rm.latest_versions[0].tags[0].value, std::to_string(i));
  }
  RegistrySearchRequest v;
  v.max_results = 1000;
  v.order_by = {"name DESC"};
  auto versions = store_->SearchModelVersions(v);
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->versions.size(), 300u);
  EXPECT_EQ(versions->versions.front().name, "m1299");
  EXPECT_EQ(versions->versions.front().tags[0].value, "299");
  EXPECT_TRUE(versions->versions.front().aliases.empty());
}

}  // namespace
}  // namespace mlflow::store::sql
