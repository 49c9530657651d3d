#pragma once
// The charts' sampling (get-history-bulk-interval, store/sql/metric_sampling.h) checked against
// MLflow 3.17.2's own method run in the same database: NTILE(max_results) over the run's points
// in (step, timestamp, value, is_nan) order, the first row of each bucket, then the last point
// appended (or put in place of the last bucket's row once there are max_results). Run by
// tracking_store_test.cc on SQLite, tests/pg/pg_store_test.cc and tests/mysql/mysql_store_test.cc,
// so every dialect answers the same histories: dense, sparse and negative steps, many points on one
// step, ties broken by value and by is_nan, steps out of time order, a repeated step and a missing
// one that cancel out (as many points as steps, yet not one a step), step ranges, many sizes.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "store/sql/database.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::metric_sampling_cases {

struct Point {
  int64_t step, timestamp;
  double value;
  bool is_nan;
};

// MLflow's method, as SQL of its own (window functions are in SQLite, PostgreSQL and MariaDB).
inline std::vector<Point> Reference(Database& db, const std::string& run_id, const std::string& key, int64_t n,
                                    std::optional<int64_t> start, std::optional<int64_t> end) {
  const std::string range = start ? " AND step >= ? AND step <= ?" : "";
  const std::string order = "step, timestamp, value, is_nan";
  auto rows = db.Read<std::vector<Point>>([&](Connection& c) -> Result<std::vector<Point>> {
    std::vector<Point> out;
    auto st = c.Prepare("SELECT step, timestamp, value, is_nan FROM (SELECT step, timestamp, value, is_nan, "
                        "ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY " + order + ") AS rn FROM "
                        "(SELECT step, timestamp, value, is_nan, NTILE(" + std::to_string(n) + ") OVER (ORDER BY " +
                        order + ") AS bucket FROM metrics WHERE run_uuid = ? AND key = ?" + range + ") b) r "
                        "WHERE rn = 1 ORDER BY " + order);
    st->BindAll(run_id, key);
    if (start) st->BindFrom(3, *start, *end);
    while (st->Step()) out.push_back({st->Int(0), st->Int(1), st->Double(2), st->Int(3) != 0});
    auto last = c.Prepare("SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?" + range +
                          " ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1");
    last->BindAll(run_id, key);
    if (start) last->BindFrom(3, *start, *end);
    if (last->Step()) {
      Point p{last->Int(0), last->Int(1), last->Double(2), last->Int(3) != 0};
      auto same = [&](const Point& q) {
        return q.step == p.step && q.timestamp == p.timestamp && q.value == p.value && q.is_nan == p.is_nan;
      };
      if (out.empty() || !same(out.back())) {
        if (static_cast<int64_t>(out.size()) >= n) {
          out.back() = p;
        } else {
          out.push_back(p);
        }
      }
    }
    return out;
  });
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  return rows.ok() ? *rows : std::vector<Point>{};
}

inline void Log(SqlTrackingStore& store, const std::string& run_id, const std::vector<Metric>& metrics) {
  for (size_t i = 0; i < metrics.size(); i += 1000) {
    std::vector<Metric> chunk(metrics.begin() + static_cast<long>(i),
                              metrics.begin() + static_cast<long>(std::min(metrics.size(), i + 1000)));
    Status st = store.LogBatch(run_id, chunk, {}, {});
    ASSERT_TRUE(st.ok()) << st.message();
  }
}

inline Metric M(int64_t step, int64_t timestamp, double value) {
  Metric m;
  m.key = "loss";
  m.step = step;
  m.timestamp = timestamp;
  m.value = value;
  return m;
}

inline void SamplesLikeMlflow(std::shared_ptr<Database> db) {
  SqlTrackingStore store(db, "/tmp/mlruns-sampling");
  ASSERT_TRUE(store.Initialize().ok());
  auto exp = store.CreateExperiment("sampling-" + NewUuidHex(), "", {});
  ASSERT_TRUE(exp.ok()) << exp.status().message();
  std::vector<std::string> runs;
  for (int i = 0; i < 8; ++i) {
    auto run = store.CreateRun(*exp, "u", 1, {}, "r" + std::to_string(i));
    ASSERT_TRUE(run.ok()) << run.status().message();
    runs.push_back(run->info.run_id);
  }
  const int64_t t0 = 1600000000000;
  std::vector<Metric> dense, sparse, same_step, shuffled, one;
  for (int64_t i = 0; i < 1000; ++i) dense.push_back(M(i, t0 + i, 0.5 * static_cast<double>(i)));
  for (int64_t i = 0; i < 700; ++i) sparse.push_back(M(7 * i - 1000, t0 + i, std::sin(static_cast<double>(i))));
  // log_metric without a step: everything on step 0, timestamps repeating, values breaking the ties;
  // a NaN (stored as 0 with is_nan) beside a real 0 on the same step and timestamp; infinities.
  for (int64_t i = 0; i < 600; ++i) same_step.push_back(M(0, t0 + i / 3, static_cast<double>(i % 3)));
  same_step.push_back(M(0, t0 + 1000, NAN));
  same_step.push_back(M(0, t0 + 1000, 0.0));
  same_step.push_back(M(1, t0 + 1000, INFINITY));
  same_step.push_back(M(1, t0 + 1000, -INFINITY));
  for (int64_t i = 0; i < 400; ++i) same_step.push_back(M(2 + i / 50, t0 + 2000 - i, static_cast<double>(i)));
  // steps that do not grow with time
  for (int64_t i = 0; i < 500; ++i) shuffled.push_back(M((i * 37) % 250, t0 + 500 - i, static_cast<double>(i % 11)));
  one.push_back(M(5, t0, 1.0));
  // one point a step but for step 150 twice and no step 160: as many points as steps 100..199
  std::vector<Metric> cancelling;
  for (int64_t st = 100; st < 200; ++st) {
    if (st != 160) cancelling.push_back(M(st, t0 + st, 1.0));
  }
  cancelling.push_back(M(150, t0 + 1, 2.0));
  // one point a step, and a second one on the last step: one point more than steps
  std::vector<Metric> tail;
  for (int64_t st = 0; st < 100; ++st) tail.push_back(M(st, t0 + st, 1.0));
  tail.push_back(M(99, t0 + 500, 3.0));
  Log(store, runs[0], dense);
  Log(store, runs[1], sparse);
  Log(store, runs[2], same_step);
  Log(store, runs[3], shuffled);
  Log(store, runs[4], one);
  Log(store, runs[6], cancelling);
  Log(store, runs[7], tail);
  // runs[5] has no points; "nope" is no run at all. The same run twice is sampled twice, as in MLflow.
  const std::vector<std::string> ids = {runs[0], runs[1], runs[2], runs[3], runs[4], runs[5], "nope", runs[6], runs[7], runs[0]};

  struct Range {
    std::optional<int64_t> start, end;
  };
  const std::vector<Range> ranges = {{}, {0, 499}, {-5, 3}, {10, 10}, {0, 0}, {-1000, -994}, {2000, 3000},
                                     {INT64_MIN, INT64_MAX}, {140, 170}, {155, 165}};
  for (int64_t n : {1, 2, 3, 7, 50, 99, 100, 101, 320, 599, 600, 601, 999, 1000, 1001, 2500}) {
    for (const Range& r : ranges) {
      std::string where = "n=" + std::to_string(n) + (r.start ? " steps " + std::to_string(*r.start) + ".." +
                                                                    std::to_string(*r.end)
                                                              : " all steps");
      auto got = store.GetMetricHistoryAtSteps(ids, "loss", r.start, r.end, n);
      ASSERT_TRUE(got.ok()) << where << ": " << got.status().message();
      std::vector<Metric> want;
      for (const auto& id : ids) {
        if (id == "nope") continue;
        for (const Point& p : Reference(*db, id, "loss", n, r.start, r.end)) {
          Metric m = M(p.step, p.timestamp, p.is_nan ? NAN : p.value);
          m.run_id = id;
          want.push_back(m);
        }
      }
      ASSERT_EQ(got->size(), want.size()) << where;
      for (size_t i = 0; i < want.size(); ++i) {
        const Metric& g = (*got)[i];
        const Metric& w = want[i];
        EXPECT_EQ(g.run_id, w.run_id) << where << " #" << i;
        EXPECT_EQ(g.key, "loss") << where << " #" << i;
        EXPECT_EQ(g.step, w.step) << where << " #" << i;
        EXPECT_EQ(g.timestamp, w.timestamp) << where << " #" << i;
        EXPECT_TRUE(g.value == w.value || (std::isnan(g.value) && std::isnan(w.value)))
            << where << " #" << i << ": " << g.value << " != " << w.value;
      }
    }
  }
  // The sample really is a sample: 1,000 dense points at 320 keep 320, first and last included.
  auto dense320 = store.GetMetricHistoryAtSteps({runs[0]}, "loss", std::nullopt, std::nullopt, 320);
  ASSERT_TRUE(dense320.ok());
  ASSERT_EQ(dense320->size(), 320u);
  EXPECT_EQ(dense320->front().step, 0);
  EXPECT_EQ(dense320->back().step, 999);
}

}  // namespace mlflow::store::sql::metric_sampling_cases
