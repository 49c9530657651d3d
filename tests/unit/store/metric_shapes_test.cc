// The one-point-a-step rows behind the charts' sampling on SQLite (store/sql/metric_shapes.h): the
// store's writes keep them exact (appends, prepends, duplicates, gaps, out-of-order batches, several
// keys, gc); writes of someone else on the same file (plain SQL, as MLflow's own server sends it,
// or a second mlflow-cpp) are noticed, replayed or rebuilt; and the sample is MLflow's
// (metric_sampling_cases::Reference) whichever way it was found.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <thread>

#include "core/ids.h"
#include "metric_sampling_cases.h"
#include "store/sql/metric_shapes.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_connection.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;
using metric_sampling_cases::M;

constexpr int64_t kT0 = 1600000000000;

class MetricShapesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("metric-shapes-" + NewUuidHex());
    fs::create_directories(dir_);
    path_ = (dir_ / "mlflow.db").string();
    db_ = std::make_shared<SqliteDatabase>(SqliteOptions{path_});
    ASSERT_TRUE(CreateSchema(db_->writer_connection()).ok());
    store_ = std::make_unique<SqlTrackingStore>(db_, "/tmp/mlruns-shapes");
    ASSERT_TRUE(store_->Initialize().ok());
  }
  void TearDown() override {
    store_.reset();
    db_->Close();
    fs::remove_all(dir_);
  }
  std::string NewRun(SqlTrackingStore& store) {
    auto run = store.CreateRun("0", "u", 1, {}, "");
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run.ok() ? run->info.run_id : std::string();
  }
  std::string NewRun() { return NewRun(*store_); }
  void Log(const std::string& run, const std::vector<Metric>& points) { metric_sampling_cases::Log(*store_, run, points); }
  void LogOne(const std::string& run, int64_t step, int64_t ts, double value) {
    ASSERT_TRUE(store_->LogMetric(run, M(step, ts, value)).ok());
  }
  // Plain SQL on the file from another connection, as MLflow's server (or anyone) writes.
  void Foreign(const std::string& sql) {
    SqliteConnection c(path_);
    c.ExecScript(sql);
  }
  void ForeignPoint(const std::string& run, int64_t step, int64_t ts, double value, const std::string& key = "loss") {
    Foreign("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('" + key + "', " +
            std::to_string(value) + ", " + std::to_string(ts) + ", '" + run + "', " + std::to_string(step) + ", 0)");
  }
  // The row of (run, key), read from the file.
  std::optional<int64_t> Row(const std::string& run, const std::string& key = "loss") {
    SqliteConnection c(path_);
    return MetricShapeMinStep(c, run, key);
  }
  bool Trusted() {
    auto r = db_->Read<bool>([](Connection& c) -> Result<bool> { return MetricShapesTrusted(c); });
    return r.ok() && *r;
  }
  // Every row is true: its history holds one point at each step from min_step to its last, no other.
  void ExpectRowsTrue(const std::string& where) {
    SqliteConnection c(path_);
    auto st = c.Prepare(
        "SELECT s.run_uuid, s.key, s.min_step, count(m.step), count(DISTINCT m.step), min(m.step), max(m.step) "
        "FROM mlflowcpp_metric_shape s LEFT JOIN metrics m ON m.run_uuid = s.run_uuid AND m.key = s.key "
        "GROUP BY s.run_uuid, s.key, s.min_step");
    while (st->Step()) {
      const int64_t n = st->Int(3);
      if (n == 0) continue;  // a deleted run's history: no point, nothing claimed about any
      EXPECT_EQ(st->Int(4), n) << where << ": " << st->Text(0) << "/" << st->Text(1) << " has a repeated step";
      EXPECT_EQ(st->Int(5), st->Int(2)) << where << ": " << st->Text(0) << "/" << st->Text(1) << " min_step";
      EXPECT_EQ(st->Int(6) - st->Int(5) + 1, n) << where << ": " << st->Text(0) << "/" << st->Text(1) << " has a gap";
    }
  }
  // The sample of every range and size equals MLflow's.
  void ExpectSamplesLikeMlflow(SqlTrackingStore& store, const std::string& run, const std::string& where,
                               const std::string& key = "loss") {
    struct Range {
      std::optional<int64_t> start, end;
    };
    for (const Range& r : std::vector<Range>{{}, {0, 99}, {-50, 10}, {250, 260}, {999, 5000}, {5000, 6000}, {7, 7}}) {
      for (int64_t n : {1, 3, 10, 320, 1000}) {
        const std::string at = where + " n=" + std::to_string(n) +
                               (r.start ? " " + std::to_string(*r.start) + ".." + std::to_string(*r.end) : "");
        auto got = store.GetMetricHistoryAtSteps({run}, key, r.start, r.end, n);
        ASSERT_TRUE(got.ok()) << at;
        auto want = metric_sampling_cases::Reference(*db_, run, key, n, r.start, r.end);
        ASSERT_EQ(got->size(), want.size()) << at;
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ((*got)[i].step, want[i].step) << at << " #" << i;
          EXPECT_EQ((*got)[i].timestamp, want[i].timestamp) << at << " #" << i;
          const double w = want[i].is_nan ? NAN : want[i].value;
          EXPECT_TRUE((*got)[i].value == w || (std::isnan((*got)[i].value) && std::isnan(w))) << at << " #" << i;
        }
      }
    }
  }
  void ExpectSamplesLikeMlflow(const std::string& run, const std::string& where) {
    ExpectSamplesLikeMlflow(*store_, run, where);
  }
  // Waits (at most 30 s) for the background rebuild to finish.
  void WaitForRebuild(SqliteDatabase& db) {
    for (int i = 0; i < 3000 && !db.metric_shapes()->RebuildIdle(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(db.metric_shapes()->RebuildIdle());
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqlTrackingStore> store_;
};

TEST_F(MetricShapesTest, StoreWritesKeepTheRowsExact) {
  // One batch out of order (steps descending, times ascending), with a NaN and an infinity.
  const std::string dense = NewRun();
  std::vector<Metric> points;
  for (int64_t i = 0; i < 1000; ++i) points.push_back(M(999 - i, kT0 + i, i == 500 ? NAN : (i == 7 ? INFINITY : 0.5 * i)));
  Log(dense, points);
  EXPECT_EQ(Row(dense), 0);
  EXPECT_TRUE(Trusted());
  ExpectSamplesLikeMlflow(dense, "out-of-order batch");
  // Appends one request at a time: the row does not change.
  for (int64_t s = 1000; s < 1050; ++s) LogOne(dense, s, kT0 + 5000 + s, 1.0);
  EXPECT_EQ(Row(dense), 0);
  // Prepends: one, then a batch of four given in descending order.
  LogOne(dense, -1, kT0, 2.0);
  EXPECT_EQ(Row(dense), -1);
  Log(dense, {M(-2, kT0 + 1, 1.0), M(-3, kT0 + 2, 1.0), M(-4, kT0 + 3, 1.0), M(-5, kT0 + 4, 1.0)});
  EXPECT_EQ(Row(dense), -5);
  ExpectSamplesLikeMlflow(dense, "appends and prepends");
  // The same point again is refused by the primary key: nothing changed, the row stays.
  LogOne(dense, 10, kT0 + 989, 0.5 * 989);
  EXPECT_EQ(Row(dense), -5);
  ExpectRowsTrue("after a repeated point");

  // The sampling reads the row: one claiming an earlier first step than the table holds is caught
  // by the seeks (the answer is still MLflow's); one claiming a later one is believed (the sample
  // starts there), which shows the row decides the answer.
  Foreign("UPDATE mlflowcpp_metric_shape SET min_step = -7 WHERE run_uuid = '" + dense + "'");
  ExpectSamplesLikeMlflow(dense, "row claiming too much");
  Foreign("UPDATE mlflowcpp_metric_shape SET min_step = 500 WHERE run_uuid = '" + dense + "'");
  auto believed = store_->GetMetricHistoryAtSteps({dense}, "loss", std::nullopt, std::nullopt, 10);
  ASSERT_TRUE(believed.ok());
  ASSERT_FALSE(believed->empty());
  EXPECT_EQ(believed->front().step, 500);
  Foreign("UPDATE mlflowcpp_metric_shape SET min_step = -5 WHERE run_uuid = '" + dense + "'");

  // A second point on a step already there (another time): not one point a step any more.
  LogOne(dense, 300, kT0 + 77777, 3.0);
  EXPECT_FALSE(Row(dense));
  ExpectSamplesLikeMlflow(dense, "repeated step");
  // ... and it stays unknown whatever follows (the walk answers).
  LogOne(dense, 1050, kT0 + 99999, 3.0);
  EXPECT_FALSE(Row(dense));

  // A gap; duplicates inside one batch; a batch that fills its own gap in any order.
  const std::string gap = NewRun(), dups = NewRun(), filled = NewRun();
  std::vector<Metric> g, d, f;
  for (int64_t i = 0; i < 100; ++i) g.push_back(M(i, kT0 + i, 1.0));
  for (int64_t i = 0; i < 200; ++i) d.push_back(M(i / 2, kT0 + i, 1.0 * i));
  for (int64_t i = 0; i < 100; ++i) f.push_back(M((i * 37) % 100, kT0 + 100 - i, 1.0 * i));
  Log(gap, g);
  EXPECT_EQ(Row(gap), 0);
  LogOne(gap, 101, kT0 + 200, 1.0);
  EXPECT_FALSE(Row(gap));
  Log(dups, d);
  EXPECT_FALSE(Row(dups));
  Log(filled, f);
  EXPECT_EQ(Row(filled), 0);
  ExpectSamplesLikeMlflow(gap, "gap");
  ExpectSamplesLikeMlflow(dups, "duplicates");
  ExpectSamplesLikeMlflow(filled, "shuffled batch");

  // Several keys in one batch: each its own rule.
  const std::string keys = NewRun();
  std::vector<Metric> k;
  for (int64_t i = 0; i < 50; ++i) {
    Metric a = M(i, kT0 + i, 1.0), b = M(i % 10, kT0 + i, 2.0), c = M(i + 7, kT0 + i, 3.0);
    a.key = "acc";
    b.key = "lr";
    c.key = "loss";
    k.insert(k.end(), {c, b, a});
  }
  Log(keys, k);
  EXPECT_EQ(Row(keys, "acc"), 0);
  EXPECT_FALSE(Row(keys, "lr"));
  EXPECT_EQ(Row(keys, "loss"), 7);
  ExpectSamplesLikeMlflow(keys, "several keys");
  ExpectRowsTrue("after the store's writes");
  EXPECT_TRUE(Trusted());
}

TEST_F(MetricShapesTest, ForeignWritesAreNoticedAndReplayed) {
  const std::string run = NewRun(), other = NewRun();
  std::vector<Metric> points;
  for (int64_t i = 0; i < 1000; ++i) points.push_back(M(i, kT0 + i, 0.25 * i));
  Log(run, points);
  Log(other, points);
  ASSERT_EQ(Row(run), 0);
  ASSERT_TRUE(Trusted());

  // MLflow's server appends the next step: readers stop trusting the rows at once (their snapshot
  // holds a point past the mark) and walk; our next write replays it (an append keeps the row).
  ForeignPoint(run, 1000, kT0 + 1000, 9.0);
  EXPECT_FALSE(Trusted());
  ExpectSamplesLikeMlflow(run, "foreign append, before our next write");
  LogOne(other, 1000, kT0 + 1000, 1.0);
  EXPECT_TRUE(Trusted());
  EXPECT_EQ(Row(run), 0);
  ExpectSamplesLikeMlflow(run, "foreign append, replayed");

  // A second point on step 5 (not a kept position for small samples): trusting the old row would
  // shift every bucket after it, so the samples below fail unless the row goes.
  ForeignPoint(run, 5, kT0 + 5555, 7.0);
  EXPECT_FALSE(Trusted());
  ExpectSamplesLikeMlflow(run, "foreign repeated step, before our next write");
  LogOne(other, 1001, kT0 + 1001, 1.0);
  EXPECT_TRUE(Trusted());
  EXPECT_FALSE(Row(run));
  EXPECT_EQ(Row(other), 0);
  ExpectSamplesLikeMlflow(run, "foreign repeated step, replayed");

  // A history MLflow wrote alone, one point a step: replayed into a row of its own; and a
  // foreign prepend to ours.
  const std::string theirs = NewRun();
  std::string values;
  for (int64_t i = 0; i < 300; ++i) {
    values += std::string(i ? ", " : "") + "('loss', " + std::to_string(i) + ", " + std::to_string(kT0 + i) + ", '" +
              theirs + "', " + std::to_string(i + 10) + ", 0)";
  }
  Foreign("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES " + values +
          "; INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', 299, " +
          std::to_string(kT0 + 299) + ", 309, 0, '" + theirs + "')");
  ForeignPoint(other, -1, kT0, 1.0);
  LogOne(run, 2000, kT0 + 2000, 1.0);
  EXPECT_EQ(Row(theirs), 10);
  EXPECT_EQ(Row(other), -1);
  ExpectSamplesLikeMlflow(theirs, "a foreign history");
  ExpectSamplesLikeMlflow(other, "a foreign prepend");

  // The newest point deleted and another written in its place (its rowid handed out again): the
  // mark's row is no longer what it recorded, so every row goes and is rebuilt in the background.
  Foreign("DELETE FROM metrics WHERE rowid = (SELECT max(rowid) FROM metrics)");
  ForeignPoint(other, 1002, kT0 + 1002, 1.0);
  EXPECT_FALSE(Trusted());
  ExpectSamplesLikeMlflow(other, "rowid reused, before our next write");
  LogOne(run, 2001, kT0 + 2001, 1.0);
  WaitForRebuild(*db_);
  EXPECT_TRUE(Trusted());
  EXPECT_EQ(Row(other), -1);
  EXPECT_EQ(Row(theirs), 10);
  EXPECT_FALSE(Row(run));
  ExpectRowsTrue("after the rebuild");
  ExpectSamplesLikeMlflow(other, "after the rebuild");
}

TEST_F(MetricShapesTest, ManyForeignPointsAreRebuiltInTheBackground) {
  const std::string run = NewRun();
  Log(run, {M(0, kT0, 1.0)});
  ASSERT_EQ(Row(run), 0);
  // More points than one transaction replays, one history one point a step, one not.
  const std::string a = NewRun(), b = NewRun();
  {
    SqliteConnection c(path_);
    c.ExecScript("BEGIN");
    auto st = c.Prepare("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', ?, ?, ?, ?, 0)");
    for (int64_t i = 0; i < MetricShapes::kMaxReplay; ++i) {
      st->Reset();
      st->BindAll(1.0 * i, kT0 + i, a, i);
      st->Execute();
      st->Reset();
      st->BindAll(1.0 * i, kT0 + i, b, i / 2);
      st->Execute();
    }
    // MLflow keeps latest_metrics; the rebuild lists histories from it.
    c.ExecScript("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', 1, 1, 1, 0, '" +
                 a + "'), ('loss', 1, 1, 1, 0, '" + b + "')");
    c.ExecScript("COMMIT");
  }
  EXPECT_FALSE(Trusted());
  LogOne(run, 1, kT0 + 1, 1.0);  // our next write: too many to replay, every row dropped
  WaitForRebuild(*db_);
  EXPECT_TRUE(Trusted());
  EXPECT_EQ(Row(run), 0);
  EXPECT_EQ(Row(a), 0);
  EXPECT_FALSE(Row(b));
  ExpectRowsTrue("after the background rebuild");
  ExpectSamplesLikeMlflow(a, "rebuilt history");
  ExpectSamplesLikeMlflow(b, "history with repeated steps");
}

TEST_F(MetricShapesTest, AnotherMlflowCppProcessKeepsTheRowsAndOurCacheFollows) {
  const std::string run = NewRun();
  std::vector<Metric> first;
  for (int64_t i = 0; i < 10; ++i) first.push_back(M(i, kT0 + i, 1.0));
  Log(run, first);  // our cache: greatest step 9, one point a step
  // A second server on the same file (its own writer, cache and mark stamps).
  auto db2 = std::make_shared<SqliteDatabase>(SqliteOptions{path_});
  {
    SqlTrackingStore store2(db2, "/tmp/mlruns-shapes");
    ASSERT_TRUE(store2.Initialize().ok());
    std::vector<Metric> more;
    for (int64_t i = 10; i < 20; ++i) more.push_back(M(i, kT0 + i, 2.0));
    metric_sampling_cases::Log(store2, run, more);
    EXPECT_EQ(Row(run), 0);
    EXPECT_TRUE(Trusted());  // it moved the mark: the rows are kept
  }
  db2->Close();
  // Step 10 again, at another time: with a cache still saying "greatest step 9" this would look
  // like an append and keep a false row.
  LogOne(run, 10, kT0 + 500, 3.0);
  EXPECT_FALSE(Row(run));
  ExpectSamplesLikeMlflow(run, "after the other process");
  ExpectRowsTrue("two processes");
}

TEST_F(MetricShapesTest, GcTakesTheRowsWithThePoints) {
  const std::string gone = NewRun(), kept = NewRun();
  std::vector<Metric> points;
  for (int64_t i = 0; i < 100; ++i) points.push_back(M(i, kT0 + i, 1.0));
  Log(gone, points);
  Log(kept, points);
  ASSERT_TRUE(store_->DeleteRun(gone).ok());
  ASSERT_TRUE(store_->HardDeleteRun(gone).ok());
  EXPECT_FALSE(Row(gone));
  EXPECT_EQ(Row(kept), 0);
  EXPECT_TRUE(Trusted());  // the newest points went with the run; the mark followed
  LogOne(kept, 100, kT0 + 100, 1.0);
  EXPECT_EQ(Row(kept), 0);
  ExpectSamplesLikeMlflow(kept, "after gc");
  auto none = store_->GetMetricHistoryAtSteps({gone}, "loss", std::nullopt, std::nullopt, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(MetricShapesTest, ADatabaseWithoutTheTablesGetsThemAtStart) {
  // As a database served by mlflow-cpp before the tables existed (or by MLflow alone) looks.
  const std::string dense = NewRun(), dups = NewRun();
  std::vector<Metric> d, r;
  for (int64_t i = 0; i < 500; ++i) d.push_back(M(i + 3, kT0 + i, 1.0 * i));
  for (int64_t i = 0; i < 500; ++i) r.push_back(M(i / 5, kT0 + i, 1.0 * i));
  Log(dense, d);
  Log(dups, r);
  store_.reset();
  db_->Close();
  Foreign("DROP TABLE mlflowcpp_metric_shape; DROP TABLE mlflowcpp_metric_shape_mark");
  db_ = std::make_shared<SqliteDatabase>(SqliteOptions{path_});
  store_ = std::make_unique<SqlTrackingStore>(db_, "/tmp/mlruns-shapes");
  ASSERT_TRUE(store_->Initialize().ok());  // a small database: replayed whole at start
  WaitForRebuild(*db_);
  EXPECT_TRUE(Trusted());
  EXPECT_EQ(Row(dense), 3);
  EXPECT_FALSE(Row(dups));
  ExpectRowsTrue("after the start");
  ExpectSamplesLikeMlflow(dense, "after the start");
}

}  // namespace
}  // namespace mlflow::store::sql
