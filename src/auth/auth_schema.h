#pragma once
// MLflow 3.17.2's auth schema (alembic head kAuthSchemaRevision of mlflow/server/auth/db) on
// SQLite, PostgreSQL and MySQL: created in an empty database, checked in one that has it.
//
//   MLFLOW_RETURN_IF_ERROR(PrepareAuthSchema(conn, "sqlite:///basic_auth.db"));
#include <string>

#include "core/status.h"
#include "store/sql/connection.h"

namespace mlflow::auth {

// The DDL for the dialect, one statement per element (tests print it).
std::string AuthSchemaDdl(store::sql::Dialect dialect);

// Creates the schema (with its alembic_version_auth row) when the database has no auth tables;
// refuses a database with users but no alembic_version_auth, or at another revision. `shown`
// names the database in messages (passwords redacted).
Status PrepareAuthSchema(store::sql::Connection& conn, const std::string& shown);

}  // namespace mlflow::auth
