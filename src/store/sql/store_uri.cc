#include "store/sql/store_uri.h"

namespace mlflow::store::sql {

bool IsSqliteUri(const std::string& uri) { return uri.rfind("sqlite:///", 0) == 0; }

bool IsPostgresUri(const std::string& uri) {
  return uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0 || uri.rfind("postgresql+", 0) == 0;
}

Result<std::string> SqlitePathFromUri(const std::string& uri) {
  if (!IsSqliteUri(uri)) {
    return Status::InvalidParameter("Unsupported backend store URI '" + RedactUri(uri) +
                                    "': expected sqlite:///<path> or postgresql://user:pass@host:port/db");
  }
  std::string path = uri.substr(std::string("sqlite:///").size());
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  if (path.empty()) return Status::InvalidParameter("Backend store URI '" + uri + "' names no database file");
  return path;
}

std::string RedactUri(const std::string& uri) {
  auto scheme = uri.find("://");
  auto at = uri.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return uri;
  auto colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

}  // namespace mlflow::store::sql
