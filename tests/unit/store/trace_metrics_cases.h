#pragma once
// Trace analytics filters on token usage and cost metadata, checked on one database in both
// trace layouts: run by trace_store_test.cc on SQLite, by tests/pg/pg_store_test.cc on
// PostgreSQL and by tests/mysql/mysql_store_test.cc on MariaDB. MLflow 3.17's layout keeps the
// values in trace_info columns and matches only the exact JSON it renders from them
// (store/sql/trace_analytics_sql.h); the older layout keeps that JSON in a metadata row. Each case
// makes its own experiment, so cases can share a database.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/trace_entities.h"
#include "store/sql/database.h"
#include "store/sql/sql_trace_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql::trace_metrics_cases {

// The columns MLflow 3.17's migrations add to the trace tables (its Float(53): DOUBLE
// PRECISION), one statement each (MySQL runs one per call): enough for SqlTraceStore to serve
// that layout.
inline void AddAnalyticsColumns(Database& db) {
  const std::vector<std::string> columns = {
      "trace_info trace_name VARCHAR(250)", "trace_info session_id VARCHAR(250)", "trace_info input_tokens BIGINT",
      "trace_info output_tokens BIGINT", "trace_info total_tokens BIGINT", "trace_info cache_read_input_tokens BIGINT",
      "trace_info cache_creation_input_tokens BIGINT", "trace_info cache_creation_input_tokens_above_1hr BIGINT",
      "trace_info input_cost DOUBLE PRECISION", "trace_info output_cost DOUBLE PRECISION",
      "trace_info total_cost DOUBLE PRECISION", "trace_info db_payload_generation INTEGER NOT NULL DEFAULT 0",
      "assessments experiment_id INTEGER", "assessments trace_timestamp_ms BIGINT",
      "assessments aggregate_value DOUBLE PRECISION", "assessments is_numeric_value BOOLEAN",
      "spans input_cost DOUBLE PRECISION", "spans output_cost DOUBLE PRECISION", "spans total_cost DOUBLE PRECISION",
      "spans model_name VARCHAR(500)", "spans model_provider VARCHAR(500)"};
  Status st = db.Write([&](Connection& c) {
    for (const std::string& col : columns) {
      const size_t space = col.find(' ');
      c.ExecScript("ALTER TABLE " + col.substr(0, space) + " ADD COLUMN " + col.substr(space + 1));
    }
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.message();
}

inline const char* kUsage1 = R"({"input_tokens": 3, "output_tokens": 4, "total_tokens": 7})";
inline const char* kCost1 = R"({"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75})";
inline const char* kUsage2 = R"({"input_tokens": 10, "output_tokens": 1, "total_tokens": 11})";

// Traces as the client starts them (StartTraceV3 metadata): one with token usage and cost, one
// with token usage only, one with only an output token count, one with neither.
inline void FiltersOnTokenUsageAndCost(std::shared_ptr<Database> db, bool analytics) {
  SqlTrackingStore tracking(db, "/tmp/mlruns-trace-metrics");
  ASSERT_TRUE(tracking.Initialize().ok());
  SqlTraceStore traces(db);
  ASSERT_TRUE(traces.Initialize().ok());
  ASSERT_EQ(traces.analytics_layout(), analytics);
  auto exp = tracking.CreateExperiment("tm-" + NewUuidHex(), "", {});
  ASSERT_TRUE(exp.ok()) << exp.status().message();

  const std::vector<std::vector<KeyValue>> metadata = {
      {{kMetaTokenUsage, kUsage1}, {kMetaCost, kCost1}},
      {{kMetaTokenUsage, kUsage2}},
      {{kMetaTokenUsage, R"({"output_tokens": 4})"}},
      {}};
  std::vector<std::string> ids;
  for (size_t i = 0; i < metadata.size(); ++i) {
    TraceInfo t;
    t.trace_id = "tr-" + NewUuidHex();
    t.experiment_id = *exp;
    t.request_time_ms = 1000 + static_cast<int64_t>(i);
    t.execution_duration_ms = 5;
    t.state = kTraceStateOk;
    t.trace_metadata = metadata[i];
    auto started = traces.StartTrace(t);
    ASSERT_TRUE(started.ok()) << started.status().message();
    ids.push_back(t.trace_id);
  }

  // The trace count (or another metric's SUM) under one filter clause.
  auto query = [&](const std::string& filter, const std::string& metric = "trace_count") -> double {
    tracing::TraceMetricsQuery q;
    q.experiment_ids = {*exp};
    q.view = tracing::MetricView::kTraces;
    q.metric_name = metric;
    tracing::MetricAggregation agg;
    agg.kind = metric == "trace_count" ? tracing::AggregationKind::kCount : tracing::AggregationKind::kSum;
    q.aggregations = {agg};
    q.filters = {filter};
    auto points = traces.QueryTraceMetrics(q);
    EXPECT_TRUE(points.ok()) << filter << ": " << points.status().message();
    if (!points.ok() || points->empty() || points->front().values.empty()) return -1;
    return points->front().values.front().second;
  };
  const std::string usage = "trace.metadata.mlflow.trace.tokenUsage = ";
  const std::string cost = "trace.metadata.`mlflow.trace.cost` = ";
  EXPECT_EQ(query(usage + "'" + kUsage1 + "'"), 1);
  EXPECT_EQ(query(usage + "'" + kUsage2 + "'", "total_tokens"), 11);
  EXPECT_EQ(query(usage + R"('{"output_tokens": 4}')"), 1);
  EXPECT_EQ(query(cost + "'" + kCost1 + "'"), 1);
  EXPECT_EQ(query(cost + "'" + kCost1 + "'", "input_tokens"), 3);
  // Anything but the exact JSON MLflow renders matches nothing: a subset of the keys, another
  // order or spacing, a token count written as a float, a cost as an integer, an unknown key.
  EXPECT_EQ(query(usage + R"('{"input_tokens": 3}')"), 0);
  EXPECT_EQ(query(usage + R"('{"output_tokens": 4, "input_tokens": 3, "total_tokens": 7}')"), 0);
  EXPECT_EQ(query(usage + R"('{"input_tokens":3,"output_tokens":4,"total_tokens":7}')"), 0);
  EXPECT_EQ(query(usage + R"('{"input_tokens": 3.0, "output_tokens": 4, "total_tokens": 7}')"), 0);
  EXPECT_EQ(query(cost + R"('{"input_cost": 1, "output_cost": 0.25, "total_cost": 0.75}')"), 0);
  EXPECT_EQ(query(cost + R"('{"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75, "x": 1}')"), 0);
  EXPECT_EQ(query(usage + "'not json'"), 0);
  EXPECT_EQ(query(usage + "'{}'"), 0);

  // Trace search's `!=` holds where a column of the value is NULL, as MLflow's does: the trace
  // with only an output count used to be left out on MLflow 3.17's layout (NULL = 3 is unknown).
  TraceSearchRequest r;
  r.experiment_ids = {*exp};
  r.filter = R"(metadata.`mlflow.trace.tokenUsage` != '{"input_tokens": 3, "output_tokens": 4}')";
  r.order_by = {"timestamp_ms ASC"};
  auto page = traces.SearchTraces(r);
  ASSERT_TRUE(page.ok()) << page.status().message();
  std::vector<std::string> found;
  for (const auto& t : page->traces) found.push_back(t.trace_id);
  EXPECT_EQ(found, (std::vector<std::string>{ids[0], ids[1], ids[2]}));
}

}  // namespace mlflow::store::sql::trace_metrics_cases
