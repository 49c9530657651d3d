#include "store/sql/schema.h"

#include <algorithm>
#include <set>

#include "store/sql/schema_ddl.h"

namespace mlflow::store::sql {
namespace {

// Tables of revision bf29a5ff90ea, in creation order (schema_mlflow.cc).
const std::vector<std::string>& TableList() {
  static const std::vector<std::string> kTables = [] {
    std::vector<std::string> names;
    for (const schema::Table& t : schema::MlflowSchema()) names.emplace_back(t.name);
    return names;
  }();
  return kTables;
}

const schema::DdlDialect& DdlFor(Dialect dialect) {
  switch (dialect) {
    case Dialect::kSqlite: return schema::SqliteDdl();
    case Dialect::kPostgres: return schema::PostgresDdl();
    case Dialect::kMysql: return schema::MysqlDdl();
  }
  return schema::SqliteDdl();
}

void RunStatements(Connection& conn) {
  // Table by table: only one table's statements exist in memory at a time.
  for (const schema::Table& t : schema::MlflowSchema()) {
    for (const std::string& st : schema::GenerateTableDdl(t, DdlFor(conn.dialect()))) conn.ExecScript(st);
  }
  // Exactly one row: MLflow refuses a version table with zero or several rows.
  auto insert = conn.Prepare("INSERT INTO alembic_version (version_num) VALUES (?)");
  insert->Bind(1, kSchemaRevision);
  insert->Execute();
}

bool Contains(const std::vector<std::string_view>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

const std::vector<std::string>& SchemaTableNames() { return TableList(); }

const std::vector<std::string_view>& OlderRevisions() {
  // MLflow's chain, oldest first, up to (not including) bf29a5ff90ea. Facts read from the
  // migration scripts' revision/down_revision ids.
  static const std::vector<std::string_view> kOlder = {
      "451aebb31d03", "90e64c465722", "181f10493468", "df50e92ffc5e", "7ac759974ad8",
      "89d4b8295536", "2b4d017a5e9b", "cfd24bdc0731", "0a8213491aaa", "728d730b5ebd",
      "27a6a02d2cf1", "84291f40a231", "a8c4a736bde6", "39d1c3be5f05", "c48cb773bb87",
      "bd07f7e963c5", "0c779009ac13", "cc1f77228345", "97727af70f4d", "3500859a5d39",
      "7f2a7d5fae7d", "2d6e25af4d3e", "acf3f17fdcc7", "867495a8f9d4", "5b0e9adcef9c",
      "4465047574b1", "f5a4f2784254", "0584bdc529eb", "400f98739977", "6953534de441",
      "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a1b2c3d4e5f6", "de4033877273",
      "1a0cddfcaa16", "534353b11cbc", "71994744cf8e", "3da73c924c2f",
  };
  return kOlder;
}

const std::vector<std::string_view>& NewerRevisions() {
  // Upstream MLflow after bf29a5ff90ea up to the 3.17.2 head, in order. 1b5f0d9ad7c1 is also the
  // opendatahub fork's direct child of bf29a5ff90ea (a different schema under the same id);
  // either way it is newer than ours, and features are detected from the columns.
  static const std::vector<std::string_view> kNewer = {
      "1bd49d398cd23", "b7c8d9e0f1a2", "5d2d30f0abce", "c9d4e5f6a7b8", "2c33131f4dae",
      "d3e4f5a6b7c8",  "d0e1f2a3b4c5", "c8d9e0f1a2b3", "1b5f0d9ad7c1", "e1f2a3b4c5d6",
      "76601a5f987d",  "c3d6457b6d8a", "a5b4c3d2e1f0", "ae8bbe7743c9", "7d34483879f0",
      "da6fb0208061",  "89d3d66ed43f", "b7e4c1a90f23", "a8b9c0d1e2f3", "c1d2e3f4a5b6",
      "c3d9e7f1a2b4",  "6f8d9c3b2a1e", "1971f2d9a75b", "17e22815139b", "b7e2c1a4d9f3",
      "75868b020152",  "dc11669786a5",
  };
  return kNewer;
}

namespace internal {

std::vector<std::string> SchemaStatements(Dialect dialect) {
  return schema::GenerateDdl(schema::MlflowSchema(), DdlFor(dialect));
}

}  // namespace internal

Status CreateSchema(Connection& conn) {
  const bool sqlite = conn.dialect() == Dialect::kSqlite;
  try {
    // IMMEDIATE takes the write lock up front, so two processes creating the same new file
    // serialise instead of failing half-way.
    conn.ExecScript(sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (const SqlError& e) {
    return Status::InvalidState(std::string("cannot create the schema: ") + e.what());
  }
  try {
    RunStatements(conn);
    conn.ExecScript("COMMIT");
    return Status();
  } catch (const SqlError& e) {
    try {
      conn.ExecScript("ROLLBACK");
    } catch (const SqlError&) {
      // The original error is the useful one.
    }
    return Status::InvalidState(std::string("cannot create the schema: ") + e.what() +
                                "; nothing was created");
  }
}

// Metric history is read in (timestamp, step, value) order, page by page; without the first index
// every page re-sorts the history. The second is the (step, timestamp, value, is_nan) order the
// charts' sampling counts and walks, index-only (metric_sampling.h).
void CreateExtraIndexes(Connection& conn) {
  conn.ExecScript(
      "CREATE INDEX IF NOT EXISTS idx_mlflowcpp_metric_history ON metrics (run_uuid, key, timestamp, step, value)");
  conn.ExecScript(
      "CREATE INDEX IF NOT EXISTS idx_mlflowcpp_metric_steps ON metrics (run_uuid, key, step, timestamp, value, "
      "is_nan)");
  // Run search (search/sql_compiler.h, run_segments): a page of an experiment's runs in start_time
  // order, or in run name order, is an index walk with LIMIT instead of a sort of every run; ordered
  // by a metric, the key's rows walk in value order. MLflow has no index on runs.experiment_id.
  conn.ExecScript(
      "CREATE INDEX IF NOT EXISTS idx_mlflowcpp_runs_experiment_start ON runs (experiment_id, start_time DESC, "
      "run_uuid)");
  conn.ExecScript("CREATE INDEX IF NOT EXISTS idx_mlflowcpp_runs_experiment_name ON runs (experiment_id, name)");
  conn.ExecScript(
      "CREATE INDEX IF NOT EXISTS idx_mlflowcpp_latest_metrics_key_value ON latest_metrics (key, value, is_nan, "
      "run_uuid)");
  // Ordered by a param: the same walk on its values. SQLite only: a param value may be 8,000
  // characters, past what a PostgreSQL btree entry (about 2,700 bytes) or a MySQL index key (3,072
  // bytes) holds, and there such a write would fail or the index be refused.
  if (conn.dialect() == Dialect::kSqlite) {
    conn.ExecScript("CREATE INDEX IF NOT EXISTS idx_mlflowcpp_params_key_value ON params (key, value, run_uuid)");
  }
}

Result<SchemaInfo> InspectSchema(Connection& conn, std::string_view db_uri) {
  const std::string uri(db_uri);
  SchemaInfo info;
  std::vector<std::string> tables;
  for (auto& t : conn.TableNames()) {
    if (t.rfind("sqlite_", 0) == 0) continue;  // sqlite_sequence, sqlite_stat1: internal
    tables.push_back(t);
  }
  if (tables.empty()) return info;  // kEmpty

  const std::set<std::string> present(tables.begin(), tables.end());
  if (!present.count("alembic_version")) {
    return Status::InvalidState(
        "Database " + uri +
        " has tables but no alembic_version table: it is not an MLflow database, or one made "
        "by an MLflow too old to be versioned (0.9). Use an empty database, or run "
        "`mlflow-cpp db upgrade " + uri + "` to migrate it.");
  }

  std::vector<std::string> revisions;
  {
    auto st = conn.Prepare("SELECT version_num FROM alembic_version");
    while (st->Step()) revisions.push_back(st->Text(0));
  }
  if (revisions.size() != 1) {
    return Status::InvalidState("Database " + uri + " has " + std::to_string(revisions.size()) +
                                " rows in alembic_version (expected exactly one); refusing to "
                                "guess its schema.");
  }
  info.revision = revisions[0];

  const auto& newer = NewerRevisions();
  if (info.revision == kSchemaRevision) {
    info.status = SchemaStatus::kCurrent;
  } else if (auto it = std::find(newer.begin(), newer.end(), info.revision); it != newer.end()) {
    info.status = SchemaStatus::kNewer;
    info.migrations_ahead = static_cast<int>(it - newer.begin()) + 1;
  } else if (Contains(OlderRevisions(), info.revision)) {
    return Status::InvalidState(
        "Detected out-of-date database schema in " + uri + " (found version " + info.revision +
        ", but expected " + kSchemaRevision + "). Take a backup of the database, then run `mlflow-cpp db upgrade " + uri +
        "` to migrate it.");
  } else {
    return Status::InvalidState(
        "Database " + uri + " is at alembic revision " + info.revision +
        ", which this mlflow-cpp does not know (it implements " + kSchemaRevision +
        " and reads the revisions of MLflow up to 3.17.2). It was probably written by a newer or "
        "a forked MLflow; refusing to use it.");
  }

  for (const auto& t : TableList()) {
    if (!present.count(t)) {
      return Status::InvalidState("Database " + uri + " is at revision " + info.revision +
                                  " but has no table `" + t + "`; it is damaged or was not "
                                  "created by MLflow.");
    }
  }
  const std::set<std::string> ours(TableList().begin(), TableList().end());
  for (const auto& t : tables) {
    if (!ours.count(t)) info.extra_tables.push_back(t);
  }
  std::sort(info.extra_tables.begin(), info.extra_tables.end());

  info.has_workspace_columns = conn.HasColumn("experiments", "workspace");
  info.has_workspaces_table = present.count("workspaces") > 0;
  info.jobs_has_job_name = conn.HasColumn("jobs", "job_name");
  info.trace_info_has_analytics = conn.HasColumn("trace_info", "trace_name");
  if (conn.dialect() == Dialect::kSqlite) {
    auto st = conn.Prepare(
        "SELECT upper(type) FROM pragma_table_info('experiment_tags') WHERE name = 'value'");
    info.experiment_tag_value_is_text = st->Step() && st->Text(0) == "TEXT";
  } else {
    // MySQL has no current_schema(): its DATABASE() is the schema.
    auto st = conn.Prepare(std::string("SELECT data_type FROM information_schema.columns WHERE table_schema = ") +
                           (conn.dialect() == Dialect::kMysql ? "DATABASE()" : "current_schema()") +
                           " AND table_name = 'experiment_tags' AND column_name = 'value'");
    info.experiment_tag_value_is_text = st->Step() && st->Text(0) == "text";
  }
  return info;
}

}  // namespace mlflow::store::sql
