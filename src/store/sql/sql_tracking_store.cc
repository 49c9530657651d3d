#include "store/sql/sql_tracking_store.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>

#include "core/ids.h"
#include "core/limits.h"
#include "core/python_numbers.h"
#include "core/validation.h"
#include "store/sql/metric_history_page.h"
#include "store/sql/metric_sampling.h"
#include "store/sql/metric_shapes.h"
#include "store/sql/run_loader.h"
#include "store/sql/run_search_sql.h"
#include "store/sql/schema.h"
#include "search/sql_compiler.h"

namespace mlflow::store::sql {
namespace {

using sql::Connection;

// Experiment ids are integers in the SQL store, read as Python's int() reads them ("-1" and " 7"
// are integers; "1.5" is not). An integer beyond int64 names no experiment.
Result<int64_t> ParseExperimentId(const std::string& id) {
  bool out_of_range = false;
  std::optional<int64_t> n = ParsePythonInt(id, &out_of_range);
  if (out_of_range) return Status::NotFound("No Experiment with id=" + id + " exists");
  if (!n) return Status::InvalidParameter("Invalid experiment ID '" + id + "'. Experiment ID must be a valid integer.");
  return *n;
}

// The experiment's row without its tags (what creating a run in it needs).
Result<Experiment> LoadExperimentRow(Connection& c, int64_t id) {
  auto st = c.Prepare(
      "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time "
      "FROM experiments WHERE experiment_id = ?");
  st->Bind(1, id);
  if (!st->Step()) return Status::NotFound("No Experiment with id=" + std::to_string(id) + " exists");
  Experiment e;
  e.experiment_id = std::to_string(st->Int(0));
  e.name = st->Text(1);
  e.artifact_location = st->Text(2);
  e.lifecycle_stage = st->Text(3);
  if (!st->IsNull(4)) e.creation_time = st->Int(4);
  if (!st->IsNull(5)) e.last_update_time = st->Int(5);
  return e;
}

Result<Experiment> LoadExperiment(Connection& c, int64_t id) {
  MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperimentRow(c, id));
  auto tags = c.Prepare("SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key");
  tags->Bind(1, id);
  while (tags->Step()) e.tags.push_back({tags->Text(0), tags->Text(1)});
  return e;
}

Status RequireActiveExperiment(const Experiment& e) {
  if (e.lifecycle_stage != kLifecycleActive) {
    return Status::InvalidParameter("The experiment " + e.experiment_id +
                                    " must be in the 'active' state. Current state is " + e.lifecycle_stage + ".");
  }
  return Status();
}

// Loads the run's lifecycle stage and experiment; NotFound when unknown.
struct RunState {
  std::string lifecycle_stage;
  int64_t experiment_id = 0;
};

Result<RunState> LoadRunState(Connection& c, const std::string& run_id) {
  auto st = c.Prepare("SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?");
  st->Bind(1, run_id);
  if (!st->Step()) return Status::NotFound("Run with id=" + run_id + " not found");
  return RunState{st->Text(0), st->Int(1)};
}

Result<RunState> RequireActiveRun(Connection& c, const std::string& run_id) {
  MLFLOW_ASSIGN_OR_RETURN(RunState s, LoadRunState(c, run_id));
  if (s.lifecycle_stage != kLifecycleActive) {
    return Status::InvalidParameter("The run " + run_id + " must be in the 'active' state. Current state is " +
                                    s.lifecycle_stage + ".");
  }
  return s;
}

// NULL for an empty string (optional text columns the store leaves NULL when not given).
SqlValue NullIfEmpty(const std::string& v) { return v.empty() ? SqlValue{} : SqlValue{v}; }

// MLflow's storage of a metric value: NaN as 0 with is_nan, +/-inf as +/-max double.
struct StoredValue {
  double value;
  int64_t is_nan;
};
StoredValue Sanitize(double v) {
  if (std::isnan(v)) return {0.0, 1};
  if (std::isinf(v)) return {v > 0 ? DBL_MAX : -DBL_MAX, 0};
  return {v, 0};
}

// True when the point was new (the primary key refuses a repeated one silently).
bool InsertMetric(Connection& c, const std::string& run_id, const Metric& m, StoredValue sv) {
  auto st = c.Prepare(
      "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  st->BindAll(m.key, sv.value, m.timestamp, run_id, m.step, sv.is_nan);
  return st->Execute() > 0;
}

// Keeps latest_metrics at the greatest (step, timestamp, value), value as stored (NaN = 0).
void UpsertLatestMetric(Connection& c, const std::string& run_id, const Metric& m, StoredValue sv) {
  if (c.dialect() == sql::Dialect::kMysql) {
    // MySQL's upsert has no WHERE and assigns left to right (a later column would compare with the
    // new step): insert when absent, then move the row forward only if the point is greater.
    auto ins = c.Prepare(
        "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    ins->BindAll(m.key, sv.value, m.timestamp, m.step, sv.is_nan, run_id);
    ins->Execute();
    auto up = c.Prepare(
        "UPDATE latest_metrics SET value = ?, timestamp = ?, step = ?, is_nan = ? WHERE key = ? AND run_uuid = ? "
        "AND (?, ?, ?) > (step, timestamp, value)");
    up->BindAll(sv.value, m.timestamp, m.step, sv.is_nan, m.key, run_id, m.step, m.timestamp, sv.value);
    up->Execute();
    return;
  }
  auto st = c.Prepare(
      "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, "
      "step = excluded.step, is_nan = excluded.is_nan "
      "WHERE (excluded.step, excluded.timestamp, excluded.value) > "
      "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)");
  st->BindAll(m.key, sv.value, m.timestamp, m.step, sv.is_nan, run_id);
  st->Execute();
}

void InsertLoggedModelMetric(Connection& c, const std::string& run_id, int64_t experiment_id, const Metric& m,
                             StoredValue sv) {
  auto st = c.Prepare(
      "INSERT INTO logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, "
      "experiment_id, run_id, dataset_uuid, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?) "
      "ON CONFLICT DO NOTHING");
  st->BindAll(m.model_id, m.key, m.timestamp, m.step, sv.value, experiment_id, run_id, NullIfEmpty(m.dataset_name),
              NullIfEmpty(m.dataset_digest));
  st->Execute();
}

// "<head> (?, ..), (?, ..) ... <tail>" for n rows of `width` values.
std::string MultiRowSql(const char* head, int width, size_t n, const char* tail) {
  std::string row = "(";
  for (int k = 0; k < width; ++k) row += k ? ", ?" : "?";
  row += ")";
  std::string sql = head;
  for (size_t i = 0; i < n; ++i) {
    if (i) sql += ", ";
    sql += row;
  }
  return sql + tail;
}

// Rows per statement for multi-row writes: a few fixed sizes keep the prepared statements few.
size_t ChunkSize(size_t remaining) {
  for (size_t size : {200, 50, 10}) {
    if (remaining >= size) return size;
  }
  return remaining;
}

// PostgreSQL: each statement is a network round trip, so a batch's rows go in multi-row
// statements (same rows, same ON CONFLICT rules, same key order as the row-by-row path).
void InsertMetricsMultiRow(Connection& c, const std::string& run_id,
                           const std::vector<std::pair<const Metric*, StoredValue>>& rows) {
  for (size_t i = 0; i < rows.size();) {
    size_t n = ChunkSize(rows.size() - i);
    auto st = c.Prepare(MultiRowSql("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ", 6,
                                    n, " ON CONFLICT DO NOTHING"));
    int p = 1;
    for (size_t k = i; k < i + n; ++k) {
      const Metric& m = *rows[k].first;
      p = st->BindFrom(p, m.key, rows[k].second.value, m.timestamp, run_id, m.step, rows[k].second.is_nan);
    }
    st->Execute();
    i += n;
  }
}

void UpsertLatestMetricsMultiRow(Connection& c, const std::string& run_id,
                                 const std::vector<std::pair<const Metric*, StoredValue>>& rows) {
  for (size_t i = 0; i < rows.size();) {
    size_t n = ChunkSize(rows.size() - i);
    auto st = c.Prepare(MultiRowSql(
        "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ", 6, n,
        " ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, "
        "step = excluded.step, is_nan = excluded.is_nan "
        "WHERE (excluded.step, excluded.timestamp, excluded.value) > "
        "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)"));
    int p = 1;
    for (size_t k = i; k < i + n; ++k) {
      const Metric& m = *rows[k].first;
      p = st->BindFrom(p, m.key, rows[k].second.value, m.timestamp, m.step, rows[k].second.is_nan, run_id);
    }
    st->Execute();
    i += n;
  }
}

// Writes metric points and keeps latest_metrics; reduces a batch to one upsert per key. On SQLite,
// `shapes` is told the steps inserted per key (metric_shapes.h; the sorted batch holds each key's
// points together).
void WriteMetrics(Connection& c, MetricShapes* shapes, const std::string& run_id, int64_t experiment_id,
                  std::span<const Metric> metrics) {
  struct Latest {
    const Metric* m;
    StoredValue sv;
  };
  // Rows are written in key order (and latest_metrics after metrics), so concurrent writers on
  // one run (replicas, PostgreSQL row locks) take their locks in the same order: no deadlock.
  std::vector<const Metric*> sorted;
  sorted.reserve(metrics.size());
  for (const Metric& m : metrics) sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Metric* a, const Metric* b) {
    return std::tie(a->key, a->timestamp, a->step) < std::tie(b->key, b->timestamp, b->step);
  });
  const bool multi_row = c.dialect() == sql::Dialect::kPostgres && sorted.size() > 1;
  std::vector<std::pair<const Metric*, StoredValue>> rows;
  std::map<std::string_view, Latest> latest;
  if (multi_row) shapes = nullptr;  // PostgreSQL: no shapes are kept
  const Metric* group = nullptr;    // the key whose inserted steps are being gathered
  std::vector<int64_t> steps;
  auto end_group = [&] {
    if (group) shapes->Inserted(c, run_id, group->key, std::move(steps));
    steps.clear();
  };
  for (const Metric* mp : sorted) {
    const Metric& m = *mp;
    StoredValue sv = Sanitize(m.value);
    if (shapes && (!group || group->key != m.key)) {
      end_group();
      group = &m;
      shapes->BeforeInsert(c, run_id, m.key);
    }
    if (multi_row) {
      rows.push_back({&m, sv});
    } else if (InsertMetric(c, run_id, m, sv) && shapes) {
      steps.push_back(m.step);
    }
    if (!m.model_id.empty()) InsertLoggedModelMetric(c, run_id, experiment_id, m, sv);
    auto [it, inserted] = latest.try_emplace(m.key, Latest{&m, sv});
    if (!inserted) {
      const Latest& cur = it->second;
      if (std::tie(m.step, m.timestamp, sv.value) > std::tie(cur.m->step, cur.m->timestamp, cur.sv.value)) {
        it->second = Latest{&m, sv};
      }
    }
  }
  end_group();
  if (multi_row) {
    InsertMetricsMultiRow(c, run_id, rows);
    rows.clear();
    for (const auto& [key, l] : latest) rows.push_back({l.m, l.sv});
    UpsertLatestMetricsMultiRow(c, run_id, rows);
    return;
  }
  // One row at a time (SQLite, which has one writer, MySQL, or a single point): no lock order is
  // kept (on MySQL a deadlock between two writers of one run is rolled back and retried), so
  // new latest_metrics rows go in the order the batch first names their keys, as MLflow writes
  // them. A run's metrics read back in row order, and MLflow's UI charts a run's first metric.
  std::set<std::string_view> written;
  for (const Metric& m : metrics) {
    if (!written.insert(m.key).second) continue;
    const Latest& l = latest.at(m.key);
    UpsertLatestMetric(c, run_id, *l.m, l.sv);
  }
}

void UpsertRunTag(Connection& c, const std::string& run_id, const KeyValue& tag) {
  auto st = c.Prepare(
      "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) "
      "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value");
  st->BindAll(tag.key, tag.value, run_id);
  st->Execute();
  if (tag.key == kRunNameTag) {
    auto up = c.Prepare("UPDATE runs SET name = ? WHERE run_uuid = ?");
    up->BindAll(tag.value, run_id);
    up->Execute();
  }
}

bool HasScheme(const std::string& uri) {
  auto pos = uri.find(':');
  if (pos == std::string::npos || pos < 2) return false;  // "C:" is a drive, not a scheme
  for (size_t i = 0; i < pos; ++i) {
    char ch = uri[i];
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.')) return false;
  }
  return true;
}

}  // namespace

std::string AppendToUriPath(const std::string& base, const std::string& child) {
  if (base.empty()) return child;
  if (base.back() == '/') return base + child;
  return base + "/" + child;
}

std::string ResolveArtifactLocation(const std::string& location) {
  if (location.empty() || HasScheme(location)) return location;
  std::filesystem::path p(location);
  if (p.is_absolute()) return location;
  return std::filesystem::absolute(p).lexically_normal().string();
}

SqlTrackingStore::SqlTrackingStore(std::shared_ptr<sql::Database> db, std::string default_artifact_root)
    : db_(std::move(db)), default_artifact_root_(ResolveArtifactLocation(default_artifact_root)) {}

Status SqlTrackingStore::Initialize() {
  return db_->Write([&](Connection& c) -> Status {
    CreateExtraIndexes(c);  // already there when a server opened the database (open_database.cc)
    if (MetricShapes* shapes = db_->metric_shapes()) shapes->Enable(c);
    auto st = c.Prepare("SELECT 1 FROM experiments WHERE experiment_id = 0");
    if (st->Step()) return Status();
    int64_t now = NowMillis();
    auto ins = c.Prepare(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
        "last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)");
    ins->BindAll(AppendToUriPath(default_artifact_root_, "0"), now, now);
    ins->Execute();
    return Status();
  });
}

// ---------------------------------------------------------------------------------------------
// Experiments

namespace {

// MLflow finds a duplicate experiment name by its INSERT failing on the UNIQUE key. On MySQL and
// PostgreSQL that INSERT has already taken the next id (InnoDB's AUTO_INCREMENT value, the serial's
// sequence value) and neither gives it back: the next experiment's id skips one. Taking it here too
// keeps our ids equal to MLflow's (interop_suite_mysql; store/sql tests on PostgreSQL). On MySQL
// the same refused INSERT (a failed statement undoes only itself; the transaction goes on and is
// rolled back); on PostgreSQL, whose failed statement would abort the transaction, nextval().
void ConsumeExperimentId(sql::Connection& c, const std::string& name) {
  if (c.dialect() == sql::Dialect::kPostgres) {
    auto next = c.Prepare("SELECT nextval(pg_get_serial_sequence('experiments', 'experiment_id'))");
    while (next->Step()) {
    }
    return;
  }
  try {
    auto ins = c.Prepare("INSERT INTO experiments (name, lifecycle_stage) VALUES (?, 'active')");
    ins->Bind(1, name);
    ins->Execute();
  } catch (const sql::SqlError& e) {
    if (e.kind() != sql::SqlError::Kind::kConstraint) throw;
    return;
  }
  throw sql::SqlError(sql::SqlError::Kind::kOther, "duplicate experiment name was not refused by its UNIQUE key");
}

}  // namespace

Result<std::string> SqlTrackingStore::CreateExperiment(const std::string& name, const std::string& artifact_location,
                                                       const std::vector<KeyValue>& tags) {
  std::string new_id;
  Status st = db_->Write([&](Connection& c) -> Status {
    auto exists = c.Prepare("SELECT 1 FROM experiments WHERE name = ?");
    exists->Bind(1, name);
    if (exists->Step()) {
      if (c.dialect() != sql::Dialect::kSqlite) ConsumeExperimentId(c, name);
      return Status::AlreadyExists("Experiment(name=" + name + ") already exists. Error: (UNIQUE constraint failed: "
                                   "experiments.name)");
    }
    int64_t now = NowMillis();
    std::string location = ResolveArtifactLocation(artifact_location);
    int64_t id = 0;
    if (c.dialect() == sql::Dialect::kMysql) {
      // MySQL has no RETURNING: the AUTO_INCREMENT value this session generated.
      auto ins = c.Prepare(
          "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) "
          "VALUES (?, ?, 'active', ?, ?)");
      ins->BindAll(name, NullIfEmpty(location), now, now);
      ins->Execute();
      auto last = c.Prepare("SELECT LAST_INSERT_ID()");
      if (!last->Step()) return Status::Internal("experiment insert returned no id");
      id = last->Int(0);
    } else {
      auto ins = c.Prepare(
          "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) "
          "VALUES (?, ?, 'active', ?, ?) RETURNING experiment_id");
      ins->BindAll(name, NullIfEmpty(location), now, now);
      if (!ins->Step()) return Status::Internal("experiment insert returned no id");
      id = ins->Int(0);
      while (ins->Step()) {
      }
    }
    if (location.empty()) {
      auto up = c.Prepare("UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?");
      up->BindAll(AppendToUriPath(default_artifact_root_, std::to_string(id)), id);
      up->Execute();
    }
    for (const auto& t : tags) {
      auto tag = c.Prepare(
          "INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?) "
          "ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value");
      tag->BindAll(t.key, t.value, id);
      tag->Execute();
    }
    new_id = std::to_string(id);
    return Status();
  });
  if (!st.ok()) return st;
  return new_id;
}

Result<Experiment> SqlTrackingStore::GetExperiment(const std::string& experiment_id) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Read<Experiment>([&](Connection& c) { return LoadExperiment(c, id); });
}

Result<Experiment> SqlTrackingStore::GetExperimentByName(const std::string& name) {
  return db_->Read<Experiment>([&](Connection& c) -> Result<Experiment> {
    auto st = c.Prepare("SELECT experiment_id FROM experiments WHERE name = ?");
    st->Bind(1, name);
    if (!st->Step()) return Status::NotFound("Could not find experiment with name '" + name + "'");
    int64_t id = st->Int(0);
    st->Step();
    return LoadExperiment(c, id);
  });
}

Status SqlTrackingStore::DeleteExperiment(const std::string& experiment_id) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
    if (e.lifecycle_stage != kLifecycleActive) {
      return Status::NotFound("No Experiment with id=" + experiment_id + " exists");
    }
    int64_t now = NowMillis();
    auto up = c.Prepare("UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?");
    up->BindAll(now, id);
    up->Execute();
    auto runs = c.Prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ?");
    runs->BindAll(now, id);
    runs->Execute();
    return Status();
  });
}

Status SqlTrackingStore::RestoreExperiment(const std::string& experiment_id) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
    if (e.lifecycle_stage != kLifecycleDeleted) {
      return Status::NotFound("No Experiment with id=" + experiment_id + " exists");
    }
    auto up = c.Prepare("UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?");
    up->BindAll(NowMillis(), id);
    up->Execute();
    auto runs = c.Prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ?");
    runs->Bind(1, id);
    runs->Execute();
    return Status();
  });
}

Status SqlTrackingStore::RenameExperiment(const std::string& experiment_id, const std::string& new_name) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
    if (e.lifecycle_stage != kLifecycleActive) return Status::InvalidState("Cannot rename a non-active experiment.");
    if (e.name == new_name) return Status();
    auto exists = c.Prepare("SELECT 1 FROM experiments WHERE name = ?");
    exists->Bind(1, new_name);
    if (exists->Step()) {
      return Status::BadRequest("(sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name");
    }
    auto up = c.Prepare("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?");
    up->BindAll(new_name, NowMillis(), id);
    up->Execute();
    return Status();
  });
}

Status SqlTrackingStore::SetExperimentTag(const std::string& experiment_id, const KeyValue& tag) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
    MLFLOW_RETURN_IF_ERROR(RequireActiveExperiment(e));
    auto st = c.Prepare(
        "INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?) "
        "ON CONFLICT (key, experiment_id) DO UPDATE SET value = excluded.value");
    st->BindAll(tag.key, tag.value, id);
    st->Execute();
    return Status();
  });
}

Status SqlTrackingStore::DeleteExperimentTag(const std::string& experiment_id, const std::string& key) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(experiment_id));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
    MLFLOW_RETURN_IF_ERROR(RequireActiveExperiment(e));
    auto st = c.Prepare("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?");
    st->BindAll(id, key);
    if (st->Execute() == 0) {
      return Status::NotFound("No tag with name: " + key + " in experiment with id " + experiment_id);
    }
    return Status();
  });
}

// ---------------------------------------------------------------------------------------------
// Runs

namespace {

// What CreateRun inserts, settled before the transaction (the checks that need no database).
struct NewRun {
  int64_t exp_id = 0;
  std::string user_id;
  std::optional<int64_t> start_time;
  std::vector<KeyValue> tags;
  std::string run_name;
};

Result<NewRun> PrepareNewRun(const std::string& experiment_id_in, const std::string& user_id,
                             std::optional<int64_t> start_time, const std::vector<KeyValue>& tags_in,
                             const std::string& run_name_in) {
  MLFLOW_ASSIGN_OR_RETURN(int64_t exp_id, ParseExperimentId(experiment_id_in));
  // Name from the argument or the mlflow.runName tag; both given must agree.
  std::vector<KeyValue> tags = tags_in;
  std::string tag_name;
  bool has_name_tag = false;
  for (const auto& t : tags) {
    if (t.key == kRunNameTag) {
      tag_name = t.value;
      has_name_tag = true;
    }
  }
  if (!run_name_in.empty() && has_name_tag && tag_name != run_name_in) {
    return Status::InvalidParameter("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with "
                                    "different values (run_name='" +
                                    run_name_in + "', mlflow.runName='" + tag_name + "').");
  }
  std::string run_name = !run_name_in.empty() ? run_name_in : (has_name_tag ? tag_name : GenerateRunName());
  if (!has_name_tag) tags.push_back({kRunNameTag, run_name});
  return NewRun{exp_id, user_id, start_time, std::move(tags), std::move(run_name)};
}

// The write of CreateRun, in the caller's transaction.
Result<Run> InsertRun(Connection& c, const NewRun& n) {
  MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperimentRow(c, n.exp_id));
  MLFLOW_RETURN_IF_ERROR(RequireActiveExperiment(e));
  Run run;
  RunInfo& info = run.info;
  info.run_id = NewUuidHex();
  info.run_name = n.run_name;
  info.experiment_id = e.experiment_id;
  info.user_id = n.user_id;
  info.status = "RUNNING";
  info.start_time = n.start_time.value_or(0);
  info.artifact_uri = AppendToUriPath(AppendToUriPath(e.artifact_location, info.run_id), "artifacts");
  info.lifecycle_stage = kLifecycleActive;
  auto ins = c.Prepare(
      "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, "
      "end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) "
      "VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)");
  ins->BindAll(info.run_id, info.run_name, n.user_id, *info.start_time, info.artifact_uri, n.exp_id);
  ins->Execute();
  std::map<std::string, std::string> unique_tags;
  for (const auto& t : n.tags) unique_tags[t.key] = t.value;
  for (const auto& [k, v] : unique_tags) {
    auto tag = c.Prepare("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)");
    tag->BindAll(k, v, info.run_id);
    tag->Execute();
    run.tags.push_back({k, v});
  }
  return run;
}

}  // namespace

Result<Run> SqlTrackingStore::CreateRun(const std::string& experiment_id, const std::string& user_id,
                                        std::optional<int64_t> start_time, const std::vector<KeyValue>& tags,
                                        const std::string& run_name) {
  MLFLOW_ASSIGN_OR_RETURN(NewRun n, PrepareNewRun(experiment_id, user_id, start_time, tags, run_name));
  Run run;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(run, InsertRun(c, n));
    return Status();
  });
  if (!st.ok()) return st;
  return run;
}

void SqlTrackingStore::CreateRunAsync(const std::string& experiment_id, const std::string& user_id,
                                      std::optional<int64_t> start_time, const std::vector<KeyValue>& tags,
                                      const std::string& run_name, std::function<void(Result<Run>)> done) {
  Result<NewRun> n = PrepareNewRun(experiment_id, user_id, start_time, tags, run_name);
  if (!n.ok()) return done(n.status());
  // The job and its completion share the input and the inserted run.
  struct Job {
    NewRun in;
    Run out;
  };
  auto job = std::make_shared<Job>(Job{std::move(n).value(), Run()});
  db_->WriteAsync(
      [job](Connection& c) -> Status {
        MLFLOW_ASSIGN_OR_RETURN(job->out, InsertRun(c, job->in));
        return Status();
      },
      [job, done = std::move(done)](Status st) {
        if (!st.ok()) return done(st);
        done(std::move(job->out));
      });
}

Result<RunInfo> SqlTrackingStore::UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                                            std::optional<int64_t> end_time, const std::string& run_name) {
  RunInfo info;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    if (status) {
      auto up = c.Prepare("UPDATE runs SET status = ? WHERE run_uuid = ?");
      up->BindAll(*status, run_id);
      up->Execute();
    }
    if (end_time) {
      auto up = c.Prepare("UPDATE runs SET end_time = ? WHERE run_uuid = ?");
      up->BindAll(*end_time, run_id);
      up->Execute();
    }
    if (!run_name.empty()) UpsertRunTag(c, run_id, {kRunNameTag, run_name});
    MLFLOW_ASSIGN_OR_RETURN(info, sql::LoadRunInfo(c, run_id));
    return Status();
  });
  if (!st.ok()) return st;
  return info;
}

Status SqlTrackingStore::DeleteRun(const std::string& run_id) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, LoadRunState(c, run_id));
    (void)s;
    auto up = c.Prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?");
    up->BindAll(NowMillis(), run_id);
    up->Execute();
    return Status();
  });
}

Status SqlTrackingStore::RestoreRun(const std::string& run_id) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, LoadRunState(c, run_id));
    (void)s;
    auto up = c.Prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?");
    up->Bind(1, run_id);
    up->Execute();
    return Status();
  });
}

Result<Run> SqlTrackingStore::GetRun(const std::string& run_id) {
  return db_->Read<Run>([&](Connection& c) -> Result<Run> {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<Run> runs, sql::LoadRuns(c, {run_id}, /*with_model_inputs=*/true));
    if (runs.empty()) return Status::NotFound("Run with id=" + run_id + " not found");
    return std::move(runs.front());
  });
}

// ---------------------------------------------------------------------------------------------
// Run data

namespace {

// The write of LogMetric; it refers to its arguments, which must outlive it. `shapes`: the
// database's one-point-a-step rows (metric_shapes.h), null where none are kept.
WriteFn LogMetricWrite(MetricShapes* shapes, const std::string& run_id, const Metric& metric) {
  return [shapes, &run_id, &metric](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    WriteMetrics(c, shapes, run_id, s.experiment_id, std::span<const Metric>(&metric, 1));
    return Status();
  };
}

}  // namespace

Status SqlTrackingStore::LogMetric(const std::string& run_id, const Metric& metric) {
  return db_->Write(LogMetricWrite(db_->metric_shapes(), run_id, metric));
}

void SqlTrackingStore::LogMetricAsync(const std::string& run_id, const Metric& metric,
                                      std::function<void(Status)> done) {
  auto args = std::make_shared<std::pair<std::string, Metric>>(run_id, metric);
  db_->WriteAsync([args, write = LogMetricWrite(db_->metric_shapes(), args->first, args->second)](Connection& c) { return write(c); },
                  std::move(done));
}

Status SqlTrackingStore::LogParam(const std::string& run_id, const KeyValue& param) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    auto get = c.Prepare("SELECT value FROM params WHERE run_uuid = ? AND key = ?");
    get->BindAll(run_id, param.key);
    if (get->Step()) {
      std::string old = get->Text(0);
      if (old == param.value) return Status();
      return Status::InvalidParameter("Changing param values is not allowed. Param with key='" + param.key +
                                      "' was already logged with value='" + old + "' for run ID='" + run_id +
                                      "'. Attempted logging new value '" + param.value + "'.");
    }
    auto ins = c.Prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)");
    ins->BindAll(param.key, param.value, run_id);
    ins->Execute();
    return Status();
  });
}

Status SqlTrackingStore::SetTag(const std::string& run_id, const KeyValue& tag) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    UpsertRunTag(c, run_id, tag);
    return Status();
  });
}

Status SqlTrackingStore::DeleteTag(const std::string& run_id, const std::string& key) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    auto st = c.Prepare("DELETE FROM tags WHERE run_uuid = ? AND key = ?");
    st->BindAll(run_id, key);
    if (st->Execute() == 0) return Status::NotFound("No tag with name: " + key + " in run with id " + run_id);
    return Status();
  });
}

namespace {

// The write of LogBatch; it refers to its arguments, which must outlive it. `shapes` as in
// LogMetricWrite.
WriteFn LogBatchWrite(MetricShapes* shapes, const std::string& run_id, const std::vector<Metric>& metrics,
                      const std::vector<KeyValue>& params, const std::vector<KeyValue>& tags) {
  return [shapes, &run_id, &metrics, &params, &tags](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    if (!params.empty()) {
      // A changed value aborts the batch: nothing of it is kept (the request's savepoint or
      // transaction is rolled back when it fails). Params of a run are mostly new, so on SQLite and
      // PostgreSQL each is inserted first and its stored value read only when it was there already
      // (one statement a param, not two). MySQL's spelling of DO NOTHING counts a kept row as
      // changed under some client flags, so there each is looked up first.
      const bool insert_first = c.dialect() != sql::Dialect::kMysql;
      std::string conflicts;
      std::vector<const KeyValue*> fresh;
      for (const auto& p : params) {
        if (insert_first) {
          auto ins = c.Prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
          ins->BindAll(p.key, p.value, run_id);
          if (ins->Execute() == 1) continue;
        }
        auto get = c.Prepare("SELECT value FROM params WHERE run_uuid = ? AND key = ?");
        get->BindAll(run_id, p.key);
        if (get->Step()) {
          std::string old = get->Text(0);
          if (old != p.value) {
            if (!conflicts.empty()) conflicts += ", ";
            conflicts += "{'key': " + PyStrRepr(p.key) + ", 'old_value': " + PyStrRepr(old) +
                         ", 'new_value': " + PyStrRepr(p.value) + "}";
          }
        } else {
          fresh.push_back(&p);
        }
      }
      if (!conflicts.empty()) {
        return Status::InvalidParameter("Changing param values is not allowed. Params were already logged='[" +
                                        conflicts + "]' for run ID='" + run_id + "'.");
      }
      for (const KeyValue* p : fresh) {
        auto ins = c.Prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)");
        ins->BindAll(p->key, p->value, run_id);
        ins->Execute();
      }
    }
    if (!metrics.empty()) WriteMetrics(c, shapes, run_id, s.experiment_id, metrics);
    for (const auto& t : tags) UpsertRunTag(c, run_id, t);
    return Status();
  };
}

}  // namespace

Status SqlTrackingStore::LogBatch(const std::string& run_id, const std::vector<Metric>& metrics,
                                  const std::vector<KeyValue>& params, const std::vector<KeyValue>& tags) {
  return db_->Write(LogBatchWrite(db_->metric_shapes(), run_id, metrics, params, tags));
}

void SqlTrackingStore::LogBatchAsync(std::string run_id, std::vector<Metric> metrics, std::vector<KeyValue> params,
                                     std::vector<KeyValue> tags, std::function<void(Status)> done) {
  struct Args {
    std::string run_id;
    std::vector<Metric> metrics;
    std::vector<KeyValue> params, tags;
  };
  auto args = std::make_shared<Args>(Args{std::move(run_id), std::move(metrics), std::move(params), std::move(tags)});
  WriteFn write = LogBatchWrite(db_->metric_shapes(), args->run_id, args->metrics, args->params, args->tags);
  db_->WriteAsync([args, write = std::move(write)](Connection& c) { return write(c); }, std::move(done));
}

Status SqlTrackingStore::LogInputs(const std::string& run_id, const std::vector<DatasetInput>& datasets,
                                   const std::vector<ModelInput>& models) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& in : datasets) {
      const Dataset& d = in.dataset;
      if (!seen.insert({d.name, d.digest}).second) continue;
      // Reuse a dataset with the same (name, digest), whichever experiment holds it.
      std::string dataset_uuid;
      auto find = c.Prepare("SELECT dataset_uuid FROM datasets WHERE name = ? AND digest = ? LIMIT 1");
      find->BindAll(d.name, d.digest);
      if (find->Step()) {
        dataset_uuid = find->Text(0);
        while (find->Step()) {
        }
      } else {
        dataset_uuid = NewUuidHex();
        auto ins = c.Prepare(
            "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, "
            "dataset_schema, dataset_profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ins->BindAll(dataset_uuid, s.experiment_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile);
        ins->Execute();
      }
      auto edge = c.Prepare(
          "SELECT 1 FROM inputs WHERE source_type = 'DATASET' AND source_id = ? AND destination_type = 'RUN' "
          "AND destination_id = ?");
      edge->BindAll(dataset_uuid, run_id);
      if (edge->Step()) continue;  // an existing link keeps its original input tags
      std::string input_uuid = NewUuidHex();
      auto ins = c.Prepare(
          "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
          "VALUES (?, 'DATASET', ?, 'RUN', ?, 0)");
      ins->BindAll(input_uuid, dataset_uuid, run_id);
      ins->Execute();
      for (const auto& t : in.tags) {
        auto tag = c.Prepare(
            "INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (input_uuid, name) DO UPDATE SET value = excluded.value");
        tag->BindAll(input_uuid, t.key, t.value);
        tag->Execute();
      }
    }
    for (const auto& m : models) {
      auto ins = c.Prepare(
          "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
          "VALUES (?, 'RUN_INPUT', ?, 'MODEL_INPUT', ?, 0) ON CONFLICT DO NOTHING");
      ins->BindAll(NewUuidHex(), run_id, m.model_id);
      ins->Execute();
    }
    return Status();
  });
}

Status SqlTrackingStore::LogOutputs(const std::string& run_id, const std::vector<ModelOutput>& models) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    for (const auto& m : models) {
      auto ins = c.Prepare(
          "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
          "VALUES (?, 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', ?, ?) ON CONFLICT DO NOTHING");
      ins->BindAll(NewUuidHex(), run_id, m.model_id, m.step);
      ins->Execute();
    }
    return Status();
  });
}

// ---------------------------------------------------------------------------------------------
// Metric history

Result<std::vector<Metric>> SqlTrackingStore::GetMetricHistoryBulk(const RunMetricsRequest& request) {
  return db_->Read<std::vector<Metric>>([&](Connection& c) -> Result<std::vector<Metric>> {
    std::vector<std::string> ids = request.run_ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Metric> out;
    for (const auto& id : ids) {
      auto st = c.Prepare(
          "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? "
          "ORDER BY timestamp, step, value");
      st->BindAll(id, request.metric_key);
      while (st->Step() && static_cast<int64_t>(out.size()) < request.max_results) {
        Metric m;
        m.key = request.metric_key;
        m.value = st->Int(3) ? NAN : st->Double(0);
        m.timestamp = st->Int(1);
        m.step = st->Int(2);
        m.run_id = id;
        out.push_back(std::move(m));
      }
    }
    return out;
  });
}

Result<std::vector<Metric>> SqlTrackingStore::GetMetricHistoryAtSteps(const std::vector<std::string>& run_ids,
                                                                      const std::string& key,
                                                                      std::optional<int64_t> start_step,
                                                                      std::optional<int64_t> end_step,
                                                                      int64_t max_results) {
  // MLflow 3.17.2's sampling for the UI's charts, run by run (metric_sampling.h).
  return db_->Read<std::vector<Metric>>([&](Connection& c) -> Result<std::vector<Metric>> {
    std::vector<Metric> out;  // an unknown run contributes nothing, as in MLflow
    // Whether the one-point-a-step rows hold in this read snapshot (metric_shapes.h): once a request.
    const bool shapes = c.dialect() == sql::Dialect::kSqlite && MetricShapesTrusted(c);
    for (const auto& id : run_ids) {
      std::vector<Metric> sample = SampleMetricHistory(c, id, key, start_step, end_step, max_results, shapes);
      out.insert(out.end(), std::make_move_iterator(sample.begin()), std::make_move_iterator(sample.end()));
    }
    return out;
  });
}

Result<std::vector<DatasetSummary>> SqlTrackingStore::SearchDatasets(const std::vector<std::string>& experiment_ids) {
  return db_->Read<std::vector<DatasetSummary>>([&](Connection& c) -> Result<std::vector<DatasetSummary>> {
    std::vector<DatasetSummary> out;
    std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
    for (const auto& eid : experiment_ids) {
      auto parsed = ParseExperimentId(eid);
      if (!parsed.ok()) continue;
      auto st = c.Prepare(
          "SELECT d.experiment_id, d.name, d.digest, t.value FROM datasets d "
          "JOIN inputs i ON i.source_type = 'DATASET' AND i.source_id = d.dataset_uuid AND i.destination_type = 'RUN' "
          "LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid AND t.name = 'mlflow.data.context' "
          "WHERE d.experiment_id = ?");
      st->Bind(1, *parsed);
      while (st->Step() && out.size() < limits::kMaxDatasetSummaries) {
        DatasetSummary s;
        s.experiment_id = std::to_string(st->Int(0));
        s.name = st->Text(1);
        s.digest = st->Text(2);
        if (!st->IsNull(3)) s.context = st->Text(3);
        if (!seen.insert({s.experiment_id, s.name, s.digest, s.context.value_or("\x01")}).second) continue;
        out.push_back(std::move(s));
      }
    }
    return out;
  });
}

}  // namespace mlflow::store::sql

namespace mlflow::store::sql {

Result<MetricHistoryPage> SqlTrackingStore::GetMetricHistory(const std::string& run_id, const std::string& key,
                                                             int64_t max_results, const std::string& page_token) {
  // Like MLflow 3.x, an unknown run has an empty history rather than an error. Pages seek where the
  // last one ended (metric_history_page.h).
  return db_->Read<MetricHistoryPage>([&](Connection& c) -> Result<MetricHistoryPage> {
    return ReadMetricHistoryPage(c, run_id, key, max_results, page_token);
  });
}

}  // namespace mlflow::store::sql

namespace mlflow::store::sql {

Result<RunSearchPage> SqlTrackingStore::SearchRuns(const RunSearchRequest& request) {
  search::RunSearchSpec spec;
  spec.experiment_ids = request.experiment_ids;
  spec.view_type = request.view_type;
  spec.filter = request.filter;
  spec.order_by = request.order_by;
  spec.max_results = request.max_results;
  spec.page_token = request.page_token;
  MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch compiled, search::CompileRunSearch(spec, db_->dialect()));
  return db_->Read<RunSearchPage>([&](Connection& c) -> Result<RunSearchPage> {
    RunIdPage ids = SearchRunIds(c, compiled);  // run_search_sql.h: index walks, keyset tokens
    RunSearchPage page;
    MLFLOW_ASSIGN_OR_RETURN(page.runs, sql::LoadRuns(c, ids.ids, /*with_model_inputs=*/false));
    page.next_page_token = std::move(ids.next_page_token);
    return page;
  });
}

Result<ExperimentSearchPage> SqlTrackingStore::SearchExperiments(const ExperimentSearchRequest& request) {
  search::ExperimentSearchSpec spec;
  spec.view_type = request.view_type;
  spec.filter = request.filter;
  spec.order_by = request.order_by;
  spec.max_results = request.max_results;
  spec.page_token = request.page_token;
  MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch compiled, search::CompileExperimentSearch(spec, db_->dialect()));
  return db_->Read<ExperimentSearchPage>([&](Connection& c) -> Result<ExperimentSearchPage> {
    std::vector<int64_t> ids;
    auto st = c.Prepare(compiled.query.sql);
    st->BindAll(compiled.query.params);
    size_t rows = 0;
    while (st->Step()) {
      ++rows;
      if (static_cast<int64_t>(ids.size()) < compiled.max_results) ids.push_back(st->Int(0));
    }
    ExperimentSearchPage page;
    for (int64_t id : ids) {
      MLFLOW_ASSIGN_OR_RETURN(Experiment e, LoadExperiment(c, id));
      page.experiments.push_back(std::move(e));
    }
    page.next_page_token = compiled.NextPageToken(rows);
    return page;
  });
}

}  // namespace mlflow::store::sql

namespace mlflow::store::sql {

Status SqlTrackingStore::UpdateRunTag(const std::string& run_id, const std::string& key, const TagUpdate& update) {
  return db_->Write([&](Connection& c) -> Status {
    // SQLite has one writer; on PostgreSQL the run's row lock makes concurrent updaters (replicas
    // too) wait for this transaction, then read what it wrote (READ COMMITTED). NO KEY UPDATE:
    // writers of the run's other rows (their foreign-key checks) do not wait for it.
    if (c.dialect() != sql::Dialect::kSqlite) {
      auto lock = c.Prepare(c.dialect() == sql::Dialect::kPostgres
                                ? "SELECT 1 FROM runs WHERE run_uuid = ? FOR NO KEY UPDATE"
                                : "SELECT 1 FROM runs WHERE run_uuid = ? FOR UPDATE");  // MySQL's only row lock
      lock->Bind(1, run_id);
      while (lock->Step()) {
      }
    }
    MLFLOW_ASSIGN_OR_RETURN(RunState s, RequireActiveRun(c, run_id));
    (void)s;
    std::optional<std::string> current;
    auto get = c.Prepare("SELECT value FROM tags WHERE run_uuid = ? AND key = ?");
    get->Bind(1, run_id);
    get->Bind(2, key);
    if (get->Step() && !get->IsNull(0)) current = get->Text(0);
    MLFLOW_ASSIGN_OR_RETURN(std::string value, update(current));
    UpsertRunTag(c, run_id, {key, value});
    return Status();
  });
}

}  // namespace mlflow::store::sql
