#pragma once
// Backend store URIs as MLflow (SQLAlchemy) writes them: sqlite:///relative.db,
// sqlite:////abs/path.db, postgresql://user:pass@host:port/db (also postgres:// and
// postgresql+<driver>://), mysql://user:pass@host:port/db (also mysql+<driver>://, e.g.
// mysql+pymysql://; ?unix_socket=/path connects through a socket).
#include <string>

#include "core/status.h"

namespace mlflow::store::sql {

// Where and how to connect, from a SQLAlchemy URI (ParseMysqlUri).
struct MysqlTarget {
  std::string host = "localhost";
  unsigned port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::string unix_socket;  // ?unix_socket=/path: connect through it instead of TCP
};

bool IsSqliteUri(const std::string& uri);
bool IsPostgresUri(const std::string& uri);
bool IsMysqlUri(const std::string& uri);
// The database file of a sqlite:/// URI (query string dropped). INVALID_PARAMETER_VALUE when the
// URI is not sqlite:/// or names no file.
Result<std::string> SqlitePathFromUri(const std::string& uri);
// Host, port, user, password (percent-decoded), database and ?unix_socket of a mysql:// URI.
// INVALID_PARAMETER_VALUE when it is not one or names no database.
Result<MysqlTarget> ParseMysqlUri(const std::string& uri);
// The URI with its password replaced by ***, for messages and logs.
std::string RedactUri(const std::string& uri);

}  // namespace mlflow::store::sql
