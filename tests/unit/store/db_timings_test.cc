// DbTimings (store/sql/db_timings.h): the histograms behind /metrics' database series, and that
// SqliteDatabase records every call and each group commit's size.
#include "store/sql/db_timings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::store::sql {
namespace {

TEST(DbTimingsTest, BucketsByUpperBound) {
  DbTimings t;
  t.ObserveSeconds(DbTimings::kRead, 0.00005);  // first bucket
  t.ObserveSeconds(DbTimings::kRead, 0.001);    // exactly a bound: that bucket
  t.ObserveSeconds(DbTimings::kRead, 60);       // over the last bound: count and sum only
  t.ObserveBatch(3);
  DbTimings::Snapshot s = t.snapshot();
  const auto& read = s.seconds[DbTimings::kRead];
  EXPECT_EQ(read.count, 3u);
  EXPECT_DOUBLE_EQ(read.sum, 60.00105);
  EXPECT_EQ(read.buckets[0], 1u);
  EXPECT_EQ(read.buckets[3], 1u);  // 0.001
  uint64_t in_buckets = 0;
  for (uint64_t b : read.buckets) in_buckets += b;
  EXPECT_EQ(in_buckets, 2u);
  EXPECT_EQ(s.seconds[DbTimings::kWrite].count, 0u);
  EXPECT_EQ(s.batch.count, 1u);
  EXPECT_EQ(s.batch.buckets[2], 1u);  // 3 <= 4
}

TEST(DbTimingsTest, SqliteRecordsCallsAndGroupCommitSizes) {
  std::string dir = (std::filesystem::temp_directory_path() / ("db-timings-" + NewUuidHex())).string();
  std::filesystem::create_directories(dir);
  {
    SqliteOptions options;
    options.path = dir + "/t.db";
    SqliteDatabase db(options);
    ASSERT_TRUE(db.Write([](Connection& c) {
                    c.ExecScript("CREATE TABLE t (x INTEGER)");
                    return Status();
                  }).ok());
    std::vector<std::thread> writers;
    for (int i = 0; i < 8; ++i) {
      writers.emplace_back([&db, i] {
        for (int j = 0; j < 20; ++j) {
          EXPECT_TRUE(db.Write([&](Connection& c) {
                          c.ExecScript("INSERT INTO t VALUES (" + std::to_string(i * 100 + j) + ")");
                          return Status();
                        }).ok());
        }
      });
    }
    for (auto& w : writers) w.join();
    ASSERT_TRUE(db.ReadTx([](Connection& c) {
                    c.ExecScript("SELECT COUNT(*) FROM t");
                    return Status();
                  }).ok());
    DbTimings::Snapshot s = db.timings().snapshot();
    Database::Stats st = db.stats();
    EXPECT_EQ(s.seconds[DbTimings::kWrite].count, 161u);
    EXPECT_EQ(s.seconds[DbTimings::kRead].count, 1u);
    EXPECT_GT(s.seconds[DbTimings::kWrite].sum, 0);
    // One batch observation per commit, summing to the write requests.
    EXPECT_EQ(s.batch.count, st.commits);
    EXPECT_DOUBLE_EQ(s.batch.sum, static_cast<double>(st.writes));
    EXPECT_EQ(st.writes, 161u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mlflow::store::sql
