#include "store/sql/trace_metrics_sql.h"

#include <string>

#include "core/py_json.h"
#include "core/trace_entities.h"
#include "store/sql/trace_analytics_sql.h"
#include "tracing/span_convert.h"
#include "tracing/trace_rules.h"

namespace mlflow::store::sql {
namespace {

using tracing::MetricFilter;
using tracing::MetricSample;
using tracing::MetricView;
using tracing::TraceMetricsQuery;

// SQL text with its bound values, in order.
struct Sql {
  std::string text;
  std::vector<SqlValue> params;
  Sql& Add(const std::string& s) {
    text += s;
    return *this;
  }
  Sql& Bind(SqlValue v) {
    text += '?';
    params.push_back(std::move(v));
    return *this;
  }
};

std::string TrueLiteral(SqlDialect d) { return d == SqlDialect::kPostgres ? "true" : "1"; }

int TokenIndex(const std::string& metric) {
  for (size_t i = 0; i < tracing::kTokenKeys.size(); ++i) {
    if (metric == tracing::kTokenKeys[i]) return static_cast<int>(i);
  }
  return -1;
}

int CostIndex(const std::string& metric) {
  for (size_t i = 0; i < tracing::kCostKeys.size(); ++i) {
    if (metric == tracing::kCostKeys[i]) return static_cast<int>(i);
  }
  return -1;
}

// A metadata / tag row of the trace `t` with this key and value.
void AddKvExists(Sql& where, const char* table, const std::string& key, const std::string& value) {
  where.Add(std::string(" AND EXISTS (SELECT 1 FROM ") + table + " kv WHERE kv.request_id = t.request_id AND kv.\"key\" = ")
      .Bind(key)
      .Add(" AND kv.value = ")
      .Bind(value)
      .Add(")");
}

// One filter clause as MLflow's _apply_filters applies it (sql_trace_metrics_utils.py).
Status AddFilter(Sql& where, const MetricFilter& f, MetricView view, bool analytics) {
  if (f.view == "trace") {
    if (f.entity == "status") {
      where.Add(" AND t.status = ").Bind(f.value);
    } else if (f.entity == "metadata") {
      const std::string& key = *f.key;
      if (key == kMetaSession && analytics) {
        where.Add(" AND t.session_id = ").Bind(f.value);
      } else if (IsAnalyticsMetadataKey(key)) {
        // Only the JSON MLflow 3.17 renders from the trace's columns can be equal to its metadata
        // (trace_analytics_sql.h). The older layout keeps that very text in the metadata row
        // (sql_trace_store.cc, WriteAnalytics), so there the row's text is compared with it.
        if (analytics) {
          AnalyticsPredicate p = AnalyticsMetadataEquals("t", key, f.value);
          where.Add(" AND " + p.text);
          where.params.insert(where.params.end(), p.params.begin(), p.params.end());
        } else if (CanonicalAnalyticsValue(key, f.value)) {
          AddKvExists(where, "trace_request_metadata", key, f.value);
        } else {
          where.Add(" AND 1 = 0");
        }
      } else if (key == kMetaSourceRun) {
        // Traces linked to the run afterwards (link-to-run) are found through entity_associations.
        where.Add(" AND (EXISTS (SELECT 1 FROM trace_request_metadata kv WHERE kv.request_id = t.request_id AND "
                  "kv.\"key\" = ")
            .Bind(key)
            .Add(" AND kv.value = ")
            .Bind(f.value)
            .Add(") OR EXISTS (SELECT 1 FROM entity_associations ea WHERE ea.source_id = t.request_id AND "
                 "ea.source_type = 'trace' AND ea.destination_type = 'run' AND ea.destination_id = ")
            .Bind(f.value)
            .Add("))");
      } else {
        AddKvExists(where, "trace_request_metadata", key, f.value);
      }
    } else {  // tag
      if (*f.key == kTagTraceName && analytics) {
        where.Add(" AND t.trace_name = ").Bind(f.value);
      } else {
        AddKvExists(where, "trace_tags", *f.key, f.value);
      }
    }
    return Status();
  }
  if (f.view == "span") {
    if (view != MetricView::kSpans) {
      return Status::InvalidParameter(std::string("Filtering by span is only supported for SPANS view type, got ") +
                                      tracing::MetricViewName(view));
    }
    const char* column = f.entity == "name" ? "s.name" : f.entity == "status" ? "s.status" : "s.type";
    where.Add(std::string(" AND ") + column + " = ").Bind(f.value);
    return Status();
  }
  if (view != MetricView::kAssessments) {
    return Status::InvalidParameter(
        std::string("Filtering by assessment is only supported for ASSESSMENTS view type, got ") +
        tracing::MetricViewName(view));
  }
  where.Add(std::string(" AND ") + (f.entity == "name" ? "a.name" : "a.assessment_type") + " = ").Bind(f.value);
  return Status();
}

// Every filter clause of `q`, in order, onto `where`.
Status AddFilters(Sql& where, const TraceMetricsQuery& q, bool analytics) {
  for (const std::string& text : q.filters) {
    MLFLOW_ASSIGN_OR_RETURN(MetricFilter f, tracing::ParseMetricFilter(text));
    MLFLOW_RETURN_IF_ERROR(AddFilter(where, f, q.view, analytics));
  }
  return Status();
}

// `select` (SELECT ... FROM ..., with its own bound values) followed by `where`, prepared and bound.
StatementLease Prepare(Connection& c, Sql select, const Sql& where) {
  select.Add(where.text);
  select.params.insert(select.params.end(), where.params.begin(), where.params.end());
  StatementLease st = c.Prepare(select.text);
  st->BindAll(select.params);
  return st;
}

// Inclusive millisecond bounds on `column`.
void AddMsRange(Sql& where, const std::string& column, const TraceMetricsQuery& q) {
  if (q.start_time_ms) where.Add(" AND " + column + " >= ").Bind(*q.start_time_ms);
  if (q.end_time_ms) where.Add(" AND " + column + " <= ").Bind(*q.end_time_ms);
}

std::optional<std::string> OptText(Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}

}  // namespace

Result<std::vector<MetricSample>> ReadMetricSamples(Connection& c, const TraceMetricsQuery& q,
                                                    const std::vector<int64_t>& experiment_ids, bool analytics) {
  const MetricView view = q.view;
  const bool bucketed = q.time_interval_seconds.value_or(0) != 0;
  const std::string& metric = q.metric_name;
  Sql sql;
  Sql where;
  where.Add(" WHERE ");
  // Scope: the experiments (MLflow reads every listed id, deleted experiments included).
  const std::string scope = view == MetricView::kAssessments && analytics ? "a.experiment_id" : "t.experiment_id";
  if (experiment_ids.empty()) {
    where.Add("1 = 0");
  } else {
    where.Add(scope + " IN (");
    for (size_t i = 0; i < experiment_ids.size(); ++i) {
      if (i) where.Add(", ");
      where.Bind(experiment_ids[i]);
    }
    where.Add(")");
  }

  std::vector<MetricSample> out;
  if (view == MetricView::kTraces) {
    // Columns: 0 timestamp_ms, 1 status, 2 execution_time_ms, 3 trace name, 4 session id, 5 the
    // token count (analytics) or the token usage JSON (older layout).
    int token = TokenIndex(metric);
    if (analytics) {
      sql.Add("SELECT t.timestamp_ms, t.status, t.execution_time_ms, t.trace_name, t.session_id, ")
          .Add(token >= 0 ? std::string("t.") + tracing::kTokenKeys[static_cast<size_t>(token)] : "NULL")
          .Add(" FROM trace_info t");
    } else {
      sql.Add("SELECT t.timestamp_ms, t.status, t.execution_time_ms, tn.value, ss.value, tu.value FROM trace_info t "
              "LEFT JOIN trace_tags tn ON tn.request_id = t.request_id AND tn.\"key\" = ")
          .Bind(std::string(kTagTraceName))
          .Add(" LEFT JOIN trace_request_metadata ss ON ss.request_id = t.request_id AND ss.\"key\" = ")
          .Bind(std::string(kMetaSession))
          .Add(" LEFT JOIN trace_request_metadata tu ON tu.request_id = t.request_id AND tu.\"key\" = ")
          .Bind(std::string(kMetaTokenUsage));
    }
    AddMsRange(where, "t.timestamp_ms", q);
    MLFLOW_RETURN_IF_ERROR(AddFilters(where, q, analytics));
    StatementLease st = Prepare(c, std::move(sql), where);
    while (st->Step()) {
      MetricSample s;
      int64_t ts = st->Int(0);
      if (bucketed) s.bucket_ms = tracing::TimeBucketStart(ts, *q.time_interval_seconds);
      std::optional<std::string> name = OptText(*st, 3);
      for (const std::string& d : q.dimensions) {
        s.dimensions.push_back(d == "trace_status" ? OptText(*st, 1) : name);
      }
      if (metric == "trace_count") {
        s.value = 1;
      } else if (metric == "session_count") {
        s.distinct = OptText(*st, 4);
      } else if (metric == "latency") {
        if (!st->IsNull(2)) s.value = static_cast<double>(st->Int(2));
      } else if (token >= 0) {
        if (analytics) {
          if (!st->IsNull(5)) s.value = static_cast<double>(st->Int(5));
        } else if (!st->IsNull(5)) {
          std::optional<PyJson> usage = PyJsonLoads(st->Text(5));
          if (usage && usage->is_object()) {
            auto it = usage->find(tracing::kTokenKeys[static_cast<size_t>(token)]);
            if (it != usage->end()) {
              if (std::optional<int64_t> n = tracing::TokenCount(*it)) s.value = static_cast<double>(*n);
            }
          }
        }
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  if (view == MetricView::kSpans) {
    // Columns: 0 trace timestamp, 1 start ns, 2 end ns, 3 name, 4 type, 5 status, then the model
    // name / provider and the three costs (analytics), or the span JSON (older layout).
    int cost = CostIndex(metric);
    bool model_dims = false;
    for (const std::string& d : q.dimensions) model_dims = model_dims || d == "span_model_name" || d == "span_model_provider";
    const bool need_content = !analytics && (cost >= 0 || model_dims);
    sql.Add("SELECT t.timestamp_ms, s.start_time_unix_nano, s.end_time_unix_nano, s.name, s.type, s.status");
    if (analytics) {
      sql.Add(", s.model_name, s.model_provider, s.input_cost, s.output_cost, s.total_cost");
    } else if (need_content) {
      sql.Add(", s.content");
    }
    sql.Add(" FROM spans s JOIN trace_info t ON s.trace_id = t.request_id");
    if (cost >= 0) {
      // Span costs are bounded by the span's own start (nanoseconds, the end millisecond whole).
      if (q.start_time_ms) where.Add(" AND s.start_time_unix_nano >= ").Bind(*q.start_time_ms * 1000000);
      if (q.end_time_ms) where.Add(" AND s.start_time_unix_nano < ").Bind((*q.end_time_ms + 1) * 1000000);
    } else {
      AddMsRange(where, "t.timestamp_ms", q);
    }
    MLFLOW_RETURN_IF_ERROR(AddFilters(where, q, analytics));
    StatementLease st = Prepare(c, std::move(sql), where);
    while (st->Step()) {
      MetricSample s;
      int64_t start_ns = st->Int(1);
      if (bucketed) s.bucket_ms = tracing::TimeBucketStart(start_ns / 1000000, *q.time_interval_seconds);
      tracing::SpanAnalytics an;
      if (analytics) {
        an.model_name = OptText(*st, 6);
        an.model_provider = OptText(*st, 7);
        for (int i = 0; i < 3; ++i) {
          std::optional<double> v;
          if (!st->IsNull(8 + i)) v = st->Double(8 + i);
          (i == 0 ? an.input_cost : i == 1 ? an.output_cost : an.total_cost) = v;
        }
      } else if (need_content) {
        an = tracing::StoredSpanAnalytics(st->TextView(6));
      }
      for (const std::string& d : q.dimensions) {
        if (d == "span_name") {
          s.dimensions.push_back(OptText(*st, 3));
        } else if (d == "span_type") {
          s.dimensions.push_back(OptText(*st, 4));
        } else if (d == "span_status") {
          s.dimensions.push_back(OptText(*st, 5));
        } else if (d == "span_model_name") {
          s.dimensions.push_back(an.model_name);
        } else {
          s.dimensions.push_back(an.model_provider);
        }
      }
      if (metric == "span_count") {
        s.value = 1;
      } else if (metric == "latency") {
        // (end - start) // 1000000 in SQL: integer division of the nanoseconds.
        s.value = static_cast<double>((st->Int(2) - start_ns) / 1000000);
      } else if (cost >= 0) {
        s.value = cost == 0 ? an.input_cost : cost == 1 ? an.output_cost : an.total_cost;
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  // Assessments: valid ones only (an overridden assessment is not counted twice). Columns: 0
  // trace timestamp, 1 name, 2 value JSON, 3 numeric aggregate (analytics layout).
  if (analytics) {
    sql.Add("SELECT a.trace_timestamp_ms, a.name, a.value, a.aggregate_value FROM assessments a "
            "JOIN trace_info t ON t.request_id = a.trace_id");
    AddMsRange(where, "a.trace_timestamp_ms", q);
  } else {
    sql.Add("SELECT t.timestamp_ms, a.name, a.value FROM assessments a JOIN trace_info t ON t.request_id = a.trace_id");
    AddMsRange(where, "t.timestamp_ms", q);
  }
  where.Add(" AND a.valid = " + TrueLiteral(c.dialect()));
  MLFLOW_RETURN_IF_ERROR(AddFilters(where, q, analytics));
  StatementLease st = Prepare(c, std::move(sql), where);
  while (st->Step()) {
    MetricSample s;
    if (bucketed && !st->IsNull(0)) s.bucket_ms = tracing::TimeBucketStart(st->Int(0), *q.time_interval_seconds);
    for (const std::string& d : q.dimensions) s.dimensions.push_back(d == "assessment_name" ? OptText(*st, 1) : OptText(*st, 2));
    if (metric == "assessment_count") {
      s.value = 1;
    } else if (analytics) {
      if (!st->IsNull(3)) s.value = st->Double(3);
    } else if (!st->IsNull(2)) {
      std::optional<PyJson> value = PyJsonLoads(st->Text(2));
      if (value) s.value = tracing::AssessmentAggregate(*value).first;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace mlflow::store::sql
