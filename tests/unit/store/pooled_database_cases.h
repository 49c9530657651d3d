#pragma once
// The transaction and concurrency rules of a pooled server database (store/sql/pooled_database.h)
// checked on one server: run by tests/pg/pg_store_test.cc on PostgreSQL and by
// tests/mysql/mysql_store_test.cc on MariaDB, so both servers go through the same cases.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/database.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::pooled_database_cases {

// MLflow refuses a duplicate experiment name by its INSERT failing, which has taken an id from the
// server's counter by then (PostgreSQL's serial sequence, InnoDB's AUTO_INCREMENT): the next
// experiment's id skips one, and ours must too.
inline void RefusedDuplicateExperimentTakesAnId(const std::shared_ptr<Database>& db) {
  SqlTrackingStore ts(db, "/tmp/mlruns-dup-test");
  ASSERT_TRUE(ts.Initialize().ok());
  auto a = ts.CreateExperiment("a", "", {});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(*a, "1");
  EXPECT_EQ(ts.CreateExperiment("a", "", {}).status().code(), ErrorCode::kResourceAlreadyExists);
  auto b = ts.CreateExperiment("b", "", {});
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(*b, "3");
}

// A write's error (a Status, or a real duplicate key thrown by the server) undoes that write alone.
inline void WriteErrorRollsBackThatWriteOnly(const std::shared_ptr<Database>& db) {
  ASSERT_TRUE(db->Write([](Connection& c) {
                  c.ExecScript("CREATE TABLE k (x INTEGER PRIMARY KEY)");
                  return Status();
                }).ok());
  Status bad = db->Write([](Connection& c) {
    c.Prepare("INSERT INTO k VALUES (1)")->Execute();
    return Status::InvalidParameter("no");
  });
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidParameterValue);
  Status thrown = db->Write([](Connection& c) {
    c.Prepare("INSERT INTO k VALUES (2)")->Execute();
    c.Prepare("INSERT INTO k VALUES (2)")->Execute();  // a real duplicate: not retried forever
    return Status();
  });
  EXPECT_EQ(thrown.code(), ErrorCode::kBadRequest);
  ASSERT_TRUE(db->Write([](Connection& c) {
                  c.Prepare("INSERT INTO k VALUES (3)")->Execute();
                  return Status();
                }).ok());
  auto n = db->Read<int64_t>([](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare("SELECT COUNT(*), MIN(x) FROM k");
    st->Step();
    EXPECT_EQ(st->Int(1), 3);
    return st->Int(0);
  });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
}

// Two server processes on one database (two pools here): a read-modify-write of a run tag
// (LogModel's history) and of a logged model's tag (registered versions) loses no update.
inline void TagReadModifyWritesLoseNothingAcrossPools(const std::shared_ptr<Database>& db1,
                                                      const std::shared_ptr<Database>& db2, int threads_count,
                                                      int per_thread) {
  SqlTrackingStore a(db1, "/tmp/mlruns-pooled-test"), b(db2, "/tmp/mlruns-pooled-test");
  ASSERT_TRUE(a.Initialize().ok());
  ASSERT_TRUE(b.Initialize().ok());
  auto run = a.CreateRun("0", "", 1, {}, "");
  ASSERT_TRUE(run.ok()) << run.status().message();
  const std::string id = run->info.run_id;
  SqlLoggedModelStore ma(db1), mb(db2);
  store::CreateLoggedModelRequest create;
  create.experiment_id = "0";
  auto model = ma.CreateLoggedModel(create);
  ASSERT_TRUE(model.ok()) << model.status().message();
  constexpr int kRegistrationsPerThread = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_count; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        Status st = (t % 2 ? a : b).UpdateRunTag(id, "counter", [](const std::optional<std::string>& current) {
          return Result<std::string>(std::to_string(current ? std::stoi(*current) + 1 : 1));
        });
        if (!st.ok()) {
          failures++;
          ADD_FAILURE() << st.message();
        }
        if (i < kRegistrationsPerThread) {
          st = (t % 2 ? ma : mb).AddModelVersionTag(model->model_id, "m", t * kRegistrationsPerThread + i + 1);
          if (!st.ok()) {
            failures++;
            ADD_FAILURE() << st.message();
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = a.GetRun(id);
  ASSERT_TRUE(got.ok());
  std::string counter;
  for (const auto& t : got->tags) {
    if (t.key == "counter") counter = t.value;
  }
  EXPECT_EQ(counter, std::to_string(threads_count * per_thread));
  auto m = ma.GetLoggedModel(model->model_id);
  ASSERT_TRUE(m.ok());
  std::string versions;
  for (const auto& t : m->tags) {
    if (t.key == "mlflow.modelVersions") versions = t.value;
  }
  // One {"name": "m", "version": N} entry per registration.
  size_t entries = 0;
  for (size_t at = versions.find("\"version\""); at != std::string::npos; at = versions.find("\"version\"", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, static_cast<size_t>(threads_count * std::min(per_thread, kRegistrationsPerThread)));
}

}  // namespace mlflow::store::sql::pooled_database_cases
