#pragma once
// Permanent deletion (`mlflow-cpp gc`'s store methods) checked on one database: run by
// hard_delete_test.cc on SQLite, by tests/pg/pg_store_test.cc on PostgreSQL and by
// tests/mysql/mysql_store_test.cc on MariaDB, so every backend goes through the same cases. Each
// case builds its own experiments (unique names), so several cases can share a database.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "core/ids.h"
#include "store/sql/database.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::hard_delete_cases {

inline int64_t Count(Database& db, const std::string& sql, const std::string& key) {
  auto n = db.Read<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto st = c.Prepare(sql);
    st->Bind(1, key);
    st->Step();
    return st->Int(0);
  });
  EXPECT_TRUE(n.ok()) << sql;
  return n.ok() ? *n : -1;
}

inline int64_t CountExperiment(Database& db, const std::string& table, const std::string& experiment_id) {
  return db.Read<int64_t>([&](Connection& c) -> Result<int64_t> {
           auto st = c.Prepare("SELECT COUNT(*) FROM " + table + " WHERE experiment_id = ?");
           st->Bind(1, static_cast<int64_t>(std::stoll(experiment_id)));
           st->Step();
           return st->Int(0);
         })
      .value();
}

inline int64_t CountRun(Database& db, const std::string& table, const std::string& run_id) {
  return Count(db, "SELECT COUNT(*) FROM " + table + " WHERE run_uuid = ?", run_id);
}

struct Fixture {
  std::shared_ptr<Database> db;
  SqlTrackingStore tracking;
  SqlLoggedModelStore models;
  explicit Fixture(std::shared_ptr<Database> database)
      : db(database), tracking(database, "/tmp/mlruns-hard-delete"), models(database) {
    EXPECT_TRUE(tracking.Initialize().ok());
  }

  std::string Experiment() {
    auto id = tracking.CreateExperiment("hd-" + NewUuidHex(), "", {{"team", "x"}});
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : "";
  }
  std::string RunWithData(const std::string& experiment_id) {
    auto run = tracking.CreateRun(experiment_id, "u", NowMillis(), {{"t", "v"}}, "r");
    EXPECT_TRUE(run.ok()) << run.status().message();
    const std::string id = run->info.run_id;
    Metric m;
    m.key = "loss";
    m.value = 0.5;
    m.timestamp = 1;
    EXPECT_TRUE(tracking.LogBatch(id, {m}, {{"lr", "0.1"}}, {{"note", "n"}}).ok());
    return id;
  }
};

// A run goes with its params, metrics, latest metrics and tags; its neighbour keeps everything.
inline void RunGoesWithItsRows(std::shared_ptr<Database> database) {
  Fixture f(database);
  Database& db = *f.db;
  const std::string exp = f.Experiment();
  const std::string gone = f.RunWithData(exp);
  const std::string kept = f.RunWithData(exp);
  ASSERT_TRUE(f.tracking.DeleteRun(gone).ok());
  ASSERT_TRUE(f.tracking.HardDeleteRun(gone).ok());
  EXPECT_EQ(f.tracking.GetRun(gone).status().code(), ErrorCode::kResourceDoesNotExist);
  for (const char* table : {"runs", "params", "metrics", "latest_metrics", "tags"}) {
    EXPECT_EQ(CountRun(db, table, gone), 0) << table;
    EXPECT_EQ(CountRun(db, table, kept), 1 + (std::string(table) == "tags" ? 2 : 0)) << table;
  }
  Status missing = f.tracking.HardDeleteRun(gone);
  EXPECT_EQ(missing.code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.message(), "Run with id=" + gone + " not found");
}

// Deleted runs are listed by age: deleted just now counts for older_than 0, not for a day.
inline void DeletedRunsByAge(std::shared_ptr<Database> database) {
  Fixture f(database);
  const std::string exp = f.Experiment();
  const std::string run = f.RunWithData(exp);
  const std::string active = f.RunWithData(exp);
  ASSERT_TRUE(f.tracking.DeleteRun(run).ok());
  auto all = f.tracking.GetDeletedRunIds(0);
  ASSERT_TRUE(all.ok());
  EXPECT_NE(std::find(all->begin(), all->end(), run), all->end());
  EXPECT_EQ(std::find(all->begin(), all->end(), active), all->end());
  auto old = f.tracking.GetDeletedRunIds(86400000);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(std::find(old->begin(), old->end(), run), old->end());
}

// An experiment goes only once deleted, with its runs (active ones too), their rows, its tags,
// logged models and traces; another experiment keeps its own.
inline void ExperimentGoesWithEverythingInIt(std::shared_ptr<Database> database) {
  Fixture f(database);
  Database& db = *f.db;
  const std::string exp = f.Experiment();
  const std::string other = f.Experiment();
  const std::string run = f.RunWithData(exp);
  const std::string other_run = f.RunWithData(other);
  CreateLoggedModelRequest model;
  model.experiment_id = exp;
  model.source_run_id = run;
  model.params = {{"p", "1"}};
  model.tags = {{"k", "v"}};
  auto m = f.models.CreateLoggedModel(model);
  ASSERT_TRUE(m.ok()) << m.status().message();
  Metric linked;
  linked.key = "acc";
  linked.value = 1;
  linked.timestamp = 2;
  linked.model_id = m->model_id;
  ASSERT_TRUE(f.tracking.LogMetric(run, linked).ok());
  const std::string trace = "tr-" + NewUuidHex();
  ASSERT_TRUE(db.Write([&](Connection& c) -> Status {
                  auto t = c.Prepare(
                      "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES (?, ?, 1, 'OK')");
                  t->BindAll(trace, static_cast<int64_t>(std::stoll(exp)));
                  t->Execute();
                  auto tag = c.Prepare("INSERT INTO trace_tags (\"key\", value, request_id) VALUES ('a', 'b', ?)");
                  tag->Bind(1, trace);
                  tag->Execute();
                  return Status();
                }).ok());

  Status active = f.tracking.HardDeleteExperiment(exp);
  EXPECT_EQ(active.code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(active.message(), "No Experiment with id=" + exp + " exists");
  EXPECT_EQ(CountExperiment(db, "runs", exp), 1);

  ASSERT_TRUE(f.tracking.DeleteExperiment(exp).ok());
  ASSERT_TRUE(f.tracking.HardDeleteExperiment(exp).ok());
  EXPECT_EQ(f.tracking.GetExperiment(exp).status().code(), ErrorCode::kResourceDoesNotExist);
  for (const char* table : {"experiments", "experiment_tags", "runs", "logged_models", "logged_model_params",
                            "logged_model_tags", "logged_model_metrics", "trace_info"}) {
    EXPECT_EQ(CountExperiment(db, table, exp), 0) << table;
  }
  for (const char* table : {"params", "metrics", "latest_metrics", "tags"}) {
    EXPECT_EQ(CountRun(db, table, run), 0) << table;
  }
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM trace_tags WHERE request_id = ?", trace), 0);
  EXPECT_EQ(CountExperiment(db, "experiments", other), 1);
  EXPECT_EQ(CountExperiment(db, "experiment_tags", other), 1);
  EXPECT_EQ(CountRun(db, "params", other_run), 1);
  EXPECT_EQ(f.tracking.HardDeleteExperiment(exp).code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(f.tracking.HardDeleteExperiment("x1").code(), ErrorCode::kInvalidParameterValue);
}

// A logged model goes with its params, tags and metrics; deleted ones are listed by age.
inline void LoggedModelGoesWithItsRows(std::shared_ptr<Database> database) {
  Fixture f(database);
  Database& db = *f.db;
  const std::string exp = f.Experiment();
  CreateLoggedModelRequest request;
  request.experiment_id = exp;
  request.params = {{"p", "1"}};
  request.tags = {{"k", "v"}};
  auto gone = f.models.CreateLoggedModel(request);
  auto kept = f.models.CreateLoggedModel(request);
  ASSERT_TRUE(gone.ok() && kept.ok());
  ASSERT_TRUE(f.models.DeleteLoggedModel(gone->model_id).ok());
  auto deleted = f.models.GetDeletedLoggedModelIds(0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_NE(std::find(deleted->begin(), deleted->end(), gone->model_id), deleted->end());
  EXPECT_EQ(std::find(deleted->begin(), deleted->end(), kept->model_id), deleted->end());
  auto old = f.models.GetDeletedLoggedModelIds(86400000);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(std::find(old->begin(), old->end(), gone->model_id), old->end());
  EXPECT_EQ(f.models.GetLoggedModel(gone->model_id).status().code(), ErrorCode::kResourceDoesNotExist);
  auto any = f.models.GetLoggedModelAnyStage(gone->model_id);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->artifact_uri, gone->artifact_uri);

  ASSERT_TRUE(f.models.HardDeleteLoggedModel(gone->model_id).ok());
  EXPECT_EQ(f.models.GetLoggedModelAnyStage(gone->model_id).status().code(), ErrorCode::kResourceDoesNotExist);
  for (const char* table : {"logged_models", "logged_model_params", "logged_model_tags"}) {
    EXPECT_EQ(Count(db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE model_id = ?", gone->model_id), 0);
    EXPECT_EQ(Count(db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE model_id = ?", kept->model_id), 1);
  }
  Status missing = f.models.HardDeleteLoggedModel(gone->model_id);
  EXPECT_EQ(missing.code(), ErrorCode::kResourceDoesNotExist);
}

}  // namespace mlflow::store::sql::hard_delete_cases
