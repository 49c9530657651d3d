// Permanent deletion on SQLite (the same cases run on PostgreSQL in tests/pg/pg_store_test.cc).
#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "hard_delete_cases.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

class HardDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hard-delete-" + NewUuidHex());
    fs::create_directories(dir_);
    db_ = std::make_shared<SqliteDatabase>(SqliteOptions{(dir_ / "mlflow.db").string()});
    ASSERT_TRUE(CreateSchema(db_->writer_connection()).ok());
  }
  void TearDown() override {
    db_->Close();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::shared_ptr<SqliteDatabase> db_;
};

TEST_F(HardDeleteTest, RunGoesWithItsRows) { hard_delete_cases::RunGoesWithItsRows(db_); }
TEST_F(HardDeleteTest, DeletedRunsByAge) { hard_delete_cases::DeletedRunsByAge(db_); }
TEST_F(HardDeleteTest, ExperimentGoesWithEverythingInIt) { hard_delete_cases::ExperimentGoesWithEverythingInIt(db_); }
TEST_F(HardDeleteTest, LoggedModelGoesWithItsRows) { hard_delete_cases::LoggedModelGoesWithItsRows(db_); }

}  // namespace
}  // namespace mlflow::store::sql
