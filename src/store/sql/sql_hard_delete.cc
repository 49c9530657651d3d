// Permanent deletion for `mlflow-cpp gc`: runs, experiments and logged models leave the database
// with every row that belongs to them, each entity in one write transaction. MLflow's SQL store
// removes the same rows (its ORM cascades plus the foreign keys' ON DELETE CASCADE); the deletes
// here are explicit, children first, so the result does not depend on which foreign keys a
// database has (an older MLflow's, ours, or one upgraded by MLflow 3.17).
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/ids.h"
#include "core/python_numbers.h"
#include "store/sql/metric_shapes.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql {
namespace {

// Runs `sql` with one bound key when the table exists (tables that only newer MLflow revisions
// create are absent from databases at our schema revision).
template <typename Key>
void DeleteWhere(Connection& c, const std::string& table, const std::string& where, const Key& key) {
  if (!c.HasTable(table)) return;
  auto st = c.Prepare("DELETE FROM " + table + " WHERE " + where);
  st->Bind(1, key);
  st->Execute();
}

Result<std::vector<std::string>> SelectIds(Database& db, const std::string& sql, int64_t threshold) {
  return db.Read<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    auto st = c.Prepare(sql);
    st->BindAll(std::string(kLifecycleDeleted), threshold);
    while (st->Step()) ids.push_back(st->Text(0));
    return ids;
  });
}

// On SQLite the runs' one-point-a-step rows leave with their points (metric_shapes.h; the table
// exists only there).
void DeleteRunChildren(Connection& c, Database& db, const std::string& run_filter, const SqlValue& key) {
  if (MetricShapes* shapes = db.metric_shapes()) shapes->RunsDeleted();
  for (const char* table : {"mlflowcpp_metric_shape", "metrics", "latest_metrics", "params", "tags"}) {
    DeleteWhere(c, table, "run_uuid IN (" + run_filter + ")", key);
  }
  DeleteWhere(c, "logged_model_metrics", "run_id IN (" + run_filter + ")", key);
}

}  // namespace

Result<std::vector<std::string>> SqlTrackingStore::GetDeletedRunIds(int64_t older_than_ms) {
  return SelectIds(*db_, "SELECT run_uuid FROM runs WHERE lifecycle_stage = ? AND deleted_time <= ? ORDER BY run_uuid",
                   NowMillis() - older_than_ms);
}

Status SqlTrackingStore::HardDeleteRun(const std::string& run_id) {
  return db_->Write([&](Connection& c) -> Status {
    auto found = c.Prepare("SELECT 1 FROM runs WHERE run_uuid = ?");
    found->Bind(1, run_id);
    if (!found->Step()) return Status::NotFound("Run with id=" + run_id + " not found");
    DeleteRunChildren(c, *db_, "SELECT run_uuid FROM runs WHERE run_uuid = ?", SqlValue{run_id});
    DeleteWhere(c, "runs", "run_uuid = ?", run_id);
    return Status();
  });
}

Status SqlTrackingStore::HardDeleteExperiment(const std::string& experiment_id) {
  bool out_of_range = false;
  std::optional<int64_t> id = ParsePythonInt(experiment_id, &out_of_range);
  const Status not_found = Status::NotFound("No Experiment with id=" + experiment_id + " exists");
  if (out_of_range) return not_found;
  if (!id) {
    return Status::InvalidParameter("Invalid experiment ID '" + experiment_id +
                                    "'. Experiment ID must be a valid integer.");
  }
  const int64_t eid = *id;
  return db_->Write([&](Connection& c) -> Status {
    auto found = c.Prepare("SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?");
    found->Bind(1, eid);
    if (!found->Step() || found->IsNull(0) || found->Text(0) != kLifecycleDeleted) return not_found;
    const SqlValue key{eid};
    // Runs and what hangs off them.
    DeleteRunChildren(c, *db_, "SELECT run_uuid FROM runs WHERE experiment_id = ?", key);
    // Logged models.
    for (const char* table : {"logged_model_metrics", "logged_model_params", "logged_model_tags", "logged_models"}) {
      DeleteWhere(c, table, "experiment_id = ?", eid);
    }
    DeleteWhere(c, "runs", "experiment_id = ?", eid);
    // Traces: spans and the per-trace tables, then the traces.
    const std::string traces = "SELECT request_id FROM trace_info WHERE experiment_id = ?";
    DeleteWhere(c, "spans", "experiment_id = ?", eid);
    for (const char* table : {"trace_tags", "trace_request_metadata", "trace_metrics"}) {
      DeleteWhere(c, table, "request_id IN (" + traces + ")", eid);
    }
    DeleteWhere(c, "assessments", "trace_id IN (" + traces + ")", eid);
    DeleteWhere(c, "trace_info", "experiment_id = ?", eid);
    // Scorers (online configs exist from MLflow 3.7 on).
    const std::string scorers = "SELECT scorer_id FROM scorers WHERE experiment_id = ?";
    DeleteWhere(c, "online_scoring_configs", "experiment_id = ?", eid);
    DeleteWhere(c, "scorer_versions", "scorer_id IN (" + scorers + ")", eid);
    DeleteWhere(c, "scorers", "experiment_id = ?", eid);
    // Rollup tables of MLflow 3.17 have no foreign key: MLflow clears them in the same transaction.
    for (const char* table : {"sql_trace_rollup_rebuild_queue", "sql_trace_metric_daily_rollups",
                              "sql_span_cost_daily_rollups", "sql_assessment_daily_rollups"}) {
      DeleteWhere(c, table, "experiment_id = ?", eid);
    }
    DeleteWhere(c, "datasets", "experiment_id = ?", eid);
    DeleteWhere(c, "experiment_tags", "experiment_id = ?", eid);
    DeleteWhere(c, "experiments", "experiment_id = ?", eid);
    return Status();
  });
}

Result<std::vector<std::string>> SqlLoggedModelStore::GetDeletedLoggedModelIds(int64_t older_than_ms) {
  return SelectIds(*db_,
                   "SELECT model_id FROM logged_models WHERE lifecycle_stage = ? AND last_updated_timestamp_ms <= ? "
                   "ORDER BY model_id",
                   NowMillis() - older_than_ms);
}

Status SqlLoggedModelStore::HardDeleteLoggedModel(const std::string& model_id) {
  return db_->Write([&](Connection& c) -> Status {
    auto found = c.Prepare("SELECT 1 FROM logged_models WHERE model_id = ?");
    found->Bind(1, model_id);
    if (!found->Step()) return Status::NotFound("Logged model with ID '" + model_id + "' not found.");
    for (const char* table : {"logged_model_metrics", "logged_model_params", "logged_model_tags", "logged_models"}) {
      DeleteWhere(c, table, "model_id = ?", model_id);
    }
    return Status();
  });
}

}  // namespace mlflow::store::sql
