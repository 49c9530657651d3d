// The SQL layer and the stores on a real MariaDB. Run through tests/mysql/with_mariadb.sh, which
// starts a private server and sets MLFLOW_TEST_MYSQL_URI (an admin URI without a database); each
// test gets a fresh database. Without that variable the tests fail (they are never skipped).
#include <gtest/gtest.h>

#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <thread>

#include "core/ids.h"
#include "store/sql/mysql_connection.h"
#include "store/sql/mysql_database.h"
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

class MysqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* admin = std::getenv("MLFLOW_TEST_MYSQL_URI");
    ASSERT_TRUE(admin && *admin) << "MLFLOW_TEST_MYSQL_URI is not set: run under tests/mysql/with_mariadb.sh";
    std::string base(admin);
    if (base.back() != '/') base += '/';
    std::string name = "u_" + NewUuidHex().substr(0, 16);
    auto target = ParseMysqlUri(base + "mysql");
    ASSERT_TRUE(target.ok()) << target.status().message();
    MysqlConnection c(*target);
    c.ExecScript("CREATE DATABASE " + name);
    uri_ = base + name;
    auto t = ParseMysqlUri(uri_);
    ASSERT_TRUE(t.ok());
    target_ = *t;
  }

  std::shared_ptr<MysqlDatabase> OpenDb(int pool = 4) {
    MysqlOptions o;
    o.target = target_;
    o.pool_size = pool;
    auto db = std::make_shared<MysqlDatabase>(o);
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
  MysqlTarget target_;
};

TEST_F(MysqlTest, ValuesRoundTripWithTheirTypes) {
  MysqlConnection c(target_);
  c.ExecScript("CREATE TABLE v (i BIGINT, d DOUBLE, t TEXT, b BOOL, n INTEGER)");
  auto ins = c.Prepare("INSERT INTO v (i, d, t, b, n) VALUES (?, ?, ?, ?, ?)");
  const std::string long_text = "it's \"quoted\" ? \xc3\xa9 " + std::string(5000, 'x');
  ins->Bind(1, int64_t{9007199254740993});
  ins->Bind(2, 0.1);
  ins->Bind(3, long_text);  // longer than the first fetch buffer
  ins->Bind(4, int64_t{1});
  ins->BindNull(5);
  EXPECT_EQ(ins->Execute(), 1);
  ins->Reset();
  ins->Bind(1, int64_t{-5});
  ins->Bind(2, DBL_MAX);
  ins->Bind(3, "");
  ins->Bind(4, int64_t{0});
  ins->Bind(5, int64_t{7});
  EXPECT_EQ(ins->Execute(), 1);

  auto st = c.Prepare("SELECT i, d, t, b, n FROM v ORDER BY i DESC");
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), 9007199254740993);
  EXPECT_EQ(st->Double(1), 0.1);
  EXPECT_EQ(st->Text(2), long_text);
  EXPECT_EQ(st->Int(3), 1);
  EXPECT_TRUE(st->IsNull(4));
  EXPECT_EQ(st->Text(0), "9007199254740993");  // numbers read as text too
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), -5);
  EXPECT_EQ(st->Double(1), DBL_MAX);
  EXPECT_EQ(st->Text(2), "");
  EXPECT_FALSE(st->IsNull(2));
  EXPECT_EQ(st->Int(3), 0);
  EXPECT_EQ(st->Int(4), 7);
  EXPECT_FALSE(st->Step());
  // An UPDATE writing the value a row already has still counts the row (CLIENT_FOUND_ROWS).
  auto up = c.Prepare("UPDATE v SET n = ? WHERE i = ?");
  up->BindAll(int64_t{7}, int64_t{-5});
  EXPECT_EQ(up->Execute(), 1);
}

TEST_F(MysqlTest, ErrorsCarryKindAndCode) {
  MysqlConnection c(target_);
  c.ExecScript("CREATE TABLE u (k VARCHAR(10) PRIMARY KEY)");
  c.Prepare("INSERT INTO u VALUES ('a')")->Execute();
  try {
    c.Prepare("INSERT INTO u VALUES ('a')")->Execute();
    FAIL() << "duplicate key accepted";
  } catch (const MysqlError& e) {
    EXPECT_EQ(e.kind(), SqlError::Kind::kConstraint);
    EXPECT_EQ(e.code(), 1062u);
  }
  try {
    auto st = c.Prepare("INSERT INTO u VALUES (?)");
    st->Bind(1, std::string(11, 'x'));
    st->Execute();
    FAIL() << "a value too long for its VARCHAR was accepted (strict mode is off)";
  } catch (const MysqlError& e) {
    EXPECT_EQ(e.code(), 1406u);
    EXPECT_EQ(TranslateMysqlError(e).code(), ErrorCode::kBadRequest);
  }
  try {
    c.Prepare("SELEC nonsense");
    FAIL() << "syntax error accepted";
  } catch (const MysqlError& e) {
    EXPECT_EQ(e.kind(), SqlError::Kind::kOther);
    EXPECT_EQ(e.code(), 1064u);
  }
  MysqlTarget wrong = target_;
  wrong.password = "wrong";
  EXPECT_THROW(MysqlConnection{wrong}, SqlError);
}

TEST_F(MysqlTest, SchemaIsCreatedAndInspectsAsCurrent) {
  MysqlConnection c(target_);
  ASSERT_TRUE(CreateSchema(c).ok());
  auto info = InspectSchema(c);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kCurrent);
  EXPECT_EQ(info->revision, kSchemaRevision);
  EXPECT_EQ(c.TableNames().size(), SchemaTableNames().size());
  for (const auto& t : SchemaTableNames()) EXPECT_TRUE(c.HasTable(t)) << t;
  EXPECT_TRUE(c.HasColumn("metrics", "is_nan"));
  EXPECT_FALSE(c.HasColumn("metrics", "nope"));
  auto type = c.Prepare(
      "SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? "
      "AND column_name = ?");
  type->BindAll("metrics", "value");
  ASSERT_TRUE(type->Step());
  EXPECT_EQ(type->Text(0), "double");  // FLOAT(53)
  type->Reset();
  type->BindAll("spans", "content");
  ASSERT_TRUE(type->Step());
  EXPECT_EQ(type->Text(0), "longtext");
  EXPECT_EQ(CreateSchema(c).code(), ErrorCode::kInvalidState);  // not on a non-empty database
}

TEST_F(MysqlTest, WriteErrorRollsBackThatWriteOnly) {
  pooled_database_cases::WriteErrorRollsBackThatWriteOnly(OpenDb());
}

TEST_F(MysqlTest, RefusedDuplicateExperimentTakesAnIdAsMlflowDoes) {
  pooled_database_cases::RefusedDuplicateExperimentTakesAnId(OpenDb());
}

TEST_F(MysqlTest, TrackingStoreRoundTrip) {
  auto db = OpenDb();
  SqlTrackingStore ts(db, "/tmp/mlruns-mysql-test");
  Status init = ts.Initialize();
  ASSERT_TRUE(init.ok()) << init.message();
  ASSERT_TRUE(ts.Initialize().ok());  // idempotent
  auto exp0 = ts.GetExperiment("0");
  ASSERT_TRUE(exp0.ok()) << exp0.status().message();
  EXPECT_EQ(exp0->name, "Default");
  auto id = ts.CreateExperiment("e", "", {{"k", "v"}});
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*id, "1");  // experiment 0 went in as 0 (NO_AUTO_VALUE_ON_ZERO), then AUTO_INCREMENT
  EXPECT_EQ(ts.CreateExperiment("e", "", {}).status().code(), ErrorCode::kResourceAlreadyExists);
  auto too_long = ts.CreateExperiment(std::string(300, 'x'), "", {});
  EXPECT_EQ(too_long.status().code(), ErrorCode::kBadRequest) << too_long.status().message();
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
  // Older points do not move latest_metrics back.
  ASSERT_TRUE(ts.LogBatch(rid, {M("m", -1, 1, 0)}, {}, {}).ok());
  auto got = ts.GetRun(rid);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->metrics.size(), 3u);
  for (const auto& m : got->metrics) {
    if (m.key == "m") {
      EXPECT_EQ(m.value, 4);
      EXPECT_EQ(m.step, 4);
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
  EXPECT_EQ(hist->metrics.size(), 6u);
  std::vector<Metric> dup = {M("d", 1, 1, 1), M("d", 1, 1, 1), M("d", 2, 1, 1)};
  ASSERT_TRUE(ts.LogBatch(rid, dup, {}, {}).ok());
  ASSERT_TRUE(ts.LogBatch(rid, dup, {}, {}).ok());
  EXPECT_EQ(ts.GetMetricHistory(rid, "d", 0, "")->metrics.size(), 2u);
  auto page = ts.GetMetricHistory(rid, "m", 2, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->metrics.size(), 2u);
  EXPECT_FALSE(page->next_page_token.empty());
  // Searches compare text case-sensitively, as MLflow's store does on MySQL (BINARY).
  auto search = [&](const std::string& filter) {
    store::RunSearchRequest req;
    req.experiment_ids = {*id};
    req.filter = filter;
    auto r = ts.SearchRuns(req);
    EXPECT_TRUE(r.ok()) << filter << ": " << r.status().message();
    return r.ok() ? r->runs.size() : size_t{99};
  };
  EXPECT_EQ(search("metrics.m > 3 and params.p = '1' and tags.t LIKE 'x%'"), 1u);
  EXPECT_EQ(search("tags.t = 'X'"), 0u);
  EXPECT_EQ(search("tags.t LIKE 'X%'"), 0u);
  EXPECT_EQ(search("tags.t ILIKE 'X%'"), 1u);
  EXPECT_EQ(search("tags.t != 'X'"), 1u);
}

TEST_F(MysqlTest, ChartSamplingPicksMlflowsPoints) { metric_sampling_cases::SamplesLikeMlflow(OpenDb()); }
TEST_F(MysqlTest, MetricHistoryPagesSeek) { metric_history_page_cases::HistoryPagesSeek(OpenDb()); }
TEST_F(MysqlTest, RunSearchPagesFollowMlflowsOrder) { run_search_cases::PagesFollowMlflowsOrder(OpenDb()); }

TEST_F(MysqlTest, TagReadModifyWritesLoseNothingAcrossPools) {
  pooled_database_cases::TagReadModifyWritesLoseNothingAcrossPools(OpenDb(4), OpenDb(4), 6, 15);
}

// Permanent deletion (gc): the cases tests/unit/store/hard_delete_test.cc runs on SQLite.
TEST_F(MysqlTest, TraceMetricsFilterOnTokenUsageAndCost) {
  trace_metrics_cases::FiltersOnTokenUsageAndCost(OpenDb(), false);
}
TEST_F(MysqlTest, TraceMetricsFilterOnTokenUsageAndCostInMlflow317Columns) {
  auto db = OpenDb();
  trace_metrics_cases::AddAnalyticsColumns(*db);
  trace_metrics_cases::FiltersOnTokenUsageAndCost(db, true);
}
TEST_F(MysqlTest, HardDeleteRun) { hard_delete_cases::RunGoesWithItsRows(OpenDb()); }
TEST_F(MysqlTest, HardDeleteDeletedRunsByAge) { hard_delete_cases::DeletedRunsByAge(OpenDb()); }
TEST_F(MysqlTest, HardDeleteExperiment) { hard_delete_cases::ExperimentGoesWithEverythingInIt(OpenDb()); }
TEST_F(MysqlTest, HardDeleteLoggedModel) { hard_delete_cases::LoggedModelGoesWithItsRows(OpenDb()); }

}  // namespace
}  // namespace mlflow::store::sql
