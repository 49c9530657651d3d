// The SQL layer and the tracking store on a real PostgreSQL. Run through tests/pg/with_cluster.sh,
// which starts a private cluster and sets MLFLOW_TEST_PG_URI (an admin URI); each test gets a
// fresh database. Without that variable the tests fail (they are never skipped).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <thread>

#include "core/ids.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/postgres_database.h"
#include "store/sql/schema.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_tracking_store.h"
#include "unit/store/hard_delete_cases.h"
#include "unit/store/metric_history_page_cases.h"
#include "unit/store/metric_sampling_cases.h"
#include "unit/store/run_search_cases.h"
#include "unit/store/pooled_database_cases.h"
#include "unit/store/trace_metrics_cases.h"

namespace mlflow::store::sql {
namespace {

Metric M(const std::string& key, double value, int64_t timestamp, int64_t step) {
  Metric m;
  m.key = key;
  m.value = value;
  m.timestamp = timestamp;
  m.step = step;
  return m;
}

std::string AdminUri() {
  const char* uri = std::getenv("MLFLOW_TEST_PG_URI");
  return uri ? uri : "";
}

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string admin = AdminUri();
    ASSERT_FALSE(admin.empty()) << "MLFLOW_TEST_PG_URI is not set: run under tests/pg/with_cluster.sh";
    PostgresConnection c(admin);
    std::string name = "u_" + NewUuidHex().substr(0, 16);
    c.ExecScript("CREATE DATABASE " + name);
    uri_ = admin.substr(0, admin.rfind('/') + 1) + name;
  }

  std::shared_ptr<PostgresDatabase> OpenDb(int pool = 4) {
    PostgresOptions o;
    o.conninfo = uri_;
    o.pool_size = pool;
    auto db = std::make_shared<PostgresDatabase>(o);
    Status st = db->Setup([](Connection& c) -> Status {
      auto info = InspectSchema(c);
      if (!info.ok()) return info.status();
      if (info->status == SchemaStatus::kEmpty) return CreateSchema(c);
      return Status();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return db;
  }

  std::string uri_;
};

TEST(PgPlaceholders, RewritesOnlyBarePlaceholders) {
  int n = 0;
  EXPECT_EQ(RewritePlaceholders("SELECT ?, '?', \"a?\" FROM t WHERE x = ? -- what?\nAND y = ?", &n),
            "SELECT $1, '?', \"a?\" FROM t WHERE x = $2 -- what?\nAND y = $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(RewritePlaceholders("SELECT 'it''s ?' || ?", &n), "SELECT 'it''s ?' || $1");
  EXPECT_EQ(n, 1);
}

TEST(PgPlaceholders, SqlAlchemyUrisBecomeLibpqUris) {
  EXPECT_EQ(PostgresConninfoFromUri("postgresql+psycopg2://u:p@h:1/d"), "postgresql://u:p@h:1/d");
  EXPECT_EQ(PostgresConninfoFromUri("postgres://u@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(PostgresConninfoFromUri("postgresql://u@h/d?sslmode=disable"), "postgresql://u@h/d?sslmode=disable");
}

TEST_F(PgTest, ValuesRoundTripWithTheirTypes) {
  PostgresConnection c(uri_);
  c.ExecScript("CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, t TEXT, b BOOLEAN, n INTEGER)");
  auto ins = c.Prepare("INSERT INTO v (i, d, t, b, n) VALUES (?, ?, ?, ?, ?)");
  ins->Bind(1, int64_t{9007199254740993});
  ins->Bind(2, 0.1);
  ins->Bind(3, std::string("it's \"quoted\" ? \xc3\xa9"));
  ins->Bind(4, int64_t{1});  // booleans are bound as 0/1, like on SQLite
  ins->BindNull(5);
  EXPECT_EQ(ins->Execute(), 1);
  ins->Reset();
  ins->Bind(1, int64_t{-5});
  ins->Bind(2, std::numeric_limits<double>::infinity());
  ins->Bind(3, "");
  ins->Bind(4, int64_t{0});
  ins->Bind(5, int64_t{7});
  EXPECT_EQ(ins->Execute(), 1);

  auto st = c.Prepare("SELECT i, d, t, b, n FROM v ORDER BY i DESC");
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), 9007199254740993);
  EXPECT_EQ(st->Double(1), 0.1);  // exact: shortest round-trip output
  EXPECT_EQ(st->Text(2), "it's \"quoted\" ? \xc3\xa9");
  EXPECT_EQ(st->Int(3), 1);
  EXPECT_TRUE(st->IsNull(4));
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), -5);
  EXPECT_TRUE(std::isinf(st->Double(1)));
  EXPECT_EQ(st->Text(2), "");
  EXPECT_FALSE(st->IsNull(2));
  EXPECT_EQ(st->Int(3), 0);
  EXPECT_EQ(st->Int(4), 7);
  EXPECT_FALSE(st->Step());
}

TEST_F(PgTest, UntypedParameterIsPreparedWithBoundTypesWithoutAbortingTheTransaction) {
  PostgresConnection c(uri_);
  c.ExecScript("CREATE TABLE w (x INTEGER)");
  c.ExecScript("BEGIN");
  c.Prepare("INSERT INTO w VALUES (1)")->Execute();
  auto st = c.Prepare("SELECT ? IS NULL, ? + 1");  // PostgreSQL cannot infer these types
  st->BindNull(1);
  st->Bind(2, int64_t{41});
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), 1);
  EXPECT_EQ(st->Int(1), 42);
  c.ExecScript("COMMIT");  // the transaction survived the failed first preparation
  auto count = c.Prepare("SELECT COUNT(*) FROM w");
  ASSERT_TRUE(count->Step());
  EXPECT_EQ(count->Int(0), 1);
}

TEST_F(PgTest, ErrorsCarryKindAndSqlstate) {
  PostgresConnection c(uri_);
  c.ExecScript("CREATE TABLE u (k TEXT PRIMARY KEY)");
  c.Prepare("INSERT INTO u VALUES ('a')")->Execute();
  try {
    c.Prepare("INSERT INTO u VALUES ('a')")->Execute();
    FAIL() << "duplicate key accepted";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), SqlError::Kind::kConstraint);
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  try {
    c.Prepare("SELEC nonsense")->Step();
    FAIL() << "syntax error accepted";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), SqlError::Kind::kOther);
    EXPECT_EQ(e.sqlstate(), "42601");
  }
  EXPECT_THROW(PostgresConnection("postgresql://nobody:wrong@127.0.0.1:1/none"), SqlError);
}

TEST_F(PgTest, SchemaIsMlflowsWithSequenceAndInspectsAsCurrent) {
  PostgresConnection c(uri_);
  ASSERT_TRUE(CreateSchema(c).ok());
  auto info = InspectSchema(c);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kCurrent);
  EXPECT_EQ(info->revision, kSchemaRevision);
  auto tables = c.TableNames();
  EXPECT_EQ(tables.size(), SchemaTableNames().size());
  for (const auto& t : SchemaTableNames()) EXPECT_TRUE(c.HasTable(t)) << t;
  EXPECT_TRUE(c.HasColumn("metrics", "is_nan"));
  EXPECT_FALSE(c.HasColumn("metrics", "nope"));
  auto seq = c.Prepare("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = 'experiments_experiment_id_seq'");
  EXPECT_TRUE(seq->Step());
  Status again = CreateSchema(c);  // not on a non-empty database
  EXPECT_EQ(again.code(), ErrorCode::kInvalidState) << again.message();
}

TEST_F(PgTest, WriteErrorRollsBackThatWriteOnly) { pooled_database_cases::WriteErrorRollsBackThatWriteOnly(OpenDb()); }

TEST_F(PgTest, PoolNeverOpensMoreThanItsSize) {
  auto db = OpenDb(/*pool=*/3);
  ASSERT_TRUE(db->Write([](Connection& c) {
                  c.ExecScript("CREATE TABLE p (x BIGINT)");
                  return Status();
                }).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Status st = db->Write([&](Connection& c) {
          auto ins = c.Prepare("INSERT INTO p VALUES (?)");
          ins->Bind(1, int64_t{t * 100 + i});
          ins->Execute();
          return Status();
        });
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(db->pool_stats().connections, 3u);
  auto n = db->Read<int64_t>([](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare("SELECT COUNT(DISTINCT x) FROM p");
    st->Step();
    return st->Int(0);
  });
  EXPECT_EQ(*n, 240);
}

TEST_F(PgTest, WriteSurvivesAConnectionKilledByTheServer) {
  auto db = OpenDb(/*pool=*/6);
  ASSERT_TRUE(db->Write([](Connection& c) {
                  c.ExecScript("CREATE TABLE r (x INTEGER)");
                  return Status();
                }).ok());
  // Fill the pool (6 connections busy at once), then kill every session but ours: the pool now
  // holds only dead connections, as after a database restart.
  {
    std::vector<std::thread> busy;
    for (int t = 0; t < 6; ++t) {
      busy.emplace_back([&] {
        (void)db->ReadTx([](Connection& c) {
          c.ExecScript("SELECT pg_sleep(0.2)");
          return Status();
        });
      });
    }
    for (auto& th : busy) th.join();
  }
  EXPECT_EQ(db->pool_stats().connections, 6u);
  PostgresConnection admin(uri_);
  admin.ExecScript(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
      "pg_backend_pid()");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto before = db->Read<int64_t>([](Connection& c) -> Result<int64_t> {
    auto q = c.Prepare("SELECT COUNT(*) FROM r");
    q->Step();
    return q->Int(0);
  });
  ASSERT_TRUE(before.ok()) << before.status().message();  // a read recovers too
  EXPECT_EQ(*before, 0);
  Status st = db->Write([](Connection& c) {
    c.Prepare("INSERT INTO r VALUES (1)")->Execute();
    return Status();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  auto n = db->Read<int64_t>([](Connection& c) -> Result<int64_t> {
    auto q = c.Prepare("SELECT COUNT(*) FROM r");
    q->Step();
    return q->Int(0);
  });
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
}

// The tracking store on PostgreSQL: the same SQL as on SQLite.
TEST_F(PgTest, RefusedDuplicateExperimentTakesAnIdAsMlflowDoes) {
  pooled_database_cases::RefusedDuplicateExperimentTakesAnId(OpenDb());
}

TEST_F(PgTest, TrackingStoreRoundTrip) {
  auto db = OpenDb();
  store::sql::SqlTrackingStore ts(db, "/tmp/mlruns-pg-test");
  ASSERT_TRUE(ts.Initialize().ok());
  ASSERT_TRUE(ts.Initialize().ok());  // idempotent (a second replica starting)
  auto exp0 = ts.GetExperiment("0");
  ASSERT_TRUE(exp0.ok());
  EXPECT_EQ(exp0->name, "Default");
  auto id = ts.CreateExperiment("e", "", {{"k", "v"}});
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*id, "1");  // the explicit id 0 did not advance the sequence
  EXPECT_EQ(ts.CreateExperiment("e", "", {}).status().code(), ErrorCode::kResourceAlreadyExists);
  // Longer than experiments.name's VARCHAR(256): PostgreSQL refuses it, and MLflow answers
  // BAD_REQUEST (not a 500), with nothing written.
  auto too_long = ts.CreateExperiment(std::string(300, 'x'), "", {});
  EXPECT_EQ(too_long.status().code(), ErrorCode::kBadRequest) << too_long.status().message();
  EXPECT_EQ(ts.GetExperimentByName(std::string(300, 'x')).status().code(), ErrorCode::kResourceDoesNotExist);

  auto run = ts.CreateRun(*id, "me", 10, {{"t", "x"}}, "");
  ASSERT_TRUE(run.ok()) << run.status().message();
  const std::string rid = run->info.run_id;
  std::vector<Metric> metrics;
  for (int i = 0; i < 5; ++i) metrics.push_back(M("m", static_cast<double>(i), 100 + i, i));
  metrics.push_back(M("nan", NAN, 1, 0));
  metrics.push_back(M("inf", INFINITY, 1, 0));
  ASSERT_TRUE(ts.LogBatch(rid, metrics, {{"p", "1"}}, {{"t2", "y"}}).ok());
  EXPECT_EQ(ts.LogParam(rid, {"p", "2"}).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(ts.LogParam(rid, {"p", "1"}).ok());

  auto got = ts.GetRun(rid);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->metrics.size(), 3u);
  for (const auto& m : got->metrics) {  // before the batches below
    if (m.key == "m") {
      EXPECT_EQ(m.value, 4);
    } else if (m.key == "nan") {
      EXPECT_TRUE(std::isnan(m.value));
    } else {
      EXPECT_EQ(m.value, std::numeric_limits<double>::max());
    }
  }
  EXPECT_EQ(got->params.size(), 1u);
  EXPECT_EQ(got->tags.size(), 3u);  // t, t2, mlflow.runName

  auto hist = ts.GetMetricHistory(rid, "m", 0, "");  // no max_results: no LIMIT
  ASSERT_TRUE(hist.ok()) << hist.status().message();
  EXPECT_EQ(hist->metrics.size(), 5u);
  // Identical points in one batch (and again in a later one) are stored once; 250 points go in
  // several multi-row statements.
  std::vector<Metric> dup = {M("d", 1, 1, 1), M("d", 1, 1, 1), M("d", 2, 1, 1)};
  ASSERT_TRUE(ts.LogBatch(rid, dup, {}, {}).ok());
  ASSERT_TRUE(ts.LogBatch(rid, dup, {}, {}).ok());
  EXPECT_EQ(ts.GetMetricHistory(rid, "d", 0, "")->metrics.size(), 2u);
  std::vector<Metric> many;
  for (int i = 0; i < 250; ++i) many.push_back(M("k" + std::to_string(i % 3), i, i, 1000 - i));
  ASSERT_TRUE(ts.LogBatch(rid, many, {}, {}).ok());
  EXPECT_EQ(ts.GetMetricHistory(rid, "k1", 0, "")->metrics.size(), 83u);
  auto after = ts.GetRun(rid);
  ASSERT_TRUE(after.ok());
  int seen = 0;
  for (const auto& m : after->metrics) {
    if (m.key == "k0") {
      EXPECT_EQ(m.step, 1000);  // greatest step wins, whatever the row order
      ++seen;
    }
  }
  EXPECT_EQ(seen, 1);
  auto page = ts.GetMetricHistory(rid, "m", 2, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->metrics.size(), 2u);
  EXPECT_FALSE(page->next_page_token.empty());

  store::RunSearchRequest req;
  req.experiment_ids = {*id};
  req.filter = "metrics.m > 3 and params.p = '1' and tags.t LIKE 'x%'";
  req.order_by = {"metrics.m DESC"};
  auto found = ts.SearchRuns(req);
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_EQ(found->runs.size(), 1u);
  EXPECT_EQ(found->runs[0].info.run_id, rid);
  req.filter = "params.p ILIKE 'X%'";
  EXPECT_EQ(ts.SearchRuns(req)->runs.size(), 0u);

  ASSERT_TRUE(ts.DeleteExperiment(*id).ok());
  EXPECT_EQ(ts.GetRun(rid)->info.lifecycle_stage, "deleted");
  ASSERT_TRUE(ts.RestoreExperiment(*id).ok());
  EXPECT_EQ(ts.GetRun(rid)->info.lifecycle_stage, "active");
}

// Two "replicas" (separate pools) racing on check-then-insert: MLflow's answers, never a raw
// integrity error.
TEST_F(PgTest, RacesBetweenPoolsGiveMlflowAnswers) {
  auto db1 = OpenDb(4);
  auto db2 = OpenDb(4);
  store::sql::SqlTrackingStore a(db1, "/tmp/mlruns-pg-test"), b(db2, "/tmp/mlruns-pg-test");
  ASSERT_TRUE(a.Initialize().ok());
  ASSERT_TRUE(b.Initialize().ok());
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> created{0}, exists{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        auto r = (t % 2 ? a : b).CreateExperiment("race" + std::to_string(round), "", {});
        if (r.ok()) {
          created++;
        } else if (r.status().code() == ErrorCode::kResourceAlreadyExists) {
          exists++;
        } else {
          other++;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(exists.load(), 7);
    EXPECT_EQ(other.load(), 0);
  }
  auto run = a.CreateRun("0", "", 1, {}, "");
  ASSERT_TRUE(run.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        // Same params from every writer (idempotent), metrics on shared keys in varying order.
        std::vector<Metric> ms;
        for (int k = 0; k < 5; ++k) ms.push_back(M("k" + std::to_string((k + t) % 5), double(i), i, i));
        Status st = (t % 2 ? a : b).LogBatch(run->info.run_id, ms, {{"p" + std::to_string(i), "v"}}, {});
        if (!st.ok()) {
          bad++;
          ADD_FAILURE() << st.message();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  auto got = a.GetRun(run->info.run_id);
  EXPECT_EQ(got->params.size(), 10u);
  EXPECT_EQ(got->metrics.size(), 5u);
}

TEST_F(PgTest, TagReadModifyWritesLoseNothingAcrossPools) {
  pooled_database_cases::TagReadModifyWritesLoseNothingAcrossPools(OpenDb(4), OpenDb(4), 8, 25);
}

// Permanent deletion (gc): the cases tests/unit/store/hard_delete_test.cc runs on SQLite.
TEST_F(PgTest, ChartSamplingPicksMlflowsPoints) { metric_sampling_cases::SamplesLikeMlflow(OpenDb()); }
TEST_F(PgTest, MetricHistoryPagesSeek) { metric_history_page_cases::HistoryPagesSeek(OpenDb()); }
TEST_F(PgTest, RunSearchPagesFollowMlflowsOrder) { run_search_cases::PagesFollowMlflowsOrder(OpenDb()); }
TEST_F(PgTest, TraceMetricsFilterOnTokenUsageAndCost) {
  trace_metrics_cases::FiltersOnTokenUsageAndCost(OpenDb(), false);
}
TEST_F(PgTest, TraceMetricsFilterOnTokenUsageAndCostInMlflow317Columns) {
  auto db = OpenDb();
  trace_metrics_cases::AddAnalyticsColumns(*db);
  trace_metrics_cases::FiltersOnTokenUsageAndCost(db, true);
}
TEST_F(PgTest, HardDeleteRun) { hard_delete_cases::RunGoesWithItsRows(OpenDb()); }
TEST_F(PgTest, HardDeleteDeletedRunsByAge) { hard_delete_cases::DeletedRunsByAge(OpenDb()); }
TEST_F(PgTest, HardDeleteExperiment) { hard_delete_cases::ExperimentGoesWithEverythingInIt(OpenDb()); }
TEST_F(PgTest, HardDeleteLoggedModel) { hard_delete_cases::LoggedModelGoesWithItsRows(OpenDb()); }

}  // namespace
}  // namespace mlflow::store::sql
