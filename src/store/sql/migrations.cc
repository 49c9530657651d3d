// MLflow's alembic chain, 451aebb31d03 .. bf29a5ff90ea, as our own step list. What each step does
// was read from MLflow's migration scripts and checked against databases the real MLflow 3.6.0
// migrated revision by revision (SQLite 3.40 and PostgreSQL 15): the DDL below is the DDL those
// databases hold. SQLite steps that MLflow runs in batch mode rebuild the table exactly as
// alembic does; PostgreSQL gets the equivalent ALTER TABLE statements. MySQL runs the PostgreSQL
// statements (its sessions read them under ANSI_QUOTES; mysql_sql.cc quotes `key` and `schema`)
// except where alembic spells a step differently on MySQL (ForMysql and the r.mysql() branches
// below): column changes are `ALTER TABLE ... MODIFY` with the column's whole new definition,
// primary and foreign keys are dropped with DROP PRIMARY KEY / DROP FOREIGN KEY, FLOAT(53) and
// MEDIUMTEXT/LONGTEXT where MLflow asks MySQL for them, and the MySQL-only steps (0a8213491aaa,
// c48cb773bb87, 4465047574b1) do their work. Checked, for every step, against MariaDB databases
// MLflow 3.6.0 migrated (tests/interop/db_upgrade/dbupgrade_mysql_checks.py).
#include "store/sql/migrations.h"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>

#include "store/sql/schema.h"

namespace mlflow::store::sql {

void MigrationRunner::Exec(std::string_view sql) { conn_.ExecScript(std::string(sql)); }

void MigrationRunner::Rebuild(std::string_view table_view, std::string_view tmp_ddl) {
  const std::string table(table_view);
  const std::string tmp = "_alembic_tmp_" + table;
  // The table's own indexes (not the automatic ones of PK/UNIQUE): alembic recreates them.
  std::vector<std::string> indexes;
  {
    auto st = conn_.Prepare(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY name");
    st->Bind(1, table);
    while (st->Step()) indexes.push_back(st->Text(0));
  }
  auto columns = [&](const std::string& t) {
    std::vector<std::string> cols;
    auto st = conn_.Prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    st->Bind(1, t);
    while (st->Step()) cols.push_back(st->Text(0));
    return cols;
  };
  Exec(tmp_ddl);
  const std::vector<std::string> old_cols = columns(table);
  const std::set<std::string> old_set(old_cols.begin(), old_cols.end());
  std::string list;
  for (const auto& c : columns(tmp)) {
    if (!old_set.count(c)) continue;  // new column: its default applies
    if (!list.empty()) list += ", ";
    list += "\"" + c + "\"";
  }
  Exec("INSERT INTO \"" + tmp + "\" (" + list + ") SELECT " + list + " FROM \"" + table + "\"");
  Exec("DROP TABLE \"" + table + "\"");
  Exec("ALTER TABLE \"" + tmp + "\" RENAME TO \"" + table + "\"");
  for (const auto& ix : indexes) Exec(ix);
}

namespace {

// `sql` with each `from` replaced by `to` on MySQL (unchanged elsewhere): where MLflow's migration
// asks MySQL for another type than the other databases get (FLOAT(53) for Float(precision=53),
// LONGTEXT for its mysql variants, MODIFY for alter_column). A `from` not found is a bug here.
std::string ForMysql(const MigrationRunner& r, std::string_view sql,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> edits) {
  std::string out(sql);
  if (!r.mysql()) return out;
  for (const auto& [from, to] : edits) {
    const size_t at = out.find(from);
    if (at == std::string::npos) {
      throw SqlError(SqlError::Kind::kOther, "migration text lacks '" + std::string(from) + "' (MySQL spelling)");
    }
    out.replace(at, from.size(), to);
  }
  return out;
}

// ---- data migrations (same SQL on both dialects) ----

// 90e64c465722: every run with a non-empty user_id gets tag mlflow.user = user_id unless it has
// that tag already.
constexpr std::string_view kUserTagBackfill = R"(INSERT INTO tags ("key", value, run_uuid)
SELECT 'mlflow.user', r.user_id, r.run_uuid FROM runs r
WHERE r.user_id IS NOT NULL AND r.user_id <> ''
  AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t."key" = 'mlflow.user'))";

// 89d4b8295536: latest_metrics gets, per (run, key), the rows with the greatest step, among them
// the greatest timestamp, then the greatest value per is_nan (MLflow's own grouping; a NaN and a
// number tied on step and timestamp make two rows and fail on the primary key, as in MLflow).
constexpr std::string_view kLatestMetricsFill = R"(INSERT INTO latest_metrics ("key", value, "timestamp", step, is_nan, run_uuid)
SELECT m."key", max(m.value), m."timestamp", m.step, m.is_nan, m.run_uuid
FROM metrics m JOIN (
  SELECT m2.run_uuid, m2."key", m2.step, max(m2."timestamp") AS ts
  FROM metrics m2 JOIN (
    SELECT run_uuid, "key", max(step) AS step FROM metrics GROUP BY "key", run_uuid
  ) ms ON m2.step = ms.step AND m2.run_uuid = ms.run_uuid AND m2."key" = ms."key"
  GROUP BY m2."key", m2.run_uuid, m2.step
) mt ON m."timestamp" = mt.ts AND m.run_uuid = mt.run_uuid AND m."key" = mt."key" AND m.step = mt.step
GROUP BY m.run_uuid, m."key", m.step, m."timestamp", m.is_nan)";

// ---- the steps ----

void Up451aebb31d03(MigrationRunner& r) {
  r.Exec(R"(ALTER TABLE metrics ADD COLUMN step BIGINT DEFAULT '0' NOT NULL)");
  if (r.sqlite()) {
    r.Rebuild("metrics", R"(CREATE TABLE _alembic_tmp_metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else {
    // MySQL's primary key is always named PRIMARY: alembic drops it as such.
    r.Exec(r.mysql() ? "ALTER TABLE metrics DROP PRIMARY KEY" : "ALTER TABLE metrics DROP CONSTRAINT metric_pk");
    r.Exec(R"(ALTER TABLE metrics ADD CONSTRAINT metric_pk PRIMARY KEY ("key", "timestamp", step, run_uuid, value))");
  }
}

void Up90e64c465722(MigrationRunner& r) { r.Exec(kUserTagBackfill); }

void Up181f10493468(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("metrics", R"(CREATE TABLE _alembic_tmp_metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	is_nan BOOLEAN DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else if (r.mysql()) {
    // The single-precision FLOAT of MLflow's initial table becomes FLOAT(53) (a DOUBLE).
    r.Exec("ALTER TABLE metrics MODIFY value FLOAT(53) NOT NULL");
    r.Exec("ALTER TABLE metrics ADD COLUMN is_nan BOOL NOT NULL DEFAULT '0'");
    r.Exec("ALTER TABLE metrics DROP PRIMARY KEY");
    r.Exec(R"(ALTER TABLE metrics ADD CONSTRAINT metric_pk PRIMARY KEY ("key", "timestamp", step, run_uuid, value, is_nan))");
  } else {
    r.Exec("ALTER TABLE metrics ALTER COLUMN value TYPE DOUBLE PRECISION");
    r.Exec("ALTER TABLE metrics ADD COLUMN is_nan BOOLEAN DEFAULT false NOT NULL");
    r.Exec("ALTER TABLE metrics DROP CONSTRAINT metric_pk");
    r.Exec(R"(ALTER TABLE metrics ADD CONSTRAINT metric_pk PRIMARY KEY ("key", "timestamp", step, run_uuid, value, is_nan))");
  }
}

void Updf50e92ffc5e(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE experiment_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	experiment_id INTEGER NOT NULL,
	CONSTRAINT experiment_tag_pk PRIMARY KEY ("key", experiment_id),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
))");
}

void Up7ac759974ad8(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("tags", R"(CREATE TABLE _alembic_tmp_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else {
    r.Exec(r.mysql() ? "ALTER TABLE tags MODIFY value VARCHAR(5000) NULL"
                     : "ALTER TABLE tags ALTER COLUMN value TYPE VARCHAR(5000)");
  }
}

void Up89d4b8295536(MigrationRunner& r) {
  r.Exec(ForMysql(r, R"(CREATE TABLE latest_metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT,
	step BIGINT NOT NULL,
	is_nan BOOLEAN NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))", {{"value FLOAT NOT NULL", "value FLOAT(53) NOT NULL"}}));
  r.Exec(kLatestMetricsFill);
}

void Up2b4d017a5e9b(MigrationRunner& r) {
  // SQLite and MySQL keep the model's extra UNIQUE(name) (on MySQL a unique key named `name`);
  // PostgreSQL's migrated database has only the PK.
  r.Exec(r.dialect() != Dialect::kPostgres ? R"(CREATE TABLE registered_models (
	name VARCHAR(256) NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	CONSTRAINT registered_model_pk PRIMARY KEY (name),
	UNIQUE (name)
))"
                    : R"(CREATE TABLE registered_models (
	name VARCHAR(256) NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	CONSTRAINT registered_model_pk PRIMARY KEY (name)
))");
  r.Exec(R"(CREATE TABLE model_versions (
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	user_id VARCHAR(256),
	current_stage VARCHAR(20),
	source VARCHAR(500),
	run_id VARCHAR(32) NOT NULL,
	status VARCHAR(20),
	status_message VARCHAR(500),
	CONSTRAINT model_version_pk PRIMARY KEY (name, version),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE cascade
))");
}

void Upcfd24bdc0731(MigrationRunner& r) {
  // runs.status becomes VARCHAR(9) with an unnamed CHECK that admits KILLED; the old CHECK
  // named `status` goes.
  if (r.sqlite()) {
    r.Rebuild("runs", R"(CREATE TABLE _alembic_tmp_runs (
	run_uuid VARCHAR(32) NOT NULL,
	name VARCHAR(250),
	source_type VARCHAR(20),
	source_name VARCHAR(500),
	entry_point_name VARCHAR(50),
	user_id VARCHAR(256),
	status VARCHAR(9),
	start_time BIGINT,
	end_time BIGINT,
	source_version VARCHAR(50),
	lifecycle_stage VARCHAR(20),
	artifact_uri VARCHAR(200),
	experiment_id INTEGER,
	CONSTRAINT run_pk PRIMARY KEY (run_uuid),
	CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
	CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
))");
  } else if (r.mysql()) {
    // The old CHECK named `status` stays until 0a8213491aaa; the new one is unnamed (MariaDB calls
    // it CONSTRAINT_<n>, as in a database MLflow migrated).
    r.Exec("ALTER TABLE runs MODIFY status VARCHAR(9) NULL");
    r.Exec("ALTER TABLE runs ADD CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))");
  } else {
    r.Exec("ALTER TABLE runs DROP CONSTRAINT status");
    r.Exec("ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(9)");
    r.Exec("ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('SCHEDULED', 'FAILED', "
           "'FINISHED', 'RUNNING', 'KILLED'))");
  }
}

// Whether `table` has a CHECK constraint named `name` (MySQL; a MySQL before 8.0.16 keeps none).
bool MysqlHasCheck(MigrationRunner& r, std::string_view table, std::string_view name) {
  auto st = r.connection().Prepare(
      "SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() "
      "AND table_name = ? AND constraint_name = ? AND constraint_type = 'CHECK'");
  st->Bind(1, std::string(table));
  st->Bind(2, std::string(name));
  return st->Step();
}

// 0a8213491aaa (MySQL only): the CHECK named `status` that cfd24bdc0731 left next to the new one
// goes. MLflow only warns when it cannot drop it; here a missing one is simply not dropped.
void Up0a8213491aaa(MigrationRunner& r) {
  if (r.mysql() && MysqlHasCheck(r, "runs", "status")) r.Exec("ALTER TABLE runs DROP CONSTRAINT status");
}

void Up728d730b5ebd(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE registered_model_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_tag_pk PRIMARY KEY ("key", name),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE cascade
))");
}

void Up27a6a02d2cf1(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE model_version_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	CONSTRAINT model_version_tag_pk PRIMARY KEY ("key", name, version),
	FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE cascade
))");
}

void Up84291f40a231(MigrationRunner& r) {
  r.Exec("ALTER TABLE model_versions ADD COLUMN run_link VARCHAR(500)");
}

void Upa8c4a736bde6(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("model_versions", R"(CREATE TABLE _alembic_tmp_model_versions (
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	user_id VARCHAR(256),
	current_stage VARCHAR(20),
	source VARCHAR(500),
	run_id VARCHAR(32),
	status VARCHAR(20),
	status_message VARCHAR(500),
	run_link VARCHAR(500),
	CONSTRAINT model_version_pk PRIMARY KEY (name, version),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE
))");
  } else {
    r.Exec(r.mysql() ? "ALTER TABLE model_versions MODIFY run_id VARCHAR(32) NULL"
                     : "ALTER TABLE model_versions ALTER COLUMN run_id DROP NOT NULL");
  }
}

void Up39d1c3be5f05(MigrationRunner& r) {
  // A CHECK on is_nan (SQLite and MySQL: PostgreSQL has a native boolean and gets no CHECK).
  if (r.mysql()) {
    // MODIFY restates the column without its default: metrics.is_nan loses DEFAULT 0 here (and
    // gets it back in c48cb773bb87), as in a database MLflow migrated.
    for (std::string_view t : {"latest_metrics", "metrics"}) {
      const std::string table(t);
      r.Exec("ALTER TABLE " + table + " MODIFY is_nan BOOL NOT NULL");
      r.Exec("ALTER TABLE " + table + " ADD CHECK (is_nan IN (0, 1))");
    }
    return;
  }
  if (!r.sqlite()) return;
  r.Rebuild("latest_metrics", R"(CREATE TABLE _alembic_tmp_latest_metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT,
	step BIGINT NOT NULL,
	is_nan BOOLEAN NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
))");
  r.Rebuild("metrics", R"(CREATE TABLE _alembic_tmp_metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	is_nan BOOLEAN DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
))");
}

// c48cb773bb87 (MySQL only): metrics.is_nan gets its DEFAULT 0 back, and (alembic restating the
// boolean type) a second, identical unnamed CHECK.
void Upc48cb773bb87(MigrationRunner& r) {
  if (!r.mysql()) return;
  r.Exec("ALTER TABLE metrics MODIFY is_nan BOOL NOT NULL DEFAULT '0'");
  r.Exec("ALTER TABLE metrics ADD CHECK (is_nan IN (0, 1))");
}

void Upbd07f7e963c5(MigrationRunner& r) {
  r.Exec("CREATE INDEX index_params_run_uuid ON params (run_uuid)");
  r.Exec("CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid)");
  r.Exec("CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid)");
  r.Exec("CREATE INDEX index_tags_run_uuid ON tags (run_uuid)");
}

void Up0c779009ac13(MigrationRunner& r) { r.Exec("ALTER TABLE runs ADD COLUMN deleted_time BIGINT"); }

void Upcc1f77228345(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("params", R"(CREATE TABLE _alembic_tmp_params (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(500) NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else {
    r.Exec(r.mysql() ? "ALTER TABLE params MODIFY value VARCHAR(500) NOT NULL"
                     : "ALTER TABLE params ALTER COLUMN value TYPE VARCHAR(500)");
  }
}

void Up97727af70f4d(MigrationRunner& r) {
  r.Exec("ALTER TABLE experiments ADD COLUMN creation_time BIGINT");
  r.Exec("ALTER TABLE experiments ADD COLUMN last_update_time BIGINT");
}

void Up3500859a5d39(MigrationRunner& r) {
  // MLflow creates the table only when it is missing.
  if (r.connection().HasTable("registered_model_aliases")) return;
  r.Exec(R"(CREATE TABLE registered_model_aliases (
	alias VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias),
	CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE cascade ON UPDATE cascade
))");
}

void Up7f2a7d5fae7d(MigrationRunner& r) {
  r.Exec(ForMysql(r, R"(CREATE TABLE datasets (
	dataset_uuid VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	name VARCHAR(500) NOT NULL,
	digest VARCHAR(36) NOT NULL,
	dataset_source_type VARCHAR(36) NOT NULL,
	dataset_source TEXT NOT NULL,
	dataset_schema TEXT,
	dataset_profile TEXT,
	CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
))", {{"dataset_profile TEXT", "dataset_profile MEDIUMTEXT"}}));
  r.Exec("CREATE INDEX index_datasets_dataset_uuid ON datasets (dataset_uuid)");
  r.Exec("CREATE INDEX index_datasets_experiment_id_dataset_source_type ON datasets (experiment_id, dataset_source_type)");
  r.Exec(R"(CREATE TABLE inputs (
	input_uuid VARCHAR(36) NOT NULL,
	source_type VARCHAR(36) NOT NULL,
	source_id VARCHAR(36) NOT NULL,
	destination_type VARCHAR(36) NOT NULL,
	destination_id VARCHAR(36) NOT NULL,
	CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
))");
  r.Exec("CREATE INDEX index_inputs_input_uuid ON inputs (input_uuid)");
  r.Exec("CREATE INDEX index_inputs_destination_type_destination_id_source_type ON inputs (destination_type, destination_id, source_type)");
  r.Exec(R"(CREATE TABLE input_tags (
	input_uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	value VARCHAR(500) NOT NULL,
	CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)
))");
}

void Up2d6e25af4d3e(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("params", R"(CREATE TABLE _alembic_tmp_params (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000) NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else {
    r.Exec(r.mysql() ? "ALTER TABLE params MODIFY value VARCHAR(8000) NOT NULL"
                     : "ALTER TABLE params ALTER COLUMN value TYPE VARCHAR(8000)");
  }
}

void Upacf3f17fdcc7(MigrationRunner& r) {
  r.Exec("ALTER TABLE model_versions ADD COLUMN storage_location VARCHAR(500)");
}

void Up867495a8f9d4(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE trace_info (
	request_id VARCHAR(50) NOT NULL,
	experiment_id INTEGER NOT NULL,
	timestamp_ms BIGINT NOT NULL,
	execution_time_ms BIGINT,
	status VARCHAR(50) NOT NULL,
	CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
	CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
))");
  r.Exec("CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms)");
  r.Exec(R"(CREATE TABLE trace_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_tag_pk PRIMARY KEY ("key", request_id),
	CONSTRAINT fk_trace_tags_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id)
))");
  r.Exec("CREATE INDEX index_trace_tags_request_id ON trace_tags (request_id)");
  r.Exec(R"(CREATE TABLE trace_request_metadata (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_request_metadata_pk PRIMARY KEY ("key", request_id),
	CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id)
))");
  r.Exec("CREATE INDEX index_trace_request_metadata_request_id ON trace_request_metadata (request_id)");
}

void Up5b0e9adcef9c(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("trace_tags", R"(CREATE TABLE _alembic_tmp_trace_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_tag_pk PRIMARY KEY ("key", request_id),
	CONSTRAINT fk_trace_tags_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
))");
    r.Rebuild("trace_request_metadata", R"(CREATE TABLE _alembic_tmp_trace_request_metadata (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_request_metadata_pk PRIMARY KEY ("key", request_id),
	CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
))");
  } else {
    for (std::string_view t : {"trace_tags", "trace_request_metadata"}) {
      const std::string table(t);
      r.Exec("ALTER TABLE " + table + (r.mysql() ? " DROP FOREIGN KEY fk_" : " DROP CONSTRAINT fk_") + table +
             "_request_id");
      r.Exec("ALTER TABLE " + table + " ADD CONSTRAINT fk_" + table +
             "_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE");
    }
  }
}

// 4465047574b1 (MySQL only): datasets.dataset_schema becomes MEDIUMTEXT.
void Up4465047574b1(MigrationRunner& r) {
  if (r.mysql()) r.Exec("ALTER TABLE datasets MODIFY dataset_schema MEDIUMTEXT NULL");
}

void Upf5a4f2784254(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("tags", R"(CREATE TABLE _alembic_tmp_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  } else {
    r.Exec(r.mysql() ? "ALTER TABLE tags MODIFY value VARCHAR(8000) NULL"
                     : "ALTER TABLE tags ALTER COLUMN value TYPE VARCHAR(8000)");
  }
}

void Up0584bdc529eb(MigrationRunner& r) {
  // datasets -> experiments FK gets a name and ON DELETE CASCADE.
  if (r.sqlite()) {
    r.Rebuild("datasets", R"(CREATE TABLE _alembic_tmp_datasets (
	dataset_uuid VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	name VARCHAR(500) NOT NULL,
	digest VARCHAR(36) NOT NULL,
	dataset_source_type VARCHAR(36) NOT NULL,
	dataset_source TEXT NOT NULL,
	dataset_schema TEXT,
	dataset_profile TEXT,
	CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
	CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
))");
    return;
  }
  // The old FK's name is whatever the database gave it (datasets_ibfk_1 on MySQL); look it up.
  std::string old_name;
  {
    auto st = r.connection().Prepare(
        r.mysql() ? "SELECT constraint_name FROM information_schema.referential_constraints "
                    "WHERE constraint_schema = DATABASE() AND table_name = 'datasets' "
                    "AND referenced_table_name = 'experiments' ORDER BY constraint_name"
                  : "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                    "JOIN pg_class f ON f.oid = c.confrelid WHERE c.contype = 'f' AND t.relname = 'datasets' "
                    "AND f.relname = 'experiments' AND t.relnamespace = current_schema()::regnamespace "
                    "ORDER BY c.conname");
    if (st->Step()) old_name = st->Text(0);
  }
  if (old_name.empty()) {
    throw SqlError(SqlError::Kind::kOther,
                   "cannot find the foreign key from datasets to experiments (0584bdc529eb)");
  }
  r.Exec((r.mysql() ? "ALTER TABLE datasets DROP FOREIGN KEY \"" : "ALTER TABLE datasets DROP CONSTRAINT \"") +
         old_name + "\"");
  r.Exec("ALTER TABLE datasets ADD CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) "
         "REFERENCES experiments (experiment_id) ON DELETE CASCADE");
}

void Up400f98739977(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE logged_models (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	name VARCHAR(500) NOT NULL,
	artifact_location VARCHAR(1000) NOT NULL,
	creation_timestamp_ms BIGINT NOT NULL,
	last_updated_timestamp_ms BIGINT NOT NULL,
	status INTEGER NOT NULL,
	lifecycle_stage VARCHAR(32),
	model_type VARCHAR(500),
	source_run_id VARCHAR(32),
	status_message VARCHAR(1000),
	CONSTRAINT logged_models_pk PRIMARY KEY (model_id),
	CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted')),
	CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
))");
  r.Exec(ForMysql(r, R"(CREATE TABLE logged_model_metrics (
	model_id VARCHAR(36) NOT NULL,
	metric_name VARCHAR(500) NOT NULL,
	metric_timestamp_ms BIGINT NOT NULL,
	metric_step BIGINT NOT NULL,
	metric_value FLOAT,
	experiment_id INTEGER NOT NULL,
	run_id VARCHAR(32) NOT NULL,
	dataset_uuid VARCHAR(36),
	dataset_name VARCHAR(500),
	dataset_digest VARCHAR(36),
	CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
	CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE,
	CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY(run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE
))", {{"metric_value FLOAT,", "metric_value FLOAT(53),"}}));
  r.Exec("CREATE INDEX index_logged_model_metrics_model_id ON logged_model_metrics (model_id)");
  r.Exec(R"(CREATE TABLE logged_model_params (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	param_key VARCHAR(255) NOT NULL,
	param_value TEXT NOT NULL,
	CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key),
	CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
))");
  r.Exec(R"(CREATE TABLE logged_model_tags (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	tag_key VARCHAR(255) NOT NULL,
	tag_value TEXT NOT NULL,
	CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key),
	CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
))");
}

void Up6953534de441(MigrationRunner& r) {
  r.Exec("ALTER TABLE inputs ADD COLUMN step BIGINT DEFAULT '0' NOT NULL");
}

void Upbda7b8c39065(MigrationRunner& r) {
  if (r.sqlite()) {
    r.Rebuild("model_version_tags", R"(CREATE TABLE _alembic_tmp_model_version_tags (
	"key" VARCHAR(250) NOT NULL,
	value TEXT,
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	CONSTRAINT model_version_tag_pk PRIMARY KEY ("key", name, version),
	FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
))");
  } else if (r.mysql()) {
    r.Exec("ALTER TABLE model_version_tags MODIFY value TEXT NULL");
  } else {
    r.Exec("ALTER TABLE model_version_tags ALTER COLUMN value TYPE TEXT");
  }
}

void Upcbc13b556ace(MigrationRunner& r) {
  r.Exec("ALTER TABLE trace_info ADD COLUMN client_request_id VARCHAR(50)");
  r.Exec("ALTER TABLE trace_info ADD COLUMN request_preview VARCHAR(1000)");
  r.Exec("ALTER TABLE trace_info ADD COLUMN response_preview VARCHAR(1000)");
}

void Up770bee3ae1dd(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE assessments (
	assessment_id VARCHAR(50) NOT NULL,
	trace_id VARCHAR(50) NOT NULL,
	name VARCHAR(250) NOT NULL,
	assessment_type VARCHAR(20) NOT NULL,
	value TEXT NOT NULL,
	error TEXT,
	created_timestamp BIGINT NOT NULL,
	last_updated_timestamp BIGINT NOT NULL,
	source_type VARCHAR(50) NOT NULL,
	source_id VARCHAR(250),
	run_id VARCHAR(32),
	span_id VARCHAR(50),
	rationale TEXT,
	overrides VARCHAR(50),
	valid BOOLEAN NOT NULL,
	assessment_metadata TEXT,
	CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
	CONSTRAINT fk_assessments_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
))");
  r.Exec("CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments (trace_id, created_timestamp)");
  r.Exec("CREATE INDEX index_assessments_run_id_created_timestamp ON assessments (run_id, created_timestamp)");
  r.Exec("CREATE INDEX index_assessments_last_updated_timestamp ON assessments (last_updated_timestamp)");
  r.Exec("CREATE INDEX index_assessments_assessment_type ON assessments (assessment_type)");
}

void Upa1b2c3d4e5f6(MigrationRunner& r) {
  r.Exec(ForMysql(r, R"(CREATE TABLE spans (
	trace_id VARCHAR(50) NOT NULL,
	experiment_id INTEGER NOT NULL,
	span_id VARCHAR(50) NOT NULL,
	parent_span_id VARCHAR(50),
	name TEXT,
	type VARCHAR(500),
	status VARCHAR(50) NOT NULL,
	start_time_unix_nano BIGINT NOT NULL,
	end_time_unix_nano BIGINT,
	duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
	content TEXT NOT NULL,
	CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
	CONSTRAINT fk_spans_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE,
	CONSTRAINT fk_spans_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
))", {{"content TEXT NOT NULL", "content LONGTEXT NOT NULL"}}));
  r.Exec("CREATE INDEX index_spans_experiment_id ON spans (experiment_id)");
  r.Exec("CREATE INDEX index_spans_experiment_id_status_type ON spans (experiment_id, status, type)");
  r.Exec("CREATE INDEX index_spans_experiment_id_type_status ON spans (experiment_id, type, status)");
  r.Exec("CREATE INDEX index_spans_experiment_id_duration ON spans (experiment_id, duration_ns)");
}

void Upde4033877273(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE entity_associations (
	association_id VARCHAR(36) NOT NULL,
	source_type VARCHAR(36) NOT NULL,
	source_id VARCHAR(36) NOT NULL,
	destination_type VARCHAR(36) NOT NULL,
	destination_id VARCHAR(36) NOT NULL,
	created_time BIGINT,
	CONSTRAINT entity_associations_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
))");
  r.Exec("CREATE INDEX index_entity_associations_association_id ON entity_associations (association_id)");
  r.Exec("CREATE INDEX index_entity_associations_reverse_lookup ON entity_associations (destination_type, destination_id, source_type, source_id)");
}

void Up1a0cddfcaa16(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE webhooks (
	webhook_id VARCHAR(256) NOT NULL,
	name VARCHAR(256) NOT NULL,
	description VARCHAR(1000),
	url VARCHAR(500) NOT NULL,
	status VARCHAR(20) DEFAULT 'ACTIVE' NOT NULL,
	secret VARCHAR(1000),
	creation_timestamp BIGINT,
	last_updated_timestamp BIGINT,
	deleted_timestamp BIGINT,
	CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)
))");
  r.Exec("CREATE INDEX idx_webhooks_status ON webhooks (status)");
  r.Exec("CREATE INDEX idx_webhooks_name ON webhooks (name)");
  r.Exec(R"(CREATE TABLE webhook_events (
	webhook_id VARCHAR(256) NOT NULL,
	entity VARCHAR(50) NOT NULL,
	action VARCHAR(50) NOT NULL,
	CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action),
	FOREIGN KEY(webhook_id) REFERENCES webhooks (webhook_id) ON DELETE cascade
))");
  r.Exec("CREATE INDEX idx_webhook_events_entity ON webhook_events (entity)");
  r.Exec("CREATE INDEX idx_webhook_events_action ON webhook_events (action)");
  r.Exec("CREATE INDEX idx_webhook_events_entity_action ON webhook_events (entity, action)");
}

void Up534353b11cbc(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE scorers (
	experiment_id INTEGER NOT NULL,
	scorer_name VARCHAR(256) NOT NULL,
	scorer_id VARCHAR(36) NOT NULL,
	CONSTRAINT scorer_pk PRIMARY KEY (scorer_id),
	CONSTRAINT fk_scorers_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
))");
  r.Exec(R"(CREATE TABLE scorer_versions (
	scorer_id VARCHAR(36) NOT NULL,
	scorer_version INTEGER NOT NULL,
	serialized_scorer TEXT NOT NULL,
	creation_time BIGINT,
	CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version),
	CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY(scorer_id) REFERENCES scorers (scorer_id) ON DELETE CASCADE
))");
  r.Exec("CREATE UNIQUE INDEX index_scorers_experiment_id_scorer_name ON scorers (experiment_id, scorer_name)");
  r.Exec("CREATE INDEX index_scorer_versions_scorer_id ON scorer_versions (scorer_id)");
}

void Up71994744cf8e(MigrationRunner& r) {
  r.Exec(R"(CREATE TABLE evaluation_datasets (
	dataset_id VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	schema TEXT,
	profile TEXT,
	digest VARCHAR(64),
	created_time BIGINT,
	last_update_time BIGINT,
	created_by VARCHAR(255),
	last_updated_by VARCHAR(255),
	CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)
))");
  r.Exec("CREATE INDEX index_evaluation_datasets_name ON evaluation_datasets (name)");
  r.Exec("CREATE INDEX index_evaluation_datasets_created_time ON evaluation_datasets (created_time)");
  r.Exec(R"(CREATE TABLE evaluation_dataset_tags (
	dataset_id VARCHAR(36) NOT NULL,
	"key" VARCHAR(255) NOT NULL,
	value VARCHAR(5000),
	CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, "key"),
	CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY(dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
))");
  r.Exec("CREATE INDEX index_evaluation_dataset_tags_dataset_id ON evaluation_dataset_tags (dataset_id)");
  r.Exec(R"(CREATE TABLE evaluation_dataset_records (
	dataset_record_id VARCHAR(36) NOT NULL,
	dataset_id VARCHAR(36) NOT NULL,
	inputs JSON NOT NULL,
	expectations JSON,
	tags JSON,
	source JSON,
	source_id VARCHAR(36),
	source_type VARCHAR(255),
	created_time BIGINT,
	last_update_time BIGINT,
	created_by VARCHAR(255),
	last_updated_by VARCHAR(255),
	input_hash VARCHAR(64) NOT NULL,
	CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id),
	CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY(dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
))");
  r.Exec("CREATE INDEX index_evaluation_dataset_records_dataset_id ON evaluation_dataset_records (dataset_id)");
  // The unique constraint is added in batch mode: a rebuild on SQLite.
  if (r.sqlite()) {
    r.Rebuild("evaluation_dataset_records", R"(CREATE TABLE _alembic_tmp_evaluation_dataset_records (
	dataset_record_id VARCHAR(36) NOT NULL,
	dataset_id VARCHAR(36) NOT NULL,
	inputs JSON NOT NULL,
	expectations JSON,
	tags JSON,
	source JSON,
	source_id VARCHAR(36),
	source_type VARCHAR(255),
	created_time BIGINT,
	last_update_time BIGINT,
	created_by VARCHAR(255),
	last_updated_by VARCHAR(255),
	input_hash VARCHAR(64) NOT NULL,
	CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id),
	CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY(dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE,
	CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash)
))");
  } else {
    r.Exec("ALTER TABLE evaluation_dataset_records ADD CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash)");
  }
}

void Up3da73c924c2f(MigrationRunner& r) {
  r.Exec("ALTER TABLE evaluation_dataset_records ADD COLUMN outputs JSON");
}

void Upbf29a5ff90ea(MigrationRunner& r) {
  r.Exec(ForMysql(r, R"(CREATE TABLE jobs (
	id VARCHAR(36) NOT NULL,
	creation_time BIGINT NOT NULL,
	function_fullname VARCHAR(500) NOT NULL,
	params TEXT NOT NULL,
	timeout FLOAT,
	status INTEGER NOT NULL,
	result TEXT,
	retry_count INTEGER NOT NULL,
	last_update_time BIGINT NOT NULL,
	CONSTRAINT jobs_pk PRIMARY KEY (id)
))", {{"timeout FLOAT,", "timeout FLOAT(53),"}}));
  r.Exec("CREATE INDEX index_jobs_function_status_creation_time ON jobs (function_fullname, status, creation_time)");
}

// MLflow's 0.9.1-era tables, which MLflow creates (where missing) before running the chain.
void CreateInitialTables(MigrationRunner& r) {
  Connection& c = r.connection();
  if (!c.HasTable("experiments")) {
    r.Exec(std::string(R"(CREATE TABLE experiments (
	experiment_id )") + (r.sqlite() ? "INTEGER NOT NULL" : r.mysql() ? "INTEGER NOT NULL AUTO_INCREMENT" : "SERIAL NOT NULL") + R"(,
	name VARCHAR(256) NOT NULL,
	artifact_location VARCHAR(256),
	lifecycle_stage VARCHAR(32),
	CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
	CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	UNIQUE (name)
))");
  }
  if (!c.HasTable("runs")) {
    r.Exec(R"(CREATE TABLE runs (
	run_uuid VARCHAR(32) NOT NULL,
	name VARCHAR(250),
	source_type VARCHAR(20),
	source_name VARCHAR(500),
	entry_point_name VARCHAR(50),
	user_id VARCHAR(256),
	status VARCHAR(20),
	start_time BIGINT,
	end_time BIGINT,
	source_version VARCHAR(50),
	lifecycle_stage VARCHAR(20),
	artifact_uri VARCHAR(200),
	experiment_id INTEGER,
	CONSTRAINT run_pk PRIMARY KEY (run_uuid),
	CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
	CONSTRAINT status CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING')),
	CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
))");
  }
  if (!c.HasTable("tags")) {
    r.Exec(R"(CREATE TABLE tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(250),
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  }
  if (!c.HasTable("metrics")) {
    r.Exec(R"(CREATE TABLE metrics (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  }
  if (!c.HasTable("params")) {
    r.Exec(R"(CREATE TABLE params (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(250) NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
))");
  }
}

void Rollback(Connection& conn) {
  try {
    conn.ExecScript("ROLLBACK");
  } catch (...) {
    // The original error is the one worth reporting.
  }
}

}  // namespace

const std::vector<MigrationStep>& MigrationSteps() {
  static const std::vector<MigrationStep> kSteps = {
      {"451aebb31d03", "add metric step", Up451aebb31d03},
      {"90e64c465722", "migrate user column to tags", Up90e64c465722},
      {"181f10493468", "allow nulls for metric values (is_nan)", Up181f10493468},
      {"df50e92ffc5e", "add experiment tags table", Updf50e92ffc5e},
      {"7ac759974ad8", "run tag values up to 5000 chars", Up7ac759974ad8},
      {"89d4b8295536", "create and fill latest_metrics", Up89d4b8295536},
      {"2b4d017a5e9b", "add model registry tables", Up2b4d017a5e9b},
      {"cfd24bdc0731", "run status KILLED", Upcfd24bdc0731},
      {"0a8213491aaa", "drop duplicate KILLED constraint (MySQL only)", Up0a8213491aaa},
      {"728d730b5ebd", "add registered model tags table", Up728d730b5ebd},
      {"27a6a02d2cf1", "add model version tags table", Up27a6a02d2cf1},
      {"84291f40a231", "add run_link to model versions", Up84291f40a231},
      {"a8c4a736bde6", "allow null model version run_id", Upa8c4a736bde6},
      {"39d1c3be5f05", "is_nan CHECK constraints", Up39d1c3be5f05},
      {"c48cb773bb87", "reset is_nan default (MySQL only)", Upc48cb773bb87},
      {"bd07f7e963c5", "indexes on run_uuid", Upbd07f7e963c5},
      {"0c779009ac13", "add runs.deleted_time", Up0c779009ac13},
      {"cc1f77228345", "param values up to 500 chars", Upcc1f77228345},
      {"97727af70f4d", "experiment creation/update times", Up97727af70f4d},
      {"3500859a5d39", "add registered model aliases table", Up3500859a5d39},
      {"7f2a7d5fae7d", "add datasets, inputs, input_tags", Up7f2a7d5fae7d},
      {"2d6e25af4d3e", "param values up to 8000 chars", Up2d6e25af4d3e},
      {"acf3f17fdcc7", "add model version storage_location", Upacf3f17fdcc7},
      {"867495a8f9d4", "add trace tables", Up867495a8f9d4},
      {"5b0e9adcef9c", "cascade deletes of trace tags/metadata", Up5b0e9adcef9c},
      {"4465047574b1", "larger dataset schema (MySQL only)", Up4465047574b1},
      {"f5a4f2784254", "run tag values up to 8000 chars", Upf5a4f2784254},
      {"0584bdc529eb", "cascade deletes of datasets", Up0584bdc529eb},
      {"400f98739977", "add logged model tables", Up400f98739977},
      {"6953534de441", "add inputs.step", Up6953534de441},
      {"bda7b8c39065", "model version tag values as TEXT", Upbda7b8c39065},
      {"cbc13b556ace", "V3 trace columns", Upcbc13b556ace},
      {"770bee3ae1dd", "add assessments table", Up770bee3ae1dd},
      {"a1b2c3d4e5f6", "add spans table", Upa1b2c3d4e5f6},
      {"de4033877273", "add entity_associations table", Upde4033877273},
      {"1a0cddfcaa16", "add webhooks tables", Up1a0cddfcaa16},
      {"534353b11cbc", "add scorer tables", Up534353b11cbc},
      {"71994744cf8e", "add evaluation dataset tables", Up71994744cf8e},
      {"3da73c924c2f", "add outputs to evaluation dataset records", Up3da73c924c2f},
      {"bf29a5ff90ea", "add jobs table", Upbf29a5ff90ea},
  };
  return kSteps;
}

namespace {

// Applies the steps from `first` to the end, each followed by its alembic_version write: an
// INSERT after the first step of a database that had no revision (`at` empty), an UPDATE after
// every other one.
Status RunMysqlSteps(Connection& conn, MigrationRunner& runner, std::vector<MigrationStep>::const_iterator first,
                     std::string at, const std::function<void(std::string_view)>& progress, UpgradeOutcome& out) {
  for (auto it = first; it != MigrationSteps().end(); ++it) {
    if (progress) progress(it->revision);
    try {
      it->apply(runner);
      auto set = conn.Prepare(at.empty() ? "INSERT INTO alembic_version (version_num) VALUES (?)"
                                         : "UPDATE alembic_version SET version_num = ?");
      set->Bind(1, std::string(it->revision));
      set->Execute();
    } catch (const SqlError& e) {
      return Status::InvalidState("migration " + std::string(it->revision) + " (" + std::string(it->summary) +
                                  ") failed: " + e.what() + "; MySQL commits DDL as it goes: the database " +
                                  "is at revision " + (at.empty() ? std::string("<none>") : at) +
                                  " (recorded in alembic_version), and the statements of the failed step " +
                                  "that ran before the error remain");
    }
    at = std::string(it->revision);
    ++out.steps_applied;
  }
  return Status();
}

// A MySQL database with MLflow's tables but no revision: see UpgradeMysql.
Status UpgradeMysqlFromInitial(Connection& conn, MigrationRunner& runner, bool has_version_table,
                               const std::function<void(std::string_view)>& progress, UpgradeOutcome& out) {
  CreateInitialTables(runner);
  if (!has_version_table) {
    conn.ExecScript(R"(CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
))");
  }
  MLFLOW_RETURN_IF_ERROR(RunMysqlSteps(conn, runner, MigrationSteps().begin(), "", progress, out));
  out.message = std::string("Upgraded database from revision <none> to ") + kSchemaRevision + " (" +
                std::to_string(out.steps_applied) + " migrations, each committed on its own).";
  return Status();
}

// MySQL commits every DDL statement on its own, so the chain cannot run in one transaction as on
// SQLite and PostgreSQL. Instead, as alembic does on MySQL, each step is applied and then its
// revision is written to alembic_version: a step that fails leaves the database at the previous
// step's revision (with whatever DDL of the failed step MySQL had already committed), and an
// interrupted upgrade resumes from the revision recorded. The whole upgrade holds the named lock
// mlflow-cpp servers take to check or create the schema (mysql_database.cc, same name), so a
// server starting meanwhile, or a second upgrade, waits and then sees the new revision.
// A database without a revision (MLflow 0.9's tables, no alembic_version, or an alembic_version
// still empty because the first step did not complete) starts as alembic does there: the initial
// tables where missing, an empty alembic_version, and the row inserted once 451aebb31d03 is done.
Status UpgradeMysql(Connection& conn, const std::function<void(std::string_view)>& progress, UpgradeOutcome& out) {
  const auto& steps = MigrationSteps();
  try {
    {
      // Up to 10 minutes: another upgrade may be running its steps.
      auto lock = conn.Prepare("SELECT GET_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()), 600)");
      if (!lock->Step() || lock->IsNull(0) || lock->Int(0) != 1) {
        return Status::InvalidState("could not take the schema setup lock (another mlflow-cpp holds it)");
      }
    }
    struct Unlock {
      Connection& c;
      ~Unlock() {
        try {
          c.ExecScript("DO RELEASE_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()))");
        } catch (const SqlError&) {
        }
      }
    } unlock{conn};
    if (conn.TableNames().empty()) {
      MLFLOW_RETURN_IF_ERROR(CreateSchema(conn));
      out.steps_applied = 0;
      out.message = std::string("Created MLflow's schema at revision ") + kSchemaRevision + " in the empty database.";
      return Status();
    }
    std::vector<std::string> revs;
    const bool has_version_table = conn.HasTable("alembic_version");
    if (has_version_table) {
      auto st = conn.Prepare("SELECT version_num FROM alembic_version");
      while (st->Step()) revs.push_back(st->Text(0));
    }
    if (revs.size() > 1) {
      return Status::InvalidState("alembic_version has " + std::to_string(revs.size()) +
                                  " rows (expected one); refusing to guess the schema");
    }
    MigrationRunner runner(conn);
    if (revs.empty()) return UpgradeMysqlFromInitial(conn, runner, has_version_table, progress, out);
    out.from_revision = revs[0];
    if (out.from_revision == kSchemaRevision) {
      out.message = std::string("Database is already at revision ") + kSchemaRevision + "; nothing to do.";
      return Status();
    }
    auto find = [&](std::string_view rev) {
      return std::find_if(steps.begin(), steps.end(), [&](const MigrationStep& s) { return s.revision == rev; });
    };
    auto it = find(out.from_revision);
    if (it == steps.end()) {
      const auto& newer = NewerRevisions();
      const bool is_newer = std::find(newer.begin(), newer.end(), out.from_revision) != newer.end();
      return Status::InvalidState(
          "Database is at alembic revision " + out.from_revision + ", which is " +
          (is_newer ? "newer than this mlflow-cpp (it serves " + std::string(kSchemaRevision) +
                          "); it was written by a newer MLflow and cannot be downgraded here."
                    : "not a revision this mlflow-cpp knows (it serves " + std::string(kSchemaRevision) +
                          "); refusing to touch it."));
    }
    MLFLOW_RETURN_IF_ERROR(RunMysqlSteps(conn, runner, it + 1, out.from_revision, progress, out));
  } catch (const SqlError& e) {
    return Status::InvalidState(std::string("upgrade failed: ") + e.what());
  }
  out.message = "Upgraded database from revision " + out.from_revision + " to " + kSchemaRevision + " (" +
                std::to_string(out.steps_applied) + " migrations, each committed on its own).";
  return Status();
}

}  // namespace

Status UpgradeSchema(Connection& conn, std::function<void(std::string_view revision)> progress,
                     UpgradeOutcome* outcome) {
  UpgradeOutcome local;
  UpgradeOutcome& out = outcome ? *outcome : local;
  out = UpgradeOutcome{};
  out.to_revision = kSchemaRevision;
  if (conn.dialect() == Dialect::kMysql) return UpgradeMysql(conn, progress, out);
  const bool sqlite = conn.dialect() == Dialect::kSqlite;
  const auto& steps = MigrationSteps();

  try {
    // SQLite ignores this pragma inside a transaction, so it goes first; batch rebuilds drop
    // tables that others reference, which must not cascade or fail half-way.
    if (sqlite) conn.ExecScript("PRAGMA foreign_keys = OFF");
    conn.ExecScript(sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    // PostgreSQL: the database-wide lock mlflow-cpp servers take to check or create the schema
    // (postgres_database.cc, same key): a server starting now, or a second upgrade, waits for
    // this one and then sees the new revision. Released with the transaction.
    if (!sqlite) conn.ExecScript("SELECT pg_advisory_xact_lock(7264551230981)");
  } catch (const SqlError& e) {
    if (sqlite) conn.ExecScript("PRAGMA foreign_keys = ON");
    return Status::InvalidState(std::string("cannot start the upgrade transaction: ") + e.what());
  }
  auto finish = [&](Status st) {
    if (!st.ok()) Rollback(conn);
    if (sqlite) {
      try {
        conn.ExecScript("PRAGMA foreign_keys = ON");
      } catch (...) {
      }
    }
    return st;
  };

  try {
    // Where are we? (Inside the transaction, so nobody changes it under us.)
    bool has_version_table = conn.HasTable("alembic_version");
    size_t first = 0;  // index of the first step to run
    if (has_version_table) {
      std::vector<std::string> revs;
      auto st = conn.Prepare("SELECT version_num FROM alembic_version");
      while (st->Step()) revs.push_back(st->Text(0));
      if (revs.size() > 1) {
        return finish(Status::InvalidState("alembic_version has " + std::to_string(revs.size()) +
                                           " rows (expected one); refusing to guess the schema"));
      }
      if (!revs.empty()) out.from_revision = revs[0];
    }
    if (out.from_revision == kSchemaRevision) {
      out.message = std::string("Database is already at revision ") + kSchemaRevision +
                    "; nothing to do.";
      Rollback(conn);  // the transaction did nothing
      return finish(Status());
    }
    if (!out.from_revision.empty()) {
      auto it = std::find_if(steps.begin(), steps.end(), [&](const MigrationStep& s) {
        return s.revision == out.from_revision;
      });
      if (it == steps.end()) {
        const auto& newer = NewerRevisions();
        const bool is_newer = std::find(newer.begin(), newer.end(), out.from_revision) != newer.end();
        return finish(Status::InvalidState(
            "Database is at alembic revision " + out.from_revision + ", which is " +
            (is_newer ? "newer than this mlflow-cpp (it serves " + std::string(kSchemaRevision) +
                            "); it was written by a newer MLflow and cannot be downgraded here."
                      : "not a revision this mlflow-cpp knows (it serves " +
                            std::string(kSchemaRevision) + "); refusing to touch it.")));
      }
      first = static_cast<size_t>(it - steps.begin()) + 1;
    } else {
      // No revision: a pre-alembic (0.9) database or an empty one. Like MLflow: create the
      // initial tables where missing, then run the whole chain.
      MigrationRunner runner(conn);
      CreateInitialTables(runner);
    }

    MigrationRunner runner(conn);
    for (size_t i = first; i < steps.size(); ++i) {
      if (progress) progress(steps[i].revision);
      try {
        steps[i].apply(runner);
      } catch (const SqlError& e) {
        return finish(Status::InvalidState("migration " + std::string(steps[i].revision) + " (" +
                                           std::string(steps[i].summary) + ") failed: " + e.what() +
                                           "; the database was left unchanged"));
      }
      ++out.steps_applied;
    }

    if (sqlite) {
      auto st = conn.Prepare("PRAGMA foreign_key_check");
      if (st->Step()) {
        std::string what = "table " + st->Text(0) + " rowid " + st->Text(1) + " -> " + st->Text(2);
        return finish(Status::InvalidState("foreign key check failed after the upgrade (" + what +
                                           "); the database was left unchanged"));
      }
    }
    if (!has_version_table) {
      conn.ExecScript(R"(CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
))");
    }
    conn.ExecScript("DELETE FROM alembic_version");
    {
      auto ins = conn.Prepare("INSERT INTO alembic_version (version_num) VALUES (?)");
      ins->Bind(1, kSchemaRevision);
      ins->Execute();
    }
    conn.ExecScript("COMMIT");
  } catch (const SqlError& e) {
    return finish(Status::InvalidState(std::string("upgrade failed: ") + e.what() +
                                       "; the database was left unchanged"));
  } catch (const std::exception& e) {
    return finish(Status::Internal(std::string("upgrade failed: ") + e.what() +
                                   "; the database was left unchanged"));
  }
  out.message = "Upgraded database from revision " +
                (out.from_revision.empty() ? std::string("<none>") : out.from_revision) + " to " +
                kSchemaRevision + " (" + std::to_string(out.steps_applied) + " migrations).";
  return finish(Status());
}

}  // namespace mlflow::store::sql
