#pragma once
// Run search pages (store/sql/run_search_sql.h) against MLflow's order: the single query
// CompileRunSearch compiles from MLflow's rules (CompiledSearch::query, every run of the order at
// once) is the reference; walking the store's pages through their tokens, at several page sizes,
// must give the same runs in the same order. The data has what the parts split on: ties on the
// order key and on start_time, NULL start and end times, NaN and missing metrics, missing params
// and tags, a deleted run. Also: MLflow's own offset tokens, and a keyset token passed back with
// another query (served by its offset, as MLflow serves it). Run by tracking_store_test.cc on
// SQLite, tests/pg/pg_store_test.cc and tests/mysql/mysql_store_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/ids.h"
#include "search/page_token.h"
#include "search/run_page_token.h"
#include "search/sql_compiler.h"
#include "store/sql/database.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::run_search_cases {

inline std::vector<std::string> Reference(Database& db, search::RunSearchSpec spec) {
  spec.max_results = search::kRunsMaxResultsLimit;
  spec.page_token.clear();
  auto compiled = search::CompileRunSearch(spec, db.dialect());
  EXPECT_TRUE(compiled.ok()) << compiled.status().message();
  if (!compiled.ok()) return {};
  auto ids = db.Read<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    auto st = c.Prepare(compiled->query.sql);
    st->BindAll(compiled->query.params);
    while (st->Step()) out.push_back(st->Text(0));
    return out;
  });
  EXPECT_TRUE(ids.ok()) << ids.status().message();
  return ids.ok() ? *ids : std::vector<std::string>{};
}

// Every page through the tokens; *keyset_tokens counts the tokens that carried a keyset.
inline std::vector<std::string> Walk(SqlTrackingStore& store, RunSearchRequest req, int* keyset_tokens) {
  std::vector<std::string> out;
  for (int page = 0; page < 500; ++page) {
    auto r = store.SearchRuns(req);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) break;
    for (const Run& run : r->runs) out.push_back(run.info.run_id);
    if (r->next_page_token.empty()) break;
    auto t = search::DecodeRunPageToken(r->next_page_token);
    EXPECT_TRUE(t.ok());
    if (t.ok() && t->keyset) ++*keyset_tokens;
    // MLflow's server reads the same token as its offset: the rows returned so far.
    EXPECT_EQ(t.ok() ? t->offset : -1, static_cast<int64_t>(out.size()));
    req.page_token = r->next_page_token;
  }
  return out;
}

inline void PagesFollowMlflowsOrder(std::shared_ptr<Database> db) {
  SqlTrackingStore store(db, "/tmp/mlruns-run-search");
  ASSERT_TRUE(store.Initialize().ok());
  auto exp = store.CreateExperiment("run-search-" + NewUuidHex(), "", {});
  ASSERT_TRUE(exp.ok()) << exp.status().message();
  std::vector<std::string> runs;
  for (int i = 0; i < 41; ++i) {
    // start_time ties (i / 3), names with ties, every 5th run without the metric, every 7th
    // without the param, NaN on every 9th.
    auto run = store.CreateRun(*exp, "u" + std::to_string(i % 4), 1600000000000 + i / 3, {},
                               "run-" + std::to_string(i % 6));
    ASSERT_TRUE(run.ok()) << run.status().message();
    const std::string id = run->info.run_id;
    runs.push_back(id);
    std::vector<Metric> metrics;
    if (i % 5 != 0) {
      Metric m;
      m.key = "m";
      m.value = i % 9 == 0 ? NAN : static_cast<double>(i % 8) / 8.0;
      m.timestamp = 1;
      metrics.push_back(m);
    }
    std::vector<KeyValue> params, tags;
    if (i % 7 != 0) params.push_back({"p", i % 4 == 0 ? "a" : "b" + std::to_string(i % 3)});
    if (i % 2 == 0) tags.push_back({"t", "v" + std::to_string(i % 5)});
    ASSERT_TRUE(store.LogBatch(id, metrics, params, tags).ok());
    if (i % 6 == 1) {
      ASSERT_TRUE(store.UpdateRun(id, "FINISHED", 1600000001000 + i % 4, "").ok());
    }
  }
  ASSERT_TRUE(store.DeleteRun(runs[3]).ok());
  // MLflow's schema allows a run without a start time; the API never makes one.
  for (int i : {10, 11, 25}) {
    ASSERT_TRUE(db->Write([&](Connection& c) -> Status {
                    auto st = c.Prepare("UPDATE runs SET start_time = NULL WHERE run_uuid = ?");
                    st->BindAll(runs[static_cast<size_t>(i)]);
                    st->Execute();
                    return Status();
                  }).ok());
  }

  const std::vector<std::vector<std::string>> orders = {
      {},
      {"attributes.start_time DESC"},
      {"attributes.start_time ASC"},
      {"metrics.m DESC"},
      {"metrics.m ASC"},
      {"params.p"},
      {"params.p DESC"},
      {"tags.t ASC"},
      {"attributes.run_name"},
      {"attributes.end_time DESC"},
      {"attributes.status"},
      {"attributes.user_id DESC"},
      {"attributes.run_id"},
      {"metrics.m DESC", "params.p"},  // two keys: MLflow's single query, offset tokens
  };
  const std::vector<std::string> filters = {"", "metrics.m > 0.3", "params.p = 'a'",
                                            "metrics.m > 0.1 and params.p != 'b1'", "tags.t = 'v2'"};
  for (ViewType view : {ViewType::kActiveOnly, ViewType::kAll}) {
    for (const auto& order : orders) {
      for (const auto& filter : filters) {
        search::RunSearchSpec spec;
        spec.experiment_ids = {*exp};
        spec.view_type = view;
        spec.filter = filter;
        spec.order_by = order;
        const std::vector<std::string> expected = Reference(*db, spec);
        std::string label = "filter '" + filter + "' order";
        for (const auto& o : order) label += " " + o;
        label += view == ViewType::kAll ? " (all)" : "";
        for (int64_t size : {1, 7, 25, 1000}) {
          RunSearchRequest req;
          req.experiment_ids = {*exp};
          req.view_type = view;
          req.filter = filter;
          req.order_by = order;
          req.max_results = size;
          int keysets = 0;
          EXPECT_EQ(Walk(store, req, &keysets), expected) << label << ", pages of " << size;
          if (order.size() <= 1 && static_cast<int64_t>(expected.size()) > size) {
            EXPECT_GT(keysets, 0) << label << ": no keyset token";
          }
          if (order.size() > 1) {
            EXPECT_EQ(keysets, 0) << label;
          }
        }
        // MLflow's own token: {"offset": 7}.
        if (expected.size() > 7) {
          RunSearchRequest req;
          req.experiment_ids = {*exp};
          req.view_type = view;
          req.filter = filter;
          req.order_by = order;
          req.max_results = 5;
          req.page_token = search::EncodeOffsetToken(7);
          auto r = store.SearchRuns(req);
          ASSERT_TRUE(r.ok()) << r.status().message();
          std::vector<std::string> got;
          for (const Run& run : r->runs) got.push_back(run.info.run_id);
          std::vector<std::string> want(expected.begin() + 7,
                                        expected.begin() + static_cast<long>(std::min<size_t>(12, expected.size())));
          EXPECT_EQ(got, want) << label << ", offset token";
        }
      }
    }
  }

  // A keyset token of one query passed back with another: its offset applies, as on MLflow.
  RunSearchRequest by_metric;
  by_metric.experiment_ids = {*exp};
  by_metric.order_by = {"metrics.m DESC"};
  by_metric.max_results = 6;
  auto first = store.SearchRuns(by_metric);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token.empty());
  RunSearchRequest by_name = by_metric;
  by_name.order_by = {"attributes.run_name"};
  by_name.page_token = first->next_page_token;
  auto second = store.SearchRuns(by_name);
  ASSERT_TRUE(second.ok()) << second.status().message();
  search::RunSearchSpec name_spec;
  name_spec.experiment_ids = {*exp};
  name_spec.order_by = by_name.order_by;
  const auto names = Reference(*db, name_spec);
  ASSERT_EQ(second->runs.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(second->runs[i].info.run_id, names[6 + i]);
}

}  // namespace mlflow::store::sql::run_search_cases
