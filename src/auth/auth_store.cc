#include "auth/auth_store.h"

#include <filesystem>

#include "auth/password_hash.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

namespace mlflow::auth {

using store::sql::Connection;
using store::sql::SqlError;

namespace {

constexpr const char* kWorkspace = "default";

// MLflow's auth schema at kAuthSchemaRevision, as its migrations leave it on SQLite. The
// pre-role permission tables are kept (empty) because MLflow keeps them for a rollback.
constexpr const char* kSqliteSchema = R"SQL(
CREATE TABLE alembic_version_auth (
  version_num VARCHAR(32) NOT NULL,
  CONSTRAINT alembic_version_auth_pkc PRIMARY KEY (version_num));
CREATE TABLE users (
  id INTEGER NOT NULL, username VARCHAR(255), password_hash VARCHAR(255), is_admin BOOLEAN,
  PRIMARY KEY (id), UNIQUE (username));
CREATE TABLE experiment_permissions (
  id INTEGER NOT NULL, experiment_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_experiment_user UNIQUE (experiment_id, user_id));
CREATE TABLE scorer_permissions (
  id INTEGER NOT NULL, experiment_id VARCHAR(255) NOT NULL, scorer_name VARCHAR(256) NOT NULL,
  user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_scorer_perm_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_scorer_user UNIQUE (experiment_id, scorer_name, user_id));
CREATE TABLE gateway_secret_permissions (
  id INTEGER NOT NULL, secret_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_gateway_secret_perm_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_secret_user UNIQUE (secret_id, user_id));
CREATE TABLE gateway_endpoint_permissions (
  id INTEGER NOT NULL, endpoint_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_gateway_endpoint_perm_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_endpoint_user UNIQUE (endpoint_id, user_id));
CREATE TABLE gateway_model_definition_permissions (
  id INTEGER NOT NULL, model_definition_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL,
  permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_gateway_model_def_perm_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_model_def_user UNIQUE (model_definition_id, user_id));
CREATE TABLE workspace_permissions (
  workspace VARCHAR(63) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(32) NOT NULL,
  CONSTRAINT workspace_permissions_pk PRIMARY KEY (workspace, user_id),
  FOREIGN KEY(user_id) REFERENCES users (id));
CREATE INDEX idx_workspace_permissions_user_id ON workspace_permissions (user_id);
CREATE INDEX idx_workspace_permissions_workspace ON workspace_permissions (workspace);
CREATE TABLE registered_model_permissions (
  id INTEGER NOT NULL, name VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
  PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_workspace_name_user UNIQUE (workspace, name, user_id));
CREATE TABLE roles (
  id INTEGER NOT NULL, name VARCHAR(255) NOT NULL, workspace VARCHAR(63) NOT NULL, description VARCHAR(1024),
  PRIMARY KEY (id), CONSTRAINT unique_workspace_role_name UNIQUE (workspace, name));
CREATE INDEX idx_roles_workspace ON roles (workspace);
CREATE TABLE role_permissions (
  id INTEGER NOT NULL, role_id INTEGER NOT NULL, resource_type VARCHAR(64) NOT NULL,
  resource_pattern VARCHAR(255) NOT NULL, permission VARCHAR(255) NOT NULL,
  PRIMARY KEY (id), CONSTRAINT unique_role_resource_perm UNIQUE (role_id, resource_type, resource_pattern),
  FOREIGN KEY(role_id) REFERENCES roles (id));
CREATE INDEX idx_role_permissions_role_id ON role_permissions (role_id);
CREATE TABLE user_role_assignments (
  id INTEGER NOT NULL, user_id INTEGER NOT NULL, role_id INTEGER NOT NULL,
  PRIMARY KEY (id), CONSTRAINT unique_user_role UNIQUE (user_id, role_id),
  FOREIGN KEY(user_id) REFERENCES users (id), FOREIGN KEY(role_id) REFERENCES roles (id));
CREATE INDEX idx_user_role_assignments_user_id ON user_role_assignments (user_id);
CREATE INDEX idx_user_role_assignments_role_id ON user_role_assignments (role_id);
)SQL";

std::string HiddenRoleName(int64_t user_id) { return "__user_" + std::to_string(user_id) + "__"; }

Status Validate(const std::string& username, const std::string& password) {
  if (username.empty()) return Status::InvalidParameter("Username cannot be empty.");
  if (password.size() < 12) return Status::InvalidParameter("Password must be at least 12 characters.");
  return Status();
}

std::optional<User> LoadUser(Connection& c, const std::string& username) {
  auto st = c.Prepare("SELECT id, username, password_hash, is_admin FROM users WHERE username = ?");
  st->Bind(1, username);
  if (!st->Step()) return std::nullopt;
  User u;
  u.id = st->Int(0);
  u.username = st->Text(1);
  u.password_hash = st->IsNull(2) ? "" : st->Text(2);
  u.is_admin = !st->IsNull(3) && st->Int(3) != 0;
  return u;
}

Result<User> RequireUser(Connection& c, const std::string& username) {
  std::optional<User> u = LoadUser(c, username);
  if (!u) return Status::NotFound("User with username=" + username + " not found");
  return *u;
}

std::optional<int64_t> HiddenRole(Connection& c, int64_t user_id) {
  auto st = c.Prepare("SELECT id FROM roles WHERE workspace = ? AND name = ?");
  st->BindAll(kWorkspace, HiddenRoleName(user_id));
  if (!st->Step()) return std::nullopt;
  return st->Int(0);
}

int64_t EnsureHiddenRole(Connection& c, int64_t user_id) {
  std::optional<int64_t> role = HiddenRole(c, user_id);
  if (!role) {
    auto ins = c.Prepare("INSERT INTO roles (name, workspace, description) VALUES (?, ?, NULL)");
    ins->BindAll(HiddenRoleName(user_id), kWorkspace);
    ins->Execute();
    role = HiddenRole(c, user_id);
  }
  auto has = c.Prepare("SELECT 1 FROM user_role_assignments WHERE user_id = ? AND role_id = ?");
  has->BindAll(user_id, *role);
  if (!has->Step()) {
    auto ins = c.Prepare("INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)");
    ins->BindAll(user_id, *role);
    ins->Execute();
  }
  return *role;
}

std::optional<std::string> GrantOnRole(Connection& c, int64_t role_id, const std::string& type,
                                       const std::string& pattern) {
  auto st = c.Prepare(
      "SELECT permission FROM role_permissions WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?");
  st->BindAll(role_id, type, pattern);
  if (!st->Step()) return std::nullopt;
  return st->Text(0);
}

}  // namespace

AuthStore::~AuthStore() {
  if (db_) db_->Close();
}

Result<std::unique_ptr<AuthStore>> AuthStore::Open(const std::string& uri) {
  if (!store::sql::IsSqliteUri(uri)) {
    return Status::InvalidParameter("auth database_uri " + store::sql::RedactUri(uri) +
                                    ": only sqlite:/// auth databases are served");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(uri));
  try {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    store::sql::SqliteOptions opts;
    opts.path = path;
    opts.read_connections = 2;
    auto db = std::make_shared<store::sql::SqliteDatabase>(opts);
    Connection& c = db->writer_connection();
    if (!c.HasTable("alembic_version_auth")) {
      if (c.HasTable("users")) {
        return Status::InvalidParameter("auth database " + path + " has no alembic_version_auth table");
      }
      c.ExecScript(std::string("BEGIN;") + kSqliteSchema + "INSERT INTO alembic_version_auth VALUES ('" +
                   kAuthSchemaRevision + "'); COMMIT;");
    } else {
      auto st = c.Prepare("SELECT version_num FROM alembic_version_auth");
      std::string rev = st->Step() ? st->Text(0) : "";
      if (rev != kAuthSchemaRevision) {
        return Status::InvalidParameter("auth database " + path + " is at revision '" + rev +
                                        "'; this server serves MLflow 3.17.2's revision " + kAuthSchemaRevision +
                                        " (upgrade it with MLflow 3.17.2 first)");
      }
    }
    return std::make_unique<AuthStore>(std::move(db));
  } catch (const SqlError& e) {
    return Status::InvalidParameter(std::string("cannot open auth database: ") + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::InvalidParameter(std::string("cannot open auth database: ") + e.what());
  }
}

Result<std::optional<User>> AuthStore::FindUser(const std::string& username) {
  return db_->Read<std::optional<User>>(
      [&](Connection& c) -> Result<std::optional<User>> { return LoadUser(c, username); });
}

Result<std::optional<User>> AuthStore::Authenticate(const std::string& username, const std::string& password) {
  MLFLOW_ASSIGN_OR_RETURN(std::optional<User> user, FindUser(username));
  if (!user || !VerifyPassword(user->password_hash, password)) return std::optional<User>();
  return user;
}

Result<User> AuthStore::GetUser(const std::string& username) {
  return db_->Read<User>([&](Connection& c) { return RequireUser(c, username); });
}

Result<std::vector<User>> AuthStore::ListUsers() {
  return db_->Read<std::vector<User>>([&](Connection& c) -> Result<std::vector<User>> {
    std::vector<User> out;
    auto st = c.Prepare("SELECT id, username, is_admin FROM users ORDER BY id");
    while (st->Step()) out.push_back(User{st->Int(0), st->Text(1), "", !st->IsNull(2) && st->Int(2) != 0});
    return out;
  });
}

Result<User> AuthStore::CreateUser(const std::string& username, const std::string& password, bool is_admin) {
  MLFLOW_RETURN_IF_ERROR(Validate(username, password));
  std::string hash = HashPassword(password);
  User created;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    if (LoadUser(c, username)) {
      return Status::AlreadyExists("User (username=" + username +
                                   ") already exists. Error: UNIQUE constraint failed: users.username");
    }
    auto st = c.Prepare("INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)");
    st->BindAll(username, hash, int64_t{is_admin ? 1 : 0});
    st->Execute();
    created = *LoadUser(c, username);
    return Status();
  }));
  return created;
}

Status AuthStore::UpdatePassword(const std::string& username, const std::string& password) {
  if (password.size() < 12) return Status::InvalidParameter("Password must be at least 12 characters.");
  std::string hash = HashPassword(password);
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(User u, RequireUser(c, username));
    auto st = c.Prepare("UPDATE users SET password_hash = ? WHERE id = ?");
    st->BindAll(hash, u.id);
    st->Execute();
    return Status();
  });
}

Status AuthStore::UpdateAdmin(const std::string& username, bool is_admin) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(User u, RequireUser(c, username));
    auto st = c.Prepare("UPDATE users SET is_admin = ? WHERE id = ?");
    st->BindAll(int64_t{is_admin ? 1 : 0}, u.id);
    st->Execute();
    return Status();
  });
}

Status AuthStore::DeleteUser(const std::string& username) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(User u, RequireUser(c, username));
    const std::string role_name = HiddenRoleName(u.id);
    for (const char* sql : {
             "DELETE FROM role_permissions WHERE role_id IN (SELECT id FROM roles WHERE name = ?)",
             "DELETE FROM user_role_assignments WHERE role_id IN (SELECT id FROM roles WHERE name = ?)",
             "DELETE FROM roles WHERE name = ?",
         }) {
      auto st = c.Prepare(sql);
      st->Bind(1, role_name);
      st->Execute();
    }
    for (const char* sql : {
             "DELETE FROM user_role_assignments WHERE user_id = ?",
             "DELETE FROM experiment_permissions WHERE user_id = ?",
             "DELETE FROM registered_model_permissions WHERE user_id = ?",
             "DELETE FROM scorer_permissions WHERE user_id = ?",
             "DELETE FROM gateway_secret_permissions WHERE user_id = ?",
             "DELETE FROM gateway_endpoint_permissions WHERE user_id = ?",
             "DELETE FROM gateway_model_definition_permissions WHERE user_id = ?",
             "DELETE FROM workspace_permissions WHERE user_id = ?",
             "DELETE FROM users WHERE id = ?",
         }) {
      auto st = c.Prepare(sql);
      st->Bind(1, u.id);
      st->Execute();
    }
    return Status();
  });
}

Result<std::vector<Grant>> AuthStore::GrantsOf(int64_t user_id) {
  return db_->Read<std::vector<Grant>>([&](Connection& c) -> Result<std::vector<Grant>> {
    std::vector<Grant> out;
    auto st = c.Prepare(
        "SELECT rp.resource_type, rp.resource_pattern, rp.permission FROM role_permissions rp "
        "JOIN roles r ON r.id = rp.role_id JOIN user_role_assignments a ON a.role_id = r.id "
        "WHERE a.user_id = ? AND r.workspace = ?");
    st->BindAll(user_id, kWorkspace);
    while (st->Step()) out.push_back(Grant{st->Text(0), st->Text(1), st->Text(2)});
    return out;
  });
}

Result<std::optional<std::string>> AuthStore::DirectGrant(int64_t user_id, const std::string& type,
                                                          const std::string& pattern) {
  return db_->Read<std::optional<std::string>>([&](Connection& c) -> Result<std::optional<std::string>> {
    std::optional<int64_t> role = HiddenRole(c, user_id);
    if (!role) return std::optional<std::string>();
    return GrantOnRole(c, *role, type, pattern);
  });
}

Status AuthStore::CreateGrant(int64_t user_id, const std::string& username, const std::string& type,
                              const std::string& pattern, const std::string& permission) {
  return db_->Write([&](Connection& c) -> Status {
    int64_t role = EnsureHiddenRole(c, user_id);
    if (GrantOnRole(c, role, type, pattern)) {
      return Status::AlreadyExists("Permission for user=" + username + " on resource_type=" + type +
                                   ", resource_id=" + pattern + " already exists.");
    }
    auto st = c.Prepare(
        "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)");
    st->BindAll(role, type, pattern, permission);
    st->Execute();
    return Status();
  });
}

Status AuthStore::UpsertGrant(int64_t user_id, const std::string& type, const std::string& pattern,
                              const std::string& permission) {
  return db_->Write([&](Connection& c) -> Status {
    int64_t role = EnsureHiddenRole(c, user_id);
    if (GrantOnRole(c, role, type, pattern)) {
      auto st = c.Prepare(
          "UPDATE role_permissions SET permission = ? WHERE role_id = ? AND resource_type = ? AND "
          "resource_pattern = ?");
      st->BindAll(permission, role, type, pattern);
      st->Execute();
    } else {
      auto st = c.Prepare(
          "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)");
      st->BindAll(role, type, pattern, permission);
      st->Execute();
    }
    return Status();
  });
}

Status AuthStore::DeleteGrant(int64_t user_id, const std::string& username, const std::string& type,
                              const std::string& pattern) {
  return db_->Write([&](Connection& c) -> Status {
    std::optional<int64_t> role = HiddenRole(c, user_id);
    if (!role || !GrantOnRole(c, *role, type, pattern)) {
      return Status::NotFound("Permission for user=" + username + " on resource_type=" + type +
                              ", resource_id=" + pattern + " not found.");
    }
    auto st = c.Prepare(
        "DELETE FROM role_permissions WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?");
    st->BindAll(*role, type, pattern);
    st->Execute();
    return Status();
  });
}

Status AuthStore::DeleteGrantsFor(const std::string& type, const std::string& pattern) {
  return db_->Write([&](Connection& c) -> Status {
    auto st = c.Prepare(
        "DELETE FROM role_permissions WHERE resource_type = ? AND resource_pattern = ? AND role_id IN "
        "(SELECT id FROM roles WHERE workspace = ? AND name LIKE '\\_\\_user\\_%\\_\\_' ESCAPE '\\')");
    st->BindAll(type, pattern, kWorkspace);
    st->Execute();
    return Status();
  });
}

Status AuthStore::RenameGrantsFor(const std::string& type, const std::string& old_pattern,
                                  const std::string& new_pattern) {
  return db_->Write([&](Connection& c) -> Status {
    auto st = c.Prepare(
        "UPDATE role_permissions SET resource_pattern = ? WHERE resource_type = ? AND resource_pattern = ? AND "
        "role_id IN (SELECT id FROM roles WHERE workspace = ? AND name LIKE '\\_\\_user\\_%\\_\\_' ESCAPE '\\')");
    st->BindAll(new_pattern, type, old_pattern, kWorkspace);
    st->Execute();
    return Status();
  });
}

}  // namespace mlflow::auth
