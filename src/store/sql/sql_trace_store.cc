#include "store/sql/sql_trace_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/ids.h"
#include "core/limits.h"
#include "core/validation.h"
#include "store/sql/in_list.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/trace_metrics_sql.h"
#include "store/sql/trace_search_sql.h"
#include "tracing/json.h"
#include "tracing/trace_rules.h"

namespace mlflow::store::sql {
namespace {

using tracing::Json;
using tracing::TraceAnalytics;

Status TraceNotFound(const std::string& id) { return Status::NotFound("Trace with ID '" + id + "' not found."); }

Result<int64_t> ParseExperimentIdValue(const std::string& id) {
  size_t from = (!id.empty() && (id[0] == '-' || id[0] == '+')) ? 1 : 0;
  if (id.size() <= from || id.size() > 18 || !std::all_of(id.begin() + static_cast<std::ptrdiff_t>(from), id.end(), ::isdigit)) {
    return Status::InvalidParameter("Invalid experiment ID '" + id + "'. Experiment ID must be a valid integer.");
  }
  return static_cast<int64_t>(std::stoll(id));
}

struct ExperimentRow {
  int64_t id = 0;
  std::string artifact_location;
  std::string lifecycle_stage;
};

Result<ExperimentRow> LoadExperimentRow(Connection& c, int64_t id) {
  auto st = c.Prepare("SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?");
  st->Bind(1, id);
  if (!st->Step()) return Status::NotFound("No Experiment with id=" + std::to_string(id) + " exists");
  ExperimentRow e;
  e.id = id;
  e.artifact_location = st->IsNull(0) ? "" : st->Text(0);
  e.lifecycle_stage = st->IsNull(1) ? "" : st->Text(1);
  return e;
}

Status CheckActive(const ExperimentRow& e) {
  if (e.lifecycle_stage != kLifecycleActive) {
    return Status::InvalidParameter("The experiment " + std::to_string(e.id) +
                                    " must be in the 'active' state. Current state is " + e.lifecycle_stage + ".");
  }
  return Status();
}

std::string TraceArtifactLocation(const ExperimentRow& e, const std::string& trace_id) {
  return AppendToUriPath(AppendToUriPath(AppendToUriPath(e.artifact_location, "traces"), trace_id), "artifacts");
}

std::optional<std::string> OptText(Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}
std::optional<int64_t> OptInt(Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Int(col);
}
std::optional<double> OptDouble(Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Double(col);
}
void BindOpt(Statement& st, int i, const std::optional<std::string>& v) {
  if (v) st.Bind(i, *v);
  else st.BindNull(i);
}
void BindOpt(Statement& st, int i, const std::optional<int64_t>& v) {
  if (v) st.Bind(i, *v);
  else st.BindNull(i);
}
void BindOpt(Statement& st, int i, const std::optional<double>& v) {
  if (v) st.Bind(i, *v);
  else st.BindNull(i);
}

const std::string* FindKv(const std::vector<KeyValue>& kvs, const std::string& key) {
  for (const auto& kv : kvs)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

// Key/value child rows (trace_tags, trace_request_metadata): insert or replace.
void UpsertKv(Connection& c, const char* table, const std::string& trace_id, const std::string& key,
              const std::string& value) {
  auto st = c.Prepare(std::string("INSERT INTO ") + table +
                      " (\"key\", value, request_id) VALUES (?, ?, ?) ON CONFLICT (\"key\", request_id) DO UPDATE SET "
                      "value = excluded.value");
  st->Bind(1, key);
  st->Bind(2, value);
  st->Bind(3, trace_id);
  st->Execute();
}

int64_t DeleteKv(Connection& c, const char* table, const std::string& trace_id, const std::string& key) {
  auto st = c.Prepare(std::string("DELETE FROM ") + table + " WHERE request_id = ? AND \"key\" = ?");
  st->Bind(1, trace_id);
  st->Bind(2, key);
  return st->Execute();
}

std::optional<std::string> GetKv(Connection& c, const char* table, const std::string& trace_id, const std::string& key) {
  auto st = c.Prepare(std::string("SELECT value FROM ") + table + " WHERE request_id = ? AND \"key\" = ?");
  st->Bind(1, trace_id);
  st->Bind(2, key);
  if (!st->Step()) return std::nullopt;
  return st->IsNull(0) ? std::optional<std::string>("") : st->Text(0);
}

// The trace-level values MLflow 3.17 keeps in columns: read and written per layout.
struct Analytics {
  std::optional<std::string> trace_name;
  TraceAnalytics a;
  bool operator==(const Analytics& o) const {
    return trace_name == o.trace_name && a.session_id == o.a.session_id && a.tokens == o.a.tokens && a.costs == o.a.costs;
  }
};

constexpr const char* kAnalyticsColumns =
    "trace_name, session_id, input_tokens, output_tokens, total_tokens, cache_read_input_tokens, "
    "cache_creation_input_tokens, cache_creation_input_tokens_above_1hr, input_cost, output_cost, total_cost";

Analytics AnalyticsFromColumns(Statement& st, int first) {
  Analytics an;
  an.trace_name = OptText(st, first);
  an.a.session_id = OptText(st, first + 1);
  for (size_t i = 0; i < 6; ++i) an.a.tokens[i] = OptInt(st, first + 2 + static_cast<int>(i));
  for (size_t i = 0; i < 3; ++i) an.a.costs[i] = OptDouble(st, first + 8 + static_cast<int>(i));
  return an;
}

// Tag / metadata rows of the older layout as analytics values.
void AnalyticsFromRow(Analytics& an, const std::string& key, const std::string& value, bool is_tag) {
  if (is_tag) {
    if (key == kTagTraceName) an.trace_name = value;
    return;
  }
  auto object = [](const std::string& text) {
    std::optional<Json> v = PyJsonLoads(text);
    return v && v->is_object() ? *v : Json::object();
  };
  if (key == kMetaSession) {
    an.a.session_id = value;
  } else if (key == kMetaTokenUsage) {
    Json j = object(value);
    for (size_t i = 0; i < tracing::kTokenKeys.size(); ++i) {
      auto it = j.find(tracing::kTokenKeys[i]);
      an.a.tokens[i] = it == j.end() ? std::nullopt : tracing::TokenCount(*it);
    }
  } else if (key == kMetaCost) {
    Json j = object(value);
    for (size_t i = 0; i < tracing::kCostKeys.size(); ++i) {
      auto it = j.find(tracing::kCostKeys[i]);
      an.a.costs[i] = it == j.end() ? std::nullopt : tracing::FiniteFloat(*it);
    }
  }
}

struct Layout {
  bool analytics = false;
  bool payload_generation = false;  // trace_info.db_payload_generation (MLflow 3.17's archival)
};

Analytics LoadAnalytics(Connection& c, const Layout& layout, const std::string& trace_id) {
  Analytics an;
  if (layout.analytics) {
    auto st = c.Prepare(std::string("SELECT ") + kAnalyticsColumns + " FROM trace_info WHERE request_id = ?");
    st->Bind(1, trace_id);
    if (st->Step()) an = AnalyticsFromColumns(*st, 0);
    return an;
  }
  if (auto name = GetKv(c, "trace_tags", trace_id, kTagTraceName)) an.trace_name = *name;
  for (const char* key : {kMetaSession, kMetaTokenUsage, kMetaCost}) {
    if (auto v = GetKv(c, "trace_request_metadata", trace_id, key)) AnalyticsFromRow(an, key, *v, false);
  }
  return an;
}

void WriteAnalytics(Connection& c, const Layout& layout, const std::string& trace_id, const Analytics& before,
                    const Analytics& after) {
  if (before == after) return;
  if (layout.analytics) {
    auto st = c.Prepare(
        "UPDATE trace_info SET trace_name = ?, session_id = ?, input_tokens = ?, output_tokens = ?, total_tokens = ?, "
        "cache_read_input_tokens = ?, cache_creation_input_tokens = ?, cache_creation_input_tokens_above_1hr = ?, "
        "input_cost = ?, output_cost = ?, total_cost = ? WHERE request_id = ?");
    BindOpt(*st, 1, after.trace_name);
    BindOpt(*st, 2, after.a.session_id);
    for (size_t i = 0; i < 6; ++i) BindOpt(*st, 3 + static_cast<int>(i), after.a.tokens[i]);
    for (size_t i = 0; i < 3; ++i) BindOpt(*st, 9 + static_cast<int>(i), after.a.costs[i]);
    st->Bind(12, trace_id);
    st->Execute();
    return;
  }
  auto put = [&](const char* table, const char* key, const std::optional<std::string>& old_value,
                 const std::optional<std::string>& new_value) {
    if (old_value == new_value) return;
    if (new_value) {
      UpsertKv(c, table, trace_id, key, *new_value);
    } else {
      DeleteKv(c, table, trace_id, key);
    }
  };
  put("trace_tags", kTagTraceName, before.trace_name, after.trace_name);
  put("trace_request_metadata", kMetaSession, before.a.session_id, after.a.session_id);
  put("trace_request_metadata", kMetaTokenUsage, tracing::TokenUsageJson(before.a), tracing::TokenUsageJson(after.a));
  put("trace_request_metadata", kMetaCost, tracing::CostJson(before.a), tracing::CostJson(after.a));
}

// ---- assessments ----

constexpr const char* kAssessmentColumns =
    "assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp, "
    "source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata";

Assessment AssessmentFromRow(Statement& st) {
  Assessment a;
  a.assessment_id = st.Text(0);
  a.trace_id = st.Text(1);
  a.name = st.Text(2);
  a.assessment_type = st.Text(3);
  a.value_json = st.Text(4);
  a.error_json = OptText(st, 5);
  a.created_timestamp = st.Int(6);
  a.last_updated_timestamp = st.Int(7);
  a.source_type = st.Text(8);
  a.source_id = OptText(st, 9);
  a.run_id = OptText(st, 10);
  a.span_id = OptText(st, 11);
  a.rationale = OptText(st, 12);
  a.overrides = OptText(st, 13);
  a.valid = !st.IsNull(14) && st.Int(14) != 0;
  a.metadata_json = OptText(st, 15);
  return a;
}

// Inserts (or, for `replace`, overwrites) an assessment row; the newer layout also gets the
// trace's experiment and timestamp and the value's numeric aggregate.
void WriteAssessment(Connection& c, const Layout& layout, const Assessment& a, int64_t experiment_id,
                     int64_t trace_timestamp_ms, bool replace) {
  std::string cols = kAssessmentColumns;
  std::string marks = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  if (layout.analytics) {
    cols += ", experiment_id, trace_timestamp_ms, aggregate_value, is_numeric_value";
    marks += ", ?, ?, ?, ?";
  }
  std::string sql = "INSERT INTO assessments (" + cols + ") VALUES (" + marks + ")";
  if (replace) {
    sql += " ON CONFLICT (assessment_id) DO UPDATE SET trace_id = excluded.trace_id, name = excluded.name, "
           "assessment_type = excluded.assessment_type, value = excluded.value, error = excluded.error, "
           "created_timestamp = excluded.created_timestamp, last_updated_timestamp = excluded.last_updated_timestamp, "
           "source_type = excluded.source_type, source_id = excluded.source_id, run_id = excluded.run_id, "
           "span_id = excluded.span_id, rationale = excluded.rationale, overrides = excluded.overrides, "
           "valid = excluded.valid, assessment_metadata = excluded.assessment_metadata";
    if (layout.analytics) {
      sql += ", experiment_id = excluded.experiment_id, trace_timestamp_ms = excluded.trace_timestamp_ms, "
             "aggregate_value = excluded.aggregate_value, is_numeric_value = excluded.is_numeric_value";
    }
  }
  auto st = c.Prepare(sql);
  st->Bind(1, a.assessment_id);
  st->Bind(2, a.trace_id);
  st->Bind(3, a.name);
  st->Bind(4, a.assessment_type);
  st->Bind(5, a.value_json);
  BindOpt(*st, 6, a.error_json);
  st->Bind(7, a.created_timestamp);
  st->Bind(8, a.last_updated_timestamp);
  st->Bind(9, a.source_type);
  BindOpt(*st, 10, a.source_id);
  BindOpt(*st, 11, a.run_id);
  BindOpt(*st, 12, a.span_id);
  BindOpt(*st, 13, a.rationale);
  BindOpt(*st, 14, a.overrides);
  st->Bind(15, int64_t{a.valid ? 1 : 0});
  BindOpt(*st, 16, a.metadata_json);
  if (layout.analytics) {
    st->Bind(17, experiment_id);
    st->Bind(18, trace_timestamp_ms);
    std::optional<Json> value = PyJsonLoads(a.value_json);
    auto [agg, numeric] = value ? tracing::AssessmentAggregate(*value) : std::make_pair(std::optional<double>(), false);
    BindOpt(*st, 19, agg);
    st->Bind(20, int64_t{numeric ? 1 : 0});
  }
  st->Execute();
}

// ---- trace infos ----

struct TraceRow {
  TraceInfo info;
  Analytics analytics;
};

std::string TraceRowColumns(const Layout& layout) {
  std::string cols =
      "request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, "
      "response_preview";
  if (layout.analytics) cols += std::string(", ") + kAnalyticsColumns;
  return cols;
}

TraceRow TraceRowFrom(Statement& st, const Layout& layout) {
  TraceRow r;
  r.info.trace_id = st.Text(0);
  r.info.experiment_id = std::to_string(st.Int(1));
  r.info.request_time_ms = st.Int(2);
  r.info.execution_duration_ms = OptInt(st, 3);
  r.info.state = st.Text(4);
  r.info.client_request_id = OptText(st, 5);
  r.info.request_preview = OptText(st, 6);
  r.info.response_preview = OptText(st, 7);
  if (layout.analytics) r.analytics = AnalyticsFromColumns(st, 8);
  return r;
}

// Trace infos of `ids` (missing ones skipped), in the order of `ids`, as MLflow renders them.
std::vector<TraceInfo> LoadTraceInfos(Connection& c, const Layout& layout, const std::vector<std::string>& ids,
                                      const std::optional<std::vector<int64_t>>& experiment_ids = std::nullopt) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& id : ids)
    if (seen.insert(id).second) unique.push_back(id);
  std::unordered_map<std::string, TraceRow> rows;
  const std::string cols = TraceRowColumns(layout);
  for (const InListChunk& chunk : SplitInList(unique.size())) {
    auto st = c.Prepare("SELECT " + cols + " FROM trace_info WHERE request_id IN " + chunk.placeholders);
    BindInList(*st, 1, unique, chunk);
    while (st->Step()) {
      TraceRow r = TraceRowFrom(*st, layout);
      if (experiment_ids &&
          std::find(experiment_ids->begin(), experiment_ids->end(), std::stoll(r.info.experiment_id)) ==
              experiment_ids->end()) {
        continue;
      }
      std::string id = r.info.trace_id;
      rows.emplace(std::move(id), std::move(r));
    }
  }
  std::vector<std::string> found;
  for (const auto& id : unique)
    if (rows.count(id)) found.push_back(id);
  for (const InListChunk& chunk : SplitInList(found.size())) {
    // Rows in the order they were written (as MLflow lists them: no ORDER BY, index order).
    // MySQL has no row address: there the primary key's order is the table order.
    const std::string row_order = c.dialect() == Dialect::kPostgres ? ", ctid" : c.dialect() == Dialect::kSqlite ? ", rowid" : "";
    auto tags = c.Prepare("SELECT request_id, \"key\", value FROM trace_tags WHERE request_id IN " + chunk.placeholders +
                          " ORDER BY request_id" + row_order);
    BindInList(*tags, 1, found, chunk);
    while (tags->Step()) {
      TraceRow& r = rows.at(tags->Text(0));
      std::string key = tags->Text(1);
      std::string value = tags->IsNull(2) ? "" : tags->Text(2);
      if (key == kTagTraceName) {
        // MLflow 3.17 renders the trace name (a column there) after the other tags.
        if (!layout.analytics) r.analytics.trace_name = value;
        continue;
      }
      r.info.tags.push_back({key, std::move(value)});
    }
    auto meta = c.Prepare("SELECT request_id, \"key\", value FROM trace_request_metadata WHERE request_id IN " +
                          chunk.placeholders + " ORDER BY request_id" + row_order);
    BindInList(*meta, 1, found, chunk);
    while (meta->Step()) {
      TraceRow& r = rows.at(meta->Text(0));
      std::string key = meta->Text(1);
      std::string value = meta->IsNull(2) ? "" : meta->Text(2);
      if (tracing::IsPromotedMetadataKey(key)) {
        // Columns in MLflow 3.17, rendered after the other metadata.
        if (!layout.analytics) AnalyticsFromRow(r.analytics, key, value, false);
        continue;
      }
      r.info.trace_metadata.push_back({key, std::move(value)});
    }
    // MLflow reads them through the (trace_id, created_timestamp) index: ties in write order.
    auto as = c.Prepare(std::string("SELECT ") + kAssessmentColumns + " FROM assessments WHERE trace_id IN " +
                        chunk.placeholders + " ORDER BY trace_id, created_timestamp" + row_order);
    BindInList(*as, 1, found, chunk);
    while (as->Step()) {
      Assessment a = AssessmentFromRow(*as);
      rows.at(a.trace_id).info.assessments.push_back(std::move(a));
    }
  }
  std::vector<TraceInfo> out;
  for (const auto& id : found) {
    TraceRow& r = rows.at(id);
    // The analytics values back to the tag / metadata MLflow 3.17 renders them as.
    if (r.analytics.trace_name) r.info.tags.push_back({kTagTraceName, *r.analytics.trace_name});
    if (r.analytics.a.session_id) r.info.trace_metadata.push_back({kMetaSession, *r.analytics.a.session_id});
    if (auto t = tracing::TokenUsageJson(r.analytics.a)) r.info.trace_metadata.push_back({kMetaTokenUsage, *t});
    if (auto cost = tracing::CostJson(r.analytics.a)) r.info.trace_metadata.push_back({kMetaCost, *cost});
    out.push_back(std::move(r.info));
  }
  return out;
}

Result<TraceInfo> LoadTraceInfo(Connection& c, const Layout& layout, const std::string& id) {
  std::vector<TraceInfo> infos = LoadTraceInfos(c, layout, {id});
  if (infos.empty()) return TraceNotFound(id);
  return std::move(infos.front());
}

// The trace row for a read-modify-write: locked on PostgreSQL (SQLite has one writer).
std::optional<TraceRow> LockTraceRow(Connection& c, const Layout& layout, const std::string& id) {
  std::string sql = "SELECT " + TraceRowColumns(layout) + " FROM trace_info WHERE request_id = ?";
  if (c.dialect() != Dialect::kSqlite) sql += " FOR UPDATE";
  auto st = c.Prepare(sql);
  st->Bind(1, id);
  if (!st->Step()) return std::nullopt;
  TraceRow r = TraceRowFrom(*st, layout);
  if (!layout.analytics) r.analytics = LoadAnalytics(c, layout, id);
  return r;
}

// True unless the trace's spans live outside the tracking store (archived).
bool SpansWritable(Connection& c, const std::string& id) {
  std::optional<std::string> loc = GetKv(c, "trace_tags", id, kTagSpansLocation);
  return !loc || *loc == kSpansLocationTrackingStore;
}

void AdvancePayloadGeneration(Connection& c, const Layout& layout, const std::string& id) {
  if (!layout.payload_generation) return;
  auto st = c.Prepare("UPDATE trace_info SET db_payload_generation = db_payload_generation + 1 WHERE request_id = ?");
  st->Bind(1, id);
  st->Execute();
}

// Stored span JSON of a trace: roots first, then by start time (ties by span id).
std::vector<std::string> LoadSpanContents(Connection& c, const std::string& trace_id) {
  auto st = c.Prepare(
      "SELECT content, parent_span_id, start_time_unix_nano FROM spans WHERE trace_id = ? ORDER BY span_id");
  st->Bind(1, trace_id);
  struct Row {
    bool root;
    int64_t start;
    std::string content;
  };
  std::vector<Row> rows;
  while (st->Step()) {
    std::string content = st->Text(0);
    if (content.empty()) continue;  // payload cleared by archival
    rows.push_back({st->IsNull(1), st->Int(2), std::move(content)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.root != b.root) return a.root;
    return a.start < b.start;
  });
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(std::move(r.content));
  return out;
}

bool SpansInStore(const TraceInfo& info) {
  const std::string* loc = FindKv(info.tags, kTagSpansLocation);
  return loc && *loc == kSpansLocationTrackingStore;
}

// The span count the trace's size statistics announce (0 when unknown).
int64_t ExpectedSpans(const TraceInfo& info) {
  const std::string* stats = FindKv(info.trace_metadata, kMetaSizeStats);
  if (!stats) return 0;
  std::optional<Json> j = PyJsonLoads(*stats);
  if (!j || !j->is_object()) return 0;
  auto it = j->find("num_spans");
  if (it == j->end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

bool Complete(const TraceData& d) {
  if (d.span_contents.empty()) return false;
  return static_cast<int64_t>(d.span_contents.size()) >= ExpectedSpans(d.info);
}

Result<std::vector<int64_t>> ParseExperimentIds(const std::vector<std::string>& ids) {
  std::vector<int64_t> out;
  for (const auto& id : ids) {
    MLFLOW_ASSIGN_OR_RETURN(int64_t v, ParseExperimentIdValue(id));
    out.push_back(v);
  }
  return out;
}

void UpsertSpan(Connection& c, const Layout& layout, const SpanRecord& s, int64_t experiment_id) {
  std::string cols =
      "trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, "
      "content";
  std::string marks = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  std::string updates =
      "experiment_id = excluded.experiment_id, parent_span_id = excluded.parent_span_id, name = excluded.name, "
      "type = excluded.type, status = excluded.status, start_time_unix_nano = excluded.start_time_unix_nano, "
      "end_time_unix_nano = excluded.end_time_unix_nano, content = excluded.content";
  if (layout.analytics) {
    cols += ", input_cost, output_cost, total_cost, model_name, model_provider";
    marks += ", ?, ?, ?, ?, ?";
    updates +=
        ", input_cost = excluded.input_cost, output_cost = excluded.output_cost, total_cost = excluded.total_cost, "
        "model_name = excluded.model_name, model_provider = excluded.model_provider";
  }
  auto st = c.Prepare("INSERT INTO spans (" + cols + ") VALUES (" + marks + ") ON CONFLICT (trace_id, span_id) DO UPDATE SET " +
                      updates);
  st->Bind(1, s.trace_id);
  st->Bind(2, experiment_id);
  st->Bind(3, s.span_id);
  BindOpt(*st, 4, s.parent_span_id);
  st->Bind(5, s.name);
  BindOpt(*st, 6, s.type);
  st->Bind(7, s.status);
  st->Bind(8, s.start_time_unix_nano);
  st->Bind(9, s.end_time_unix_nano);
  st->Bind(10, s.content);
  if (layout.analytics) {
    BindOpt(*st, 11, s.input_cost);
    BindOpt(*st, 12, s.output_cost);
    BindOpt(*st, 13, s.total_cost);
    BindOpt(*st, 14, s.model_name);
    BindOpt(*st, 15, s.model_provider);
  }
  st->Execute();
}

// Usage or cost nodes of a trace's stored spans (except those in `skip`), for re-aggregation.
void StoredNodes(Connection& c, const std::string& trace_id, const std::set<std::string>& skip,
                 std::vector<tracing::AggregationNode>* usage, std::vector<tracing::AggregationNode>* cost) {
  auto st = c.Prepare("SELECT span_id, parent_span_id, content FROM spans WHERE trace_id = ? AND content != ''");
  st->Bind(1, trace_id);
  while (st->Step()) {
    std::string span_id = st->Text(0);
    if (skip.count(span_id)) continue;
    std::optional<std::string> parent = OptText(*st, 1);
    std::string content = st->Text(2);
    if (usage) usage->push_back(tracing::MakeAggregationNode(span_id, parent, tracing::StoredAttribute(content, "mlflow.chat.tokenUsage")));
    if (cost) cost->push_back(tracing::MakeAggregationNode(span_id, parent, tracing::StoredAttribute(content, "mlflow.llm.cost")));
  }
}

Status TagValueError(const std::string& key, const std::string& value, std::string* out_value) {
  MLFLOW_RETURN_IF_ERROR(validation::ValidateKey(key, "key", "key"));
  if (validation::CharLength(value) > limits::kMaxTraceTagStoredValueChars) {
    if (!validation::TruncateLongValues()) return validation::TooLong("value", limits::kMaxTraceTagStoredValueChars);
    *out_value = validation::TruncateChars(value, limits::kMaxTraceTagStoredValueChars);
    return Status();
  }
  *out_value = value;
  return Status();
}

}  // namespace

SqlTraceStore::SqlTraceStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

Status SqlTraceStore::Initialize() {
  return db_->ReadTx([&](Connection& c) -> Status {
    analytics_ = c.HasColumn("trace_info", "trace_name") && c.HasColumn("assessments", "aggregate_value") &&
                 c.HasColumn("spans", "input_cost");
    payload_generation_ = c.HasColumn("trace_info", "db_payload_generation");
    has_review_queue_items_ = c.HasTable("review_queue_items");
    return Status();
  });
}

Result<TraceInfo> SqlTraceStore::StartTrace(const TraceInfo& in) {
  const std::string* name = FindKv(in.tags, kTagTraceName);
  if (name) MLFLOW_RETURN_IF_ERROR(tracing::ValidateTraceName(*name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t experiment_id, ParseExperimentIdValue(in.experiment_id));
  MLFLOW_ASSIGN_OR_RETURN(tracing::AnalyticsUpdate update, tracing::AnalyticsFromMetadata(in.trace_metadata));
  const Layout layout{analytics_, payload_generation_};
  const std::string& id = in.trace_id;
  std::optional<TraceInfo> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(ExperimentRow e, LoadExperimentRow(c, experiment_id));
    MLFLOW_RETURN_IF_ERROR(CheckActive(e));
    std::vector<KeyValue> tags;
    for (const auto& t : in.tags)
      if (t.key != kTagTraceName) tags.push_back(t);
    tags.push_back({kTagArtifactLocation, TraceArtifactLocation(e, id)});
    std::map<std::string, std::string> metadata;
    for (const auto& m : in.trace_metadata)
      if (!tracing::IsPromotedMetadataKey(m.key)) metadata[m.key] = m.value;
    metadata[kMetaInfoFinalized] = "true";

    std::optional<TraceRow> existing = LockTraceRow(c, layout, id);
    Analytics before = existing ? existing->analytics : Analytics{};
    Analytics after = before;
    if (name) after.trace_name = *name;
    update.ApplyTo(after.a);
    if (!existing) {
      auto ins = c.Prepare(
          "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, "
          "request_preview, response_preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      ins->Bind(1, id);
      ins->Bind(2, experiment_id);
      ins->Bind(3, in.request_time_ms);
      BindOpt(*ins, 4, in.execution_duration_ms);
      ins->Bind(5, in.state);
      BindOpt(*ins, 6, in.client_request_id);
      BindOpt(*ins, 7, in.request_preview);
      BindOpt(*ins, 8, in.response_preview);
      ins->Execute();
    } else {
      if (!SpansWritable(c, id)) {
        return Status::InvalidState("Cannot update traces that are no longer DB-backed: '" + id + "'.");
      }
      AdvancePayloadGeneration(c, layout, id);
      std::string sql =
          "UPDATE trace_info SET experiment_id = ?, timestamp_ms = ?, execution_time_ms = ?, status = ?, "
          "client_request_id = ?";
      if (in.request_preview) sql += ", request_preview = ?";
      if (in.response_preview) sql += ", response_preview = ?";
      sql += " WHERE request_id = ?";
      auto up = c.Prepare(sql);
      int i = 1;
      up->Bind(i++, experiment_id);
      up->Bind(i++, in.request_time_ms);
      BindOpt(*up, i++, in.execution_duration_ms);
      up->Bind(i++, in.state);
      BindOpt(*up, i++, in.client_request_id);
      if (in.request_preview) up->Bind(i++, *in.request_preview);
      if (in.response_preview) up->Bind(i++, *in.response_preview);
      up->Bind(i, id);
      up->Execute();
      auto spans = c.Prepare("UPDATE spans SET experiment_id = ? WHERE trace_id = ?");
      spans->Bind(1, experiment_id);
      spans->Bind(2, id);
      spans->Execute();
      if (layout.analytics) {
        auto as = c.Prepare("UPDATE assessments SET experiment_id = ?, trace_timestamp_ms = ? WHERE trace_id = ?");
        as->Bind(1, experiment_id);
        as->Bind(2, in.request_time_ms);
        as->Bind(3, id);
        as->Execute();
      }
    }
    WriteAnalytics(c, layout, id, before, after);
    for (const auto& t : tags) UpsertKv(c, "trace_tags", id, t.key, t.value);
    for (const auto& [k, v] : metadata) UpsertKv(c, "trace_request_metadata", id, k, v);
    for (Assessment a : in.assessments) {
      if (a.assessment_id.empty()) a.assessment_id = "a-" + NewUuidHex();
      a.trace_id = id;
      a.valid = true;
      WriteAssessment(c, layout, a, experiment_id, in.request_time_ms, /*replace=*/existing.has_value());
    }
    MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, LoadTraceInfo(c, layout, id));
    out = std::move(info);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<TraceInfo> SqlTraceStore::GetTraceInfo(const std::string& trace_id) {
  const Layout layout{analytics_, payload_generation_};
  return db_->Read<TraceInfo>([&](Connection& c) { return LoadTraceInfo(c, layout, trace_id); });
}

Result<std::vector<TraceInfo>> SqlTraceStore::BatchGetTraceInfos(
    const std::vector<std::string>& trace_ids, const std::optional<std::vector<std::string>>& experiment_ids) {
  if (trace_ids.empty()) return std::vector<TraceInfo>();
  std::optional<std::vector<int64_t>> exp;
  if (experiment_ids) {
    MLFLOW_ASSIGN_OR_RETURN(exp, ParseExperimentIds(*experiment_ids));
  }
  const Layout layout{analytics_, payload_generation_};
  return db_->Read<std::vector<TraceInfo>>(
      [&](Connection& c) -> Result<std::vector<TraceInfo>> { return LoadTraceInfos(c, layout, trace_ids, exp); });
}

Result<TraceData> SqlTraceStore::ReadTrace(const std::string& trace_id) {
  const Layout layout{analytics_, payload_generation_};
  return db_->Read<TraceData>([&](Connection& c) -> Result<TraceData> {
    std::vector<TraceInfo> infos = LoadTraceInfos(c, layout, {trace_id});
    if (infos.empty()) return Status::NotFound("Trace with ID " + trace_id + " is not found.");
    TraceData d;
    d.info = std::move(infos.front());
    d.spans_in_store = SpansInStore(d.info);
    if (d.spans_in_store) d.span_contents = LoadSpanContents(c, trace_id);
    return d;
  });
}

Result<TraceData> SqlTraceStore::GetTrace(const std::string& trace_id, bool allow_partial) {
  // MLflow retries a trace whose spans are still arriving (asynchronous export) after 1 s and 2 s.
  for (int attempt = 0; attempt < 3; ++attempt) {
    MLFLOW_ASSIGN_OR_RETURN(TraceData d, ReadTrace(trace_id));
    if (!d.spans_in_store) {
      const std::string* loc = FindKv(d.info.tags, kTagSpansLocation);
      if (loc && *loc == kSpansLocationArchiveRepo) {
        return Status::Internal("Trace " + trace_id + " is archived; reading archived trace payloads is not supported by this server");
      }
      return Status::Internal("Trace data not stored in tracking store");
    }
    if (allow_partial || Complete(d)) return d;
    if (attempt < 2) std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
  }
  return Status::NotFound("Trace with ID " + trace_id + " is not fully exported yet, please try again later.");
}

Result<std::vector<TraceData>> SqlTraceStore::BatchGetTraces(const std::vector<std::string>& trace_ids,
                                                             const std::optional<std::vector<std::string>>& experiment_ids) {
  if (trace_ids.empty()) return std::vector<TraceData>();
  std::optional<std::vector<int64_t>> exp;
  if (experiment_ids) {
    MLFLOW_ASSIGN_OR_RETURN(exp, ParseExperimentIds(*experiment_ids));
  }
  const Layout layout{analytics_, payload_generation_};
  return db_->Read<std::vector<TraceData>>([&](Connection& c) -> Result<std::vector<TraceData>> {
    std::vector<TraceData> out;
    for (TraceInfo& info : LoadTraceInfos(c, layout, trace_ids, exp)) {
      TraceData d;
      d.info = std::move(info);
      d.spans_in_store = SpansInStore(d.info);
      if (!d.spans_in_store) return Status::Internal("Trace data not stored in tracking store");
      d.span_contents = LoadSpanContents(c, d.info.trace_id);
      if (Complete(d)) out.push_back(std::move(d));
    }
    return out;
  });
}

Status SqlTraceStore::LogSpans(const std::string& location, const std::vector<tracing::TraceSpanBatch>& batches) {
  if (batches.empty()) return Status();
  const Layout layout{analytics_, payload_generation_};
  return db_->Write([&](Connection& c) -> Status {
    std::optional<ExperimentRow> experiment;
    // Sorted by trace id, as MLflow updates traces (a stable lock order across writers).
    std::vector<const tracing::TraceSpanBatch*> order;
    for (const auto& b : batches) order.push_back(&b);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->trace_id < b->trace_id; });
    for (const tracing::TraceSpanBatch* bp : order) {
      const tracing::TraceSpanBatch& b = *bp;
      const std::string& id = b.trace_id;
      std::optional<TraceRow> row = LockTraceRow(c, layout, id);
      const bool created = !row;
      if (created) {
        if (!experiment) {
          MLFLOW_ASSIGN_OR_RETURN(int64_t eid, ParseExperimentIdValue(location));
          MLFLOW_ASSIGN_OR_RETURN(ExperimentRow e, LoadExperimentRow(c, eid));
          experiment = e;
        }
        auto ins = c.Prepare(
            "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) "
            "VALUES (?, ?, ?, ?, ?)");
        ins->Bind(1, id);
        ins->Bind(2, experiment->id);
        ins->Bind(3, b.min_start_ms);
        if (b.max_end_ms && *b.max_end_ms) {
          ins->Bind(4, *b.max_end_ms - b.min_start_ms);
        } else {
          ins->BindNull(4);
        }
        ins->Bind(5, b.root_state ? *b.root_state : std::string(kTraceStateInProgress));
        ins->Execute();
        UpsertKv(c, "trace_tags", id, kTagArtifactLocation, TraceArtifactLocation(*experiment, id));
        row = LockTraceRow(c, layout, id);
        if (!row) return Status::Internal("trace " + id + " vanished while logging its spans");
      } else if (!SpansWritable(c, id)) {
        return Status::InvalidState("Cannot log spans to traces that are no longer DB-backed: '" + id + "'.");
      }
      const TraceRow& tr = *row;
      const int64_t experiment_id = std::stoll(tr.info.experiment_id);
      std::set<std::string> batch_span_ids;
      for (const SpanRecord& s : b.spans) {
        UpsertSpan(c, layout, s, experiment_id);
        batch_span_ids.insert(s.span_id);
      }
      const bool finalized = GetKv(c, "trace_request_metadata", id, kMetaInfoFinalized).has_value();

      // Time range and status (start_trace's values win once it has run).
      int64_t old_ts = tr.info.request_time_ms;
      int64_t new_ts = old_ts;
      std::optional<int64_t> new_exec = tr.info.execution_duration_ms;
      if (!finalized) {
        new_ts = std::min(old_ts, b.min_start_ms);
        if (b.max_end_ms) {
          int64_t end = *b.max_end_ms;
          if (tr.info.execution_duration_ms && old_ts + *tr.info.execution_duration_ms > end) {
            end = old_ts + *tr.info.execution_duration_ms;
          }
          new_exec = end - new_ts;
        }
      }
      std::string state = tr.info.state;
      if ((state == kTraceStateInProgress || state == kTraceStateUnspecified) && b.root_state) state = *b.root_state;
      std::optional<std::string> request_preview = tr.info.request_preview;
      std::optional<std::string> response_preview = tr.info.response_preview;
      if (!request_preview && b.request_preview) request_preview = b.request_preview;
      if (!response_preview && b.response_preview) response_preview = b.response_preview;
      auto up = c.Prepare(
          "UPDATE trace_info SET timestamp_ms = ?, execution_time_ms = ?, status = ?, request_preview = ?, "
          "response_preview = ? WHERE request_id = ?");
      up->Bind(1, new_ts);
      BindOpt(*up, 2, new_exec);
      up->Bind(3, state);
      BindOpt(*up, 4, request_preview);
      BindOpt(*up, 5, response_preview);
      up->Bind(6, id);
      up->Execute();
      if (layout.analytics && new_ts != old_ts) {
        auto as = c.Prepare("UPDATE assessments SET trace_timestamp_ms = ? WHERE trace_id = ?");
        as->Bind(1, new_ts);
        as->Bind(2, id);
        as->Execute();
      }

      // Analytics: trace name from the root's tags; usage and cost unless start_trace wrote them.
      Analytics after = tr.analytics;
      for (const auto& t : b.root_tags)
        if (t.key == kTagTraceName) after.trace_name = t.value;
      const bool usage_authoritative = finalized && tr.analytics.a.has_tokens();
      const bool cost_authoritative = finalized && tr.analytics.a.has_costs();
      std::optional<Json> usage = b.usage;
      std::optional<Json> cost = b.cost;
      if (!created && ((usage && !usage_authoritative) || (cost && !cost_authoritative))) {
        // Spans of earlier batches count too: aggregate over the whole stored tree.
        std::vector<tracing::AggregationNode> usage_nodes = b.usage_nodes;
        std::vector<tracing::AggregationNode> cost_nodes = b.cost_nodes;
        StoredNodes(c, id, batch_span_ids, usage && !usage_authoritative ? &usage_nodes : nullptr,
                    cost && !cost_authoritative ? &cost_nodes : nullptr);
        if (usage && !usage_authoritative) {
          MLFLOW_ASSIGN_OR_RETURN(usage, tracing::AggregateUsage(usage_nodes));
        }
        if (cost && !cost_authoritative) {
          MLFLOW_ASSIGN_OR_RETURN(cost, tracing::AggregateCost(cost_nodes));
        }
      }
      if (usage && !usage_authoritative) {
        for (size_t i = 0; i < tracing::kTokenKeys.size(); ++i) {
          auto it = usage->find(tracing::kTokenKeys[i]);
          if (it == usage->end()) continue;
          if (auto n = tracing::TokenCount(*it)) after.a.tokens[i] = *n;
        }
      }
      if (cost && !cost_authoritative) {
        for (size_t i = 0; i < tracing::kCostKeys.size(); ++i) {
          auto it = cost->find(tracing::kCostKeys[i]);
          if (it == cost->end()) continue;
          if (auto d = tracing::FiniteFloat(*it)) after.a.costs[i] = *d;
        }
      }
      if (b.session_id && !b.session_id->empty() && !tr.analytics.a.session_id) after.a.session_id = *b.session_id;
      WriteAnalytics(c, layout, id, tr.analytics, after);
      if (b.user_id && !b.user_id->empty() && !GetKv(c, "trace_request_metadata", id, kMetaUser)) {
        UpsertKv(c, "trace_request_metadata", id, kMetaUser, *b.user_id);
      }
      AdvancePayloadGeneration(c, layout, id);
      UpsertKv(c, "trace_tags", id, kTagSpansLocation, kSpansLocationTrackingStore);
      for (const auto& t : b.resource_tags) UpsertKv(c, "trace_tags", id, t.key, t.value);
      for (const auto& t : b.root_tags)
        if (t.key != kTagTraceName) UpsertKv(c, "trace_tags", id, t.key, t.value);
    }
    return Status();
  });
}

Result<TracePage> SqlTraceStore::SearchTraces(const TraceSearchRequest& request) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<int64_t> experiment_ids, ParseExperimentIds(request.experiment_ids));
  TraceSearchSpec spec;
  spec.experiment_ids = std::move(experiment_ids);
  spec.filter = request.filter;
  spec.order_by = request.order_by;
  spec.max_results = request.max_results;
  spec.page_token = request.page_token;
  MLFLOW_ASSIGN_OR_RETURN(CompiledTraceSearch compiled,
                          CompileTraceSearch(spec, db_->dialect(), TraceLayout{analytics_}));
  const Layout layout{analytics_, payload_generation_};
  return db_->Read<TracePage>([&](Connection& c) -> Result<TracePage> {
    auto st = c.Prepare(compiled.query.sql);
    st->BindAll(compiled.query.params);
    std::vector<std::string> ids;
    while (st->Step()) ids.push_back(st->Text(0));
    TracePage page;
    page.next_page_token = compiled.NextPageToken(ids.size());
    page.traces = LoadTraceInfos(c, layout, ids);
    return page;
  });
}

Result<std::vector<tracing::MetricDataPoint>> SqlTraceStore::QueryTraceMetrics(const tracing::TraceMetricsQuery& q) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<int64_t> experiment_ids, ParseExperimentIds(q.experiment_ids));
  return db_->Read<std::vector<tracing::MetricDataPoint>>(
      [&](Connection& c) -> Result<std::vector<tracing::MetricDataPoint>> {
        MLFLOW_ASSIGN_OR_RETURN(std::vector<tracing::MetricSample> samples,
                                ReadMetricSamples(c, q, experiment_ids, analytics_));
        return tracing::AggregateMetricSamples(q, std::move(samples));
      });
}

Result<int64_t> SqlTraceStore::DeleteTraces(const DeleteTracesRequest& r) {
  // The argument rules (ids or age, not both; max_traces) are the service's. A request naming
  // neither selects nothing here: the store never reads it as "every trace of the experiment".
  MLFLOW_ASSIGN_OR_RETURN(int64_t experiment_id, ParseExperimentIdValue(r.experiment_id));
  if (!r.max_timestamp_millis && r.trace_ids.empty()) return int64_t{0};
  std::optional<int64_t> deleted;
  Status st = db_->Write([&](Connection& c) -> Status {
    std::string where = "experiment_id = ?";
    std::vector<SqlValue> params{experiment_id};
    if (r.max_timestamp_millis) {
      where += " AND timestamp_ms <= ?";
      params.push_back(*r.max_timestamp_millis);
    }
    std::vector<std::string> ids;
    if (!r.trace_ids.empty()) {
      for (const InListChunk& chunk : SplitInList(r.trace_ids.size())) {
        auto q = c.Prepare("SELECT request_id FROM trace_info WHERE " + where + " AND request_id IN " + chunk.placeholders);
        q->BindAll(params);
        BindInList(*q, static_cast<int>(params.size()) + 1, r.trace_ids, chunk);
        while (q->Step()) ids.push_back(q->Text(0));
      }
    } else {
      std::string sql = "SELECT request_id FROM trace_info WHERE " + where + " ORDER BY timestamp_ms, request_id";
      if (r.max_traces) {
        sql += " LIMIT ?";
        params.push_back(*r.max_traces);
      }
      auto q = c.Prepare(sql);
      q->BindAll(params);
      while (q->Step()) ids.push_back(q->Text(0));
    }
    int64_t n = 0;
    for (const InListChunk& chunk : SplitInList(ids.size())) {
      if (has_review_queue_items_) {
        auto rq = c.Prepare("DELETE FROM review_queue_items WHERE item_type = 'trace' AND item_id IN " + chunk.placeholders);
        BindInList(*rq, 1, ids, chunk);
        rq->Execute();
      }
      // Tags, metadata, spans and assessments go with the row (ON DELETE CASCADE).
      auto del = c.Prepare("DELETE FROM trace_info WHERE request_id IN " + chunk.placeholders);
      BindInList(*del, 1, ids, chunk);
      n += del->Execute();
    }
    deleted = n;
    return Status();
  });
  if (!st.ok()) return st;
  return *deleted;
}

Status SqlTraceStore::SetTraceTag(const std::string& trace_id, const std::string& key, const std::string& value) {
  std::string v;
  MLFLOW_RETURN_IF_ERROR(TagValueError(key, value, &v));
  if (key == kTagTraceName) MLFLOW_RETURN_IF_ERROR(tracing::ValidateTraceName(v));
  const Layout layout{analytics_, payload_generation_};
  return db_->Write([&](Connection& c) -> Status {
    if (key == kTagTraceName) {
      std::optional<TraceRow> row = LockTraceRow(c, layout, trace_id);
      if (!row) return TraceNotFound(trace_id);
      Analytics after = row->analytics;
      after.trace_name = v;
      WriteAnalytics(c, layout, trace_id, row->analytics, after);
      return Status();
    }
    UpsertKv(c, "trace_tags", trace_id, key, v);  // an unknown trace fails the foreign key (BAD_REQUEST)
    return Status();
  });
}

Status SqlTraceStore::DeleteTraceTag(const std::string& trace_id, const std::string& key) {
  const Layout layout{analytics_, payload_generation_};
  const Status no_tag =
      Status::NotFound("No trace tag with key '" + key + "' for trace with ID '" + trace_id + "'");
  return db_->Write([&](Connection& c) -> Status {
    if (key == kTagTraceName) {
      std::optional<TraceRow> row = LockTraceRow(c, layout, trace_id);
      if (!row) return TraceNotFound(trace_id);
      if (!row->analytics.trace_name) return no_tag;
      Analytics after = row->analytics;
      after.trace_name.reset();
      WriteAnalytics(c, layout, trace_id, row->analytics, after);
      return Status();
    }
    if (DeleteKv(c, "trace_tags", trace_id, key) == 0) return no_tag;
    return Status();
  });
}

Status SqlTraceStore::LinkTracesToRun(const std::vector<std::string>& trace_ids, const std::string& run_id) {
  if (trace_ids.empty()) return Status();
  return db_->Write([&](Connection& c) -> Status {
    std::set<std::string> done;
    for (const auto& id : trace_ids) {
      if (!done.insert(id).second) continue;
      auto ins = c.Prepare(
          "INSERT INTO entity_associations (association_id, source_type, source_id, destination_type, destination_id, "
          "created_time) VALUES (?, 'trace', ?, 'run', ?, ?) ON CONFLICT (source_type, source_id, destination_type, "
          "destination_id) DO NOTHING");
      ins->Bind(1, NewUuidHex());
      ins->Bind(2, id);
      ins->Bind(3, run_id);
      ins->Bind(4, NowMillis());
      ins->Execute();
    }
    return Status();
  });
}

Status SqlTraceStore::LinkPromptsToTrace(const std::string& trace_id, const std::vector<std::string>& prompt_ids) {
  if (prompt_ids.empty()) return Status();
  return db_->Write([&](Connection& c) -> Status {
    auto exists = c.Prepare("SELECT 1 FROM trace_info WHERE request_id = ?");
    exists->Bind(1, trace_id);
    if (!exists->Step()) return TraceNotFound(trace_id);
    for (const auto& pid : prompt_ids) {
      auto ins = c.Prepare(
          "INSERT INTO entity_associations (association_id, source_type, source_id, destination_type, destination_id, "
          "created_time) VALUES (?, 'trace', ?, 'prompt_version', ?, ?) ON CONFLICT (source_type, source_id, "
          "destination_type, destination_id) DO NOTHING");
      ins->Bind(1, NewUuidHex());
      ins->Bind(2, trace_id);
      ins->Bind(3, pid);
      ins->Bind(4, NowMillis());
      ins->Execute();
    }
    return Status();
  });
}

Result<Assessment> SqlTraceStore::CreateAssessment(const Assessment& in) {
  const Layout layout{analytics_, payload_generation_};
  std::optional<Assessment> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    std::optional<TraceRow> row = LockTraceRow(c, layout, in.trace_id);
    if (!row) return TraceNotFound(in.trace_id);
    Assessment a = in;
    if (a.assessment_id.empty()) a.assessment_id = "a-" + NewUuidHex();
    a.valid = true;
    if (a.overrides && !a.overrides->empty()) {
      auto up = c.Prepare(std::string("UPDATE assessments SET valid = ") +
                          (c.dialect() == Dialect::kPostgres ? "false" : "0") +
                          " WHERE trace_id = ? AND assessment_id = ?");
      up->Bind(1, a.trace_id);
      up->Bind(2, *a.overrides);
      if (up->Execute() == 0) {
        return Status::NotFound("Assessment with ID '" + *a.overrides + "' not found for trace '" + a.trace_id + "'");
      }
    }
    auto dup = c.Prepare("SELECT 1 FROM assessments WHERE assessment_id = ?");
    dup->Bind(1, a.assessment_id);
    if (dup->Step()) {
      return Status::Internal("Failed to create assessment for trace '" + a.trace_id + "' due to a constraint violation.");
    }
    WriteAssessment(c, layout, a, std::stoll(row->info.experiment_id), row->info.request_time_ms, false);
    out = std::move(a);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

namespace {

Result<Assessment> LoadAssessment(Connection& c, const std::string& trace_id, const std::string& assessment_id) {
  auto st = c.Prepare(std::string("SELECT ") + kAssessmentColumns +
                      " FROM assessments WHERE trace_id = ? AND assessment_id = ?");
  st->Bind(1, trace_id);
  st->Bind(2, assessment_id);
  if (st->Step()) return AssessmentFromRow(*st);
  auto t = c.Prepare("SELECT 1 FROM trace_info WHERE request_id = ?");
  t->Bind(1, trace_id);
  if (!t->Step()) return Status::NotFound("Trace with request_id '" + trace_id + "' not found");
  return Status::NotFound("Assessment with ID '" + assessment_id + "' not found for trace '" + trace_id + "'");
}

}  // namespace

Result<Assessment> SqlTraceStore::GetAssessment(const std::string& trace_id, const std::string& assessment_id) {
  return db_->Read<Assessment>([&](Connection& c) { return LoadAssessment(c, trace_id, assessment_id); });
}

Result<Assessment> SqlTraceStore::UpdateAssessment(const std::string& trace_id, const std::string& assessment_id,
                                                   const AssessmentUpdate& u) {
  const Layout layout{analytics_, payload_generation_};
  std::optional<Assessment> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Assessment a, LoadAssessment(c, trace_id, assessment_id));
    if (u.expectation_value_json && u.feedback_value_json) {
      return Status::InvalidParameter("Cannot specify both `expectation` and `feedback` parameters.");
    }
    const bool is_expectation = a.assessment_type == "expectation";
    if (u.expectation_value_json && !is_expectation) {
      return Status::InvalidParameter("Cannot update expectation value on a Feedback assessment.");
    }
    if (u.feedback_value_json && a.assessment_type != "feedback") {
      return Status::InvalidParameter("Cannot update feedback value on an Expectation assessment.");
    }
    // Metadata: merged, the update's keys winning.
    Json meta = Json::object();
    if (a.metadata_json) {
      if (std::optional<Json> m = PyJsonLoads(*a.metadata_json); m && m->is_object()) meta = *m;
    }
    if (u.metadata) {
      for (const auto& [k, v] : *u.metadata) meta[k] = v;
    }
    a.metadata_json = meta.empty() ? std::nullopt : std::optional<std::string>(PyJsonDumps(meta));
    if (u.name) a.name = *u.name;
    a.last_updated_timestamp = NowMillis();
    if (is_expectation) {
      if (u.expectation_value_json) a.value_json = *u.expectation_value_json;
      a.error_json.reset();
      a.rationale.reset();  // an Expectation carries no rationale
    } else {
      if (u.feedback_value_json) {
        a.value_json = *u.feedback_value_json;
        a.error_json = u.feedback_error_json.value_or(std::nullopt);
      }
      if (u.rationale) a.rationale = *u.rationale;
    }
    std::string sql =
        "UPDATE assessments SET name = ?, value = ?, error = ?, last_updated_timestamp = ?, rationale = ?, "
        "assessment_metadata = ?";
    if (layout.analytics) sql += ", aggregate_value = ?, is_numeric_value = ?";
    sql += " WHERE trace_id = ? AND assessment_id = ?";
    auto up = c.Prepare(sql);
    int i = 1;
    up->Bind(i++, a.name);
    up->Bind(i++, a.value_json);
    BindOpt(*up, i++, a.error_json);
    up->Bind(i++, a.last_updated_timestamp);
    BindOpt(*up, i++, a.rationale);
    BindOpt(*up, i++, a.metadata_json);
    if (layout.analytics) {
      std::optional<Json> value = PyJsonLoads(a.value_json);
      auto [agg, numeric] = value ? tracing::AssessmentAggregate(*value) : std::make_pair(std::optional<double>(), false);
      BindOpt(*up, i++, agg);
      up->Bind(i++, int64_t{numeric ? 1 : 0});
    }
    up->Bind(i++, trace_id);
    up->Bind(i, assessment_id);
    up->Execute();
    out = std::move(a);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Status SqlTraceStore::DeleteAssessment(const std::string& trace_id, const std::string& assessment_id) {
  return db_->Write([&](Connection& c) -> Status {
    auto st = c.Prepare("SELECT overrides FROM assessments WHERE trace_id = ? AND assessment_id = ?");
    st->Bind(1, trace_id);
    st->Bind(2, assessment_id);
    if (!st->Step()) return Status();  // deleting a missing assessment is not an error
    std::optional<std::string> overrides = OptText(*st, 0);
    if (overrides && !overrides->empty()) {
      auto up = c.Prepare(std::string("UPDATE assessments SET valid = ") +
                          (c.dialect() == Dialect::kPostgres ? "true" : "1") + " WHERE assessment_id = ?");
      up->Bind(1, *overrides);
      up->Execute();
    }
    auto del = c.Prepare("DELETE FROM assessments WHERE trace_id = ? AND assessment_id = ?");
    del->Bind(1, trace_id);
    del->Bind(2, assessment_id);
    del->Execute();
    return Status();
  });
}

Result<TraceInfo> SqlTraceStore::StartTraceV2(const std::string& experiment_id_text, int64_t timestamp_ms,
                                              const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) {
  const std::string* name = FindKv(tags, kTagTraceName);
  if (name) MLFLOW_RETURN_IF_ERROR(tracing::ValidateTraceName(*name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t experiment_id, ParseExperimentIdValue(experiment_id_text));
  MLFLOW_ASSIGN_OR_RETURN(tracing::AnalyticsUpdate update, tracing::AnalyticsFromMetadata(metadata));
  const Layout layout{analytics_, payload_generation_};
  const std::string id = NewUuidHex();  // MLflow 2 request ids: uuid4 hex
  std::optional<TraceInfo> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(ExperimentRow e, LoadExperimentRow(c, experiment_id));
    MLFLOW_RETURN_IF_ERROR(CheckActive(e));
    auto ins = c.Prepare(
        "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) "
        "VALUES (?, ?, ?, NULL, ?)");
    ins->Bind(1, id);
    ins->Bind(2, experiment_id);
    ins->Bind(3, timestamp_ms);
    ins->Bind(4, std::string(kTraceStateInProgress));
    ins->Execute();
    Analytics after;
    if (name) after.trace_name = *name;
    update.ApplyTo(after.a);
    WriteAnalytics(c, layout, id, Analytics{}, after);
    for (const auto& t : tags)
      if (t.key != kTagTraceName) UpsertKv(c, "trace_tags", id, t.key, t.value);
    UpsertKv(c, "trace_tags", id, kTagArtifactLocation, TraceArtifactLocation(e, id));
    for (const auto& m : metadata)
      if (!tracing::IsPromotedMetadataKey(m.key)) UpsertKv(c, "trace_request_metadata", id, m.key, m.value);
    MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, LoadTraceInfo(c, layout, id));
    out = std::move(info);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<TraceInfo> SqlTraceStore::EndTraceV2(const std::string& request_id, int64_t timestamp_ms, const std::string& state,
                                            const std::vector<KeyValue>& metadata, const std::vector<KeyValue>& tags) {
  MLFLOW_ASSIGN_OR_RETURN(tracing::AnalyticsUpdate update, tracing::AnalyticsFromMetadata(metadata));
  const std::string* name = FindKv(tags, kTagTraceName);
  if (name) MLFLOW_RETURN_IF_ERROR(tracing::ValidateTraceName(*name));
  const Layout layout{analytics_, payload_generation_};
  std::optional<TraceInfo> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    std::optional<TraceRow> row = LockTraceRow(c, layout, request_id);
    if (!row) return TraceNotFound(request_id);
    auto up = c.Prepare("UPDATE trace_info SET execution_time_ms = ?, status = ? WHERE request_id = ?");
    up->Bind(1, timestamp_ms - row->info.request_time_ms);
    up->Bind(2, state);
    up->Bind(3, request_id);
    up->Execute();
    Analytics after = row->analytics;
    if (name) after.trace_name = *name;
    update.ApplyTo(after.a);
    WriteAnalytics(c, layout, request_id, row->analytics, after);
    for (const auto& m : metadata)
      if (!tracing::IsPromotedMetadataKey(m.key)) UpsertKv(c, "trace_request_metadata", request_id, m.key, m.value);
    for (const auto& t : tags)
      if (t.key != kTagTraceName) UpsertKv(c, "trace_tags", request_id, t.key, t.value);
    MLFLOW_ASSIGN_OR_RETURN(TraceInfo info, LoadTraceInfo(c, layout, request_id));
    out = std::move(info);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

}  // namespace mlflow::store::sql
