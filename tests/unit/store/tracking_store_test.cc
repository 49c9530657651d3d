// The SQL tracking store on a real SQLite file: MLflow's write rules and value encoding, and the
// group-commit writer's isolation and durability guarantees.
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/ids.h"
#include "metric_history_page_cases.h"
#include "metric_sampling_cases.h"
#include "run_search_cases.h"
#include "search/sql_compiler.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

class TrackingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tracking-store-" + NewUuidHex());
    fs::create_directories(dir_);
    path_ = (dir_ / "mlflow.db").string();
    db_ = std::make_shared<store::sql::SqliteDatabase>(store::sql::SqliteOptions{path_});
    ASSERT_TRUE(store::sql::CreateSchema(db_->writer_connection()).ok());
    store_ = std::make_unique<SqlTrackingStore>(db_, "mlflow-artifacts:/");
    ASSERT_TRUE(store_->Initialize().ok());
  }
  void TearDown() override {
    store_.reset();
    db_->Close();
    fs::remove_all(dir_);
  }
  std::string NewRun(const std::string& exp = "0") {
    auto run = store_->CreateRun(exp, "u", 1, {}, "");
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run->info.run_id;
  }
  // Reads one integer straight from the file, bypassing the store.
  int64_t Count(const std::string& sql) {
    store::sql::SqliteConnection c(path_);
    auto st = c.Prepare(sql);
    EXPECT_TRUE(st->Step());
    return st->Int(0);
  }
  // SQLite's plan for one compiled query, a line per step (EXPLAIN QUERY PLAN's detail column).
  Result<std::string> QueryPlan(const search::SqlQuery& query) {
    return db_->Read<std::string>([&](store::sql::Connection& c) -> Result<std::string> {
      auto st = c.Prepare("EXPLAIN QUERY PLAN " + query.sql);
      st->BindAll(query.params);
      std::string out;
      while (st->Step()) out += st->Text(3) + "\n";
      return out;
    });
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<store::sql::SqliteDatabase> db_;
  std::unique_ptr<SqlTrackingStore> store_;
};

TEST_F(TrackingStoreTest, DefaultExperimentAndArtifactLocations) {
  auto def = store_->GetExperiment("0");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->name, "Default");
  EXPECT_EQ(def->artifact_location, "mlflow-artifacts:/0");
  auto id = store_->CreateExperiment("e", "", {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "1");
  auto run = store_->CreateRun("1", "", 5, {}, "named");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->info.artifact_uri, "mlflow-artifacts:/1/" + run->info.run_id + "/artifacts");
  // Initialize is idempotent.
  EXPECT_TRUE(store_->Initialize().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM experiments"), 2);
}

TEST_F(TrackingStoreTest, MetricEncodingMatchesMlflow) {
  std::string run = NewRun();
  Metric m;
  m.key = "x";
  m.timestamp = 1;
  m.value = NAN;
  ASSERT_TRUE(store_->LogMetric(run, m).ok());
  m.key = "y";
  m.value = INFINITY;
  ASSERT_TRUE(store_->LogMetric(run, m).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM metrics WHERE key = 'x' AND value = 0 AND is_nan = 1"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM metrics WHERE key = 'y' AND value = 1.7976931348623157e308"), 1);
  auto got = store_->GetRun(run);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->metrics.size(), 2u);
  EXPECT_TRUE(std::isnan(got->metrics[0].value));
  EXPECT_EQ(got->metrics[1].value, 1.7976931348623157e308);
}

TEST_F(TrackingStoreTest, LatestMetricIsGreatestStepTimestampValue) {
  std::string run = NewRun();
  std::vector<Metric> batch;
  for (auto [step, ts, value] : std::vector<std::tuple<int64_t, int64_t, double>>{
           {1, 10, 5.0}, {3, 1, 1.0}, {3, 1, 2.0}, {2, 99, 9.0}}) {
    Metric m;
    m.key = "k";
    m.step = step;
    m.timestamp = ts;
    m.value = value;
    batch.push_back(m);
  }
  ASSERT_TRUE(store_->LogBatch(run, batch, {}, {}).ok());
  auto got = store_->GetRun(run);
  ASSERT_EQ(got->metrics.size(), 1u);
  EXPECT_EQ(got->metrics[0].step, 3);
  EXPECT_EQ(got->metrics[0].value, 2.0);
  // An older point later does not move it back.
  Metric old;
  old.key = "k";
  old.step = 0;
  old.timestamp = 1000;
  old.value = 100;
  ASSERT_TRUE(store_->LogMetric(run, old).ok());
  EXPECT_EQ(store_->GetRun(run)->metrics[0].value, 2.0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM metrics"), 5);
}

TEST_F(TrackingStoreTest, LatestMetricsReadBackInTheOrderTheirKeysWereFirstLogged) {
  std::string run = NewRun();
  auto batch = [](std::vector<std::string> keys) {
    std::vector<Metric> out;
    for (const auto& k : keys) {
      Metric m;
      m.key = k;
      m.timestamp = 1;
      m.value = 1.0;
      out.push_back(m);
    }
    return out;
  };
  ASSERT_TRUE(store_->LogBatch(run, batch({"loss", "accuracy"}), {}, {}).ok());
  ASSERT_TRUE(store_->LogBatch(run, batch({"f1", "auc", "loss", "f1"}), {}, {}).ok());
  auto got = store_->GetRun(run);
  ASSERT_TRUE(got.ok());
  std::vector<std::string> keys;
  for (const Metric& m : got->metrics) keys.push_back(m.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"loss", "accuracy", "f1", "auc"}));
}

TEST_F(TrackingStoreTest, ParamsAreImmutableAndBatchesAllOrNothing) {
  std::string run = NewRun();
  ASSERT_TRUE(store_->LogParam(run, {"a", "1"}).ok());
  EXPECT_TRUE(store_->LogParam(run, {"a", "1"}).ok());
  Status st = store_->LogParam(run, {"a", "2"});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
  Metric m;
  m.key = "m";
  m.timestamp = 1;
  st = store_->LogBatch(run, {m}, {{"b", "1"}, {"a", "3"}}, {{"t", "v"}});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(st.message().find("'old_value': '1', 'new_value': '3'"), std::string::npos) << st.message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM params"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM metrics"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags WHERE key = 't'"), 0);
}

// LogBatch inserts each param first and reads the stored value only when the insert kept the
// old row: the conflicts are still listed in the batch's order, an unchanged value is no conflict,
// and the params inserted before a conflict are rolled back with the rest of the batch.
TEST_F(TrackingStoreTest, BatchParamConflictsAreListedInOrderAndNothingIsKept) {
  std::string run = NewRun();
  ASSERT_TRUE(store_->LogBatch(run, {}, {{"x", "1"}, {"y", "2"}, {"z", "3"}}, {}).ok());
  Status st = store_->LogBatch(run, {}, {{"new1", "n"}, {"z", "30"}, {"y", "2"}, {"x", "10"}, {"new2", "n"}}, {});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(st.message().find("[{'key': 'z', 'old_value': '3', 'new_value': '30'}, "
                              "{'key': 'x', 'old_value': '1', 'new_value': '10'}]"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM params"), 3);
  ASSERT_TRUE(store_->LogBatch(run, {}, {{"y", "2"}, {"w", "4"}}, {}).ok());  // unchanged value: no conflict
  EXPECT_EQ(Count("SELECT COUNT(*) FROM params"), 4);
}

TEST_F(TrackingStoreTest, DeletingAnExperimentDeletesItsRunsAndRestoreBringsThemBack) {
  auto exp = store_->CreateExperiment("e", "", {});
  std::string r1 = NewRun(*exp), r2 = NewRun(*exp);
  ASSERT_TRUE(store_->DeleteRun(r1).ok());
  ASSERT_TRUE(store_->DeleteExperiment(*exp).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs WHERE lifecycle_stage = 'deleted' AND deleted_time IS NOT NULL"), 2);
  EXPECT_EQ(store_->CreateRun(*exp, "", 1, {}, "").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(store_->RenameExperiment(*exp, "x").code(), ErrorCode::kInvalidState);
  ASSERT_TRUE(store_->RestoreExperiment(*exp).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs WHERE lifecycle_stage = 'active' AND deleted_time IS NULL"), 2);
  EXPECT_EQ(store_->CreateExperiment("e", "", {}).status().code(), ErrorCode::kResourceAlreadyExists);
  (void)r2;
}

TEST_F(TrackingStoreTest, RunNameFollowsTagAndUpdate) {
  auto run = store_->CreateRun("0", "", 1, {{kRunNameTag, "t"}}, "");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->info.run_name, "t");
  ASSERT_TRUE(store_->SetTag(run->info.run_id, {kRunNameTag, "renamed"}).ok());
  EXPECT_EQ(store_->GetRun(run->info.run_id)->info.run_name, "renamed");
  auto info = store_->UpdateRun(run->info.run_id, std::string("FINISHED"), 9, "again");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->run_name, "again");
  EXPECT_EQ(info->status, "FINISHED");
  EXPECT_EQ(*info->end_time, 9);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tags WHERE key = 'mlflow.runName' AND value = 'again'"), 1);
}

TEST_F(TrackingStoreTest, GroupCommitIsolatesFailingRequests) {
  std::string run = NewRun();
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        // Every 5th request changes an existing param and must fail alone.
        KeyValue p = (i % 5 == 4) ? KeyValue{"p0_" + std::to_string(t), "changed"}
                                  : KeyValue{"p" + std::to_string(i) + "_" + std::to_string(t), "v"};
        Metric m;
        m.key = "m" + std::to_string(t);
        m.step = i;
        m.timestamp = i;
        Status st = store_->LogBatch(run, {m}, {p}, {});
        (st.ok() ? ok : failed)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 16 * 10);
  EXPECT_EQ(ok.load(), 16 * 40);
  // Exactly the successful requests' rows are there.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM metrics"), 16 * 40);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM params"), 16 * 40);
  auto stats = db_->stats();
  EXPECT_EQ(stats.writes, 2u + 16 * 50);  // default experiment check + run + the batches
  EXPECT_LT(stats.commits, stats.writes);  // requests were grouped
}

TEST_F(TrackingStoreTest, ServesADatabaseWithNewerMlflowWorkspaceColumns) {
  // What MLflow 3.17's migrations add to experiments: a NOT NULL workspace column with a default.
  db_->writer_connection().ExecScript(
      "ALTER TABLE experiments ADD COLUMN workspace VARCHAR(63) NOT NULL DEFAULT 'default'");
  auto id = store_->CreateExperiment("ws", "", {});
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM experiments WHERE workspace = 'default'"), 2);
  EXPECT_TRUE(store_->CreateRun(*id, "", 1, {}, "").ok());
}

TEST_F(TrackingStoreTest, MetricHistoryPages) {
  std::string run = NewRun();
  std::vector<Metric> batch;
  for (int i = 0; i < 25; ++i) {
    Metric m;
    m.key = "h";
    m.step = i;
    m.timestamp = 100 - i;  // ordered by timestamp first
    m.value = i;
    batch.push_back(m);
  }
  ASSERT_TRUE(store_->LogBatch(run, batch, {}, {}).ok());
  std::vector<int64_t> steps;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    auto p = store_->GetMetricHistory(run, "h", 10, token);
    ASSERT_TRUE(p.ok());
    for (const auto& m : p->metrics) steps.push_back(m.step);
    token = p->next_page_token;
    if (token.empty()) break;
  }
  ASSERT_EQ(steps.size(), 25u);
  EXPECT_EQ(steps.front(), 24);
  EXPECT_EQ(steps.back(), 0);
  EXPECT_EQ(store_->GetMetricHistory(run, "h", 10, "bogus").status().code(), ErrorCode::kInvalidParameterValue);
}

// UpdateRunTag is the store's read-modify-write of a tag (LogModel's history): concurrent updates
// each see the previous one's value, an update's error writes nothing, deleted runs are refused.
TEST_F(TrackingStoreTest, ChartSamplingPicksMlflowsPoints) { metric_sampling_cases::SamplesLikeMlflow(db_); }
TEST_F(TrackingStoreTest, MetricHistoryPagesSeek) { metric_history_page_cases::HistoryPagesSeek(db_); }
TEST_F(TrackingStoreTest, RunSearchPagesFollowMlflowsOrder) { run_search_cases::PagesFollowMlflowsOrder(db_); }

// The parts of a run search are index walks on SQLite (schema.cc, CreateExtraIndexes): no part
// scans the runs table or sorts every run of the experiment (a sort of ties only, "RIGHT PART OF
// ORDER BY", is allowed). Before the parts, each of these plans sorted the whole experiment.
TEST_F(TrackingStoreTest, RunSearchPartsWalkIndexes) {
  ASSERT_TRUE(store_->Initialize().ok());
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, ""},
      {{"attributes.start_time DESC"}, ""},
      {{"attributes.start_time ASC"}, ""},
      {{"metrics.m DESC"}, ""},
      {{"params.p"}, ""},
      {{"attributes.run_name"}, ""},
      {{}, "metrics.m > 0.05 and params.p = 'v'"},
  };
  for (const auto& [order, filter] : cases) {
    search::RunSearchSpec spec;
    spec.experiment_ids = {"0"};
    spec.order_by = order;
    spec.filter = filter;
    auto compiled = search::CompileRunSearch(spec, SqlDialect::kSqlite);
    ASSERT_TRUE(compiled.ok()) << compiled.status().message();
    ASSERT_FALSE(compiled->run_segments.empty()) << filter;
    for (const auto& part : compiled->run_segments) {
      auto plan = QueryPlan(part);
      ASSERT_TRUE(plan.ok()) << plan.status().message();
      EXPECT_EQ(plan->find("SCAN r"), std::string::npos) << part.sql << "\n" << *plan;
      EXPECT_EQ(plan->find("USE TEMP B-TREE FOR ORDER BY"), std::string::npos) << part.sql << "\n" << *plan;
      EXPECT_NE(plan->find("idx_mlflowcpp_"), std::string::npos) << part.sql << "\n" << *plan;
    }
  }
  // Ordered by a metric with a param equality: the filter drives (only the matching runs are read,
  // on the param's index), then the matches are sorted.
  search::RunSearchSpec spec;
  spec.experiment_ids = {"0"};
  spec.order_by = {"metrics.m DESC"};
  spec.filter = "params.p = 'v'";
  auto compiled = search::CompileRunSearch(spec, SqlDialect::kSqlite);
  ASSERT_TRUE(compiled.ok());
  const auto& part = compiled->run_segments.front();
  auto plan = QueryPlan(part);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->find("SEARCH f1 USING COVERING INDEX idx_mlflowcpp_params_key_value (key=? AND value=?)"), 0u)
      << *plan;
}

TEST_F(TrackingStoreTest, UpdateRunTagIsOneAtomicReadModifyWrite) {
  std::string run = NewRun();
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = store_->UpdateRunTag(run, "counter", [](const std::optional<std::string>& current) {
          return Result<std::string>(std::to_string(current ? std::stoi(*current) + 1 : 1));
        });
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count("SELECT CAST(value AS INTEGER) FROM tags WHERE key = 'counter'"), kThreads * kPerThread);

  Status refused = store_->UpdateRunTag(run, "counter", [](const std::optional<std::string>&) -> Result<std::string> {
    return Status::InvalidParameter("no");
  });
  EXPECT_EQ(refused.message(), "no");
  EXPECT_EQ(Count("SELECT CAST(value AS INTEGER) FROM tags WHERE key = 'counter'"), kThreads * kPerThread);
  ASSERT_TRUE(store_->DeleteRun(run).ok());
  auto keep = [](const std::optional<std::string>& current) { return Result<std::string>(current.value_or("")); };
  EXPECT_EQ(store_->UpdateRunTag(run, "counter", keep).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(store_->UpdateRunTag(std::string(32, 'f'), "counter", keep).code(), ErrorCode::kResourceDoesNotExist);
}

}  // namespace
}  // namespace mlflow::store::sql
