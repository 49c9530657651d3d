// MLflow's schema at alembic revision bf29a5ff90ea (PyPI MLflow 3.6.0), once, as constexpr data
// (docs/reference/database.md §5/§6). Column order follows a database the real MLflow migrated
// (its batch migrations copy tables column by column, so the order is visible); constraint order
// follows the CREATE TABLE text SQLite stores for it. Checked structurally against databases the
// real MLflow 3.6.0 made, on SQLite and PostgreSQL (tests/interop/schema_compare.py,
// tests/interop/db_upgrade/), and table by table in tests/unit/store/schema_test.cc.
#include "store/sql/schema_def.h"

namespace mlflow::store::sql::schema {
namespace {

enum Null { kNull, kNotNull };

constexpr Column Make(std::string_view name, Type type, Null null, std::string_view server_default = {}) {
  Column c;
  c.name = name;
  c.type = type;
  c.nullable = null == kNull;
  c.server_default = server_default;
  return c;
}
constexpr Column Int(std::string_view name, Null null = kNull) { return Make(name, Type::kInteger, null); }
constexpr Column BigInt(std::string_view name, Null null = kNull, std::string_view dflt = {}) {
  return Make(name, Type::kBigInt, null, dflt);
}
constexpr Column Float(std::string_view name, Null null = kNull) { return Make(name, Type::kFloat, null); }
constexpr Column Bool(std::string_view name, Null null = kNull, std::string_view dflt = {}) {
  return Make(name, Type::kBoolean, null, dflt);
}
constexpr Column Json(std::string_view name, Null null = kNull) { return Make(name, Type::kJson, null); }
constexpr Column Text(std::string_view name, Null null = kNull, TextSize size = TextSize::kDefault) {
  Column c = Make(name, Type::kText, null);
  c.text_size = size;
  return c;
}
constexpr Column Varchar(std::string_view name, int length, Null null = kNull, std::string_view dflt = {}) {
  Column c = Make(name, Type::kString, null, dflt);
  c.length = length;
  return c;
}
constexpr Column Serial(std::string_view name) {
  Column c = Make(name, Type::kInteger, kNotNull);
  c.autoincrement = true;
  return c;
}
constexpr Column Generated(Column c, std::string_view expression) {
  c.computed = expression;
  return c;
}

constexpr Constraint Pk(std::string_view name, std::string_view columns) {
  Constraint c;
  c.kind = ConstraintKind::kPrimaryKey;
  c.name = name;
  c.columns = columns;
  return c;
}
constexpr Constraint Unique(std::string_view name, std::string_view columns) {
  Constraint c = Pk(name, columns);
  c.kind = ConstraintKind::kUnique;
  return c;
}
constexpr Constraint Fk(std::string_view name, std::string_view columns, std::string_view ref_table,
                        std::string_view ref_columns, std::string_view on_delete = {},
                        std::string_view on_update = {}) {
  Constraint c = Pk(name, columns);
  c.kind = ConstraintKind::kForeignKey;
  c.ref_table = ref_table;
  c.ref_columns = ref_columns;
  c.on_delete = on_delete;
  c.on_update = on_update;
  return c;
}
constexpr Constraint CheckIn(std::string_view name, std::string_view column, std::string_view values) {
  Constraint c = Pk(name, column);
  c.kind = ConstraintKind::kCheckIn;
  c.values = values;
  return c;
}
constexpr Constraint BoolCheck(std::string_view column) {
  Constraint c = Pk({}, column);
  c.kind = ConstraintKind::kBooleanCheck;
  return c;
}
constexpr Constraint MysqlOnly(Constraint c) {
  c.mysql_only = true;
  return c;
}

// MLflow's enum values (docs/reference/database.md §5).
constexpr std::string_view kLifecycleStages = "active, deleted";

// ---- P1: tracking ----
constexpr Column kExperimentsColumns[] = {
    Serial("experiment_id"), Varchar("name", 256, kNotNull), Varchar("artifact_location", 256),
    Varchar("lifecycle_stage", 32), BigInt("creation_time"), BigInt("last_update_time")};
constexpr Constraint kExperimentsConstraints[] = {
    Pk("experiment_pk", "experiment_id"),
    CheckIn("experiments_lifecycle_stage", "lifecycle_stage", kLifecycleStages), Unique({}, "name")};

constexpr Column kExperimentTagsColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 5000), Int("experiment_id", kNotNull)};
constexpr Constraint kExperimentTagsConstraints[] = {
    Pk("experiment_tag_pk", "key, experiment_id"), Fk({}, "experiment_id", "experiments", "experiment_id")};

constexpr Column kRunsColumns[] = {
    Varchar("run_uuid", 32, kNotNull), Varchar("name", 250), Varchar("source_type", 20),
    Varchar("source_name", 500), Varchar("entry_point_name", 50), Varchar("user_id", 256),
    Varchar("status", 9), BigInt("start_time"), BigInt("end_time"), Varchar("source_version", 50),
    Varchar("lifecycle_stage", 20), Varchar("artifact_uri", 200), Int("experiment_id"),
    BigInt("deleted_time")};
constexpr Constraint kRunsConstraints[] = {
    Pk("run_pk", "run_uuid"), CheckIn("runs_lifecycle_stage", "lifecycle_stage", kLifecycleStages),
    CheckIn("source_type", "source_type", "NOTEBOOK, JOB, LOCAL, UNKNOWN, PROJECT"),
    Fk({}, "experiment_id", "experiments", "experiment_id"),
    CheckIn({}, "status", "SCHEDULED, FAILED, FINISHED, RUNNING, KILLED")};

constexpr Column kTagsColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 8000), Varchar("run_uuid", 32, kNotNull)};
constexpr Constraint kTagsConstraints[] = {
    Pk("tag_pk", "key, run_uuid"), Fk({}, "run_uuid", "runs", "run_uuid")};
constexpr Index kTagsIndexes[] = {{"index_tags_run_uuid", "run_uuid"}};

constexpr Column kParamsColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 8000, kNotNull), Varchar("run_uuid", 32, kNotNull)};
constexpr Constraint kParamsConstraints[] = {
    Pk("param_pk", "key, run_uuid"), Fk({}, "run_uuid", "runs", "run_uuid")};
constexpr Index kParamsIndexes[] = {{"index_params_run_uuid", "run_uuid"}};

constexpr Column kMetricsColumns[] = {
    Varchar("key", 250, kNotNull), Float("value", kNotNull), BigInt("timestamp", kNotNull),
    Varchar("run_uuid", 32, kNotNull), BigInt("step", kNotNull, "0"), Bool("is_nan", kNotNull, "0")};
constexpr Constraint kMetricsConstraints[] = {
    Pk("metric_pk", "key, timestamp, step, run_uuid, value, is_nan"), Fk({}, "run_uuid", "runs", "run_uuid"),
    // On MySQL MLflow's chain adds this CHECK twice: 39d1c3be5f05, then the MySQL-only c48cb773bb87
    // alters is_nan to a Boolean with create_constraint=True again (a MariaDB database MLflow 3.6.0
    // made has CONSTRAINT_1 and CONSTRAINT_2; tests/interop/db_upgrade/dbupgrade_mysql_checks.py).
    BoolCheck("is_nan"), MysqlOnly(BoolCheck("is_nan"))};
constexpr Index kMetricsIndexes[] = {{"index_metrics_run_uuid", "run_uuid"}};

constexpr Column kLatestMetricsColumns[] = {
    Varchar("key", 250, kNotNull), Float("value", kNotNull), BigInt("timestamp"), BigInt("step", kNotNull),
    Bool("is_nan", kNotNull), Varchar("run_uuid", 32, kNotNull)};
constexpr Constraint kLatestMetricsConstraints[] = {
    Pk("latest_metric_pk", "key, run_uuid"), Fk({}, "run_uuid", "runs", "run_uuid"), BoolCheck("is_nan")};
constexpr Index kLatestMetricsIndexes[] = {{"index_latest_metrics_run_uuid", "run_uuid"}};

constexpr Column kDatasetsColumns[] = {
    Varchar("dataset_uuid", 36, kNotNull), Int("experiment_id", kNotNull), Varchar("name", 500, kNotNull),
    Varchar("digest", 36, kNotNull), Varchar("dataset_source_type", 36, kNotNull),
    Text("dataset_source", kNotNull), Text("dataset_schema", kNull, TextSize::kMedium),
    Text("dataset_profile", kNull, TextSize::kMedium)};
constexpr Constraint kDatasetsConstraints[] = {
    Pk("dataset_pk", "experiment_id, name, digest"),
    Fk("fk_datasets_experiment_id_experiments", "experiment_id", "experiments", "experiment_id", "CASCADE")};
constexpr Index kDatasetsIndexes[] = {
    {"index_datasets_dataset_uuid", "dataset_uuid"},
    {"index_datasets_experiment_id_dataset_source_type", "experiment_id, dataset_source_type"}};

constexpr Column kInputsColumns[] = {
    Varchar("input_uuid", 36, kNotNull), Varchar("source_type", 36, kNotNull),
    Varchar("source_id", 36, kNotNull), Varchar("destination_type", 36, kNotNull),
    Varchar("destination_id", 36, kNotNull), BigInt("step", kNotNull, "0")};
constexpr Constraint kInputsConstraints[] = {
    Pk("inputs_pk", "source_type, source_id, destination_type, destination_id")};
constexpr Index kInputsIndexes[] = {
    {"index_inputs_input_uuid", "input_uuid"},
    {"index_inputs_destination_type_destination_id_source_type", "destination_type, destination_id, source_type"}};

constexpr Column kInputTagsColumns[] = {
    Varchar("input_uuid", 36, kNotNull), Varchar("name", 255, kNotNull), Varchar("value", 500, kNotNull)};
constexpr Constraint kInputTagsConstraints[] = {Pk("input_tags_pk", "input_uuid, name")};

// ---- P1: logged models ----
constexpr Column kLoggedModelsColumns[] = {
    Varchar("model_id", 36, kNotNull), Int("experiment_id", kNotNull), Varchar("name", 500, kNotNull),
    Varchar("artifact_location", 1000, kNotNull), BigInt("creation_timestamp_ms", kNotNull),
    BigInt("last_updated_timestamp_ms", kNotNull), Int("status", kNotNull), Varchar("lifecycle_stage", 32),
    Varchar("model_type", 500), Varchar("source_run_id", 32), Varchar("status_message", 1000)};
constexpr Constraint kLoggedModelsConstraints[] = {
    Pk("logged_models_pk", "model_id"),
    CheckIn("logged_models_lifecycle_stage_check", "lifecycle_stage", kLifecycleStages),
    Fk("fk_logged_models_experiment_id", "experiment_id", "experiments", "experiment_id", "CASCADE")};

constexpr Column kLoggedModelMetricsColumns[] = {
    Varchar("model_id", 36, kNotNull), Varchar("metric_name", 500, kNotNull),
    BigInt("metric_timestamp_ms", kNotNull), BigInt("metric_step", kNotNull), Float("metric_value"),
    Int("experiment_id", kNotNull), Varchar("run_id", 32, kNotNull), Varchar("dataset_uuid", 36),
    Varchar("dataset_name", 500), Varchar("dataset_digest", 36)};
constexpr Constraint kLoggedModelMetricsConstraints[] = {
    Pk("logged_model_metrics_pk", "model_id, metric_name, metric_timestamp_ms, metric_step, run_id"),
    Fk("fk_logged_model_metrics_experiment_id", "experiment_id", "experiments", "experiment_id"),
    Fk("fk_logged_model_metrics_model_id", "model_id", "logged_models", "model_id", "CASCADE"),
    Fk("fk_logged_model_metrics_run_id", "run_id", "runs", "run_uuid", "CASCADE")};
constexpr Index kLoggedModelMetricsIndexes[] = {{"index_logged_model_metrics_model_id", "model_id"}};

constexpr Column kLoggedModelParamsColumns[] = {
    Varchar("model_id", 36, kNotNull), Int("experiment_id", kNotNull), Varchar("param_key", 255, kNotNull),
    Text("param_value", kNotNull)};
constexpr Constraint kLoggedModelParamsConstraints[] = {
    Pk("logged_model_params_pk", "model_id, param_key"),
    Fk("fk_logged_model_params_experiment_id", "experiment_id", "experiments", "experiment_id"),
    Fk("fk_logged_model_params_model_id", "model_id", "logged_models", "model_id", "CASCADE")};

constexpr Column kLoggedModelTagsColumns[] = {
    Varchar("model_id", 36, kNotNull), Int("experiment_id", kNotNull), Varchar("tag_key", 255, kNotNull),
    Text("tag_value", kNotNull)};
constexpr Constraint kLoggedModelTagsConstraints[] = {
    Pk("logged_model_tags_pk", "model_id, tag_key"),
    Fk("fk_logged_model_tags_experiment_id", "experiment_id", "experiments", "experiment_id"),
    Fk("fk_logged_model_tags_model_id", "model_id", "logged_models", "model_id", "CASCADE")};

// ---- P1: model registry ----
// UNIQUE(name) beside the primary key on the same column: MLflow declares both (2b4d017a5e9b);
// SQLite keeps both, PostgreSQL drops the redundant UNIQUE itself (docs/reference/database.md §4).
constexpr Column kRegisteredModelsColumns[] = {
    Varchar("name", 256, kNotNull), BigInt("creation_time"), BigInt("last_updated_time"),
    Varchar("description", 5000)};
constexpr Constraint kRegisteredModelsConstraints[] = {Pk("registered_model_pk", "name"), Unique({}, "name")};

constexpr Column kModelVersionsColumns[] = {
    Varchar("name", 256, kNotNull), Int("version", kNotNull), BigInt("creation_time"),
    BigInt("last_updated_time"), Varchar("description", 5000), Varchar("user_id", 256),
    Varchar("current_stage", 20), Varchar("source", 500), Varchar("run_id", 32), Varchar("status", 20),
    Varchar("status_message", 500), Varchar("run_link", 500), Varchar("storage_location", 500)};
constexpr Constraint kModelVersionsConstraints[] = {
    Pk("model_version_pk", "name, version"), Fk({}, "name", "registered_models", "name", {}, "CASCADE")};

constexpr Column kRegisteredModelTagsColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 5000), Varchar("name", 256, kNotNull)};
constexpr Constraint kRegisteredModelTagsConstraints[] = {
    Pk("registered_model_tag_pk", "key, name"), Fk({}, "name", "registered_models", "name", {}, "cascade")};

constexpr Column kModelVersionTagsColumns[] = {
    Varchar("key", 250, kNotNull), Text("value"), Varchar("name", 256, kNotNull), Int("version", kNotNull)};
constexpr Constraint kModelVersionTagsConstraints[] = {
    Pk("model_version_tag_pk", "key, name, version"),
    Fk({}, "name, version", "model_versions", "name, version", {}, "CASCADE")};

constexpr Column kRegisteredModelAliasesColumns[] = {
    Varchar("alias", 256, kNotNull), Int("version", kNotNull), Varchar("name", 256, kNotNull)};
constexpr Constraint kRegisteredModelAliasesConstraints[] = {
    Pk("registered_model_alias_pk", "name, alias"),
    Fk("registered_model_alias_name_fkey", "name", "registered_models", "name", "cascade", "cascade")};

// ---- P2: tracing ----
constexpr Column kTraceInfoColumns[] = {
    Varchar("request_id", 50, kNotNull), Int("experiment_id", kNotNull), BigInt("timestamp_ms", kNotNull),
    BigInt("execution_time_ms"), Varchar("status", 50, kNotNull), Varchar("client_request_id", 50),
    Varchar("request_preview", 1000), Varchar("response_preview", 1000)};
constexpr Constraint kTraceInfoConstraints[] = {
    Pk("trace_info_pk", "request_id"),
    Fk("fk_trace_info_experiment_id", "experiment_id", "experiments", "experiment_id")};
constexpr Index kTraceInfoIndexes[] = {
    {"index_trace_info_experiment_id_timestamp_ms", "experiment_id, timestamp_ms"}};

constexpr Column kTraceTagsColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 8000), Varchar("request_id", 50, kNotNull)};
constexpr Constraint kTraceTagsConstraints[] = {
    Pk("trace_tag_pk", "key, request_id"),
    Fk("fk_trace_tags_request_id", "request_id", "trace_info", "request_id", "CASCADE")};
constexpr Index kTraceTagsIndexes[] = {{"index_trace_tags_request_id", "request_id"}};

constexpr Column kTraceRequestMetadataColumns[] = {
    Varchar("key", 250, kNotNull), Varchar("value", 8000), Varchar("request_id", 50, kNotNull)};
constexpr Constraint kTraceRequestMetadataConstraints[] = {
    Pk("trace_request_metadata_pk", "key, request_id"),
    Fk("fk_trace_request_metadata_request_id", "request_id", "trace_info", "request_id", "CASCADE")};
constexpr Index kTraceRequestMetadataIndexes[] = {{"index_trace_request_metadata_request_id", "request_id"}};

constexpr Column kAssessmentsColumns[] = {
    Varchar("assessment_id", 50, kNotNull), Varchar("trace_id", 50, kNotNull), Varchar("name", 250, kNotNull),
    Varchar("assessment_type", 20, kNotNull), Text("value", kNotNull), Text("error"),
    BigInt("created_timestamp", kNotNull), BigInt("last_updated_timestamp", kNotNull),
    Varchar("source_type", 50, kNotNull), Varchar("source_id", 250), Varchar("run_id", 32),
    Varchar("span_id", 50), Text("rationale"), Varchar("overrides", 50), Bool("valid", kNotNull),
    Text("assessment_metadata")};
constexpr Constraint kAssessmentsConstraints[] = {
    Pk("assessments_pk", "assessment_id"),
    Fk("fk_assessments_trace_id", "trace_id", "trace_info", "request_id", "CASCADE")};
constexpr Index kAssessmentsIndexes[] = {
    {"index_assessments_trace_id_created_timestamp", "trace_id, created_timestamp"},
    {"index_assessments_run_id_created_timestamp", "run_id, created_timestamp"},
    {"index_assessments_last_updated_timestamp", "last_updated_timestamp"},
    {"index_assessments_assessment_type", "assessment_type"}};

constexpr Column kSpansColumns[] = {
    Varchar("trace_id", 50, kNotNull), Int("experiment_id", kNotNull), Varchar("span_id", 50, kNotNull),
    Varchar("parent_span_id", 50), Text("name"), Varchar("type", 500), Varchar("status", 50, kNotNull),
    BigInt("start_time_unix_nano", kNotNull), BigInt("end_time_unix_nano"),
    Generated(BigInt("duration_ns"), "end_time_unix_nano - start_time_unix_nano"),
    Text("content", kNotNull, TextSize::kLong)};
constexpr Constraint kSpansConstraints[] = {
    Pk("spans_pk", "trace_id, span_id"),
    Fk("fk_spans_trace_id", "trace_id", "trace_info", "request_id", "CASCADE"),
    Fk("fk_spans_experiment_id", "experiment_id", "experiments", "experiment_id")};
constexpr Index kSpansIndexes[] = {
    {"index_spans_experiment_id", "experiment_id"},
    {"index_spans_experiment_id_status_type", "experiment_id, status, type"},
    {"index_spans_experiment_id_type_status", "experiment_id, type, status"},
    {"index_spans_experiment_id_duration", "experiment_id, duration_ns"}};

constexpr Column kEntityAssociationsColumns[] = {
    Varchar("association_id", 36, kNotNull), Varchar("source_type", 36, kNotNull),
    Varchar("source_id", 36, kNotNull), Varchar("destination_type", 36, kNotNull),
    Varchar("destination_id", 36, kNotNull), BigInt("created_time")};
constexpr Constraint kEntityAssociationsConstraints[] = {
    Pk("entity_associations_pk", "source_type, source_id, destination_type, destination_id")};
constexpr Index kEntityAssociationsIndexes[] = {
    {"index_entity_associations_association_id", "association_id"},
    {"index_entity_associations_reverse_lookup", "destination_type, destination_id, source_type, source_id"}};

// ---- P2: scorers ----
constexpr Column kScorersColumns[] = {
    Int("experiment_id", kNotNull), Varchar("scorer_name", 256, kNotNull),
    Varchar("scorer_id", 36, kNotNull)};
constexpr Constraint kScorersConstraints[] = {
    Pk("scorer_pk", "scorer_id"),
    Fk("fk_scorers_experiment_id", "experiment_id", "experiments", "experiment_id", "CASCADE")};
constexpr Index kScorersIndexes[] = {
    {"index_scorers_experiment_id_scorer_name", "experiment_id, scorer_name", /*unique=*/true}};

constexpr Column kScorerVersionsColumns[] = {
    Varchar("scorer_id", 36, kNotNull), Int("scorer_version", kNotNull), Text("serialized_scorer", kNotNull),
    BigInt("creation_time")};
constexpr Constraint kScorerVersionsConstraints[] = {
    Pk("scorer_version_pk", "scorer_id, scorer_version"),
    Fk("fk_scorer_versions_scorer_id", "scorer_id", "scorers", "scorer_id", "CASCADE")};
constexpr Index kScorerVersionsIndexes[] = {{"index_scorer_versions_scorer_id", "scorer_id"}};

// ---- P2: evaluation datasets ----
constexpr Column kEvaluationDatasetsColumns[] = {
    Varchar("dataset_id", 36, kNotNull), Varchar("name", 255, kNotNull), Text("schema"), Text("profile"),
    Varchar("digest", 64), BigInt("created_time"), BigInt("last_update_time"), Varchar("created_by", 255),
    Varchar("last_updated_by", 255)};
constexpr Constraint kEvaluationDatasetsConstraints[] = {Pk("evaluation_datasets_pk", "dataset_id")};
constexpr Index kEvaluationDatasetsIndexes[] = {
    {"index_evaluation_datasets_name", "name"}, {"index_evaluation_datasets_created_time", "created_time"}};

constexpr Column kEvaluationDatasetTagsColumns[] = {
    Varchar("dataset_id", 36, kNotNull), Varchar("key", 255, kNotNull), Varchar("value", 5000)};
constexpr Constraint kEvaluationDatasetTagsConstraints[] = {
    Pk("evaluation_dataset_tags_pk", "dataset_id, key"),
    Fk("fk_evaluation_dataset_tags_dataset_id", "dataset_id", "evaluation_datasets", "dataset_id", "CASCADE")};
constexpr Index kEvaluationDatasetTagsIndexes[] = {
    {"index_evaluation_dataset_tags_dataset_id", "dataset_id"}};

constexpr Column kEvaluationDatasetRecordsColumns[] = {
    Varchar("dataset_record_id", 36, kNotNull), Varchar("dataset_id", 36, kNotNull), Json("inputs", kNotNull),
    Json("expectations"), Json("tags"), Json("source"), Varchar("source_id", 36), Varchar("source_type", 255),
    BigInt("created_time"), BigInt("last_update_time"), Varchar("created_by", 255),
    Varchar("last_updated_by", 255), Varchar("input_hash", 64, kNotNull), Json("outputs")};
constexpr Constraint kEvaluationDatasetRecordsConstraints[] = {
    Pk("evaluation_dataset_records_pk", "dataset_record_id"),
    Fk("fk_evaluation_dataset_records_dataset_id", "dataset_id", "evaluation_datasets", "dataset_id", "CASCADE"),
    Unique("unique_dataset_input", "dataset_id, input_hash")};
constexpr Index kEvaluationDatasetRecordsIndexes[] = {
    {"index_evaluation_dataset_records_dataset_id", "dataset_id"}};

// ---- P2: webhooks ----
constexpr Column kWebhooksColumns[] = {
    Varchar("webhook_id", 256, kNotNull), Varchar("name", 256, kNotNull), Varchar("description", 1000),
    Varchar("url", 500, kNotNull), Varchar("status", 20, kNotNull, "ACTIVE"), Varchar("secret", 1000),
    BigInt("creation_timestamp"), BigInt("last_updated_timestamp"), BigInt("deleted_timestamp")};
constexpr Constraint kWebhooksConstraints[] = {Pk("webhook_pk", "webhook_id")};
constexpr Index kWebhooksIndexes[] = {{"idx_webhooks_status", "status"}, {"idx_webhooks_name", "name"}};

constexpr Column kWebhookEventsColumns[] = {
    Varchar("webhook_id", 256, kNotNull), Varchar("entity", 50, kNotNull), Varchar("action", 50, kNotNull)};
constexpr Constraint kWebhookEventsConstraints[] = {
    Pk("webhook_event_pk", "webhook_id, entity, action"),
    Fk({}, "webhook_id", "webhooks", "webhook_id", "cascade")};
constexpr Index kWebhookEventsIndexes[] = {
    {"idx_webhook_events_entity", "entity"}, {"idx_webhook_events_action", "action"},
    {"idx_webhook_events_entity_action", "entity, action"}};

// ---- P2: jobs ----
constexpr Column kJobsColumns[] = {
    Varchar("id", 36, kNotNull), BigInt("creation_time", kNotNull),
    Varchar("function_fullname", 500, kNotNull), Text("params", kNotNull), Float("timeout"),
    Int("status", kNotNull), Text("result"), Int("retry_count", kNotNull),
    BigInt("last_update_time", kNotNull)};
constexpr Constraint kJobsConstraints[] = {Pk("jobs_pk", "id")};
constexpr Index kJobsIndexes[] = {
    {"index_jobs_function_status_creation_time", "function_fullname, status, creation_time"}};

// ---- alembic ----
constexpr Column kAlembicVersionColumns[] = {Varchar("version_num", 32, kNotNull)};
constexpr Constraint kAlembicVersionConstraints[] = {Pk("alembic_version_pkc", "version_num")};

// Creation order.
constexpr Table kTables[] = {
    {"experiments", kExperimentsColumns, kExperimentsConstraints, {}},
    {"experiment_tags", kExperimentTagsColumns, kExperimentTagsConstraints, {}},
    {"runs", kRunsColumns, kRunsConstraints, {}, true},
    {"tags", kTagsColumns, kTagsConstraints, kTagsIndexes, true},
    {"params", kParamsColumns, kParamsConstraints, kParamsIndexes, true},
    {"metrics", kMetricsColumns, kMetricsConstraints, kMetricsIndexes, true},
    {"latest_metrics", kLatestMetricsColumns, kLatestMetricsConstraints, kLatestMetricsIndexes, true},
    {"datasets", kDatasetsColumns, kDatasetsConstraints, kDatasetsIndexes, true},
    {"inputs", kInputsColumns, kInputsConstraints, kInputsIndexes},
    {"input_tags", kInputTagsColumns, kInputTagsConstraints, {}},
    {"logged_models", kLoggedModelsColumns, kLoggedModelsConstraints, {}},
    {"logged_model_metrics", kLoggedModelMetricsColumns, kLoggedModelMetricsConstraints, kLoggedModelMetricsIndexes},
    {"logged_model_params", kLoggedModelParamsColumns, kLoggedModelParamsConstraints, {}},
    {"logged_model_tags", kLoggedModelTagsColumns, kLoggedModelTagsConstraints, {}},
    {"registered_models", kRegisteredModelsColumns, kRegisteredModelsConstraints, {}},
    {"model_versions", kModelVersionsColumns, kModelVersionsConstraints, {}, true},
    {"registered_model_tags", kRegisteredModelTagsColumns, kRegisteredModelTagsConstraints, {}},
    {"model_version_tags", kModelVersionTagsColumns, kModelVersionTagsConstraints, {}, true},
    {"registered_model_aliases", kRegisteredModelAliasesColumns, kRegisteredModelAliasesConstraints, {}},
    {"trace_info", kTraceInfoColumns, kTraceInfoConstraints, kTraceInfoIndexes},
    {"trace_tags", kTraceTagsColumns, kTraceTagsConstraints, kTraceTagsIndexes, true},
    {"trace_request_metadata", kTraceRequestMetadataColumns, kTraceRequestMetadataConstraints, kTraceRequestMetadataIndexes, true},
    {"assessments", kAssessmentsColumns, kAssessmentsConstraints, kAssessmentsIndexes},
    {"spans", kSpansColumns, kSpansConstraints, kSpansIndexes},
    {"entity_associations", kEntityAssociationsColumns, kEntityAssociationsConstraints, kEntityAssociationsIndexes},
    {"scorers", kScorersColumns, kScorersConstraints, kScorersIndexes},
    {"scorer_versions", kScorerVersionsColumns, kScorerVersionsConstraints, kScorerVersionsIndexes},
    {"evaluation_datasets", kEvaluationDatasetsColumns, kEvaluationDatasetsConstraints, kEvaluationDatasetsIndexes},
    {"evaluation_dataset_tags", kEvaluationDatasetTagsColumns, kEvaluationDatasetTagsConstraints, kEvaluationDatasetTagsIndexes},
    {"evaluation_dataset_records", kEvaluationDatasetRecordsColumns, kEvaluationDatasetRecordsConstraints, kEvaluationDatasetRecordsIndexes, true},
    {"webhooks", kWebhooksColumns, kWebhooksConstraints, kWebhooksIndexes},
    {"webhook_events", kWebhookEventsColumns, kWebhookEventsConstraints, kWebhookEventsIndexes},
    {"jobs", kJobsColumns, kJobsConstraints, kJobsIndexes},
    {"alembic_version", kAlembicVersionColumns, kAlembicVersionConstraints, {}},
};

}  // namespace

const Column* Table::FindColumn(std::string_view column) const {
  for (const Column& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::span<const Table> MlflowSchema() { return kTables; }

std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
    while (!list.empty() && list.front() == ' ') list.remove_prefix(1);
  }
  return out;
}

}  // namespace mlflow::store::sql::schema
