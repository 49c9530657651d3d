#pragma once
// Compiles a search request (entity scope + filter string + order_by + max_results + page token)
// into ONE parameterised SELECT that returns the primary keys of one page, in order. The store
// runs it, then loads those entities. User text never becomes SQL text: every value, key and
// pattern is a bound parameter (`?` placeholders, in order, in SqlQuery::params; the Postgres
// connection rewrites `?` to $n). Table and column names follow MLflow's schema
// (docs/reference/database.md); the optional `workspace` columns are not used.
//
//   RunSearchSpec spec;
//   spec.experiment_ids = {"0"};
//   spec.filter = "metrics.rmse < 1";
//   spec.order_by = {"metrics.rmse ASC"};
//   MLFLOW_ASSIGN_OR_RETURN(CompiledSearch c, CompileRunSearch(spec, SqlDialect::kSqlite));
//   Statement& st = conn.Prepare(c.query.sql); st.BindAll(c.query.params);
//   while (st.Step() && ids.size() < c.max_results) ids.push_back(st.Text(0));
//   std::string next = c.NextPageToken(rows_returned_by_the_query);
//
// SQLite requirements (our connections set them): PRAGMA case_sensitive_like = ON (LIKE is
// case-sensitive as in MLflow). All errors are INVALID_PARAMETER_VALUE with MLflow's messages.
// Semantics follow MLflow's SQL stores (checked query by query against MLflow 3.17.2 with
// tests/unit/search/store_diff.py): e.g. a NaN metric satisfies only `!=`; LIKE patterns on
// PostgreSQL keep PostgreSQL's backslash escape, as MLflow on PostgreSQL does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/sql_value.h"
#include "core/status.h"
#include "search/filter.h"
#include "search/order_by.h"
#include "search/page_token.h"
#include "search/run_page_token.h"

namespace mlflow::search {

struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> params;  // one per `?`, in order
};

// max_results defaults and limits (docs/reference/search.md 9.2).
inline constexpr int64_t kRunsMaxResultsDefault = 1000;
inline constexpr int64_t kRunsMaxResultsLimit = 50000;
inline constexpr int64_t kExperimentsMaxResultsDefault = 1000;  // client default; REST has none
inline constexpr int64_t kExperimentsMaxResultsLimit = 50000;
inline constexpr int64_t kRegisteredModelsMaxResultsDefault = 100;
inline constexpr int64_t kRegisteredModelsMaxResultsLimit = 1000;
inline constexpr int64_t kModelVersionsMaxResultsDefault = 200000;
inline constexpr int64_t kModelVersionsMaxResultsLimit = 200000;
inline constexpr int64_t kLoggedModelsMaxResultsDefault = 50;

// Store-level max_results checks with MLflow's messages:
//  runs / experiments: "Invalid value N for parameter 'max_results' supplied. It must be a
//    positive integer" (N < 1) / "... It must be at most 50000";
//  registered models: "Invalid value for request parameter max_results. It must be at most
//    1000, but got value N" (N < 1: "Invalid value for max_results. It must be a positive
//    integer, but got N");
//  model versions: "Invalid value for max_results. It must be a positive integer, but got N" /
//    "Invalid value for request parameter max_results. It must be at most 200000, but got value N";
//  logged models: N < 0 rejected as for runs; 0 means the default (50); no upper limit.
Status ValidateMaxResults(SearchEntity entity, int64_t max_results);

// The compiled page query plus what the store needs to build the response.
struct CompiledSearch {
  SqlQuery query;
  int64_t offset = 0;       // decoded from the page token
  int64_t max_results = 0;  // rows to return to the caller
  int64_t fetch_limit = 0;  // the LIMIT bound in the query (max_results, or max_results + 1)
  // Next page token given how many rows the query returned ("" = no further page).
  // Every entity (MLflow 3.x): only if the query returned more than max_results rows (the store drops the
  // extra row).
  std::string NextPageToken(size_t rows_returned) const;

  // Runs ordered by at most one key (see CompileRunSearch): the same page as `query`, as parts of
  // the order each walked by an index, run in order until the page is full
  // (store/sql/run_search_sql.h). Empty: run `query`.
  std::vector<SqlQuery> run_segments;
  std::vector<int> run_segment_ids;  // each part's place in the full order (keyset tokens name it)
  int64_t run_skip = 0;              // rows of the parts to skip first (an offset token)
  enum class KeyKind { kNone, kInt, kDouble, kText };
  KeyKind run_key_kind = KeyKind::kNone;  // type of the parts' second column
  std::string run_query_digest;
  // The next token after a page whose last row is `last` (segment, value, start_time, run_uuid set).
  std::string NextRunPageToken(size_t rows_returned, RunKeyset last) const;

  // internal
  bool token_when_full = false;
  std::optional<LoggedModelPageToken> logged_model_token;
};

// ---- Runs ---------------------------------------------------------------------------------
// SELECT returns one column: runs.run_uuid (TEXT), ordered: each order_by key (missing last;
// metrics: values, then NaN, then missing), then start_time DESC unless ordered by start_time,
// then run_uuid ASC. Scope: runs.experiment_id IN experiment_ids (decimal strings; empty list
// matches nothing) and lifecycle_stage per view_type.
// With at most one order_by key, run_segments splits that order into parts (rows with the key's
// value, NaN metrics, runs without the key; each by start_time present or NULL) whose ORDER BY an
// index can walk (store/sql/schema.cc, CreateExtraIndexes), each with LIMIT; a keyset token
// (run_page_token.h) for the same query starts at the row after the last one returned. Columns of
// the parts: run_uuid, the key's value (or NULL), start_time.
struct RunSearchSpec {
  std::vector<std::string> experiment_ids;
  ViewType view_type = ViewType::kActiveOnly;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = kRunsMaxResultsDefault;
  std::string page_token;
  // NaN metrics (stored as 0 with is_nan) in filters: false = MLflow 3.17 (a NaN satisfies only
  // `!=`, IEEE semantics); true = MLflow <= 3.6 (compared as the stored 0).
  bool nan_compares_as_zero = false;
};
Result<CompiledSearch> CompileRunSearch(const RunSearchSpec& spec, SqlDialect dialect);

// ---- Experiments --------------------------------------------------------------------------
// SELECT returns one column: experiments.experiment_id (INTEGER). Default order creation_time
// DESC, experiment_id ASC; with order_by, experiment_id DESC is appended unless present.
// fetch_limit = max_results + 1.
struct ExperimentSearchSpec {
  ViewType view_type = ViewType::kActiveOnly;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = kExperimentsMaxResultsDefault;
  std::string page_token;
};
Result<CompiledSearch> CompileExperimentSearch(const ExperimentSearchSpec& spec, SqlDialect dialect);

// ---- Registered models --------------------------------------------------------------------
// SELECT returns one column: registered_models.name (TEXT). Order: order_by, then name ASC unless
// present. Prompts (tag mlflow.prompt.is_prompt = 'true') are excluded unless the filter asks
// for them. fetch_limit = max_results + 1.
struct RegisteredModelSearchSpec {
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = kRegisteredModelsMaxResultsDefault;
  std::string page_token;
};
Result<CompiledSearch> CompileRegisteredModelSearch(const RegisteredModelSearchSpec& spec, SqlDialect dialect);

// ---- Model versions -----------------------------------------------------------------------
// SELECT returns two columns: model_versions.name (TEXT), model_versions.version (INTEGER).
// Versions with current_stage 'Deleted_Internal' are never returned; prompt versions excluded
// as for registered models. Default order last_updated_time DESC, name ASC, version DESC; with
// order_by, name ASC and version DESC are appended when absent. fetch_limit = max_results + 1.
struct ModelVersionSearchSpec {
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = kModelVersionsMaxResultsDefault;
  std::string page_token;
};
Result<CompiledSearch> CompileModelVersionSearch(const ModelVersionSearchSpec& spec, SqlDialect dialect);

// ---- Logged models ------------------------------------------------------------------------
// SELECT returns one column: logged_models.model_id (TEXT). Deleted models never returned.
// Order: order_by entries (missing values last; metrics by the model's latest value, optionally
// restricted to a dataset), creation_timestamp_ms DESC unless present, then model_id ASC.
// fetch_limit = max_results + 1; the token is bound to experiment_ids, filter and order_by.
struct LoggedModelDatasetFilter {
  std::string dataset_name;  // required ("`dataset_name` in the `datasets` clause must be specified.")
  std::optional<std::string> dataset_digest;
};
struct LoggedModelSearchSpec {
  std::vector<std::string> experiment_ids;
  std::string filter;
  std::vector<LoggedModelDatasetFilter> datasets;
  std::vector<LoggedModelOrderBy> order_by;
  int64_t max_results = 0;  // 0 = default (50)
  std::string page_token;
};
Result<CompiledSearch> CompileLoggedModelSearch(const LoggedModelSearchSpec& spec, SqlDialect dialect);

}  // namespace mlflow::search
