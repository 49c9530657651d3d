#include "store/sql/trace_search_sql.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "search/page_token.h"
#include "store/sql/trace_analytics_sql.h"
#include "tracing/json.h"
#include "tracing/trace_rules.h"

namespace mlflow::store::sql {
namespace {

using search::DecodeOffsetToken;
using search::EncodeOffsetToken;
using search::TraceClause;
using search::TraceComparator;
using search::TraceKeyType;
using search::TraceNumber;
using search::TraceOrderBy;
using search::TraceValue;

using tracing::Json;

constexpr int64_t kSpanTimestampToleranceMs = 10000;

// SQL text plus the parameters of its `?` placeholders, in order.
struct Sql {
  std::string text;
  std::vector<SqlValue> params;
  Sql& Add(std::string_view s) {
    text += s;
    return *this;
  }
  Sql& Bind(SqlValue v) {
    text += '?';
    params.push_back(std::move(v));
    return *this;
  }
  Sql& Append(const Sql& o) {
    text += o.text;
    params.insert(params.end(), o.params.begin(), o.params.end());
    return *this;
  }
};

SqlValue Scalar(const TraceValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<TraceNumber>(&v)) {
    if (n->is_integer) return n->integer;
    return n->value;
  }
  return SqlValue{};
}

std::string ValueText(const TraceValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<TraceNumber>(&v)) return n->text;
  return "";
}

class Builder {
 public:
  Builder(SqlDialect dialect, const TraceLayout& layout, const std::vector<int64_t>& experiment_ids)
      : dialect_(dialect), layout_(layout), experiment_ids_(experiment_ids) {}

  // `column <op> value` (SearchUtils.get_sql_comparison_func for this dialect).
  Sql Compare(const std::string& column, TraceComparator op, const TraceValue& value) const {
    Sql s;
    if (dialect_ == SqlDialect::kMysql) {
      // MySQL compares text case-insensitively: MLflow's store adds BINARY to text comparisons
      // there, the plain comparison first so an index still narrows the rows.
      const auto* text = std::get_if<std::string>(&value);
      switch (op) {
        case TraceComparator::kEq:
        case TraceComparator::kNe:
        case TraceComparator::kLike:
          if (text) {
            const char* o = op == TraceComparator::kEq ? " = " : op == TraceComparator::kNe ? " != " : " LIKE ";
            const char* join = op == TraceComparator::kNe ? " OR BINARY " : " AND BINARY ";
            return s.Add("(" + column + o).Bind(*text).Add(join + column + o).Bind(*text).Add(")");
          }
          break;
        case TraceComparator::kRLike:
          return s.Add("(CAST(" + column + " AS BINARY) REGEXP BINARY ").Bind(Scalar(value)).Add(")");
        case TraceComparator::kIn:
        case TraceComparator::kNotIn: {
          const auto& list = std::get<std::vector<std::string>>(value);
          s.Add("(BINARY " + column + (op == TraceComparator::kIn ? " IN (" : " NOT IN ("));
          for (size_t i = 0; i < list.size(); ++i) {
            if (i) s.Add(", ");
            s.Bind(list[i]);
          }
          return s.Add("))");
        }
        default:
          break;
      }
    }
    switch (op) {
      case TraceComparator::kEq: return s.Add(column + " = ").Bind(Scalar(value));
      case TraceComparator::kNe: return s.Add(column + " != ").Bind(Scalar(value));
      case TraceComparator::kLt: return s.Add(column + " < ").Bind(Scalar(value));
      case TraceComparator::kLe: return s.Add(column + " <= ").Bind(Scalar(value));
      case TraceComparator::kGt: return s.Add(column + " > ").Bind(Scalar(value));
      case TraceComparator::kGe: return s.Add(column + " >= ").Bind(Scalar(value));
      case TraceComparator::kLike: return s.Add(column + " LIKE ").Bind(Scalar(value));
      case TraceComparator::kILike:
        if (dialect_ == SqlDialect::kPostgres) return s.Add(column + " ILIKE ").Bind(Scalar(value));
        return s.Add("lower(" + column + ") LIKE lower(").Bind(Scalar(value)).Add(")");
      case TraceComparator::kRLike:
        if (dialect_ == SqlDialect::kPostgres) return s.Add(column + " ~ ").Bind(Scalar(value));
        return s.Add(column + " REGEXP ").Bind(Scalar(value));
      case TraceComparator::kIn:
      case TraceComparator::kNotIn: {
        const auto& list = std::get<std::vector<std::string>>(value);
        s.Add("(" + column + (op == TraceComparator::kIn ? " IN (" : " NOT IN ("));
        for (size_t i = 0; i < list.size(); ++i) {
          if (i) s.Add(", ");
          s.Bind(list[i]);
        }
        return s.Add("))");
      }
      case TraceComparator::kIsNull: return s.Add(column + " IS NULL");
      case TraceComparator::kIsNotNull: return s.Add(column + " IS NOT NULL");
    }
    return s;
  }

  std::string True() const { return dialect_ == SqlDialect::kPostgres ? "true" : "1"; }

  Sql ExperimentScope(const std::string& column) const {
    Sql s;
    if (experiment_ids_.empty()) return s.Add("1 = 0");
    s.Add(column + " IN (");
    for (size_t i = 0; i < experiment_ids_.size(); ++i) {
      if (i) s.Add(", ");
      s.Bind(experiment_ids_[i]);
    }
    return s.Add(")");
  }

  // EXISTS over a key/value child table (trace_tags / trace_request_metadata) of `ti`.
  Sql ChildExists(const char* table, const std::string& key, const std::optional<Sql>& value_cond) const {
    Sql s;
    s.Add(std::string("EXISTS (SELECT 1 FROM ") + table + " c WHERE c.request_id = ti.request_id AND c.\"key\" = ")
        .Bind(key);
    if (value_cond) s.Add(" AND ").Append(*value_cond);
    return s.Add(")");
  }

  // A trace tag / metadata clause on its child table.
  Sql ChildClause(const char* table, const TraceClause& c) const {
    if (c.comparator == TraceComparator::kIsNull) return Sql().Add("NOT ").Append(ChildExists(table, c.key, std::nullopt));
    if (c.comparator == TraceComparator::kIsNotNull) return ChildExists(table, c.key, std::nullopt);
    return ChildExists(table, c.key, Compare("c.value", c.comparator, c.value));
  }

  // A clause on a trace_info column that newer schemas have (trace_name, session_id).
  Sql ColumnClause(const std::string& column, const TraceClause& c) const {
    return Compare("ti." + column, c.comparator, c.value);
  }

  // The session id of a trace (`alias` = trace_info alias), per layout.
  std::string SessionIdExpr(const std::string& alias) const {
    if (layout_.analytics_columns) return alias + ".session_id";
    return "(SELECT sm.value FROM trace_request_metadata sm WHERE sm.request_id = " + alias +
           ".request_id AND sm.\"key\" = 'mlflow.trace.session')";
  }

  // Trace ids of the requested experiments whose session has an assessment matching `conds`
  // (session-scoped assessments apply to every trace of their session).
  Sql SessionCovered(const Sql& conds) const {
    Sql s;
    s.Add("SELECT st.request_id FROM trace_info st WHERE ").Append(ExperimentScope("st.experiment_id"));
    s.Add(" AND " + SessionIdExpr("st") + " IN (SELECT " + SessionIdExpr("si") +
          " FROM trace_info si JOIN assessments a ON a.trace_id = si.request_id WHERE ");
    s.Append(ExperimentScope("si.experiment_id"));
    s.Add(" AND " + SessionIdExpr("si") + " IS NOT NULL AND ").Append(conds);
    s.Add(" AND a.assessment_metadata IS NOT NULL AND a.assessment_metadata LIKE ")
        .Bind(std::string("%\"mlflow.trace.session\":%"))
        .Add(")");
    return s;
  }

  Sql AssessmentClause(const TraceClause& c) const {
    Sql base;
    base.Add("a.assessment_type = ").Bind(std::string(c.type == TraceKeyType::kFeedback ? "feedback" : "expectation"));
    base.Add(" AND a.name = ").Bind(c.key).Add(" AND a.valid = " + True());
    if (c.comparator == TraceComparator::kIsNull) {
      Sql s;
      s.Add("NOT EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = ti.request_id AND ").Append(base).Add(")");
      s.Add(" AND ti.request_id NOT IN (").Append(SessionCovered(base)).Add(")");
      return s;
    }
    Sql conds = base;
    if (c.comparator != TraceComparator::kIsNotNull) {
      conds.Add(" AND ");
      switch (c.comparator) {
        case TraceComparator::kLt:
        case TraceComparator::kLe:
        case TraceComparator::kGt:
        case TraceComparator::kGe: {
          TraceValue num = c.value;
          if (const auto* n = std::get_if<TraceNumber>(&c.value)) {
            TraceNumber d = *n;
            d.is_integer = false;
            num = d;
          }
          if (layout_.analytics_columns) {
            conds.Add("a.is_numeric_value = " + True() + " AND ").Append(Compare("a.aggregate_value", c.comparator, num));
          } else {
            // The value's JSON text as a number when it is one (not a bool, null, string or list).
            std::string expr =
                "(CASE WHEN lower(a.value) IN ('true', 'false', 'null', 'nan', 'infinity', '-infinity') THEN NULL "
                "WHEN substr(a.value, 1, 1) IN ('\"', '[', '{') THEN NULL ELSE CAST(a.value AS " +
                std::string(dialect_ == SqlDialect::kPostgres ? "DOUBLE PRECISION"
                            : dialect_ == SqlDialect::kMysql  ? "DOUBLE"
                                                               : "REAL") +
                ") END)";
            conds.Append(Compare(expr, c.comparator, num));
          }
          break;
        }
        case TraceComparator::kEq:
        case TraceComparator::kNe: {
          std::string v = ValueText(c.value);
          std::string dumped = PyJsonDumps(Json(v));
          Sql eq;
          eq.Add("(a.value = ").Bind(v).Add(" OR a.value = ").Bind(dumped).Add(")");
          if (c.comparator == TraceComparator::kNe) conds.Add("NOT ");
          conds.Append(eq);
          break;
        }
        default:
          conds.Append(Compare("a.value", c.comparator, c.value));
      }
    }
    Sql s;
    s.Add("ti.request_id IN (SELECT a.trace_id FROM assessments a WHERE ").Append(conds);
    s.Add(" UNION ").Append(SessionCovered(conds)).Add(")");
    return s;
  }

  // Token usage / cost metadata (represented by several columns in MLflow 3.17,
  // trace_analytics_sql.h).
  Result<Sql> AnalyticsMetadataClause(const TraceClause& c) const {
    if (!layout_.analytics_columns) return ChildClause("trace_request_metadata", c);
    auto sql = [](const AnalyticsPredicate& p) {
      Sql s;
      s.text = p.text;
      s.params = p.params;
      return s;
    };
    Sql exists = sql(AnalyticsMetadataExists("ti", c.key));
    if (c.comparator == TraceComparator::kIsNull) return Sql().Add("NOT ").Append(exists);
    if (c.comparator == TraceComparator::kIsNotNull) return exists;
    Sql match = sql(AnalyticsMetadataEquals("ti", c.key, ValueText(c.value)));
    if (c.comparator == TraceComparator::kEq) return match;
    return Sql().Append(exists).Add(" AND NOT ").Append(match);
  }

  Sql SpanCondition(const TraceClause& c) const {
    if (c.key.rfind("attributes.", 0) == 0) {
      std::string attr = c.key.substr(std::string("attributes.").size());
      if (attr.size() >= 2 && attr.front() == '`' && attr.back() == '`') attr = attr.substr(1, attr.size() - 2);
      std::string value = ValueText(c.value);
      if (c.comparator == TraceComparator::kRLike) {
        // Match inside the stored JSON, where a string value is "<attr>": "\"<value>\"".
        std::string prefix = "\"\\\\\".*";
        std::string suffix;
        if (!value.empty() && value.front() == '^') {
          value = value.substr(1);
          prefix = "\"\\\\\"";
        }
        if (!value.empty() && value.back() == '$') {
          value.pop_back();
          suffix = "\\\\\"";
        }
        return Compare("s.content", c.comparator, TraceValue("\"" + attr + "\": " + prefix + value + suffix));
      }
      return Compare("s.content", c.comparator, TraceValue("%\"" + attr + "\"" + value + "%"));
    }
    return Compare("s." + c.key, c.comparator, c.value);
  }

  Result<Sql> Where(const std::vector<TraceClause>& clauses) const {
    Sql where;
    std::vector<Sql> conds;
    std::vector<Sql> span_conds;
    std::optional<double> span_lower_ms;
    std::optional<std::string> run_id;
    for (const TraceClause& c : clauses) {
      switch (c.type) {
        case TraceKeyType::kIssue: {
          Sql s;
          s.Add("ti.request_id IN (SELECT a.trace_id FROM assessments a WHERE a.assessment_type = ")
              .Bind(std::string("issue"))
              .Add(" AND a.name = ")
              .Bind(Scalar(c.value))
              .Add(")");
          conds.push_back(std::move(s));
          break;
        }
        case TraceKeyType::kAttribute: {
          if (c.key == "timestamp_ms" && (c.comparator == TraceComparator::kGt || c.comparator == TraceComparator::kGe)) {
            if (const auto* n = std::get_if<TraceNumber>(&c.value)) {
              span_lower_ms = span_lower_ms ? std::max(*span_lower_ms, n->value) : n->value;
            }
          }
          std::string col = c.key == "end_time_ms" ? "(ti.timestamp_ms + COALESCE(ti.execution_time_ms, 0))"
                                                   : "ti." + c.key;
          conds.push_back(Compare(col, c.comparator, c.value));
          break;
        }
        case TraceKeyType::kTag:
          if (c.key == "mlflow.traceName" && layout_.analytics_columns) {
            conds.push_back(ColumnClause("trace_name", c));
          } else if (c.key == "mlflow.linkedPrompts") {
            Sql s;
            s.Add("ti.request_id IN (SELECT ea.source_id FROM entity_associations ea WHERE ea.source_type = ")
                .Bind(std::string("trace"))
                .Add(" AND ea.destination_type = ")
                .Bind(std::string("prompt_version"))
                .Add(" AND ea.destination_id = ")
                .Bind(Scalar(c.value))
                .Add(")");
            conds.push_back(std::move(s));
          } else {
            conds.push_back(ChildClause("trace_tags", c));
          }
          break;
        case TraceKeyType::kMetadata:
          if (c.key == "mlflow.trace.session" && layout_.analytics_columns) {
            conds.push_back(ColumnClause("session_id", c));
          } else if (c.key == "mlflow.trace.tokenUsage" || c.key == "mlflow.trace.cost") {
            MLFLOW_ASSIGN_OR_RETURN(Sql s, AnalyticsMetadataClause(c));
            conds.push_back(std::move(s));
          } else if (c.key == "mlflow.sourceRun" && c.comparator == TraceComparator::kEq) {
            run_id = ValueText(c.value);  // MLflow keeps the last run_id clause
          } else {
            conds.push_back(ChildClause("trace_request_metadata", c));
          }
          break;
        case TraceKeyType::kSpan:
          if ((c.comparator == TraceComparator::kIn || c.comparator == TraceComparator::kNotIn) &&
              c.key.rfind("attributes.", 0) == 0) {
            return Status::InvalidParameter("span." + c.key + " does not support comparison with a list of values.");
          }
          span_conds.push_back(SpanCondition(c));
          break;
        case TraceKeyType::kFeedback:
        case TraceKeyType::kExpectation:
          conds.push_back(AssessmentClause(c));
          break;
      }
    }
    if (!span_conds.empty()) {
      Sql s;
      // The span rows of one trace come from its primary key. SQLite would otherwise pick an
      // experiment_id index and read every span of the experiment per trace; a unary '+' keeps the
      // column out of index selection without changing the comparison.
      s.Add(std::string("EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = ti.request_id AND ") +
            (dialect_ == SqlDialect::kSqlite ? "+" : "") + "s.experiment_id = ti.experiment_id");
      if (span_lower_ms) {
        s.Add(" AND s.start_time_unix_nano >= ")
            .Bind(static_cast<int64_t>((std::floor(*span_lower_ms) - kSpanTimestampToleranceMs) * 1000000.0));
      }
      for (const Sql& sc : span_conds) s.Add(" AND ").Append(sc);
      s.Add(")");
      conds.push_back(std::move(s));
    }
    if (run_id) {
      Sql s;
      s.Add("(EXISTS (SELECT 1 FROM entity_associations ea WHERE ea.source_id = ti.request_id AND ea.source_type = ")
          .Bind(std::string("trace"))
          .Add(" AND ea.destination_type = ")
          .Bind(std::string("run"))
          .Add(" AND ea.destination_id = ")
          .Bind(*run_id)
          .Add(") OR EXISTS (SELECT 1 FROM trace_request_metadata rm WHERE rm.request_id = ti.request_id AND rm.\"key\" = ")
          .Bind(std::string("mlflow.sourceRun"))
          .Add(" AND rm.value = ")
          .Bind(*run_id)
          .Add("))");
      conds.push_back(std::move(s));
    }
    where.Append(ExperimentScope("ti.experiment_id"));
    for (const Sql& c : conds) where.Add(" AND (").Append(c).Add(")");
    return where;
  }

 private:
  SqlDialect dialect_;
  TraceLayout layout_;
  const std::vector<int64_t>& experiment_ids_;
};

}  // namespace

std::string CompiledTraceSearch::NextPageToken(size_t rows_returned) const {
  if (static_cast<int64_t>(rows_returned) == max_results) return EncodeOffsetToken(offset + max_results);
  return "";
}

Result<CompiledTraceSearch> CompileTraceSearch(const TraceSearchSpec& spec, SqlDialect dialect,
                                               const TraceLayout& layout) {
  if (spec.max_results < 1) {
    return Status::InvalidParameter("Invalid value " + std::to_string(spec.max_results) +
                                    " for parameter 'max_results' supplied. It must be a positive integer");
  }
  if (spec.max_results > kTracesMaxResultsLimit) {
    return Status::InvalidParameter("Invalid value " + std::to_string(spec.max_results) +
                                    " for parameter 'max_results' supplied. It must be at most " +
                                    std::to_string(kTracesMaxResultsLimit));
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<TraceOrderBy> order, search::ParseTraceOrderBy(spec.order_by));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<TraceClause> clauses, search::ParseTraceFilter(spec.filter));
  CompiledTraceSearch out;
  MLFLOW_ASSIGN_OR_RETURN(out.offset, DecodeOffsetToken(spec.page_token));
  out.max_results = spec.max_results;

  Builder b(dialect, layout, spec.experiment_ids);
  // Order keys first: tag/metadata sort values come from outer joins.
  Sql joins;
  std::vector<std::string> order_terms;
  bool has_timestamp = false, has_request_id = false;
  int join_no = 0;
  for (const TraceOrderBy& ob : order) {
    std::string expr;
    bool nullable = true;
    if (ob.type == TraceKeyType::kAttribute) {
      if (ob.key == "end_time_ms") {
        expr = "(ti.timestamp_ms + COALESCE(ti.execution_time_ms, 0))";
        nullable = false;
      } else {
        expr = "ti." + ob.key;
        nullable = ob.key == "execution_time_ms";
      }
      has_timestamp |= ob.key == "timestamp_ms";
      has_request_id |= ob.key == "request_id";
    } else if (ob.type == TraceKeyType::kTag && ob.key == "mlflow.traceName" && layout.analytics_columns) {
      expr = "ti.trace_name";
    } else if (ob.type == TraceKeyType::kMetadata && ob.key == "mlflow.trace.session" && layout.analytics_columns) {
      expr = "ti.session_id";
    } else {
      std::string alias = "ob" + std::to_string(join_no++);
      const char* table = ob.type == TraceKeyType::kTag ? "trace_tags" : "trace_request_metadata";
      joins.Add(std::string(" LEFT OUTER JOIN (SELECT request_id, value FROM ") + table + " WHERE \"key\" = ")
          .Bind(ob.key)
          .Add(") " + alias + " ON " + alias + ".request_id = ti.request_id");
      expr = alias + ".value";
    }
    if (nullable) order_terms.push_back("CASE WHEN " + expr + " IS NULL THEN 1 ELSE 0 END");
    order_terms.push_back(expr + (ob.ascending ? "" : " DESC"));
  }
  if (!has_timestamp) {
    // A session filter in MLflow 3.17's layout has the (experiment_id, session_id) index; SQLite,
    // without table statistics, would rather walk the timestamp index for the default order and
    // test every trace. A unary '+' keeps that index out of the ordering, so the session index
    // finds the few matching rows, which are then sorted.
    bool session_eq = false;
    for (const TraceClause& c : clauses)
      session_eq |= c.type == TraceKeyType::kMetadata && c.key == "mlflow.trace.session" && c.comparator == TraceComparator::kEq;
    const bool bypass = dialect == SqlDialect::kSqlite && layout.analytics_columns && session_eq && order.empty();
    order_terms.push_back(bypass ? "+ti.timestamp_ms DESC" : "ti.timestamp_ms DESC");
  }
  if (!has_request_id) order_terms.push_back("ti.request_id");

  MLFLOW_ASSIGN_OR_RETURN(Sql where, b.Where(clauses));
  Sql q;
  q.Add("SELECT ti.request_id FROM trace_info ti").Append(joins).Add(" WHERE ").Append(where).Add(" ORDER BY ");
  for (size_t i = 0; i < order_terms.size(); ++i) q.Add((i ? ", " : "") + order_terms[i]);
  q.Add(" LIMIT ").Bind(out.max_results).Add(" OFFSET ").Bind(out.offset);
  out.query.sql = std::move(q.text);
  out.query.params = std::move(q.params);
  return out;
}

}  // namespace mlflow::store::sql
