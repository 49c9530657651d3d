#pragma once
// Writes what file_store_reader.h read into MLflow's SQL tables (SQLite, PostgreSQL, MySQL), ids
// kept: experiment ids, run ids, trace ids, logged model ids, registry names and versions, and the
// file store's dataset and input folder names as dataset_uuid / input_uuid. Artifact locations are
// copied as they are, so artifacts stay where they were. Rows go in as MLflow 3.17.2's own
// migration (mlflow/store/fs2db/) puts them: the latest metric per key by (step, timestamp, value),
// NaN as 0 with is_nan, +/-inf as +/-max double, a model input as a RUN_INPUT row.
//
// The caller runs every call inside one write transaction (cli/migrate_filestore_command.cc), so a
// failure anywhere leaves the database as it was.
//
//   Status st = db.Write([&](Connection& c) -> Status {
//     MLFLOW_RETURN_IF_ERROR(CheckEmptyTarget(c));
//     SqlImporter importer(c);
//     MLFLOW_RETURN_IF_ERROR(importer.ImportExperiment(experiment));  // per experiment
//     return importer.Finish();
//   });
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/filestore/file_store_reader.h"
#include "store/sql/connection.h"

namespace mlflow::store::filestore {

// Rows written, per kind (the names MLflow's migration summary uses).
struct ImportCounts {
  int64_t experiments = 0, experiment_tags = 0, runs = 0, params = 0, tags = 0, metrics = 0, latest_metrics = 0,
          datasets = 0, inputs = 0, input_tags = 0, outputs = 0, traces = 0, trace_tags = 0, trace_metadata = 0,
          assessments = 0, logged_models = 0, logged_model_params = 0, logged_model_tags = 0,
          logged_model_metrics = 0, registered_models = 0, registered_model_tags = 0,
          registered_model_aliases = 0, model_versions = 0, model_version_tags = 0;
  // (name, count) for every kind, in the order above.
  std::vector<std::pair<std::string, int64_t>> Items() const;
};

// FAILED_PRECONDITION-like INVALID_STATE when experiments, runs, registered_models, logged_models or
// trace_info has a row: migration only fills an empty database.
Status CheckEmptyTarget(sql::Connection& c);

class SqlImporter {
 public:
  explicit SqlImporter(sql::Connection& c) : c_(c) {}
  // The experiment, its tags, runs (params, tags, metrics, inputs, outputs), datasets and traces.
  // Its logged models are kept and written by Finish(): their metrics may name runs of
  // experiments not written yet (foreign keys are checked row by row).
  Status ImportExperiment(const FsExperiment& e);
  Status ImportRegisteredModel(const FsRegisteredModel& m);
  // Writes the logged models kept so far; on PostgreSQL, moves the experiment id sequence past
  // the largest id written (MySQL and SQLite do that themselves).
  Status Finish();
  const ImportCounts& counts() const { return counts_; }

 private:
  Status ImportRun(int64_t experiment_id, const FsRun& run, const std::vector<FsDataset>& datasets);
  Status ImportTrace(int64_t experiment_id, const FsTrace& t);
  Status ImportLoggedModel(int64_t experiment_id, const FsLoggedModel& m);

  sql::Connection& c_;
  ImportCounts counts_;
  std::vector<std::pair<int64_t, FsLoggedModel>> pending_models_;
};

}  // namespace mlflow::store::filestore
