#pragma once
// FileStore reader: the legacy `mlruns/` folder MLflow's FileStore wrote (experiments, runs with
// params / metrics / tags / inputs / outputs, datasets, logged models, traces with assessments,
// and the registry's `models/` folder), read into plain records for `mlflow-cpp migrate-filestore`
// (cli/migrate_filestore_command.h). Nothing here writes; store/filestore/sql_import.h does.
//
// The on-disk format is MLflow's (mlflow/store/tracking/file_store.py,
// mlflow/store/model_registry/file_store.py); what each record keeps, and the defaults for absent
// fields, follow MLflow 3.17.2's own migration (mlflow/store/fs2db/). Experiments are read one at a
// time so that memory holds one experiment, however large the store.
//
//   MLFLOW_ASSIGN_OR_RETURN(FileStoreLayout layout, ListFileStore("/data"));  // /data or /data/mlruns
//   for (const ExperimentDir& dir : layout.experiments) {
//     MLFLOW_ASSIGN_OR_RETURN(FsExperiment e, ReadExperiment(dir));
//   }
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"

namespace mlflow::store::filestore {

struct ExperimentDir {
  std::string path;           // <root>/<id> or <root>/.trash/<id>
  std::string experiment_id;  // the folder's name (an integer)
};

struct FileStoreLayout {
  std::string root;  // the folder holding the experiment folders
  std::vector<ExperimentDir> experiments;          // active ones (by name), then .trash's
  std::vector<std::string> registered_model_dirs;  // <root>/models/<name>, by name
};

// One line of a run's metric file: "timestamp value [step ...]".
struct FsMetricPoint {
  int64_t timestamp = 0;
  double value = 0;
  int64_t step = 0;
};

struct FsMetric {
  std::string key;
  std::vector<FsMetricPoint> points;  // in file order
};

// <run>/inputs/<input_id>/meta.yaml: a dataset (source_type DATASET, source_id the dataset's
// folder name) or a logged model (source_type MODEL, source_id the model id) used by the run.
struct FsRunInput {
  std::string input_id;
  std::string source_type;
  std::string source_id;
  std::vector<KeyValue> tags;
};

// <run>/outputs/<model_id>/meta.yaml: a logged model the run produced.
struct FsRunOutput {
  std::string model_id;
  int64_t step = 0;
};

struct FsRun {
  std::string run_id;
  std::optional<std::string> run_name;
  std::string source_type = "LOCAL";
  std::string source_name;
  std::string entry_point_name;
  std::string source_version;
  std::optional<std::string> user_id;
  std::string status = "RUNNING";
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::optional<int64_t> deleted_time;
  std::string lifecycle_stage = "active";
  std::optional<std::string> artifact_uri;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<FsMetric> metrics;
  std::vector<FsRunInput> inputs;
  std::vector<FsRunOutput> outputs;
};

// <experiment>/datasets/<dataset_id>/meta.yaml.
struct FsDataset {
  std::string dataset_id;  // the folder's name; the database's dataset_uuid unless meta.yaml has one
  std::optional<std::string> dataset_uuid;
  Dataset dataset;
};

// One line of a logged model's metric file: "timestamp value step run_id [dataset_name digest]".
struct FsModelMetric {
  std::string key;
  int64_t timestamp = 0;
  double value = 0;
  int64_t step = 0;
  std::string run_id;
  std::optional<std::string> dataset_name;
  std::optional<std::string> dataset_digest;
};

struct FsLoggedModel {
  std::string model_id;
  std::string name;
  std::string artifact_location;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  int64_t status = 1;  // LoggedModelStatus: 1 PENDING, 2 READY, 3 FAILED
  std::string lifecycle_stage = "active";
  std::optional<std::string> model_type;
  std::optional<std::string> source_run_id;
  std::optional<std::string> status_message;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<FsModelMetric> metrics;
};

// <trace>/assessments/<assessment_id>.yaml, with value / error / metadata as json.dumps text.
struct FsAssessment {
  std::string assessment_id;
  std::string name;
  std::string assessment_type;  // feedback | expectation
  std::string value_json;
  std::optional<std::string> error_json;
  int64_t created_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string source_type = "CODE";
  std::optional<std::string> source_id;
  std::optional<std::string> run_id;
  std::optional<std::string> span_id;
  std::optional<std::string> rationale;
  std::optional<std::string> overrides;
  bool valid = true;
  std::optional<std::string> metadata_json;
};

// <experiment>/traces/<trace_id>/: trace_info.yaml (v3 or v2 fields), tags/, request_metadata/.
// Spans stay in the trace's artifact folder, as they were.
struct FsTrace {
  std::string trace_id;
  int64_t timestamp_ms = 0;
  std::optional<int64_t> execution_time_ms;
  std::string status = "OK";
  std::optional<std::string> client_request_id;
  std::optional<std::string> request_preview;
  std::optional<std::string> response_preview;
  std::vector<KeyValue> tags;
  std::vector<KeyValue> request_metadata;
  std::vector<FsAssessment> assessments;
};

struct FsExperiment {
  std::string experiment_id;
  std::string name;
  std::optional<std::string> artifact_location;
  std::string lifecycle_stage = "active";
  std::optional<int64_t> creation_time;
  std::optional<int64_t> last_update_time;
  std::vector<KeyValue> tags;
  std::vector<FsRun> runs;
  std::vector<FsDataset> datasets;
  std::vector<FsLoggedModel> logged_models;
  std::vector<FsTrace> traces;
};

struct FsModelVersion {
  int64_t version = 0;
  std::optional<int64_t> creation_time;
  std::optional<int64_t> last_updated_time;
  std::optional<std::string> description;
  std::optional<std::string> user_id;
  std::string current_stage = "None";
  std::optional<std::string> source;
  std::optional<std::string> storage_location;
  std::optional<std::string> run_id;
  std::optional<std::string> run_link;
  std::string status = "READY";
  std::optional<std::string> status_message;
  std::vector<KeyValue> tags;
};

struct FsRegisteredModel {
  std::string name;
  std::optional<int64_t> creation_time;
  std::optional<int64_t> last_updated_time;
  std::optional<std::string> description;
  std::vector<KeyValue> tags;
  std::vector<std::pair<std::string, int64_t>> aliases;  // alias -> version
  std::vector<FsModelVersion> versions;
};

// source, or source/mlruns when that folder exists. INVALID_PARAMETER_VALUE when the folder holds
// no experiment folder, no .trash and no models/ (not a file store).
Result<FileStoreLayout> ListFileStore(const std::string& source);

// Everything under one experiment folder. An experiment folder without meta.yaml yields an
// experiment with an empty name (callers skip it, as MLflow does). A malformed meta.yaml or
// metric line is INVALID_PARAMETER_VALUE naming the file.
Result<FsExperiment> ReadExperiment(const ExperimentDir& dir);

// <root>/models/<name>/: meta.yaml, tags/, aliases/, version-<n>/ (meta.yaml, tags/).
Result<FsRegisteredModel> ReadRegisteredModel(const std::string& dir);

// Helpers, exposed for tests.
// The key/value files under a folder, recursively: the key is the path relative to it (with '/'),
// the value the file's text. Sorted by key. None when the folder is absent.
Result<std::vector<KeyValue>> ReadKeyValueFolder(const std::string& dir);
// "ts value [step [...]]" as MLflow's FileStore reads it (Python int()/float() syntax).
Result<FsMetricPoint> ParseRunMetricLine(const std::string& line);
// An RFC 3339 time ("2025-01-02T03:04:05.678Z", offsets allowed) in epoch milliseconds.
std::optional<int64_t> ParseRfc3339Millis(const std::string& text);

}  // namespace mlflow::store::filestore
