#include "auth/auth_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth/permissions.h"

namespace mlflow::auth {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// An environment variable that is set wins even when empty; empty means "none".
std::optional<std::string> EnvOrConfig(const char* env, const std::map<std::string, std::string>& ini,
                                       const std::string& key) {
  std::string v;
  if (const char* e = std::getenv(env)) {
    v = e;
  } else if (auto it = ini.find(key); it != ini.end()) {
    v = it->second;
  }
  if (v.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::map<std::string, std::string> ParseIniSection(std::string_view text, std::string_view section) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      inside = Trim(std::string_view(t).substr(1, t.size() - 2)) == section;
      continue;
    }
    if (!inside) continue;
    size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos) continue;
    out[Lower(Trim(std::string_view(t).substr(0, eq)))] = Trim(std::string_view(t).substr(eq + 1));
  }
  return out;
}

Result<AuthConfig> LoadAuthConfig() {
  AuthConfig config;
  std::map<std::string, std::string> ini;
  const char* path = std::getenv("MLFLOW_AUTH_CONFIG_PATH");
  if (path != nullptr && *path != '\0') {
    std::ifstream f(path);
    if (!f) return Status::InvalidParameter(std::string("cannot read the auth config file ") + path);
    std::stringstream ss;
    ss << f.rdbuf();
    ini = ParseIniSection(ss.str(), "mlflow");
    if (!ini.count("default_permission") || !ini.count("database_uri")) {
      return Status::InvalidParameter(std::string("the auth config file ") + path +
                                      " needs default_permission and database_uri in its [mlflow] section");
    }
  } else {
    ini = {{"default_permission", "READ"}, {"database_uri", "sqlite:///basic_auth.db"}, {"admin_username", "admin"}};
  }
  config.default_permission = ini["default_permission"];
  config.database_uri = ini["database_uri"];
  if (auto it = ini.find("authorization_function"); it != ini.end()) config.authorization_function = it->second;
  config.admin_username = EnvOrConfig("MLFLOW_AUTH_ADMIN_USERNAME", ini, "admin_username");
  config.admin_password = EnvOrConfig("MLFLOW_AUTH_ADMIN_PASSWORD", ini, "admin_password");
  // MLflow fails every request later on a bad default; refusing at startup is kinder.
  if (!PermissionNamed(config.default_permission) || config.default_permission == "DENY") {
    return Status::InvalidParameter("default_permission '" + config.default_permission +
                                    "' in the auth config is not one of READ, USE, EDIT, MANAGE, NO_PERMISSIONS");
  }
  if (config.authorization_function != "mlflow.server.auth:authenticate_request_basic_auth") {
    return Status::InvalidParameter("authorization_function '" + config.authorization_function +
                                    "': only HTTP Basic (mlflow.server.auth:authenticate_request_basic_auth) is "
                                    "available in this server");
  }
  const char* secret = std::getenv("MLFLOW_FLASK_SERVER_SECRET_KEY");
  if (secret == nullptr || *secret == '\0') {
    return Status::InvalidParameter(
        "A static secret key needs to be set for CSRF protection. Set the MLFLOW_FLASK_SERVER_SECRET_KEY "
        "environment variable before starting the server (the same value on every replica).");
  }
  config.secret_key = secret;
  return config;
}

}  // namespace mlflow::auth
