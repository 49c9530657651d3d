// Runs compiled search queries against an in-memory SQLite database holding a subset of MLflow's
// columns, and checks the returned keys and their order.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "search/sql_compiler.h"

namespace mlflow::search {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name VARCHAR(256), lifecycle_stage VARCHAR(32),
  creation_time BIGINT, last_update_time BIGINT);
CREATE TABLE experiment_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL,
  PRIMARY KEY (key, experiment_id));
CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, name VARCHAR(250), user_id VARCHAR(256), status VARCHAR(9),
  start_time BIGINT, end_time BIGINT, lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER);
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE INDEX index_tags_run_uuid ON tags (run_uuid);
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE INDEX index_params_run_uuid ON params (run_uuid);
CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
CREATE TABLE datasets (dataset_uuid VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL, name VARCHAR(500) NOT NULL,
  digest VARCHAR(36) NOT NULL, PRIMARY KEY (experiment_id, name, digest));
CREATE TABLE inputs (input_uuid VARCHAR(36) NOT NULL, source_type VARCHAR(36) NOT NULL, source_id VARCHAR(36) NOT NULL,
  destination_type VARCHAR(36) NOT NULL, destination_id VARCHAR(36) NOT NULL,
  PRIMARY KEY (source_type, source_id, destination_type, destination_id));
CREATE TABLE input_tags (input_uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL, value VARCHAR(500) NOT NULL,
  PRIMARY KEY (input_uuid, name));
CREATE TABLE registered_models (name VARCHAR(256) PRIMARY KEY, creation_time BIGINT, last_updated_time BIGINT);
CREATE TABLE registered_model_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL,
  PRIMARY KEY (key, name));
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT,
  last_updated_time BIGINT, current_stage VARCHAR(20), source VARCHAR(500), run_id VARCHAR(32), PRIMARY KEY (name, version));
CREATE TABLE model_version_tags (key VARCHAR(250) NOT NULL, value TEXT, name VARCHAR(256) NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (key, name, version));
CREATE TABLE logged_models (model_id VARCHAR(36) PRIMARY KEY, experiment_id INTEGER NOT NULL, name VARCHAR(500) NOT NULL,
  creation_timestamp_ms BIGINT NOT NULL, last_updated_timestamp_ms BIGINT NOT NULL, status INTEGER NOT NULL,
  lifecycle_stage VARCHAR(32), model_type VARCHAR(500), source_run_id VARCHAR(32));
CREATE TABLE logged_model_metrics (model_id VARCHAR(36) NOT NULL, metric_name VARCHAR(500) NOT NULL,
  metric_timestamp_ms BIGINT NOT NULL, metric_step BIGINT NOT NULL, metric_value FLOAT, experiment_id INTEGER NOT NULL,
  run_id VARCHAR(32) NOT NULL, dataset_uuid VARCHAR(36), dataset_name VARCHAR(500), dataset_digest VARCHAR(36),
  PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id));
CREATE TABLE logged_model_params (model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL,
  param_key VARCHAR(255) NOT NULL, param_value TEXT NOT NULL, PRIMARY KEY (model_id, param_key));
CREATE TABLE logged_model_tags (model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL,
  tag_key VARCHAR(255) NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (model_id, tag_key));
)sql";

class Db {
 public:
  Db() {
    EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec("PRAGMA case_sensitive_like = ON;");
    Exec(kSchema);
  }
  ~Db() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << sql;
    sqlite3_free(err);
  }
  // Runs the query; returns column 0 (and ":" + column 1 when the query has two columns).
  std::vector<std::string> Keys(const SqlQuery& q) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, q.sql.c_str(), -1, &st, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db_) << "\n" << q.sql;
    if (rc != SQLITE_OK) return {};
    EXPECT_EQ(sqlite3_bind_parameter_count(st), static_cast<int>(q.params.size())) << q.sql;
    for (size_t i = 0; i < q.params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const SqlValue& v = q.params[i];
      if (std::holds_alternative<std::monostate>(v)) sqlite3_bind_null(st, idx);
      else if (auto* n = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *n);
      else if (auto* d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
      else {
        const std::string& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
    std::vector<std::string> out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      if (sqlite3_column_count(st) > 1) k += ":" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
      out.push_back(k);
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

using Keys = std::vector<std::string>;

// Runs a..h in experiment 1 (h deleted), z in experiment 2.
class RunSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec(R"sql(
INSERT INTO experiments VALUES (1, 'exp1', 'active', 1, 1), (2, 'exp2', 'active', 2, 2);
INSERT INTO runs VALUES
 ('a', 'alpha', 'alice', 'FINISHED', 100, 150, 'active', 's3://b/a', 1),
 ('b', 'beta',  'bob',   'FAILED',   200, NULL, 'active', 's3://b/b', 1),
 ('c', 'gamma', 'alice', 'RUNNING',  300, NULL, 'active', 'file:///c', 1),
 ('d', 'delta', 'Alice', 'FINISHED', 300, 350, 'active', 's3://b/d', 1),
 ('e', 'eps',   'carol', 'KILLED',   50,  60,  'active', 's3://b/e', 1),
 ('f', NULL,    NULL,    'FINISHED', 400, 410, 'active', 's3://b/f', 1),
 ('h', 'hidden','alice', 'FINISHED', 500, 510, 'deleted','s3://b/h', 1),
 ('z', 'zeta',  'alice', 'FINISHED', 600, 610, 'active', 's3://b/z', 2);
INSERT INTO latest_metrics VALUES
 ('m', 0.9, 1, 0, 0, 'a'), ('m', 0.2, 1, 0, 0, 'b'), ('m', 0, 1, 0, 1, 'c'), ('m', 0.5, 1, 0, 0, 'd'),
 ('m', 1.7976931348623157e308, 1, 0, 0, 'e'), ('my metric', 3, 1, 0, 0, 'a'), ('m', 0.95, 1, 0, 0, 'h');
INSERT INTO params VALUES ('p', 'x', 'a'), ('p', 'y', 'b'), ('p', 'X', 'c'), ('p', 'x_1', 'd'), ('lr', '0.1', 'a');
INSERT INTO tags VALUES
 ('mlflow.runName', 'train-1', 'a'), ('mlflow.runName', 'train-2', 'b'), ('mlflow.runName', 'Train-3', 'c'),
 ('mlflow.runName', 'eval', 'd'), ('team', 'ml', 'a'), ('team', 'ML', 'b'), ('mlflow.user', 'alice', 'a');
INSERT INTO datasets VALUES ('ds1', 1, 'iris', 'd1'), ('ds2', 1, 'wine', 'd2');
INSERT INTO inputs VALUES ('i1', 'DATASET', 'ds1', 'RUN', 'a'), ('i2', 'DATASET', 'ds2', 'RUN', 'b'),
 ('i3', 'DATASET', 'ds1', 'RUN', 'c');
INSERT INTO input_tags VALUES ('i1', 'mlflow.data.context', 'training'), ('i2', 'mlflow.data.context', 'eval'),
 ('i3', 'mlflow.data.context', 'eval');
)sql");
  }

  Keys Search(const std::string& filter, std::vector<std::string> order_by = {}, ViewType view = ViewType::kActiveOnly,
              std::vector<std::string> exps = {"1"}) {
    RunSearchSpec s;
    s.experiment_ids = std::move(exps);
    s.filter = filter;
    s.order_by = std::move(order_by);
    s.view_type = view;
    Result<CompiledSearch> c = CompileRunSearch(s, SqlDialect::kSqlite);
    EXPECT_TRUE(c.ok()) << filter << ": " << c.status().message();
    if (!c.ok()) return {};
    return db_.Keys(c->query);
  }

  Db db_;
};

TEST_F(RunSearch, DefaultOrderStartTimeDescThenRunId) {
  EXPECT_EQ(Search(""), (Keys{"f", "c", "d", "b", "a", "e"}));
}

TEST_F(RunSearch, ViewTypesAndExperiments) {
  EXPECT_EQ(Search("", {}, ViewType::kDeletedOnly), (Keys{"h"}));
  EXPECT_EQ(Search("", {}, ViewType::kAll), (Keys{"h", "f", "c", "d", "b", "a", "e"}));
  EXPECT_EQ(Search("", {}, ViewType::kActiveOnly, {"1", "2"}), (Keys{"z", "f", "c", "d", "b", "a", "e"}));
  EXPECT_EQ(Search("", {}, ViewType::kActiveOnly, {}), (Keys{}));
}

TEST_F(RunSearch, MetricComparisons) {
  EXPECT_EQ(Search("metrics.m > 0.5"), (Keys{"a", "e"}));  // Inf stored as max double
  EXPECT_EQ(Search("metrics.m >= 0.5"), (Keys{"d", "a", "e"}));
  EXPECT_EQ(Search("metrics.m = 0"), (Keys{}));  // NaN (stored as 0) matches only != (MLflow 3.17)
  EXPECT_EQ(Search("metrics.m >= 0"), (Keys{"d", "b", "a", "e"}));
  EXPECT_EQ(Search("metrics.m != 0"), (Keys{"c", "d", "b", "a", "e"}));
  EXPECT_EQ(Search("metrics.m != 0.9"), (Keys{"c", "d", "b", "e"}));  // runs without m excluded
  EXPECT_EQ(Search("metrics.m > 0.1 AND metrics.m < 0.6"), (Keys{"d", "b"}));
  EXPECT_EQ(Search("metrics.`my metric` = 3"), (Keys{"a"}));
  EXPECT_EQ(Search("metrics.\"my metric\" >= 3.0"), (Keys{"a"}));
}

TEST_F(RunSearch, NanComparesAsZeroWhenAskedFor) {
  RunSearchSpec s;
  s.experiment_ids = {"1"};
  s.nan_compares_as_zero = true;  // MLflow <= 3.6
  s.filter = "metrics.m = 0";
  Result<CompiledSearch> c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(db_.Keys(c->query), (Keys{"c"}));
  s.filter = "metrics.m != 0";
  c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(db_.Keys(c->query), (Keys{"d", "b", "a", "e"}));
}

TEST_F(RunSearch, ParamAndTagComparisons) {
  EXPECT_EQ(Search("params.p = 'x'"), (Keys{"a"}));
  EXPECT_EQ(Search("params.p != 'x'"), (Keys{"c", "d", "b"}));  // runs without p excluded
  EXPECT_EQ(Search("params.p LIKE 'x%'"), (Keys{"d", "a"}));     // case-sensitive
  EXPECT_EQ(Search("params.p LIKE 'x_'"), (Keys{}));             // _ is exactly one char
  EXPECT_EQ(Search("params.p LIKE 'x_1'"), (Keys{"d"}));
  EXPECT_EQ(Search("params.p ILIKE 'x'"), (Keys{"c", "a"}));
  EXPECT_EQ(Search("tags.team = 'ml'"), (Keys{"a"}));
  EXPECT_EQ(Search("tags.team ilike 'ML'"), (Keys{"b", "a"}));
  EXPECT_EQ(Search("tags.`mlflow.user` = 'alice'"), (Keys{"a"}));
  EXPECT_EQ(Search("tags.mlflow.user = 'alice'"), (Keys{"a"}));
  EXPECT_EQ(Search("params.p = 'x' and params.lr = '0.1' and metrics.m > 0.5"), (Keys{"a"}));
  EXPECT_EQ(Search("params.lr IS NULL"), (Keys{"f", "c", "d", "b", "e"}));
  EXPECT_EQ(Search("params.lr IS NOT NULL"), (Keys{"a"}));
}

TEST_F(RunSearch, Attributes) {
  EXPECT_EQ(Search("attributes.status = 'FINISHED'"), (Keys{"f", "d", "a"}));
  EXPECT_EQ(Search("status != 'FINISHED'"), (Keys{"c", "b", "e"}));
  EXPECT_EQ(Search("user_id LIKE 'a%'"), (Keys{"c", "a"}));
  EXPECT_EQ(Search("user_id ILIKE 'a%'"), (Keys{"c", "d", "a"}));
  EXPECT_EQ(Search("attributes.start_time >= 300"), (Keys{"f", "c", "d"}));
  EXPECT_EQ(Search("created < 100"), (Keys{"e"}));
  EXPECT_EQ(Search("end_time > 0"), (Keys{"f", "d", "a", "e"}));  // NULL end_time never matches
  EXPECT_EQ(Search("artifact_uri LIKE 's3://%'"), (Keys{"f", "d", "b", "a", "e"}));
  EXPECT_EQ(Search("run_id IN ('a', 'c', 'A', 'zz')"), (Keys{"c", "a"}));
  EXPECT_EQ(Search("run_id NOT IN ('a', 'c')"), (Keys{"f", "d", "b", "e"}));
  EXPECT_EQ(Search("run_id IN ('A')"), (Keys{}));  // upper-case entries dropped
}

TEST_F(RunSearch, RunNameUsesTag) {
  EXPECT_EQ(Search("attributes.run_name = 'train-1'"), (Keys{"a"}));
  EXPECT_EQ(Search("run_name LIKE 'train-%'"), (Keys{"b", "a"}));
  EXPECT_EQ(Search("attributes.`Run name` ILIKE 'train-%'"), (Keys{"c", "b", "a"}));
  EXPECT_EQ(Search("run_name != 'eval'"), (Keys{"c", "b", "a"}));  // f has no tag: no match
}

TEST_F(RunSearch, Datasets) {
  EXPECT_EQ(Search("datasets.name = 'iris'"), (Keys{"c", "a"}));
  EXPECT_EQ(Search("datasets.context = 'eval'"), (Keys{"c", "b"}));
  EXPECT_EQ(Search("datasets.name = 'iris' AND datasets.context = 'training'"), (Keys{"a"}));
  EXPECT_EQ(Search("datasets.digest IN ('d2')"), (Keys{"b"}));
  EXPECT_EQ(Search("datasets.name LIKE 'w%'"), (Keys{"b"}));
}

TEST_F(RunSearch, OrderByMetricPlacesNanThenMissingLast) {
  // values: b .2, d .5, a .9, e inf; c NaN; f missing
  EXPECT_EQ(Search("", {"metrics.m ASC"}), (Keys{"b", "d", "a", "e", "c", "f"}));
  EXPECT_EQ(Search("", {"metrics.m DESC"}), (Keys{"e", "a", "d", "b", "c", "f"}));
}

TEST_F(RunSearch, OrderByParamTagAttribute) {
  // params.p: a x, b y, c X, d x_1; missing e, f last (then start_time DESC)
  EXPECT_EQ(Search("", {"params.p"}), (Keys{"c", "a", "d", "b", "f", "e"}));
  EXPECT_EQ(Search("", {"params.p DESC"}), (Keys{"b", "d", "a", "c", "f", "e"}));
  EXPECT_EQ(Search("", {"tags.team DESC"}), (Keys{"a", "b", "f", "c", "d", "e"}));
  EXPECT_EQ(Search("", {"attributes.start_time ASC"}), (Keys{"e", "a", "b", "c", "d", "f"}));
  EXPECT_EQ(Search("", {"end_time DESC"}), (Keys{"f", "d", "a", "e", "c", "b"}));  // NULLs last
  EXPECT_EQ(Search("", {"user_id"}), (Keys{"d", "c", "a", "b", "e", "f"}));
  EXPECT_EQ(Search("metrics.m > 0", {"params.p DESC", "metrics.m"}), (Keys{"b", "d", "a", "e"}));
}

TEST_F(RunSearch, Pagination) {
  RunSearchSpec s;
  s.experiment_ids = {"1"};
  s.max_results = 4;
  Keys all;
  for (int page = 0; page < 5; ++page) {
    Result<CompiledSearch> c = CompileRunSearch(s, SqlDialect::kSqlite);
    ASSERT_TRUE(c.ok()) << c.status().message();
    Keys k = db_.Keys(c->query);
    size_t rows = k.size();
    if (k.size() > static_cast<size_t>(c->max_results)) k.resize(static_cast<size_t>(c->max_results));
    all.insert(all.end(), k.begin(), k.end());
    s.page_token = c->NextPageToken(rows);
    if (s.page_token.empty()) break;
  }
  EXPECT_EQ(all, (Keys{"f", "c", "d", "b", "a", "e"}));
  // MLflow 3.x: the query fetches one extra row; a full last page has no token.
  s.page_token = EncodeOffsetToken(2);
  Result<CompiledSearch> c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok());
  Keys k = db_.Keys(c->query);
  EXPECT_EQ(k, (Keys{"d", "b", "a", "e"}));
  EXPECT_EQ(c->NextPageToken(k.size()), "");
  s.page_token = EncodeOffsetToken(1);
  c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->NextPageToken(db_.Keys(c->query).size()), EncodeOffsetToken(5));
}

TEST_F(RunSearch, Errors) {
  RunSearchSpec s;
  s.experiment_ids = {"1"};
  s.filter = "metrics.m > 'x'";
  EXPECT_EQ(CompileRunSearch(s, SqlDialect::kSqlite).status().message(),
            "Expected numeric value type for metric. Found 'x'");
  s.filter = "";
  s.max_results = 50001;
  EXPECT_EQ(CompileRunSearch(s, SqlDialect::kSqlite).status().message(),
            "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000");
  s.max_results = 0;
  EXPECT_EQ(CompileRunSearch(s, SqlDialect::kSqlite).status().message(),
            "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
  s.max_results = 10;
  s.page_token = "bogus!";
  EXPECT_EQ(CompileRunSearch(s, SqlDialect::kSqlite).status().code(), ErrorCode::kInvalidParameterValue);
  s.page_token = "";
  s.order_by = {"metrics.m", "metrics.m DESC"};
  EXPECT_EQ(CompileRunSearch(s, SqlDialect::kSqlite).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(RunSearch, HugeInListIsRefusedNotSentToTheDatabase) {
  std::string list;
  for (int i = 0; i < 30001; ++i) list += (i ? ", 'r" : "'r") + std::to_string(i) + "'";
  RunSearchSpec s;
  s.experiment_ids = {"1"};
  s.filter = "run_id IN (" + list + ")";
  Result<CompiledSearch> c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidParameterValue);
  // A large but acceptable list works.
  list.clear();
  for (int i = 0; i < 5000; ++i) list += (i ? ", 'r" : "'r") + std::to_string(i) + "'";
  s.filter = "run_id IN ('a', " + list + ")";
  c = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(db_.Keys(c->query), (Keys{"a"}));
}

TEST_F(RunSearch, PostgresDialectDiffersOnlyWhereNeeded) {
  RunSearchSpec s;
  s.experiment_ids = {"1"};
  s.filter = "params.p ILIKE 'x%'";
  auto pg = CompileRunSearch(s, SqlDialect::kPostgres);
  auto lite = CompileRunSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(pg.ok() && lite.ok());
  EXPECT_NE(pg->query.sql.find("f1.value ILIKE ?"), std::string::npos);
  EXPECT_NE(lite->query.sql.find("lower(f1.value) LIKE lower(?)"), std::string::npos);
  EXPECT_EQ(pg->query.params.size(), lite->query.params.size());
}

class ExperimentSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec(R"sql(
INSERT INTO experiments VALUES (0, 'Default', 'active', 10, 10), (1, 'prod-a', 'active', 30, 40),
 (2, 'prod-b', 'active', 30, 35), (3, 'Prod-c', 'active', 20, 50), (4, 'old', 'deleted', 5, 5);
INSERT INTO experiment_tags VALUES ('team', 'ml', 1), ('team', 'ds', 2), ('team', 'ml', 4);
)sql");
  }
  Keys Search(const std::string& filter, std::vector<std::string> order_by = {}, ViewType view = ViewType::kActiveOnly,
              int64_t max_results = 1000, std::string token = "", CompiledSearch* out = nullptr) {
    ExperimentSearchSpec s;
    s.filter = filter;
    s.order_by = std::move(order_by);
    s.view_type = view;
    s.max_results = max_results;
    s.page_token = std::move(token);
    Result<CompiledSearch> c = CompileExperimentSearch(s, SqlDialect::kSqlite);
    EXPECT_TRUE(c.ok()) << filter << ": " << c.status().message();
    if (!c.ok()) return {};
    if (out) *out = *c;
    return db_.Keys(c->query);
  }
  Db db_;
};

TEST_F(ExperimentSearch, DefaultOrderAndFilters) {
  EXPECT_EQ(Search(""), (Keys{"1", "2", "3", "0"}));  // creation_time DESC, experiment_id ASC
  EXPECT_EQ(Search("name LIKE 'prod-%'"), (Keys{"1", "2"}));
  EXPECT_EQ(Search("name ILIKE 'prod-%'"), (Keys{"1", "2", "3"}));
  EXPECT_EQ(Search("name LIKE 'prod-%' AND tags.team = 'ml'"), (Keys{"1"}));
  EXPECT_EQ(Search("creation_time >= 30"), (Keys{"1", "2"}));
  EXPECT_EQ(Search("tags.team != 'ml'"), (Keys{"2"}));
  EXPECT_EQ(Search("", {}, ViewType::kDeletedOnly), (Keys{"4"}));
  EXPECT_EQ(Search("tags.team = 'ml'", {}, ViewType::kAll), (Keys{"1", "4"}));
  // MLflow 3.17 additions.
  EXPECT_EQ(Search("experiment_id = '2'"), (Keys{"2"}));
  EXPECT_EQ(Search("experiment_id IN ('0', '3', '4')"), (Keys{"3", "0"}));
  EXPECT_EQ(Search("experiment_id NOT IN ('0', '3')"), (Keys{"1", "2"}));
  EXPECT_EQ(Search("experiment_id != '1'"), (Keys{"2", "3", "0"}));
  EXPECT_EQ(Search("tags.team IS NULL"), (Keys{"3", "0"}));
  EXPECT_EQ(Search("tags.team IS NOT NULL"), (Keys{"1", "2"}));
}

TEST_F(ExperimentSearch, OrderByAndTieBreak) {
  EXPECT_EQ(Search("", {"last_update_time DESC"}), (Keys{"3", "1", "2", "0"}));
  EXPECT_EQ(Search("", {"creation_time"}), (Keys{"0", "3", "2", "1"}));  // tie broken by id DESC
  EXPECT_EQ(Search("", {"name"}), (Keys{"0", "3", "1", "2"}));
  EXPECT_EQ(Search("", {"attribute.experiment_id DESC"}), (Keys{"3", "2", "1", "0"}));
}

TEST_F(ExperimentSearch, PaginationFetchesOneExtraRow) {
  CompiledSearch c;
  Keys k = Search("", {}, ViewType::kActiveOnly, 3, "", &c);
  EXPECT_EQ(c.fetch_limit, 4);
  ASSERT_EQ(k.size(), 4u);
  std::string token = c.NextPageToken(k.size());
  EXPECT_EQ(token, EncodeOffsetToken(3));
  k = Search("", {}, ViewType::kActiveOnly, 3, token, &c);
  EXPECT_EQ(k, (Keys{"0"}));
  EXPECT_EQ(c.NextPageToken(k.size()), "");
}

class RegistrySearch : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec(R"sql(
INSERT INTO registered_models VALUES ('churn', 1, 30), ('Churn-2', 2, 10), ('fraud', 3, 20), ('qa-prompt', 4, 40),
 ('other-prompt', 5, 50);
INSERT INTO registered_model_tags VALUES ('team', 'ml', 'churn'), ('team', 'ds', 'fraud'),
 ('mlflow.prompt.is_prompt', 'true', 'qa-prompt'), ('mlflow.prompt.is_prompt', 'true', 'other-prompt'),
 ('stage', 'prod', 'churn');
INSERT INTO model_versions VALUES
 ('churn', 1, 1, 10, 'None', 's3://x/1', 'aaa'), ('churn', 2, 2, 30, 'Production', 'mlflow-artifacts:/2', 'bbb'),
 ('churn', 3, 3, 30, 'Deleted_Internal', 'REDACTED-SOURCE-PATH', 'REDACTED-RUN-ID'),
 ('fraud', 1, 4, 20, 'Staging', 'mlflow-artifacts:/f1', 'aaa'), ('qa-prompt', 1, 5, 50, 'None', 'x', NULL);
INSERT INTO model_version_tags VALUES ('k', 'v', 'churn', 1), ('k', 'w', 'fraud', 1),
 ('mlflow.prompt.is_prompt', 'true', 'qa-prompt', 1);
)sql");
  }
  Keys Models(const std::string& filter, std::vector<std::string> order_by = {}) {
    RegisteredModelSearchSpec s;
    s.filter = filter;
    s.order_by = std::move(order_by);
    Result<CompiledSearch> c = CompileRegisteredModelSearch(s, SqlDialect::kSqlite);
    EXPECT_TRUE(c.ok()) << filter << ": " << c.status().message();
    return c.ok() ? db_.Keys(c->query) : Keys{};
  }
  Keys Versions(const std::string& filter, std::vector<std::string> order_by = {}) {
    ModelVersionSearchSpec s;
    s.filter = filter;
    s.order_by = std::move(order_by);
    Result<CompiledSearch> c = CompileModelVersionSearch(s, SqlDialect::kSqlite);
    EXPECT_TRUE(c.ok()) << filter << ": " << c.status().message();
    return c.ok() ? db_.Keys(c->query) : Keys{};
  }
  Db db_;
};

TEST_F(RegistrySearch, RegisteredModels) {
  EXPECT_EQ(Models(""), (Keys{"Churn-2", "churn", "fraud"}));  // prompts excluded, name ASC
  EXPECT_EQ(Models("name ILIKE '%churn%'"), (Keys{"Churn-2", "churn"}));
  EXPECT_EQ(Models("name LIKE '%churn%'"), (Keys{"churn"}));
  EXPECT_EQ(Models("tags.team = 'ml' and tags.stage = 'prod'"), (Keys{"churn"}));
  EXPECT_EQ(Models("tags.team != 'ml'"), (Keys{"fraud"}));
  EXPECT_EQ(Models("tags.team = 'ml' and tags.team != 'ml'"), (Keys{}));  // both on one value
  EXPECT_EQ(Models("tags.`mlflow.prompt.is_prompt` = 'true'"), (Keys{"other-prompt", "qa-prompt"}));
  EXPECT_EQ(Models("tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE 'qa-%'"), (Keys{"qa-prompt"}));
  EXPECT_EQ(Models("tags.`mlflow.prompt.is_prompt` = 'false'"), (Keys{"Churn-2", "churn", "fraud"}));
  EXPECT_EQ(Models("", {"timestamp DESC"}), (Keys{"churn", "fraud", "Churn-2"}));
  EXPECT_EQ(Models("", {"name DESC"}), (Keys{"fraud", "churn", "Churn-2"}));
  EXPECT_EQ(Models("name IN ('churn', 'Churn-2', 'qa-prompt')"), (Keys{"Churn-2", "churn"}));  // names keep case
  EXPECT_EQ(Models("name NOT IN ('churn')"), (Keys{"Churn-2", "fraud"}));
}

TEST_F(RegistrySearch, ModelVersions) {
  // Default: last_updated_time DESC, name ASC, version DESC; deleted and prompt versions hidden.
  EXPECT_EQ(Versions(""), (Keys{"churn:2", "fraud:1", "churn:1"}));
  EXPECT_EQ(Versions("name = 'churn'"), (Keys{"churn:2", "churn:1"}));
  EXPECT_EQ(Versions("name = 'churn' AND version_number > 1"), (Keys{"churn:2"}));
  EXPECT_EQ(Versions("run_id IN ('aaa')"), (Keys{"fraud:1", "churn:1"}));
  EXPECT_EQ(Versions("source_path LIKE 'mlflow-artifacts:/%'"), (Keys{"churn:2", "fraud:1"}));
  EXPECT_EQ(Versions("tags.k = 'v'"), (Keys{"churn:1"}));
  EXPECT_EQ(Versions("version_number = '1'"), (Keys{"fraud:1", "churn:1"}));
  EXPECT_EQ(Versions("name IN ('fraud', 'nope')"), (Keys{"fraud:1"}));
  EXPECT_EQ(Versions("run_id NOT IN ('aaa')"), (Keys{"churn:2"}));
  EXPECT_EQ(Versions("", {"version_number ASC"}), (Keys{"churn:1", "fraud:1", "churn:2"}));
  EXPECT_EQ(Versions("tags.`mlflow.prompt.is_prompt` = 'true'"), (Keys{"qa-prompt:1"}));
}

TEST(RegistryLimits, MaxResults) {
  RegisteredModelSearchSpec s;
  s.max_results = 1001;
  EXPECT_EQ(CompileRegisteredModelSearch(s, SqlDialect::kSqlite).status().message(),
            "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001");
  ModelVersionSearchSpec v;
  v.max_results = 0;
  EXPECT_EQ(CompileModelVersionSearch(v, SqlDialect::kSqlite).status().message(),
            "Invalid value for max_results. It must be a positive integer, but got 0");
}

class LoggedModelSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec(R"sql(
INSERT INTO logged_models VALUES ('m-1', 1, 'a', 100, 100, 2, 'active', 'sklearn', 'r1'),
 ('m-2', 1, 'b', 200, 200, 1, 'active', 'torch', 'r2'), ('m-3', 1, 'c', 300, 300, 2, 'active', NULL, NULL),
 ('m-4', 1, 'd', 400, 400, 2, 'deleted', NULL, NULL), ('m-5', 2, 'e', 500, 500, 2, 'active', NULL, NULL);
INSERT INTO logged_model_metrics VALUES
 ('m-1', 'acc', 1, 0, 0.5, 1, 'r1', NULL, 'test', 'd1'), ('m-1', 'acc', 2, 0, 0.95, 1, 'r1', NULL, 'train', 'd2'),
 ('m-2', 'acc', 1, 0, 0.8, 1, 'r2', NULL, 'test', 'd1'), ('m-3', 'loss', 1, 0, 0.1, 1, 'r3', NULL, NULL, NULL);
INSERT INTO logged_model_params VALUES ('m-1', 1, 'alpha', '0.5'), ('m-2', 1, 'alpha', '0.7');
INSERT INTO logged_model_tags VALUES ('m-2', 1, 'team', 'ml');
)sql");
  }
  Keys Search(const std::string& filter, std::vector<LoggedModelOrderBy> order_by = {},
              std::vector<LoggedModelDatasetFilter> datasets = {}) {
    LoggedModelSearchSpec s;
    s.experiment_ids = {"1"};
    s.filter = filter;
    s.order_by = std::move(order_by);
    s.datasets = std::move(datasets);
    Result<CompiledSearch> c = CompileLoggedModelSearch(s, SqlDialect::kSqlite);
    EXPECT_TRUE(c.ok()) << filter << ": " << c.status().message();
    return c.ok() ? db_.Keys(c->query) : Keys{};
  }
  Db db_;
};

TEST_F(LoggedModelSearch, FiltersAndOrder) {
  EXPECT_EQ(Search(""), (Keys{"m-3", "m-2", "m-1"}));  // creation DESC, deleted and other experiments out
  EXPECT_EQ(Search("metrics.acc > 0.9"), (Keys{"m-1"}));  // any row, not only the latest
  EXPECT_EQ(Search("metrics.acc > 0.9", {}, {{"test", std::nullopt}}), (Keys{}));
  EXPECT_EQ(Search("metrics.acc > 0.6", {}, {{"test", std::string("d1")}}), (Keys{"m-2"}));
  EXPECT_EQ(Search("", {}, {{"test", std::nullopt}}), (Keys{"m-2", "m-1"}));
  EXPECT_EQ(Search("params.alpha = '0.5'"), (Keys{"m-1"}));
  EXPECT_EQ(Search("tags.team = 'ml'"), (Keys{"m-2"}));
  EXPECT_EQ(Search("name IN ('a', 'c') AND creation_time > 150"), (Keys{"m-3"}));
  EXPECT_EQ(Search("model_type LIKE 'sk%'"), (Keys{"m-1"}));
  EXPECT_EQ(Search("status = 'READY'"), (Keys{}));  // integer column: string never matches
  EXPECT_EQ(Search("", {{"metrics.acc", false, std::nullopt, std::nullopt}}), (Keys{"m-1", "m-2", "m-3"}));
  // Latest value on dataset test: m-2 0.8 > m-1 0.5; m-3 missing last.
  EXPECT_EQ(Search("", {{"metrics.acc", false, std::string("test"), std::nullopt}}), (Keys{"m-2", "m-1", "m-3"}));
  EXPECT_EQ(Search("", {{"name", true, std::nullopt, std::nullopt}}), (Keys{"m-1", "m-2", "m-3"}));
}

TEST_F(LoggedModelSearch, PageTokenBoundToRequest) {
  LoggedModelSearchSpec s;
  s.experiment_ids = {"1"};
  s.max_results = 2;
  Result<CompiledSearch> c = CompileLoggedModelSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok());
  Keys k = db_.Keys(c->query);
  ASSERT_EQ(k.size(), 3u);
  s.page_token = c->NextPageToken(k.size());
  ASSERT_FALSE(s.page_token.empty());
  c = CompileLoggedModelSearch(s, SqlDialect::kSqlite);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(db_.Keys(c->query), (Keys{"m-1"}));
  s.filter = "name = 'a'";
  EXPECT_EQ(CompileLoggedModelSearch(s, SqlDialect::kSqlite).status().code(), ErrorCode::kInvalidParameterValue);
}

}  // namespace
}  // namespace mlflow::search
