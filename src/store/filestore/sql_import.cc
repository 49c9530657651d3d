#include "store/filestore/sql_import.h"

#include <cfloat>
#include <cstdint>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "core/ids.h"
#include "core/python_numbers.h"

namespace mlflow::store::filestore {
namespace {

using sql::Connection;

SqlValue Opt(const std::optional<std::string>& v) { return v ? SqlValue{*v} : SqlValue{}; }
SqlValue Opt(const std::optional<int64_t>& v) { return v ? SqlValue{*v} : SqlValue{}; }

// MLflow's storage of a metric value: NaN as 0 with is_nan, +/-inf as +/-max double.
std::pair<double, int64_t> Sanitize(double v) {
  if (std::isnan(v)) return {0.0, 1};
  if (std::isinf(v)) return {v > 0 ? DBL_MAX : -DBL_MAX, 0};
  return {v, 0};
}

Result<int64_t> ExperimentNumber(const std::string& id) {
  std::optional<int64_t> n = ParsePythonInt(id);
  if (!n) return Status::InvalidParameter("experiment folder '" + id + "' is not a number");
  return *n;
}

int64_t Execute(Connection& c, const std::string& sql, const std::vector<SqlValue>& values) {
  auto st = c.Prepare(sql);
  st->BindAll(values);
  return st->Execute();
}

}  // namespace

std::vector<std::pair<std::string, int64_t>> ImportCounts::Items() const {
  return {{"experiments", experiments},
          {"experiment_tags", experiment_tags},
          {"runs", runs},
          {"params", params},
          {"tags", tags},
          {"metrics", metrics},
          {"latest_metrics", latest_metrics},
          {"datasets", datasets},
          {"inputs", inputs},
          {"input_tags", input_tags},
          {"outputs", outputs},
          {"traces", traces},
          {"trace_tags", trace_tags},
          {"trace_metadata", trace_metadata},
          {"assessments", assessments},
          {"logged_models", logged_models},
          {"logged_model_params", logged_model_params},
          {"logged_model_tags", logged_model_tags},
          {"logged_model_metrics", logged_model_metrics},
          {"registered_models", registered_models},
          {"registered_model_tags", registered_model_tags},
          {"registered_model_aliases", registered_model_aliases},
          {"model_versions", model_versions},
          {"model_version_tags", model_version_tags}};
}

Status CheckEmptyTarget(Connection& c) {
  for (const char* table : {"experiments", "runs", "registered_models", "logged_models", "trace_info"}) {
    auto st = c.Prepare(std::string("SELECT COUNT(*) FROM ") + table);
    int64_t n = st->Step() ? st->Int(0) : 0;
    while (st->Step()) {
    }
    if (n > 0) {
      return Status::InvalidState("the target database is not empty: table '" + std::string(table) + "' has " +
                                  std::to_string(n) + " row" + (n == 1 ? "" : "s") +
                                  "; migrate-filestore only fills an empty database");
    }
  }
  return Status();
}

Status SqlImporter::ImportExperiment(const FsExperiment& e) {
  if (e.name.empty()) return Status();  // a folder without meta.yaml
  MLFLOW_ASSIGN_OR_RETURN(int64_t id, ExperimentNumber(e.experiment_id));
  // The file store draws 18-digit experiment ids; MLflow's schema has a 32-bit experiment_id on
  // PostgreSQL and MySQL (SQLite's integers are 64-bit).
  if (c_.dialect() != sql::Dialect::kSqlite && (id > INT32_MAX || id < INT32_MIN)) {
    return Status::InvalidParameter("experiment id " + e.experiment_id + " (" + e.name +
                                    ") does not fit the 32-bit experiment_id column of MLflow's schema on this "
                                    "database; ids are kept, so migrate this file store into SQLite");
  }
  Execute(c_,
          "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
          "last_update_time) VALUES (?, ?, ?, ?, ?, ?)",
          {id, e.name, Opt(e.artifact_location), e.lifecycle_stage, Opt(e.creation_time), Opt(e.last_update_time)});
  ++counts_.experiments;
  for (const KeyValue& t : e.tags) {
    Execute(c_, "INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?)", {t.key, t.value, id});
    ++counts_.experiment_tags;
  }
  // Every dataset folder is a row, its uuid the folder's name (the file store's dataset id).
  for (const FsDataset& ds : e.datasets) {
    Execute(c_,
            "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, "
            "dataset_schema, dataset_profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {ds.dataset_uuid.value_or(ds.dataset_id), id, ds.dataset.name, ds.dataset.digest, ds.dataset.source_type,
             ds.dataset.source, Opt(ds.dataset.schema), Opt(ds.dataset.profile)});
    ++counts_.datasets;
  }
  for (const FsRun& run : e.runs) MLFLOW_RETURN_IF_ERROR(ImportRun(id, run, e.datasets));
  for (const FsTrace& t : e.traces) MLFLOW_RETURN_IF_ERROR(ImportTrace(id, t));
  for (const FsLoggedModel& m : e.logged_models) pending_models_.emplace_back(id, m);
  return Status();
}

Status SqlImporter::ImportRun(int64_t experiment_id, const FsRun& run, const std::vector<FsDataset>& datasets) {
  Execute(c_,
          "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, "
          "end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {run.run_id, Opt(run.run_name), run.source_type, run.source_name, run.entry_point_name, Opt(run.user_id),
           run.status, Opt(run.start_time), Opt(run.end_time), run.source_version, run.lifecycle_stage,
           Opt(run.artifact_uri), experiment_id, Opt(run.deleted_time)});
  ++counts_.runs;
  for (const KeyValue& p : run.params) {
    Execute(c_, "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", {p.key, p.value, run.run_id});
    ++counts_.params;
  }
  for (const KeyValue& t : run.tags) {
    Execute(c_, "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", {t.key, t.value, run.run_id});
    ++counts_.tags;
  }
  for (const FsMetric& m : run.metrics) {
    // The latest point: greatest (step, timestamp, value), NaN compared as 0 (MLflow's rule).
    std::optional<std::tuple<int64_t, int64_t, double>> latest;
    int64_t latest_is_nan = 0;
    for (const FsMetricPoint& p : m.points) {
      auto [value, is_nan] = Sanitize(p.value);
      // A line repeated in the file is one row (the row is its own primary key).
      counts_.metrics += Execute(c_,
                                 "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                 {m.key, value, p.timestamp, run.run_id, p.step, is_nan}) > 0;
      std::tuple<int64_t, int64_t, double> key{p.step, p.timestamp, value};
      if (!latest || key > *latest) {
        latest = key;
        latest_is_nan = is_nan;
      }
    }
    if (!latest) continue;
    Execute(c_,
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)",
            {m.key, std::get<2>(*latest), std::get<1>(*latest), std::get<0>(*latest), latest_is_nan, run.run_id});
    ++counts_.latest_metrics;
  }

  for (const FsRunInput& in : run.inputs) {
    std::string input_uuid = in.input_id;
    if (in.source_type == "DATASET") {
      const FsDataset* ds = nullptr;
      for (const FsDataset& d : datasets) {
        if (d.dataset_id == in.source_id) ds = &d;
      }
      if (!ds) continue;  // an input naming no dataset folder: MLflow skips it too
      const std::string uuid = ds->dataset_uuid.value_or(ds->dataset_id);
      Execute(c_,
              "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
              "VALUES (?, 'DATASET', ?, 'RUN', ?, 0)",
              {input_uuid, uuid, run.run_id});
    } else if (in.source_type == "MODEL") {
      // The file store records a model input as MODEL -> RUN; the database as RUN_INPUT -> MODEL_INPUT.
      Execute(c_,
              "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
              "VALUES (?, 'RUN_INPUT', ?, 'MODEL_INPUT', ?, 0)",
              {input_uuid, run.run_id, in.source_id});
    } else {
      continue;
    }
    ++counts_.inputs;
    for (const KeyValue& t : in.tags) {
      Execute(c_, "INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)", {input_uuid, t.key, t.value});
      ++counts_.input_tags;
    }
  }
  for (const FsRunOutput& out : run.outputs) {
    // The file store keeps no id for an output: a new one, as MLflow's migration makes.
    Execute(c_,
            "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step) "
            "VALUES (?, 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', ?, ?)",
            {NewUuidHex(), run.run_id, out.model_id, out.step});
    ++counts_.outputs;
  }
  return Status();
}

Status SqlImporter::ImportTrace(int64_t experiment_id, const FsTrace& t) {
  Execute(c_,
          "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, "
          "client_request_id, request_preview, response_preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {t.trace_id, experiment_id, t.timestamp_ms, Opt(t.execution_time_ms), t.status, Opt(t.client_request_id),
           Opt(t.request_preview), Opt(t.response_preview)});
  ++counts_.traces;
  for (const KeyValue& kv : t.tags) {
    Execute(c_, "INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)", {kv.key, kv.value, t.trace_id});
    ++counts_.trace_tags;
  }
  for (const KeyValue& kv : t.request_metadata) {
    Execute(c_, "INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)",
            {kv.key, kv.value, t.trace_id});
    ++counts_.trace_metadata;
  }
  for (const FsAssessment& a : t.assessments) {
    Execute(c_,
            "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, "
            "last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides, valid, "
            "assessment_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {a.assessment_id, t.trace_id, a.name, a.assessment_type, a.value_json, Opt(a.error_json),
             a.created_timestamp, a.last_updated_timestamp, a.source_type, Opt(a.source_id), Opt(a.run_id),
             Opt(a.span_id), Opt(a.rationale), Opt(a.overrides), int64_t{a.valid ? 1 : 0}, Opt(a.metadata_json)});
    ++counts_.assessments;
  }
  return Status();
}

Status SqlImporter::ImportLoggedModel(int64_t experiment_id, const FsLoggedModel& m) {
  Execute(c_,
          "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, "
          "last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id, status_message) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {m.model_id, experiment_id, m.name, m.artifact_location, m.creation_timestamp, m.last_updated_timestamp,
           m.status, m.lifecycle_stage, Opt(m.model_type), Opt(m.source_run_id), Opt(m.status_message)});
  ++counts_.logged_models;
  for (const KeyValue& p : m.params) {
    Execute(c_, "INSERT INTO logged_model_params (model_id, experiment_id, param_key, param_value) VALUES (?, ?, ?, ?)",
            {m.model_id, experiment_id, p.key, p.value});
    ++counts_.logged_model_params;
  }
  for (const KeyValue& t : m.tags) {
    Execute(c_, "INSERT INTO logged_model_tags (model_id, experiment_id, tag_key, tag_value) VALUES (?, ?, ?, ?)",
            {m.model_id, experiment_id, t.key, t.value});
    ++counts_.logged_model_tags;
  }
  for (const FsModelMetric& mm : m.metrics) {
    counts_.logged_model_metrics +=
        Execute(c_,
                "INSERT INTO logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, "
                "metric_value, experiment_id, run_id, dataset_uuid, dataset_name, dataset_digest) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING",
                {m.model_id, mm.key, mm.timestamp, mm.step, mm.value, experiment_id, mm.run_id, Opt(mm.dataset_name),
                 Opt(mm.dataset_digest)}) > 0;
  }
  return Status();
}

Status SqlImporter::ImportRegisteredModel(const FsRegisteredModel& m) {
  if (m.name.empty()) return Status();
  Execute(c_,
          "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)",
          {m.name, Opt(m.creation_time), Opt(m.last_updated_time), Opt(m.description)});
  ++counts_.registered_models;
  for (const KeyValue& t : m.tags) {
    Execute(c_, "INSERT INTO registered_model_tags (key, value, name) VALUES (?, ?, ?)", {t.key, t.value, m.name});
    ++counts_.registered_model_tags;
  }
  for (const FsModelVersion& v : m.versions) {
    Execute(c_,
            "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, "
            "current_stage, source, run_id, status, status_message, run_link, storage_location) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {m.name, v.version, Opt(v.creation_time), Opt(v.last_updated_time), Opt(v.description), Opt(v.user_id),
             v.current_stage, Opt(v.source), Opt(v.run_id), v.status, Opt(v.status_message), Opt(v.run_link),
             Opt(v.storage_location)});
    ++counts_.model_versions;
    for (const KeyValue& t : v.tags) {
      Execute(c_, "INSERT INTO model_version_tags (key, value, name, version) VALUES (?, ?, ?, ?)",
              {t.key, t.value, m.name, v.version});
      ++counts_.model_version_tags;
    }
  }
  for (const auto& [alias, version] : m.aliases) {
    Execute(c_, "INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)",
            {alias, version, m.name});
    ++counts_.registered_model_aliases;
  }
  return Status();
}

Status SqlImporter::Finish() {
  for (const auto& [experiment_id, model] : pending_models_) {
    MLFLOW_RETURN_IF_ERROR(ImportLoggedModel(experiment_id, model));
  }
  pending_models_.clear();
  if (c_.dialect() == sql::Dialect::kPostgres && counts_.experiments > 0) {
    auto st = c_.Prepare(
        "SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), "
        "(SELECT MAX(experiment_id) FROM experiments))");
    while (st->Step()) {
    }
  }
  return Status();
}

}  // namespace mlflow::store::filestore
