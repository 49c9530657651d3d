// SqliteDatabase::WriteAsync (store/sql/sqlite_database.h): the completion comes after the COMMIT
// holding the write (a reader already sees it), a failing write is undone alone, and a closed
// database refuses at once. A request's savepoint journal stays in memory (sqlite_connection.cc).
#include "store/sql/sqlite_database.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/ids.h"

namespace mlflow::store::sql {
namespace {

class SqliteWriteAsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("sqlite-async-" + NewUuidHex())).string();
    std::filesystem::create_directories(dir_);
    SqliteOptions options;
    options.path = dir_ + "/t.db";
    db_ = std::make_unique<SqliteDatabase>(options);
    ASSERT_TRUE(db_->Write([](Connection& c) {
                     c.ExecScript("CREATE TABLE t (x INTEGER)");
                     return Status();
                   }).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t Count() {
    int64_t n = -1;
    Status st = db_->ReadTx([&](Connection& c) {
      auto q = c.Prepare("SELECT COUNT(*) FROM t");
      if (q->Step()) n = q->Int(0);
      return Status();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return n;
  }
  WriteFn Insert(int x) {
    return [x](Connection& c) {
      c.ExecScript("INSERT INTO t VALUES (" + std::to_string(x) + ")");
      return Status();
    };
  }

  std::string dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteWriteAsyncTest, CompletesAfterTheCommit) {
  ASSERT_TRUE(db_->async_writes());
  constexpr int kWrites = 50;
  std::vector<std::promise<std::pair<Status, int64_t>>> done(kWrites);
  for (int i = 0; i < kWrites; ++i) {
    // What a reader sees when the completion runs: this write at least, so it was committed.
    db_->WriteAsync(Insert(i), [this, &done, i](Status st) { done[i].set_value({st, Count()}); });
  }
  for (int i = 0; i < kWrites; ++i) {
    auto f = done[i].get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    auto [st, seen] = f.get();
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_GE(seen, i + 1);
  }
  EXPECT_EQ(Count(), kWrites);
  EXPECT_GE(db_->timings().snapshot().seconds[DbTimings::kWrite].count, static_cast<uint64_t>(kWrites));
}

TEST_F(SqliteWriteAsyncTest, AFailedWriteIsUndoneAlone) {
  std::promise<Status> refused, thrown, kept;
  db_->WriteAsync(
      [](Connection& c) {
        c.ExecScript("INSERT INTO t VALUES (100)");
        return Status::InvalidParameter("no");
      },
      [&](Status st) { refused.set_value(st); });
  db_->WriteAsync(
      [](Connection& c) {
        c.ExecScript("INSERT INTO t VALUES (101)");
        c.ExecScript("INSERT INTO no_such_table VALUES (1)");
        return Status();
      },
      [&](Status st) { thrown.set_value(st); });
  db_->WriteAsync(Insert(7), [&](Status st) { kept.set_value(st); });
  EXPECT_EQ(refused.get_future().get().message(), "no");
  EXPECT_FALSE(thrown.get_future().get().ok());
  EXPECT_TRUE(kept.get_future().get().ok());
  EXPECT_EQ(Count(), 1);
}

// SQLite names its temp files etilqs_*; a spilled savepoint journal is one, open (and unlinked)
// while the transaction lasts.
int OpenSqliteTempFiles() {
  int n = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    char target[512];
    ssize_t len = readlink(fd.path().c_str(), target, sizeof target - 1);
    if (len > 0 && std::string(target, static_cast<size_t>(len)).find("etilqs_") != std::string::npos) ++n;
  }
  return n;
}

TEST_F(SqliteWriteAsyncTest, ASavepointJournalStaysInMemoryAndStillUndoes) {
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   c.ExecScript("CREATE TABLE big (x INTEGER, pad BLOB)");
                   for (int i = 0; i < 200; ++i) c.ExecScript("INSERT INTO big VALUES (0, zeroblob(2000))");
                   return Status();
                 }).ok());
  // The update changes about 100 pages that existed when the request's SAVEPOINT began: a journal
  // of some 400 KB, past SQLite's default 64 KB spill, where it would have become a temp file.
  int temp_files = -1;
  std::promise<Status> undone;
  db_->WriteAsync(
      [&](Connection& c) {
        c.ExecScript("UPDATE big SET x = x + 1");
        temp_files = OpenSqliteTempFiles();
        return Status::InvalidParameter("undo it");
      },
      [&](Status st) { undone.set_value(st); });
  EXPECT_EQ(undone.get_future().get().message(), "undo it");
  EXPECT_EQ(temp_files, 0);
  int64_t changed = -1;
  ASSERT_TRUE(db_->ReadTx([&](Connection& c) {
                   auto q = c.Prepare("SELECT COUNT(*) FROM big WHERE x != 0");
                   if (q->Step()) changed = q->Int(0);
                   return Status();
                 }).ok());
  EXPECT_EQ(changed, 0);  // rolled back from the in-memory journal
}

TEST_F(SqliteWriteAsyncTest, ClosedDatabaseRefusesAtOnce) {
  std::promise<Status> pending;
  db_->WriteAsync(Insert(1), [&](Status st) { pending.set_value(st); });
  db_->Close();  // finishes the queued write first
  EXPECT_TRUE(pending.get_future().get().ok());
  bool called = false;
  db_->WriteAsync(Insert(2), [&](Status st) {
    called = true;
    EXPECT_EQ(st.code(), ErrorCode::kTemporarilyUnavailable);
  });
  EXPECT_TRUE(called);  // on the calling thread, before WriteAsync returned
}

}  // namespace
}  // namespace mlflow::store::sql
