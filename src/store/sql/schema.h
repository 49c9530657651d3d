#pragma once
// MLflow's database schema at alembic revision bf29a5ff90ea (PyPI MLflow 3.6.0): creation of a new
// database, and inspection of an existing one before the store uses it.
//
//   SqliteConnection conn(path);
//   Result<SchemaInfo> info = InspectSchema(conn, uri);
//   if (!info.ok()) return info.status();              // older / unknown revision: refuse
//   if (info->status == SchemaStatus::kEmpty) MLFLOW_RETURN_IF_ERROR(CreateSchema(conn));
//   bool ws = info->has_workspace_columns;              // pick the SQL layout
//
// The schema is described once, as data (schema_def.h, schema_mlflow.cc); each dialect's DDL is
// generated from it (schema_ddl.h). Both DDLs (SQLite, PostgreSQL) are checked structurally
// against databases migrated by the real MLflow 3.6.0 (tests/interop/schema_compare.py
// [--postgres], tests/interop/db_upgrade/); the tables, columns, constraint names and indexes are
// MLflow's, so Python MLflow opens our databases and we open theirs.
//
// ---------------------------------------------------------------------------------------------
// What newer MLflow changes after bf29a5ff90ea (measured: our database auto-upgraded by MLflow
// 3.17.2 to its head dc11669786a5, compared structurally on SQLite; plus its migration scripts).
// The store must keep working on such a database (status kNewer):
//
//  * workspace columns (1b5f0d9ad7c1): `workspace VARCHAR(63) NOT NULL DEFAULT 'default'` added to
//    experiments, registered_models, model_versions, registered_model_tags, model_version_tags,
//    registered_model_aliases, evaluation_datasets, webhooks, jobs. Keys change with it:
//      experiments        UNIQUE(name) -> UNIQUE(workspace, name) `uq_experiments_workspace_name`;
//                         + idx_experiments_workspace, idx_experiments_workspace_creation_time
//      registered_models  PK(name) -> PK(workspace, name) `registered_model_pk` (the extra
//                         UNIQUE(name) is gone); + idx_registered_models_workspace
//      model_versions     PK(workspace, name, version); FK (workspace, name)
//                         `fk_model_versions_registered_models` ON UPDATE CASCADE
//      registered_model_tags  PK(workspace, key, name); FK (workspace, name) ON UPDATE CASCADE
//                         `fk_registered_model_tags_registered_models`; + idx ..._workspace_name
//      model_version_tags PK(workspace, key, name, version); FK (workspace, name, version)
//                         `fk_model_version_tags_model_versions`; + idx ..._workspace_name_version
//      registered_model_aliases  PK(workspace, name, alias); FK (workspace, name)
//                         `fk_registered_model_aliases_registered_models` ON UPDATE/DELETE CASCADE
//    New table `workspaces(name VARCHAR(63) PK workspaces_pk, description TEXT,
//    default_artifact_root TEXT, ...)` seeded with ('default', 'Default workspace for legacy
//    resources'). All workspace columns have a default, so our inserts that omit them still work
//    and land in workspace 'default'. Registry ON UPDATE CASCADE renames must keep workspace equal.
//  * experiment_tags.value: VARCHAR(5000) -> TEXT (17e22815139b).
//  * metrics: + index index_metrics_run_uuid_key_step(run_uuid, key, step).
//  * trace_info.experiment_id FK gains ON DELETE CASCADE (6f8d9c3b2a1e); trace_info gains
//    db_payload_generation INTEGER NOT NULL DEFAULT '0', trace_name, session_id, token and cost
//    columns (all nullable) and two indexes; migration 75868b020152 MOVES the trace tag
//    `mlflow.traceName` and metadata `mlflow.trace.session` / `mlflow.trace.tokenUsage` /
//    `mlflow.trace.cost` into those columns and deletes the tag/metadata rows.
//  * spans: + input_cost, output_cost, total_cost, model_name, model_provider (nullable);
//    index_spans_experiment_id dropped, three (experiment_id|trace_id, start_time) indexes added.
//  * assessments: + experiment_id, trace_timestamp_ms, aggregate_value (nullable),
//    is_numeric_value BOOLEAN NOT NULL DEFAULT '0', three indexes.
//  * jobs: column function_fullname RENAMED to job_name (5d2d30f0abce) — the only change that
//    breaks our INSERTs; index now index_jobs_name_status_creation_time(job_name, workspace,
//    status, creation_time); + status_details, creator, executor_backend, lease_expires_at,
//    status_message, progress, progress_updated_at, token_hash, scoped_permissions,
//    next_attempt_at (all nullable); non-terminal jobs are cancelled by dc11669786a5.
//  * ~30 new tables (secrets, endpoints*, model_definitions, span_metrics, trace_metrics,
//    online_scoring_configs, issues, label_schemas, review_queue*, guardrail*, budget_policies,
//    mcp_*, sql_*_rollups, scheduler_leases, job_locks, workspaces) and a trigger
//    prevent_secrets_aad_mutation. FKs from new tables into ours: issues, label_schemas,
//    review_queues -> experiments ON DELETE CASCADE; endpoints -> experiments SET NULL;
//    online_scoring_configs -> experiments NO ACTION (blocks a hard experiment delete while a
//    config exists); issues.source_run_id -> runs SET NULL; trace_metrics -> trace_info CASCADE.
// No other new NOT NULL column without a default exists in pre-existing tables (checked on the
// upgraded database), so INSERTs written for bf29a5ff90ea keep working, except into jobs.
// The same changes were observed on PostgreSQL 15 (constraint experiments_name_key is replaced
// by uq_experiments_workspace_name; registry FKs get the fk_* names above).
// ---------------------------------------------------------------------------------------------

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sql/connection.h"

namespace mlflow::store::sql {

// The alembic revision whose schema CreateSchema builds (head of PyPI MLflow 3.6.x).
inline constexpr const char* kSchemaRevision = "bf29a5ff90ea";

// Creates every table, index and constraint of revision kSchemaRevision and the single
// alembic_version row, in one transaction (all or nothing). The database must be empty.
// Dialect aware (SQLite and PostgreSQL; on PostgreSQL the sequence experiments_experiment_id_seq
// is created by SERIAL). Does not insert the default experiment (the tracking store does, as
// MLflow's does at start; an explicit id 0 does not advance the PostgreSQL sequence).
// Errors: kInvalidState if a table already exists or the DDL fails (nothing is left created).
Status CreateSchema(Connection& conn);

// Creates our indexes beyond MLflow's schema (README: "Extra indexes") if they are missing. Throws
// SqlError. On MySQL, creating an index may rebuild the table (briefly absent from
// information_schema), so servers run it under the setup lock (open_database.cc), before any other
// replica inspects the schema.
void CreateExtraIndexes(Connection& conn);

enum class SchemaStatus {
  kEmpty,    // no tables at all: call CreateSchema
  kCurrent,  // alembic revision == kSchemaRevision
  kNewer,    // a revision that newer MLflow wrote on top of ours: usable, read the flags below
};

struct SchemaInfo {
  SchemaStatus status = SchemaStatus::kEmpty;
  std::string revision;  // alembic_version.version_num; empty when kEmpty
  // How many known migrations lie between kSchemaRevision and `revision` (0 unless kNewer).
  int migrations_ahead = 0;
  // Column-level facts, detected from the database itself (not from the id: upstream and the
  // opendatahub fork both use id 1b5f0d9ad7c1 with different schemas).
  bool has_workspace_columns = false;      // experiments.workspace & co. exist (NOT NULL default)
  bool has_workspaces_table = false;       // table `workspaces` exists
  bool jobs_has_job_name = false;          // jobs.function_fullname was renamed to job_name
  bool trace_info_has_analytics = false;   // trace_info.trace_name/session_id/... columns exist
  bool experiment_tag_value_is_text = false;  // experiment_tags.value widened to TEXT
  // Tables of the database that are not part of our schema (from newer MLflow), sorted.
  std::vector<std::string> extra_tables;
};

// Looks at an existing database and decides whether the store may use it.
// Errors (kInvalidState): tables without alembic_version, an empty or multi-row alembic_version,
// an OLDER revision of MLflow's chain ("run `mlflow-cpp db upgrade <uri>`"), an unknown revision,
// or a known revision with one of our tables missing. `db_uri` is only used in messages.
Result<SchemaInfo> InspectSchema(Connection& conn, std::string_view db_uri = "<database-uri>");

// Every table CreateSchema makes (including alembic_version), in creation order.
const std::vector<std::string>& SchemaTableNames();

// MLflow's alembic chain from the first migration up to kSchemaRevision (oldest first), and
// the revisions newer MLflow (up to 3.17.2, head dc11669786a5) applies after it, in order.
const std::vector<std::string_view>& OlderRevisions();
const std::vector<std::string_view>& NewerRevisions();

namespace internal {
// The DDL CreateSchema runs for one dialect, without the alembic_version row; in creation order.
std::vector<std::string> SchemaStatements(Dialect dialect);
}  // namespace internal

}  // namespace mlflow::store::sql
