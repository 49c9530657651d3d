#pragma once
// OpenDatabase: the database behind a store URI (sqlite:///..., postgresql://..., mysql://...), with MLflow's
// schema created when the database is empty. An older MLflow revision is refused with the command
// that upgrades it (schema.h). Used by the server and by the C++ client's local mode.
//
//   MLFLOW_ASSIGN_OR_RETURN(OpenedDatabase opened, OpenDatabase("sqlite:///mlflow.db", 10));
//   if (!opened.note.empty()) spdlog::info("{}", opened.note);
#include <memory>
#include <string>

#include "core/status.h"
#include "store/sql/database.h"

namespace mlflow::store::sql {

struct OpenedDatabase {
  std::shared_ptr<Database> db;
  std::string note;  // "created database ..." or "serving database ... at newer MLflow revision ..."; "" otherwise
};

// pool_size: PostgreSQL / MySQL connections. Missing parent folders of a SQLite file are created.
Result<OpenedDatabase> OpenDatabase(const std::string& uri, int pool_size);

}  // namespace mlflow::store::sql
