// Checks the schema CreateSchema builds, table by table, against MLflow's schema at alembic
// revision bf29a5ff90ea as docs/reference/database.md describes it (and as the real MLflow 3.6.0 migrates
// a SQLite database: same columns in the same order, types, NOT NULL, defaults, primary-key
// positions, indexes, foreign keys with their actions, and constraint names / CHECK clauses).
// Also checks InspectSchema's decisions for empty, current, newer, older and unknown revisions.
#include "store/sql/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

struct ColumnSpec {
  const char* name;
  const char* type;
  int notnull;
  const char* default_value;  // as SQLite reports it (quotes included); nullptr = no default
  int pk;                     // 1-based position in the primary key; 0 = not in it
  int hidden;                 // 3 = generated STORED column
};
struct IndexSpec {
  std::string name;
  bool unique;
  std::vector<std::string> columns;
};
struct ForeignKeySpec {
  std::string table;
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::string on_update;
  std::string on_delete;
};
struct TableSpec {
  const char* name;
  std::vector<ColumnSpec> columns;
  std::vector<IndexSpec> indexes;  // sorted by name; includes SQLite's autoindexes
  std::vector<ForeignKeySpec> foreign_keys;
  // Fragments of the CREATE TABLE text (compared without whitespace, quotes and keyword case).
  std::vector<const char*> constraints;
};

// Expected schema: docs/reference/database.md §5/§6 at bf29a5ff90ea (no workspace columns; experiments and
// registered_models keep UNIQUE(name); registry FKs unnamed as in MLflow's SQLite database).
const std::vector<TableSpec>& Expected() {
  static const std::vector<TableSpec> kTables = {
    {"experiments",
     {{"experiment_id", "INTEGER", 1, nullptr, 1, 0},
      {"name", "VARCHAR(256)", 1, nullptr, 0, 0},
      {"artifact_location", "VARCHAR(256)", 0, nullptr, 0, 0},
      {"lifecycle_stage", "VARCHAR(32)", 0, nullptr, 0, 0},
      {"creation_time", "BIGINT", 0, nullptr, 0, 0},
      {"last_update_time", "BIGINT", 0, nullptr, 0, 0}},
     {{"sqlite_autoindex_experiments_1", true, {"name"}}},
     {},
     {"CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))",
      "CONSTRAINT experiment_pk PRIMARY KEY (experiment_id)",
      "UNIQUE (name)"}},
    {"experiment_tags",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(5000)", 0, nullptr, 0, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 2, 0}},
     {{"sqlite_autoindex_experiment_tags_1", true, {"key", "experiment_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"}},
     {"FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT experiment_tag_pk PRIMARY KEY (key,experiment_id)"}},
    {"runs",
     {{"run_uuid", "VARCHAR(32)", 1, nullptr, 1, 0},
      {"name", "VARCHAR(250)", 0, nullptr, 0, 0},
      {"source_type", "VARCHAR(20)", 0, nullptr, 0, 0},
      {"source_name", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"entry_point_name", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"user_id", "VARCHAR(256)", 0, nullptr, 0, 0},
      {"status", "VARCHAR(9)", 0, nullptr, 0, 0},
      {"start_time", "BIGINT", 0, nullptr, 0, 0},
      {"end_time", "BIGINT", 0, nullptr, 0, 0},
      {"source_version", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"lifecycle_stage", "VARCHAR(20)", 0, nullptr, 0, 0},
      {"artifact_uri", "VARCHAR(200)", 0, nullptr, 0, 0},
      {"experiment_id", "INTEGER", 0, nullptr, 0, 0},
      {"deleted_time", "BIGINT", 0, nullptr, 0, 0}},
     {{"sqlite_autoindex_runs_1", true, {"run_uuid"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"}},
     {"CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))",
      "CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))",
      "CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'))",
      "FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT run_pk PRIMARY KEY (run_uuid)"}},
    {"tags",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(8000)", 0, nullptr, 0, 0},
      {"run_uuid", "VARCHAR(32)", 1, nullptr, 2, 0}},
     {{"index_tags_run_uuid", false, {"run_uuid"}},
      {"sqlite_autoindex_tags_1", true, {"key", "run_uuid"}}},
     {{"runs", {"run_uuid"}, {"run_uuid"}, "NO ACTION", "NO ACTION"}},
     {"FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)",
      "CONSTRAINT tag_pk PRIMARY KEY (key,run_uuid)"}},
    {"params",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(8000)", 1, nullptr, 0, 0},
      {"run_uuid", "VARCHAR(32)", 1, nullptr, 2, 0}},
     {{"index_params_run_uuid", false, {"run_uuid"}},
      {"sqlite_autoindex_params_1", true, {"key", "run_uuid"}}},
     {{"runs", {"run_uuid"}, {"run_uuid"}, "NO ACTION", "NO ACTION"}},
     {"FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)",
      "CONSTRAINT param_pk PRIMARY KEY (key,run_uuid)"}},
    {"metrics",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "FLOAT", 1, nullptr, 5, 0},
      {"timestamp", "BIGINT", 1, nullptr, 2, 0},
      {"run_uuid", "VARCHAR(32)", 1, nullptr, 4, 0},
      {"step", "BIGINT", 1, "'0'", 3, 0},
      {"is_nan", "BOOLEAN", 1, "'0'", 6, 0}},
     {{"index_metrics_run_uuid", false, {"run_uuid"}},
      {"sqlite_autoindex_metrics_1", true, {"key", "timestamp", "step", "run_uuid", "value", "is_nan"}}},
     {{"runs", {"run_uuid"}, {"run_uuid"}, "NO ACTION", "NO ACTION"}},
     {"CHECK (is_nan IN (0, 1))",
      "FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)",
      "CONSTRAINT metric_pk PRIMARY KEY (key,timestamp,step,run_uuid,value,is_nan)"}},
    {"latest_metrics",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "FLOAT", 1, nullptr, 0, 0},
      {"timestamp", "BIGINT", 0, nullptr, 0, 0},
      {"step", "BIGINT", 1, nullptr, 0, 0},
      {"is_nan", "BOOLEAN", 1, nullptr, 0, 0},
      {"run_uuid", "VARCHAR(32)", 1, nullptr, 2, 0}},
     {{"index_latest_metrics_run_uuid", false, {"run_uuid"}},
      {"sqlite_autoindex_latest_metrics_1", true, {"key", "run_uuid"}}},
     {{"runs", {"run_uuid"}, {"run_uuid"}, "NO ACTION", "NO ACTION"}},
     {"CHECK (is_nan IN (0, 1))",
      "FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)",
      "CONSTRAINT latest_metric_pk PRIMARY KEY (key,run_uuid)"}},
    {"datasets",
     {{"dataset_uuid", "VARCHAR(36)", 1, nullptr, 0, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 1, 0},
      {"name", "VARCHAR(500)", 1, nullptr, 2, 0},
      {"digest", "VARCHAR(36)", 1, nullptr, 3, 0},
      {"dataset_source_type", "VARCHAR(36)", 1, nullptr, 0, 0},
      {"dataset_source", "TEXT", 1, nullptr, 0, 0},
      {"dataset_schema", "TEXT", 0, nullptr, 0, 0},
      {"dataset_profile", "TEXT", 0, nullptr, 0, 0}},
     {{"index_datasets_dataset_uuid", false, {"dataset_uuid"}},
      {"index_datasets_experiment_id_dataset_source_type", false, {"experiment_id", "dataset_source_type"}},
      {"sqlite_autoindex_datasets_1", true, {"experiment_id", "name", "digest"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE",
      "CONSTRAINT dataset_pk PRIMARY KEY (experiment_id,name,digest)"}},
    {"inputs",
     {{"input_uuid", "VARCHAR(36)", 1, nullptr, 0, 0},
      {"source_type", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"source_id", "VARCHAR(36)", 1, nullptr, 2, 0},
      {"destination_type", "VARCHAR(36)", 1, nullptr, 3, 0},
      {"destination_id", "VARCHAR(36)", 1, nullptr, 4, 0},
      {"step", "BIGINT", 1, "'0'", 0, 0}},
     {{"index_inputs_destination_type_destination_id_source_type", false, {"destination_type", "destination_id", "source_type"}},
      {"index_inputs_input_uuid", false, {"input_uuid"}},
      {"sqlite_autoindex_inputs_1", true, {"source_type", "source_id", "destination_type", "destination_id"}}},
     {},
     {"CONSTRAINT inputs_pk PRIMARY KEY (source_type,source_id,destination_type,destination_id)"}},
    {"input_tags",
     {{"input_uuid", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"name", "VARCHAR(255)", 1, nullptr, 2, 0},
      {"value", "VARCHAR(500)", 1, nullptr, 0, 0}},
     {{"sqlite_autoindex_input_tags_1", true, {"input_uuid", "name"}}},
     {},
     {"CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid,name)"}},
    {"logged_models",
     {{"model_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"name", "VARCHAR(500)", 1, nullptr, 0, 0},
      {"artifact_location", "VARCHAR(1000)", 1, nullptr, 0, 0},
      {"creation_timestamp_ms", "BIGINT", 1, nullptr, 0, 0},
      {"last_updated_timestamp_ms", "BIGINT", 1, nullptr, 0, 0},
      {"status", "INTEGER", 1, nullptr, 0, 0},
      {"lifecycle_stage", "VARCHAR(32)", 0, nullptr, 0, 0},
      {"model_type", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"source_run_id", "VARCHAR(32)", 0, nullptr, 0, 0},
      {"status_message", "VARCHAR(1000)", 0, nullptr, 0, 0}},
     {{"sqlite_autoindex_logged_models_1", true, {"model_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted'))",
      "CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE",
      "CONSTRAINT logged_models_pk PRIMARY KEY (model_id)"}},
    {"logged_model_metrics",
     {{"model_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"metric_name", "VARCHAR(500)", 1, nullptr, 2, 0},
      {"metric_timestamp_ms", "BIGINT", 1, nullptr, 3, 0},
      {"metric_step", "BIGINT", 1, nullptr, 4, 0},
      {"metric_value", "FLOAT", 0, nullptr, 0, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"run_id", "VARCHAR(32)", 1, nullptr, 5, 0},
      {"dataset_uuid", "VARCHAR(36)", 0, nullptr, 0, 0},
      {"dataset_name", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"dataset_digest", "VARCHAR(36)", 0, nullptr, 0, 0}},
     {{"index_logged_model_metrics_model_id", false, {"model_id"}},
      {"sqlite_autoindex_logged_model_metrics_1", true, {"model_id", "metric_name", "metric_timestamp_ms", "metric_step", "run_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"},
      {"logged_models", {"model_id"}, {"model_id"}, "NO ACTION", "CASCADE"},
      {"runs", {"run_id"}, {"run_uuid"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE",
      "CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY (run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE",
      "CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id,metric_name,metric_timestamp_ms,metric_step,run_id)"}},
    {"logged_model_params",
     {{"model_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"param_key", "VARCHAR(255)", 1, nullptr, 2, 0},
      {"param_value", "TEXT", 1, nullptr, 0, 0}},
     {{"sqlite_autoindex_logged_model_params_1", true, {"model_id", "param_key"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"},
      {"logged_models", {"model_id"}, {"model_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE",
      "CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id,param_key)"}},
    {"logged_model_tags",
     {{"model_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"tag_key", "VARCHAR(255)", 1, nullptr, 2, 0},
      {"tag_value", "TEXT", 1, nullptr, 0, 0}},
     {{"sqlite_autoindex_logged_model_tags_1", true, {"model_id", "tag_key"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"},
      {"logged_models", {"model_id"}, {"model_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE",
      "CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id,tag_key)"}},
    {"registered_models",
     {{"name", "VARCHAR(256)", 1, nullptr, 1, 0},
      {"creation_time", "BIGINT", 0, nullptr, 0, 0},
      {"last_updated_time", "BIGINT", 0, nullptr, 0, 0},
      {"description", "VARCHAR(5000)", 0, nullptr, 0, 0}},
     {{"sqlite_autoindex_registered_models_1", true, {"name"}}},
     {},
     {"CONSTRAINT registered_model_pk PRIMARY KEY (name)",
      "UNIQUE (name)"}},
    {"model_versions",
     {{"name", "VARCHAR(256)", 1, nullptr, 1, 0},
      {"version", "INTEGER", 1, nullptr, 2, 0},
      {"creation_time", "BIGINT", 0, nullptr, 0, 0},
      {"last_updated_time", "BIGINT", 0, nullptr, 0, 0},
      {"description", "VARCHAR(5000)", 0, nullptr, 0, 0},
      {"user_id", "VARCHAR(256)", 0, nullptr, 0, 0},
      {"current_stage", "VARCHAR(20)", 0, nullptr, 0, 0},
      {"source", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"run_id", "VARCHAR(32)", 0, nullptr, 0, 0},
      {"status", "VARCHAR(20)", 0, nullptr, 0, 0},
      {"status_message", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"run_link", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"storage_location", "VARCHAR(500)", 0, nullptr, 0, 0}},
     {{"sqlite_autoindex_model_versions_1", true, {"name", "version"}}},
     {{"registered_models", {"name"}, {"name"}, "CASCADE", "NO ACTION"}},
     {"FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE",
      "CONSTRAINT model_version_pk PRIMARY KEY (name,version)"}},
    {"registered_model_tags",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(5000)", 0, nullptr, 0, 0},
      {"name", "VARCHAR(256)", 1, nullptr, 2, 0}},
     {{"sqlite_autoindex_registered_model_tags_1", true, {"key", "name"}}},
     {{"registered_models", {"name"}, {"name"}, "CASCADE", "NO ACTION"}},
     {"FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE",
      "CONSTRAINT registered_model_tag_pk PRIMARY KEY (key,name)"}},
    {"model_version_tags",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "TEXT", 0, nullptr, 0, 0},
      {"name", "VARCHAR(256)", 1, nullptr, 2, 0},
      {"version", "INTEGER", 1, nullptr, 3, 0}},
     {{"sqlite_autoindex_model_version_tags_1", true, {"key", "name", "version"}}},
     {{"model_versions", {"name", "version"}, {"name", "version"}, "CASCADE", "NO ACTION"}},
     {"FOREIGN KEY (name,version) REFERENCES model_versions (name,version) ON UPDATE CASCADE",
      "CONSTRAINT model_version_tag_pk PRIMARY KEY (key,name,version)"}},
    {"registered_model_aliases",
     {{"alias", "VARCHAR(256)", 1, nullptr, 2, 0},
      {"version", "INTEGER", 1, nullptr, 0, 0},
      {"name", "VARCHAR(256)", 1, nullptr, 1, 0}},
     {{"sqlite_autoindex_registered_model_aliases_1", true, {"name", "alias"}}},
     {{"registered_models", {"name"}, {"name"}, "CASCADE", "CASCADE"}},
     {"CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY (name) REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE",
      "CONSTRAINT registered_model_alias_pk PRIMARY KEY (name,alias)"}},
    {"trace_info",
     {{"request_id", "VARCHAR(50)", 1, nullptr, 1, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"timestamp_ms", "BIGINT", 1, nullptr, 0, 0},
      {"execution_time_ms", "BIGINT", 0, nullptr, 0, 0},
      {"status", "VARCHAR(50)", 1, nullptr, 0, 0},
      {"client_request_id", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"request_preview", "VARCHAR(1000)", 0, nullptr, 0, 0},
      {"response_preview", "VARCHAR(1000)", 0, nullptr, 0, 0}},
     {{"index_trace_info_experiment_id_timestamp_ms", false, {"experiment_id", "timestamp_ms"}},
      {"sqlite_autoindex_trace_info_1", true, {"request_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"}},
     {"CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT trace_info_pk PRIMARY KEY (request_id)"}},
    {"trace_tags",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(8000)", 0, nullptr, 0, 0},
      {"request_id", "VARCHAR(50)", 1, nullptr, 2, 0}},
     {{"index_trace_tags_request_id", false, {"request_id"}},
      {"sqlite_autoindex_trace_tags_1", true, {"key", "request_id"}}},
     {{"trace_info", {"request_id"}, {"request_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_trace_tags_request_id FOREIGN KEY (request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE",
      "CONSTRAINT trace_tag_pk PRIMARY KEY (key,request_id)"}},
    {"trace_request_metadata",
     {{"key", "VARCHAR(250)", 1, nullptr, 1, 0},
      {"value", "VARCHAR(8000)", 0, nullptr, 0, 0},
      {"request_id", "VARCHAR(50)", 1, nullptr, 2, 0}},
     {{"index_trace_request_metadata_request_id", false, {"request_id"}},
      {"sqlite_autoindex_trace_request_metadata_1", true, {"key", "request_id"}}},
     {{"trace_info", {"request_id"}, {"request_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY (request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE",
      "CONSTRAINT trace_request_metadata_pk PRIMARY KEY (key,request_id)"}},
    {"assessments",
     {{"assessment_id", "VARCHAR(50)", 1, nullptr, 1, 0},
      {"trace_id", "VARCHAR(50)", 1, nullptr, 0, 0},
      {"name", "VARCHAR(250)", 1, nullptr, 0, 0},
      {"assessment_type", "VARCHAR(20)", 1, nullptr, 0, 0},
      {"value", "TEXT", 1, nullptr, 0, 0},
      {"error", "TEXT", 0, nullptr, 0, 0},
      {"created_timestamp", "BIGINT", 1, nullptr, 0, 0},
      {"last_updated_timestamp", "BIGINT", 1, nullptr, 0, 0},
      {"source_type", "VARCHAR(50)", 1, nullptr, 0, 0},
      {"source_id", "VARCHAR(250)", 0, nullptr, 0, 0},
      {"run_id", "VARCHAR(32)", 0, nullptr, 0, 0},
      {"span_id", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"rationale", "TEXT", 0, nullptr, 0, 0},
      {"overrides", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"valid", "BOOLEAN", 1, nullptr, 0, 0},
      {"assessment_metadata", "TEXT", 0, nullptr, 0, 0}},
     {{"index_assessments_assessment_type", false, {"assessment_type"}},
      {"index_assessments_last_updated_timestamp", false, {"last_updated_timestamp"}},
      {"index_assessments_run_id_created_timestamp", false, {"run_id", "created_timestamp"}},
      {"index_assessments_trace_id_created_timestamp", false, {"trace_id", "created_timestamp"}},
      {"sqlite_autoindex_assessments_1", true, {"assessment_id"}}},
     {{"trace_info", {"trace_id"}, {"request_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_assessments_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE",
      "CONSTRAINT assessments_pk PRIMARY KEY (assessment_id)"}},
    {"spans",
     {{"trace_id", "VARCHAR(50)", 1, nullptr, 1, 0},
      {"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"span_id", "VARCHAR(50)", 1, nullptr, 2, 0},
      {"parent_span_id", "VARCHAR(50)", 0, nullptr, 0, 0},
      {"name", "TEXT", 0, nullptr, 0, 0},
      {"type", "VARCHAR(500)", 0, nullptr, 0, 0},
      {"status", "VARCHAR(50)", 1, nullptr, 0, 0},
      {"start_time_unix_nano", "BIGINT", 1, nullptr, 0, 0},
      {"end_time_unix_nano", "BIGINT", 0, nullptr, 0, 0},
      {"duration_ns", "BIGINT", 0, nullptr, 0, 3},
      {"content", "TEXT", 1, nullptr, 0, 0}},
     {{"index_spans_experiment_id", false, {"experiment_id"}},
      {"index_spans_experiment_id_duration", false, {"experiment_id", "duration_ns"}},
      {"index_spans_experiment_id_status_type", false, {"experiment_id", "status", "type"}},
      {"index_spans_experiment_id_type_status", false, {"experiment_id", "type", "status"}},
      {"sqlite_autoindex_spans_1", true, {"trace_id", "span_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "NO ACTION"},
      {"trace_info", {"trace_id"}, {"request_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_spans_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)",
      "CONSTRAINT fk_spans_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE",
      "duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED",
      "CONSTRAINT spans_pk PRIMARY KEY (trace_id,span_id)"}},
    {"entity_associations",
     {{"association_id", "VARCHAR(36)", 1, nullptr, 0, 0},
      {"source_type", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"source_id", "VARCHAR(36)", 1, nullptr, 2, 0},
      {"destination_type", "VARCHAR(36)", 1, nullptr, 3, 0},
      {"destination_id", "VARCHAR(36)", 1, nullptr, 4, 0},
      {"created_time", "BIGINT", 0, nullptr, 0, 0}},
     {{"index_entity_associations_association_id", false, {"association_id"}},
      {"index_entity_associations_reverse_lookup", false, {"destination_type", "destination_id", "source_type", "source_id"}},
      {"sqlite_autoindex_entity_associations_1", true, {"source_type", "source_id", "destination_type", "destination_id"}}},
     {},
     {"CONSTRAINT entity_associations_pk PRIMARY KEY (source_type,source_id,destination_type,destination_id)"}},
    {"scorers",
     {{"experiment_id", "INTEGER", 1, nullptr, 0, 0},
      {"scorer_name", "VARCHAR(256)", 1, nullptr, 0, 0},
      {"scorer_id", "VARCHAR(36)", 1, nullptr, 1, 0}},
     {{"index_scorers_experiment_id_scorer_name", true, {"experiment_id", "scorer_name"}},
      {"sqlite_autoindex_scorers_1", true, {"scorer_id"}}},
     {{"experiments", {"experiment_id"}, {"experiment_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_scorers_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE",
      "CONSTRAINT scorer_pk PRIMARY KEY (scorer_id)"}},
    {"scorer_versions",
     {{"scorer_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"scorer_version", "INTEGER", 1, nullptr, 2, 0},
      {"serialized_scorer", "TEXT", 1, nullptr, 0, 0},
      {"creation_time", "BIGINT", 0, nullptr, 0, 0}},
     {{"index_scorer_versions_scorer_id", false, {"scorer_id"}},
      {"sqlite_autoindex_scorer_versions_1", true, {"scorer_id", "scorer_version"}}},
     {{"scorers", {"scorer_id"}, {"scorer_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY (scorer_id) REFERENCES scorers (scorer_id) ON DELETE CASCADE",
      "CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id,scorer_version)"}},
    {"evaluation_datasets",
     {{"dataset_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"name", "VARCHAR(255)", 1, nullptr, 0, 0},
      {"schema", "TEXT", 0, nullptr, 0, 0},
      {"profile", "TEXT", 0, nullptr, 0, 0},
      {"digest", "VARCHAR(64)", 0, nullptr, 0, 0},
      {"created_time", "BIGINT", 0, nullptr, 0, 0},
      {"last_update_time", "BIGINT", 0, nullptr, 0, 0},
      {"created_by", "VARCHAR(255)", 0, nullptr, 0, 0},
      {"last_updated_by", "VARCHAR(255)", 0, nullptr, 0, 0}},
     {{"index_evaluation_datasets_created_time", false, {"created_time"}},
      {"index_evaluation_datasets_name", false, {"name"}},
      {"sqlite_autoindex_evaluation_datasets_1", true, {"dataset_id"}}},
     {},
     {"CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)"}},
    {"evaluation_dataset_tags",
     {{"dataset_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"key", "VARCHAR(255)", 1, nullptr, 2, 0},
      {"value", "VARCHAR(5000)", 0, nullptr, 0, 0}},
     {{"index_evaluation_dataset_tags_dataset_id", false, {"dataset_id"}},
      {"sqlite_autoindex_evaluation_dataset_tags_1", true, {"dataset_id", "key"}}},
     {{"evaluation_datasets", {"dataset_id"}, {"dataset_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE",
      "CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id,key)"}},
    {"evaluation_dataset_records",
     {{"dataset_record_id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"dataset_id", "VARCHAR(36)", 1, nullptr, 0, 0},
      {"inputs", "JSON", 1, nullptr, 0, 0},
      {"expectations", "JSON", 0, nullptr, 0, 0},
      {"tags", "JSON", 0, nullptr, 0, 0},
      {"source", "JSON", 0, nullptr, 0, 0},
      {"source_id", "VARCHAR(36)", 0, nullptr, 0, 0},
      {"source_type", "VARCHAR(255)", 0, nullptr, 0, 0},
      {"created_time", "BIGINT", 0, nullptr, 0, 0},
      {"last_update_time", "BIGINT", 0, nullptr, 0, 0},
      {"created_by", "VARCHAR(255)", 0, nullptr, 0, 0},
      {"last_updated_by", "VARCHAR(255)", 0, nullptr, 0, 0},
      {"input_hash", "VARCHAR(64)", 1, nullptr, 0, 0},
      {"outputs", "JSON", 0, nullptr, 0, 0}},
     {{"index_evaluation_dataset_records_dataset_id", false, {"dataset_id"}},
      {"sqlite_autoindex_evaluation_dataset_records_1", true, {"dataset_record_id"}},
      {"sqlite_autoindex_evaluation_dataset_records_2", true, {"dataset_id", "input_hash"}}},
     {{"evaluation_datasets", {"dataset_id"}, {"dataset_id"}, "NO ACTION", "CASCADE"}},
     {"CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE",
      "CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id)",
      "CONSTRAINT unique_dataset_input UNIQUE (dataset_id,input_hash)"}},
    {"webhooks",
     {{"webhook_id", "VARCHAR(256)", 1, nullptr, 1, 0},
      {"name", "VARCHAR(256)", 1, nullptr, 0, 0},
      {"description", "VARCHAR(1000)", 0, nullptr, 0, 0},
      {"url", "VARCHAR(500)", 1, nullptr, 0, 0},
      {"status", "VARCHAR(20)", 1, "'ACTIVE'", 0, 0},
      {"secret", "VARCHAR(1000)", 0, nullptr, 0, 0},
      {"creation_timestamp", "BIGINT", 0, nullptr, 0, 0},
      {"last_updated_timestamp", "BIGINT", 0, nullptr, 0, 0},
      {"deleted_timestamp", "BIGINT", 0, nullptr, 0, 0}},
     {{"idx_webhooks_name", false, {"name"}},
      {"idx_webhooks_status", false, {"status"}},
      {"sqlite_autoindex_webhooks_1", true, {"webhook_id"}}},
     {},
     {"CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)"}},
    {"webhook_events",
     {{"webhook_id", "VARCHAR(256)", 1, nullptr, 1, 0},
      {"entity", "VARCHAR(50)", 1, nullptr, 2, 0},
      {"action", "VARCHAR(50)", 1, nullptr, 3, 0}},
     {{"idx_webhook_events_action", false, {"action"}},
      {"idx_webhook_events_entity", false, {"entity"}},
      {"idx_webhook_events_entity_action", false, {"entity", "action"}},
      {"sqlite_autoindex_webhook_events_1", true, {"webhook_id", "entity", "action"}}},
     {{"webhooks", {"webhook_id"}, {"webhook_id"}, "NO ACTION", "CASCADE"}},
     {"FOREIGN KEY (webhook_id) REFERENCES webhooks (webhook_id) ON DELETE CASCADE",
      "CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id,entity,action)"}},
    {"jobs",
     {{"id", "VARCHAR(36)", 1, nullptr, 1, 0},
      {"creation_time", "BIGINT", 1, nullptr, 0, 0},
      {"function_fullname", "VARCHAR(500)", 1, nullptr, 0, 0},
      {"params", "TEXT", 1, nullptr, 0, 0},
      {"timeout", "FLOAT", 0, nullptr, 0, 0},
      {"status", "INTEGER", 1, nullptr, 0, 0},
      {"result", "TEXT", 0, nullptr, 0, 0},
      {"retry_count", "INTEGER", 1, nullptr, 0, 0},
      {"last_update_time", "BIGINT", 1, nullptr, 0, 0}},
     {{"index_jobs_function_status_creation_time", false, {"function_fullname", "status", "creation_time"}},
      {"sqlite_autoindex_jobs_1", true, {"id"}}},
     {},
     {"CONSTRAINT jobs_pk PRIMARY KEY (id)"}},
    {"alembic_version",
     {{"version_num", "VARCHAR(32)", 1, nullptr, 1, 0}},
     {{"sqlite_autoindex_alembic_version_1", true, {"version_num"}}},
     {},
     {"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)"}},
  };
  return kTables;
}

// Whitespace and double quotes removed, lower case outside single-quoted literals.
std::string Fold(std::string_view text) {
  std::string out;
  bool literal = false;
  for (char c : text) {
    if (c == '\'') literal = !literal;
    if (!literal && (std::isspace(static_cast<unsigned char>(c)) || c == '"')) continue;
    out.push_back(literal ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mlflow_schema_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    conn_ = std::make_unique<SqliteConnection>((dir_ / "mlflow.db").string());
  }
  void TearDown() override {
    conn_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> Strings(const std::string& sql, int col = 0) {
    std::vector<std::string> out;
    auto st = conn_->Prepare(sql);
    while (st->Step()) out.push_back(st->Text(col));
    return out;
  }
  void SetRevision(const std::string& revision) {
    conn_->ExecScript("DELETE FROM alembic_version");
    auto st = conn_->Prepare("INSERT INTO alembic_version (version_num) VALUES (?)");
    st->Bind(1, std::string_view(revision));
    st->Execute();
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteConnection> conn_;
};

TEST_F(SchemaTest, CreatesExactlyTheExpectedTables) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  std::vector<std::string> expected;
  for (const auto& t : Expected()) expected.push_back(t.name);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite_%' ORDER BY name"),
            expected);
  std::vector<std::string> listed = SchemaTableNames();
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, expected);
  // No triggers or views: MLflow 3.6.0 has none.
  EXPECT_TRUE(Strings("SELECT name FROM sqlite_master WHERE type NOT IN ('table', 'index')").empty());
}

TEST_F(SchemaTest, AlembicVersionHasExactlyOurRevision) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  EXPECT_EQ(Strings("SELECT version_num FROM alembic_version"),
            std::vector<std::string>{"bf29a5ff90ea"});
  EXPECT_STREQ(kSchemaRevision, "bf29a5ff90ea");
  std::string sql = Strings("SELECT sql FROM sqlite_master WHERE name = 'alembic_version'").at(0);
  EXPECT_NE(Fold(sql).find("constraintalembic_version_pkcprimarykey(version_num)"), std::string::npos);
}

TEST_F(SchemaTest, ColumnsMatchTableByTable) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  for (const auto& table : Expected()) {
    SCOPED_TRACE(table.name);
    auto st = conn_->Prepare(std::string("PRAGMA table_xinfo(\"") + table.name + "\")");
    size_t i = 0;
    for (; st->Step(); ++i) {
      ASSERT_LT(i, table.columns.size()) << "unexpected column " << st->Text(1);
      const ColumnSpec& c = table.columns[i];
      SCOPED_TRACE(c.name);
      EXPECT_EQ(st->Int(0), static_cast<int64_t>(i));
      EXPECT_EQ(st->Text(1), c.name);
      std::string type = st->Text(2);
      std::transform(type.begin(), type.end(), type.begin(), ::toupper);
      EXPECT_EQ(type, c.type);
      EXPECT_EQ(st->Int(3), c.notnull);
      if (c.default_value) {
        EXPECT_FALSE(st->IsNull(4));
        EXPECT_EQ(st->Text(4), c.default_value);
      } else {
        EXPECT_TRUE(st->IsNull(4)) << "default " << st->Text(4);
      }
      EXPECT_EQ(st->Int(5), c.pk);
      EXPECT_EQ(st->Int(6), c.hidden);
    }
    EXPECT_EQ(i, table.columns.size());
  }
}

TEST_F(SchemaTest, IndexesMatchTableByTable) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  for (const auto& table : Expected()) {
    SCOPED_TRACE(table.name);
    std::vector<IndexSpec> actual;
    {
      auto st = conn_->Prepare(std::string("PRAGMA index_list(\"") + table.name + "\")");
      while (st->Step()) actual.push_back({st->Text(1), st->Int(2) != 0, {}});
    }
    std::sort(actual.begin(), actual.end(),
              [](const IndexSpec& a, const IndexSpec& b) { return a.name < b.name; });
    for (auto& index : actual) {
      auto st = conn_->Prepare("SELECT name FROM pragma_index_info(?) ORDER BY seqno");
      st->Bind(1, std::string_view(index.name));
      while (st->Step()) index.columns.push_back(st->Text(0));
    }
    ASSERT_EQ(actual.size(), table.indexes.size());
    for (size_t i = 0; i < actual.size(); ++i) {
      EXPECT_EQ(actual[i].name, table.indexes[i].name);
      EXPECT_EQ(actual[i].unique, table.indexes[i].unique) << actual[i].name;
      EXPECT_EQ(actual[i].columns, table.indexes[i].columns) << actual[i].name;
    }
  }
}

TEST_F(SchemaTest, ForeignKeysMatchTableByTable) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  for (const auto& table : Expected()) {
    SCOPED_TRACE(table.name);
    std::vector<ForeignKeySpec> actual;
    auto st = conn_->Prepare(std::string("PRAGMA foreign_key_list(\"") + table.name + "\")");
    int64_t last_id = -1;
    while (st->Step()) {
      if (st->Int(0) != last_id) {
        actual.push_back({st->Text(2), {}, {}, st->Text(5), st->Text(6)});
        last_id = st->Int(0);
      }
      actual.back().from.push_back(st->Text(3));
      actual.back().to.push_back(st->Text(4));
    }
    auto key = [](const ForeignKeySpec& f) { return std::make_pair(f.table, f.from); };
    std::sort(actual.begin(), actual.end(),
              [&](const ForeignKeySpec& a, const ForeignKeySpec& b) { return key(a) < key(b); });
    ASSERT_EQ(actual.size(), table.foreign_keys.size());
    for (size_t i = 0; i < actual.size(); ++i) {
      const auto& e = table.foreign_keys[i];
      EXPECT_EQ(actual[i].table, e.table);
      EXPECT_EQ(actual[i].from, e.from);
      EXPECT_EQ(actual[i].to, e.to);
      EXPECT_EQ(actual[i].on_update, e.on_update) << e.table;
      EXPECT_EQ(actual[i].on_delete, e.on_delete) << e.table;
    }
  }
}

TEST_F(SchemaTest, ConstraintNamesAndChecksArePresent) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  for (const auto& table : Expected()) {
    SCOPED_TRACE(table.name);
    std::string sql = Fold(Strings(std::string("SELECT sql FROM sqlite_master WHERE type = "
                                                "'table' AND name = '") + table.name + "'").at(0));
    for (const char* fragment : table.constraints) {
      EXPECT_NE(sql.find(Fold(fragment)), std::string::npos) << fragment;
    }
    // Every CHECK in the table is one we expect (no extra constraints).
    size_t checks = 0;
    for (size_t p = sql.find("check("); p != std::string::npos; p = sql.find("check(", p + 1)) ++checks;
    size_t expected_checks = 0;
    for (const char* fragment : table.constraints) {
      if (Fold(fragment).find("check(") != std::string::npos) ++expected_checks;
    }
    EXPECT_EQ(checks, expected_checks);
  }
}

TEST_F(SchemaTest, ConstraintsAreEnforced) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  conn_->ExecScript("PRAGMA foreign_keys = ON");
  conn_->ExecScript(
      "INSERT INTO experiments (experiment_id, name, lifecycle_stage) VALUES (0, 'Default', 'active')");
  // lifecycle CHECK, UNIQUE(name), run status CHECK, FK to runs, is_nan CHECK.
  EXPECT_THROW(conn_->ExecScript("INSERT INTO experiments (name, lifecycle_stage) VALUES ('x', 'gone')"),
               SqlError);
  EXPECT_THROW(conn_->ExecScript("INSERT INTO experiments (name) VALUES ('Default')"), SqlError);
  EXPECT_THROW(conn_->ExecScript("INSERT INTO runs (run_uuid, status) VALUES ('r', 'DONE')"), SqlError);
  EXPECT_THROW(conn_->ExecScript("INSERT INTO params (key, value, run_uuid) VALUES ('k', 'v', 'nope')"),
               SqlError);
  conn_->ExecScript("INSERT INTO runs (run_uuid, status, experiment_id) VALUES ('r', 'RUNNING', 0)");
  EXPECT_THROW(conn_->ExecScript("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                                 "VALUES ('m', 1, 1, 'r', 0, 2)"),
               SqlError);
  // Defaults: step and is_nan default to 0; experiment_id is a rowid alias.
  conn_->ExecScript("INSERT INTO metrics (key, value, timestamp, run_uuid) VALUES ('m', 1, 1, 'r')");
  EXPECT_EQ(Strings("SELECT step || '/' || is_nan FROM metrics"), std::vector<std::string>{"0/0"});
  conn_->ExecScript("INSERT INTO experiments (name) VALUES ('second')");
  EXPECT_EQ(Strings("SELECT experiment_id FROM experiments WHERE name = 'second'"),
            std::vector<std::string>{"1"});
  // Generated column.
  conn_->ExecScript(
      "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status) VALUES ('t', 0, 1, 'OK');"
      "INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, "
      "end_time_unix_nano, content) VALUES ('t', 0, 's', 'OK', 100, 350, '{}')");
  EXPECT_EQ(Strings("SELECT duration_ns FROM spans"), std::vector<std::string>{"250"});
}

TEST_F(SchemaTest, CreateSchemaIsAllOrNothing) {
  conn_->ExecScript("CREATE TABLE webhooks (x INTEGER)");  // makes a later statement fail
  Status st = CreateSchema(*conn_);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidState);
  EXPECT_NE(st.message().find("webhooks"), std::string::npos) << st.message();
  EXPECT_EQ(Strings("SELECT name FROM sqlite_master WHERE type = 'table'"),
            std::vector<std::string>{"webhooks"});
}

TEST_F(SchemaTest, InspectEmptyDatabase) {
  auto info = InspectSchema(*conn_);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kEmpty);
  EXPECT_EQ(info->revision, "");
}

TEST_F(SchemaTest, InspectOurRevision) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  auto info = InspectSchema(*conn_);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kCurrent);
  EXPECT_EQ(info->revision, kSchemaRevision);
  EXPECT_EQ(info->migrations_ahead, 0);
  EXPECT_FALSE(info->has_workspace_columns);
  EXPECT_FALSE(info->has_workspaces_table);
  EXPECT_FALSE(info->jobs_has_job_name);
  EXPECT_FALSE(info->trace_info_has_analytics);
  EXPECT_FALSE(info->experiment_tag_value_is_text);
  EXPECT_TRUE(info->extra_tables.empty());
}

TEST_F(SchemaTest, InspectNewerRevisionIsToleratedAndReportsFeatures) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  // What MLflow 3.17.2's migrations add (abridged): workspace columns, the workspaces table,
  // the jobs column rename and new tables.
  conn_->ExecScript(
      "ALTER TABLE experiments ADD COLUMN workspace VARCHAR(63) DEFAULT 'default' NOT NULL;"
      "CREATE TABLE workspaces (name VARCHAR(63) NOT NULL PRIMARY KEY, description TEXT);"
      "ALTER TABLE jobs RENAME COLUMN function_fullname TO job_name;"
      "ALTER TABLE trace_info ADD COLUMN trace_name VARCHAR(4096);"
      "CREATE TABLE secrets (secret_id VARCHAR(36) PRIMARY KEY)");
  SetRevision("dc11669786a5");
  auto info = InspectSchema(*conn_);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kNewer);
  EXPECT_EQ(info->revision, "dc11669786a5");
  EXPECT_EQ(info->migrations_ahead, static_cast<int>(NewerRevisions().size()));
  EXPECT_TRUE(info->has_workspace_columns);
  EXPECT_TRUE(info->has_workspaces_table);
  EXPECT_TRUE(info->jobs_has_job_name);
  EXPECT_TRUE(info->trace_info_has_analytics);
  EXPECT_EQ(info->extra_tables, (std::vector<std::string>{"secrets", "workspaces"}));

  // The first migration after ours, without any structural change, is newer too.
  SetRevision("1bd49d398cd23");
  info = InspectSchema(*conn_);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kNewer);
  EXPECT_EQ(info->migrations_ahead, 1);
}

TEST_F(SchemaTest, InspectOlderRevisionIsRefusedWithUpgradeHint) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  for (const char* old : {"3da73c924c2f", "451aebb31d03", "0584bdc529eb"}) {
    SetRevision(old);
    auto info = InspectSchema(*conn_, "sqlite:///tmp/m.db");
    ASSERT_FALSE(info.ok()) << old;
    EXPECT_EQ(info.status().code(), ErrorCode::kInvalidState);
    const std::string& m = info.status().message();
    EXPECT_NE(m.find(old), std::string::npos) << m;
    EXPECT_NE(m.find("mlflow-cpp db upgrade sqlite:///tmp/m.db"), std::string::npos) << m;
  }
}

TEST_F(SchemaTest, InspectUnknownRevisionIsRefused) {
  ASSERT_TRUE(CreateSchema(*conn_).ok());
  SetRevision("0123456789ab");
  auto info = InspectSchema(*conn_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), ErrorCode::kInvalidState);
  EXPECT_NE(info.status().message().find("0123456789ab"), std::string::npos);
  EXPECT_EQ(info.status().message().find("db upgrade"), std::string::npos);
}

TEST_F(SchemaTest, InspectRefusesBrokenVersionTables) {
  conn_->ExecScript("CREATE TABLE something (x INTEGER)");
  EXPECT_FALSE(InspectSchema(*conn_).ok());  // tables but no alembic_version
  conn_->ExecScript("DROP TABLE something");

  ASSERT_TRUE(CreateSchema(*conn_).ok());
  conn_->ExecScript("DELETE FROM alembic_version");
  EXPECT_FALSE(InspectSchema(*conn_).ok());  // zero rows
  conn_->ExecScript("INSERT INTO alembic_version VALUES ('bf29a5ff90ea'), ('1bd49d398cd23')");
  EXPECT_FALSE(InspectSchema(*conn_).ok());  // two rows
  SetRevision(kSchemaRevision);
  conn_->ExecScript("DROP TABLE webhook_events");
  auto info = InspectSchema(*conn_);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("webhook_events"), std::string::npos);
}

// The PostgreSQL DDL (verified against a real PostgreSQL by tests/interop/schema_compare.py
// --postgres) must name the same tables, indexes and named constraints as the SQLite DDL.
TEST(SchemaDialects, PostgresDdlNamesTheSameObjectsAsSqlite) {
  auto names = [](const std::vector<std::string>& statements) {
    std::set<std::string> out;
    const std::regex object(R"((CREATE (?:UNIQUE )?(?:TABLE|INDEX) \w+)|(CONSTRAINT \w+))");
    for (const std::string& st : statements) {
      std::string text(st);
      text.erase(std::remove(text.begin(), text.end(), '"'), text.end());
      for (std::sregex_iterator it(text.begin(), text.end(), object), end; it != end; ++it) {
        out.insert(it->str());
      }
    }
    return out;
  };
  std::set<std::string> sqlite = names(internal::SchemaStatements(Dialect::kSqlite));
  std::set<std::string> postgres = names(internal::SchemaStatements(Dialect::kPostgres));
  // PostgreSQL names what SQLite leaves anonymous; everything SQLite names, PostgreSQL names alike.
  for (const auto& n : sqlite) EXPECT_TRUE(postgres.count(n)) << n;
  std::set<std::string> extra;
  for (const auto& n : postgres) {
    if (!sqlite.count(n)) extra.insert(n);
  }
  EXPECT_EQ(extra, (std::set<std::string>{
                       "CONSTRAINT experiment_tags_experiment_id_fkey",
                       "CONSTRAINT experiments_name_key",
                       "CONSTRAINT latest_metrics_run_uuid_fkey",
                       "CONSTRAINT metrics_run_uuid_fkey",
                       "CONSTRAINT model_version_tags_name_version_fkey",
                       "CONSTRAINT model_versions_name_fkey",
                       "CONSTRAINT params_run_uuid_fkey",
                       "CONSTRAINT registered_model_tags_name_fkey",
                       "CONSTRAINT runs_experiment_id_fkey",
                       "CONSTRAINT runs_status_check",
                       "CONSTRAINT tags_run_uuid_fkey",
                       "CONSTRAINT webhook_events_webhook_id_fkey",
                   }));
  EXPECT_EQ(internal::SchemaStatements(Dialect::kPostgres).size(),
            internal::SchemaStatements(Dialect::kSqlite).size());
}

TEST(SchemaRevisions, ChainsAreDisjointAndEndAtKnownHeads) {
  std::set<std::string_view> seen;
  for (auto id : OlderRevisions()) EXPECT_TRUE(seen.insert(id).second) << id;
  for (auto id : NewerRevisions()) EXPECT_TRUE(seen.insert(id).second) << id;
  EXPECT_FALSE(seen.count(kSchemaRevision));
  EXPECT_EQ(OlderRevisions().size(), 39u);
  EXPECT_EQ(OlderRevisions().front(), "451aebb31d03");
  EXPECT_EQ(OlderRevisions().back(), "3da73c924c2f");
  EXPECT_EQ(NewerRevisions().front(), "1bd49d398cd23");
  EXPECT_EQ(NewerRevisions().back(), "dc11669786a5");
}

}  // namespace
}  // namespace mlflow::store::sql
