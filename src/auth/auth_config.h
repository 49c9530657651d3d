#pragma once
// The basic-auth app's configuration, read as MLflow reads it (docs/reference/auth.md): the INI
// file named by MLFLOW_AUTH_CONFIG_PATH (section [mlflow]), with MLFLOW_AUTH_ADMIN_USERNAME and
// MLFLOW_AUTH_ADMIN_PASSWORD taking precedence when set (even empty), and
// MLFLOW_FLASK_SERVER_SECRET_KEY required.
//
//   MLFLOW_ASSIGN_OR_RETURN(AuthConfig config, LoadAuthConfig());
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mlflow::auth {

struct AuthConfig {
  std::string default_permission = "READ";
  std::string database_uri = "sqlite:///basic_auth.db";
  std::optional<std::string> admin_username;  // nullopt when unset or empty
  std::optional<std::string> admin_password;
  std::string authorization_function = "mlflow.server.auth:authenticate_request_basic_auth";
  std::string secret_key;  // MLFLOW_FLASK_SERVER_SECRET_KEY
};

// Keys of the [mlflow] section of an INI text (lower-cased keys, values trimmed; '#' and ';'
// comment lines skipped), as Python's configparser reads it.
std::map<std::string, std::string> ParseIniSection(std::string_view text, std::string_view section);

// From the environment and the config file (the built-in defaults above when
// MLFLOW_AUTH_CONFIG_PATH is unset). Refuses a missing secret key and an unknown
// default_permission.
Result<AuthConfig> LoadAuthConfig();

}  // namespace mlflow::auth
