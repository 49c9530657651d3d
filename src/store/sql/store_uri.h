#pragma once
// Backend store URIs as MLflow (SQLAlchemy) writes them: sqlite:///relative.db,
// sqlite:////abs/path.db, postgresql://user:pass@host:port/db (also postgres:// and
// postgresql+<driver>://).
#include <string>

#include "core/status.h"

namespace mlflow::store::sql {

bool IsSqliteUri(const std::string& uri);
bool IsPostgresUri(const std::string& uri);
// The database file of a sqlite:/// URI (query string dropped). INVALID_PARAMETER_VALUE when the
// URI is not sqlite:/// or names no file.
Result<std::string> SqlitePathFromUri(const std::string& uri);
// The URI with its password replaced by ***, for messages and logs.
std::string RedactUri(const std::string& uri);

}  // namespace mlflow::store::sql
