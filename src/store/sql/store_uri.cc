#include "store/sql/store_uri.h"

#include <cctype>
#include <string_view>

namespace mlflow::store::sql {

bool IsSqliteUri(const std::string& uri) { return uri.rfind("sqlite:///", 0) == 0; }

bool IsPostgresUri(const std::string& uri) {
  return uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0 || uri.rfind("postgresql+", 0) == 0;
}

bool IsMysqlUri(const std::string& uri) { return uri.rfind("mysql://", 0) == 0 || uri.rfind("mysql+", 0) == 0; }

namespace {

// %XX escapes, as SQLAlchemy's make_url undoes them in user, password and query values.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<MysqlTarget> ParseMysqlUri(const std::string& uri) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidParameter("Invalid MySQL backend store URI '" + RedactUri(uri) + "': " + why +
                                    " (expected mysql://user:password@host:port/database)");
  };
  auto scheme_end = uri.find("://");
  if (!IsMysqlUri(uri) || scheme_end == std::string::npos) return bad("not a mysql:// URI");
  std::string rest = uri.substr(scheme_end + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 == rest.size()) return bad("no database name");
  MysqlTarget t;
  t.database = PercentDecode(rest.substr(slash + 1));
  std::string authority = rest.substr(0, slash);
  if (auto at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    t.user = PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string::npos) t.password = PercentDecode(userinfo.substr(colon + 1));
  }
  if (auto colon = authority.rfind(':'); colon != std::string::npos && authority.find(']') == std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535) {
      return bad("bad port");
    }
    t.port = static_cast<unsigned>(std::stoul(port));
    authority.resize(colon);
  }
  if (!authority.empty()) t.host = authority;
  // Query: unix_socket is a connect argument PyMySQL takes; others (charset, ...) need nothing here.
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = item.find('=');
    if (eq != std::string::npos && item.substr(0, eq) == "unix_socket") t.unix_socket = PercentDecode(item.substr(eq + 1));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return t;
}

Result<std::string> SqlitePathFromUri(const std::string& uri) {
  if (!IsSqliteUri(uri)) {
    return Status::InvalidParameter("Unsupported backend store URI '" + RedactUri(uri) +
                                    "': expected sqlite:///<path>, postgresql://user:pass@host:port/db or "
                                    "mysql://user:pass@host:port/db");
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
