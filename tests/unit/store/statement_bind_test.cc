// Statement::BindAll / BindFrom bind their arguments in order through the Bind overloads, on a real
// SQLite statement: strings, integers, doubles, SqlValue (NULL included) and optional strings; and
// statements of literal SQL found by the literal's address.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

class StatementBindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlflow_bind_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    conn_ = std::make_unique<SqliteConnection>((dir_ / "bind.db").string());
  }
  void TearDown() override {
    conn_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<SqliteConnection> conn_;
};

TEST_F(StatementBindTest, BindAllBindsEachArgumentToItsPosition) {
  auto st = conn_->Prepare("SELECT ?, ?, ?, ?, ?, ?, ?, typeof(?)");
  const std::string key = "k";
  const std::optional<std::string> none;
  const std::optional<std::string> some = "s";
  st->BindAll(key, int64_t{42}, 1.5, "lit", none, some, SqlValue{}, 7);
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "k");
  EXPECT_EQ(st->Int(1), 42);
  EXPECT_DOUBLE_EQ(st->Double(2), 1.5);
  EXPECT_EQ(st->Text(3), "lit");
  EXPECT_TRUE(st->IsNull(4));
  EXPECT_EQ(st->Text(5), "s");
  EXPECT_TRUE(st->IsNull(6));
  EXPECT_EQ(st->Text(7), "integer");
}

TEST_F(StatementBindTest, BindFromContinuesWhereTheLastRowEnded) {
  auto st = conn_->Prepare("SELECT ? || ?, ? || ?, ?");
  int next = 1;
  for (const char* row : {"a", "b"}) next = st->BindFrom(next, row, std::string(row) + "!");
  EXPECT_EQ(next, 5);
  EXPECT_EQ(st->BindFrom(next, int64_t{9}), 6);
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "aa!");
  EXPECT_EQ(st->Text(1), "bb!");
  EXPECT_EQ(st->Int(2), 9);
}

TEST_F(StatementBindTest, BindAllOfAListStillBindsTheList) {
  auto st = conn_->Prepare("SELECT ?, ?");
  st->BindAll(std::vector<SqlValue>{SqlValue{std::string("x")}, SqlValue{int64_t{3}}});
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "x");
  EXPECT_EQ(st->Int(1), 3);
}

TEST_F(StatementBindTest, AnEmptyViewBindsEmptyTextNotNull) {
  // SQLite binds a null data pointer as NULL; a default string_view has one.
  auto st = conn_->Prepare("SELECT typeof(?), ? = ''");
  st->BindAll(std::string_view{}, std::string_view{});
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "text");
  EXPECT_EQ(st->Int(1), 1);
}

// Literal SQL is found by its address (SqliteConnection::PrepareLiteral).
TEST_F(StatementBindTest, ALiteralIsPreparedOnceAndReused) {
  Connection& c = *conn_;
  static const char* const kSql = "SELECT 41 + ?";
  Statement* first = nullptr;
  {
    auto st = c.Prepare(kSql);
    first = &*st;
    st->Bind(1, 1);
    ASSERT_TRUE(st->Step());
    EXPECT_EQ(st->Int(0), 42);
  }
  auto again = c.Prepare(kSql);
  EXPECT_EQ(&*again, first);
  again->Bind(1, 2);  // rewound and cleared when the first lease ended
  ASSERT_TRUE(again->Step());
  EXPECT_EQ(again->Int(0), 43);
}

TEST_F(StatementBindTest, ABufferReusedForAnotherTextGetsThatText) {
  Connection& c = *conn_;
  char buffer[32] = "SELECT 'first'";
  {
    auto st = c.Prepare(static_cast<const char*>(buffer));
    ASSERT_TRUE(st->Step());
    EXPECT_EQ(st->Text(0), "first");
  }
  std::snprintf(buffer, sizeof buffer, "%s", "SELECT 'second'");
  auto st = c.Prepare(static_cast<const char*>(buffer));
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "second");
}

TEST_F(StatementBindTest, NestedUseOfOneLiteralGetsTwoStatements) {
  Connection& c = *conn_;
  static const char* const kSql = "SELECT value FROM (SELECT 1 AS value UNION ALL SELECT 2) WHERE value >= ? ORDER BY value";
  auto outer = c.Prepare(kSql);
  outer->Bind(1, 1);
  int rows = 0;
  while (outer->Step()) {
    auto inner = c.Prepare(kSql);
    EXPECT_NE(&*inner, &*outer);
    inner->Bind(1, 2);
    ASSERT_TRUE(inner->Step());
    EXPECT_EQ(inner->Int(0), 2);
    ++rows;
  }
  EXPECT_EQ(rows, 2);  // the inner statements never rewound the outer one
}

}  // namespace
}  // namespace mlflow::store::sql
