#pragma once
// SearchTracesV3 compiled to one parameterised SELECT of the page's trace ids (in order), as
// MLflow 3.17's SQL store builds it (docs/reference/tracing.md section 6). Filter text never
// becomes SQL text: every key, value and pattern is a bound parameter.
//
// Two layouts of MLflow's trace tables exist: the one this server creates (MLflow 3.6's
// revision: the trace name is the tag mlflow.traceName, session / token usage / cost are request
// metadata rows) and MLflow 3.17's (those four live in trace_info columns, assessments carry a
// numeric aggregate). The same filter means the same thing on both.
//
//   TraceSearchSpec spec{.experiment_ids = {1}, .filter = "tags.k = 'v'", .max_results = 100};
//   MLFLOW_ASSIGN_OR_RETURN(CompiledTraceSearch c, CompileTraceSearch(spec, Dialect::kSqlite, {}));
//   st = conn.Prepare(c.query.sql); st.BindAll(c.query.params);   // rows: request_id
#include <cstdint>
#include <string>
#include <vector>

#include "core/sql_value.h"
#include "core/status.h"
#include "search/sql_compiler.h"
#include "search/filter_traces.h"

namespace mlflow::store::sql {

using search::SqlQuery;

inline constexpr int64_t kTracesMaxResultsDefault = 100;
inline constexpr int64_t kTracesMaxResultsLimit = 50000;  // store limit; the REST handler allows 500

struct TraceLayout {
  bool analytics_columns = false;  // MLflow 3.17 trace_info / assessments columns exist
};

struct TraceSearchSpec {
  std::vector<int64_t> experiment_ids;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = kTracesMaxResultsDefault;
  std::string page_token;
};

struct CompiledTraceSearch {
  SqlQuery query;
  int64_t offset = 0;
  int64_t max_results = 0;
  // MLflow's rule: a full page always gets a next token.
  std::string NextPageToken(size_t rows_returned) const;
};

// INVALID_PARAMETER_VALUE for a bad filter, order_by, page token or max_results (< 1 or > 50000).
Result<CompiledTraceSearch> CompileTraceSearch(const TraceSearchSpec& spec, SqlDialect dialect,
                                               const TraceLayout& layout);

}  // namespace mlflow::store::sql
