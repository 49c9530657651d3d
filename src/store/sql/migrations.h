#pragma once
// Upgrading a database written by an older MLflow (any revision of its alembic chain from
// 451aebb31d03, or a pre-alembic 0.9-era database) to the schema we serve (kSchemaRevision).
//
// Each step reproduces what MLflow's migration of the same id does to the database: the same
// tables, columns, constraints (and their names), indexes, and the same data changes (the
// `mlflow.user` tag backfill of 90e64c465722, the latest_metrics population of 89d4b8295536).
// On SQLite the steps MLflow runs in alembic "batch mode" are table rebuilds (create
// _alembic_tmp_<t>, copy the rows, drop, rename, recreate the table's indexes), as alembic does,
// so the rebuilt tables end up exactly as in a database MLflow migrated itself; on PostgreSQL
// they are ALTER TABLE statements. Everything runs in ONE transaction: either the database
// reaches kSchemaRevision or it is left as it was. MySQL commits DDL implicitly, so there each
// step is followed by its alembic_version update (as alembic does there): a failure leaves the
// database at the last completed step's revision, and running the upgrade again resumes from it.
// On MySQL a database without a revision (MLflow 0.9's tables) gets alembic_version as alembic
// creates it there: empty at first, its row inserted when the first step is done.
//
//   UpgradeOutcome out;
//   Status st = UpgradeSchema(conn, [](std::string_view rev) { Print(rev); }, &out);
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sql/connection.h"

namespace mlflow::store::sql {

class MigrationRunner;

// One migration of MLflow's chain: what upgrading *to* `revision` does.
struct MigrationStep {
  std::string_view revision;
  std::string_view summary;
  void (*apply)(MigrationRunner&);
};

// The steps from 451aebb31d03 to kSchemaRevision, oldest first (same order as OlderRevisions()
// followed by kSchemaRevision).
const std::vector<MigrationStep>& MigrationSteps();

struct UpgradeOutcome {
  std::string from_revision;  // "" for a database without alembic_version (pre-alembic / empty)
  std::string to_revision;
  int steps_applied = 0;
  std::string message;  // one line for the user
};

// Runs every step after the database's revision up to kSchemaRevision in one transaction (on
// MySQL: step by step, see above) and sets alembic_version. `progress` is called with each revision before its step runs.
//  - already at kSchemaRevision: OK, nothing done (outcome->message says so);
//  - no alembic_version: MLflow's initial tables are created where missing (as MLflow does before
//    migrating), then every step runs — an empty database ends at the full schema;
//  - a revision newer than ours (newer MLflow) or unknown: kInvalidState, nothing done;
//  - a step fails, or a foreign key check fails at the end (SQLite): rolled back, error.
// SQLite: foreign keys are switched off around the rebuilds (as alembic's batch mode needs) and
// checked with PRAGMA foreign_key_check before COMMIT; the connection must not be in a transaction.
Status UpgradeSchema(Connection& conn, std::function<void(std::string_view revision)> progress = {},
                     UpgradeOutcome* outcome = nullptr);

// Executes a step's statements on one connection (exposed for the step table only).
class MigrationRunner {
 public:
  explicit MigrationRunner(Connection& conn) : conn_(conn) {}
  Dialect dialect() const { return conn_.dialect(); }
  bool sqlite() const { return dialect() == Dialect::kSqlite; }
  bool mysql() const { return dialect() == Dialect::kMysql; }
  // Runs one statement (no parameters).
  void Exec(std::string_view sql);
  // SQLite batch rebuild of `table`: `tmp_ddl` creates _alembic_tmp_<table> with the new shape;
  // the columns both tables have are copied; the old table's indexes are recreated afterwards.
  void Rebuild(std::string_view table, std::string_view tmp_ddl);
  Connection& connection() { return conn_; }

 private:
  Connection& conn_;
};

}  // namespace mlflow::store::sql
