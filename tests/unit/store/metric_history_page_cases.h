#pragma once
// The keyset pages of metrics/get-history (store/sql/metric_history_page.h). Run by
// tracking_store_test.cc on SQLite, tests/pg/pg_store_test.cc and tests/mysql/mysql_store_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/ids.h"
#include "metric_sampling_cases.h"
#include "search/page_token.h"
#include "store/sql/database.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::metric_history_page_cases {

// get-history pages: the keyset token walks the same points as one read of the whole history,
// also across points that tie on (timestamp, step, value) (a NaN stored as 0 beside a real 0),
// split by pages of one; MLflow's own offset token still names the same page.
inline void HistoryPagesSeek(std::shared_ptr<Database> db) {
  SqlTrackingStore store(db, "/tmp/mlruns-summary");
  ASSERT_TRUE(store.Initialize().ok());
  auto exp = store.CreateExperiment("pages-" + NewUuidHex(), "", {});
  ASSERT_TRUE(exp.ok());
  auto run = store.CreateRun(*exp, "u", 1, {}, "");
  ASSERT_TRUE(run.ok());
  const std::string id = run->info.run_id;
  using metric_sampling_cases::M;
  std::vector<Metric> points;
  for (int64_t i = 0; i < 300; ++i) points.push_back(M(i % 7, 1000 + i / 3, static_cast<double>(i % 5)));
  for (int64_t i = 0; i < 3; ++i) {
    points.push_back(M(9 + i, 5000, NAN));  // NaN is stored as 0: it ties with the 0 beside it
    points.push_back(M(9 + i, 5000, 0.0));
  }
  for (int64_t i = 0; i < 40; ++i) points.push_back(M(12, 7000 + i, 1.0));
  metric_sampling_cases::Log(store, id, points);
  auto all = store.GetMetricHistory(id, "loss", 0, "");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->next_page_token.empty());
  auto same = [](const Metric& a, const Metric& b) {
    return a.timestamp == b.timestamp && a.step == b.step &&
           (a.value == b.value || (std::isnan(a.value) && std::isnan(b.value)));
  };
  for (int64_t size : {1, 2, 3, 7, 100, 1000}) {
    std::vector<Metric> walked;
    std::string token;
    int pages = 0;
    do {
      auto page = store.GetMetricHistory(id, "loss", size, token);
      ASSERT_TRUE(page.ok()) << page.status().message();
      walked.insert(walked.end(), page->metrics.begin(), page->metrics.end());
      token = page->next_page_token;
      if (!token.empty()) {
        // The token says where the page ended (the seek), beside MLflow's offset.
        EXPECT_NE(search::Base64Decode(token).value_or("").find("\"mlflowcpp_after\""), std::string::npos) << token;
        // MLflow's offset alone names the same next page.
        auto offset = search::DecodeOffsetToken(token);
        ASSERT_TRUE(offset.ok());
        EXPECT_EQ(*offset, static_cast<int64_t>(walked.size()));
        auto by_offset = store.GetMetricHistory(id, "loss", size, search::EncodeOffsetToken(*offset));
        auto by_seek = store.GetMetricHistory(id, "loss", size, token);
        ASSERT_TRUE(by_offset.ok() && by_seek.ok());
        ASSERT_EQ(by_offset->metrics.size(), by_seek->metrics.size()) << "size " << size;
        for (size_t i = 0; i < by_seek->metrics.size(); ++i) {
          EXPECT_TRUE(same(by_offset->metrics[i], by_seek->metrics[i])) << "size " << size << " #" << i;
        }
      }
      ASSERT_LT(++pages, 1000);
    } while (!token.empty());
    ASSERT_EQ(walked.size(), all->metrics.size()) << "size " << size;
    for (size_t i = 0; i < walked.size(); ++i) EXPECT_TRUE(same(walked[i], all->metrics[i])) << size << " #" << i;
  }
  // A token whose extra field is not ours is read as MLflow's offset.
  const std::string odd = search::Base64Encode(R"({"offset": 5, "mlflowcpp_after": "x"})");
  auto page = store.GetMetricHistory(id, "loss", 3, odd);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->metrics.size(), 3u);
  EXPECT_TRUE(same(page->metrics[0], all->metrics[5]));
  EXPECT_EQ(store.GetMetricHistory(id, "loss", 3, "bogus").status().code(), ErrorCode::kInvalidParameterValue);
}

}  // namespace mlflow::store::sql::metric_history_page_cases
