#include "auth/auth_store.h"

#include <filesystem>
#include <regex>

#include "auth/auth_schema.h"
#include "auth/password_hash.h"
#include "store/sql/mysql_database.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/postgres_database.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

namespace mlflow::auth {

using store::sql::Connection;
using store::sql::SqlError;

namespace {

constexpr const char* kWorkspace = "default";

// MLflow's auth store finds a taken username by its INSERT failing on the UNIQUE key; on
// PostgreSQL and MySQL that INSERT has taken the next users.id by then (the serial's sequence
// value, InnoDB's AUTO_INCREMENT value) and neither gives it back, so the next user's id skips one.
// Ours takes it too, as the tracking store does for experiments (store/sql/sql_tracking_store.cc,
// ConsumeExperimentId): on MySQL by the same refused INSERT (a failed statement undoes only
// itself), on PostgreSQL, where a failed statement would abort the transaction, by nextval().
void ConsumeUserId(Connection& c, const std::string& username) {
  if (c.dialect() == store::sql::Dialect::kPostgres) {
    auto next = c.Prepare("SELECT nextval(pg_get_serial_sequence('users', 'id'))");
    while (next->Step()) {
    }
    return;
  }
  try {
    auto ins = c.Prepare("INSERT INTO users (username, password_hash, is_admin) VALUES (?, '', 0)");
    ins->Bind(1, username);
    ins->Execute();
  } catch (const SqlError& e) {
    if (e.kind() != SqlError::Kind::kConstraint) throw;
    return;
  }
  throw SqlError(SqlError::Kind::kOther, "a taken username was not refused by its UNIQUE key");
}

std::string HiddenRoleName(int64_t user_id) { return "__user_" + std::to_string(user_id) + "__"; }

// The ids of the hidden per-user roles in the workspace: names matching ^__user_<digits>__$
// exactly, as MLflow's _synthetic_role_ids picks them (roles an admin made are never touched).
std::vector<int64_t> HiddenRoleIds(Connection& c) {
  static const std::regex kHidden("__user_[0-9]+__");
  std::vector<int64_t> out;
  auto st = c.Prepare("SELECT id, name FROM roles WHERE workspace = ?");
  st->Bind(1, kWorkspace);
  while (st->Step()) {
    if (std::regex_match(st->Text(1), kHidden)) out.push_back(st->Int(0));
  }
  return out;
}

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
  const std::string shown = store::sql::RedactUri(uri);
  try {
    if (store::sql::IsPostgresUri(uri) || store::sql::IsMysqlUri(uri)) {
      // A small pool: the auth database answers one or two short queries per request.
      std::shared_ptr<store::sql::Database> db;
      Status setup;
      auto prepare = [&](Connection& c) { return PrepareAuthSchema(c, shown); };
      if (store::sql::IsPostgresUri(uri)) {
        store::sql::PostgresOptions opts;
        opts.conninfo = store::sql::PostgresConninfoFromUri(uri);
        opts.pool_size = 4;
        auto pg = std::make_shared<store::sql::PostgresDatabase>(opts);
        setup = pg->Setup(prepare);
        db = pg;
      } else {
        store::sql::MysqlOptions opts;
        MLFLOW_ASSIGN_OR_RETURN(opts.target, store::sql::ParseMysqlUri(uri));
        opts.pool_size = 4;
        auto my = std::make_shared<store::sql::MysqlDatabase>(opts);
        setup = my->Setup(prepare);
        db = my;
      }
      if (!setup.ok()) return setup;
      return std::make_unique<AuthStore>(std::move(db));
    }
    MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(uri));
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    store::sql::SqliteOptions opts;
    opts.path = path;
    opts.read_connections = 2;
    auto db = std::make_shared<store::sql::SqliteDatabase>(opts);
    MLFLOW_RETURN_IF_ERROR(PrepareAuthSchema(db->writer_connection(), path));
    return std::make_unique<AuthStore>(std::move(db));
  } catch (const SqlError& e) {
    return Status::InvalidParameter("cannot open auth database " + shown + ": " + e.message());
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
      if (c.dialect() != store::sql::Dialect::kSqlite) ConsumeUserId(c, username);
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
    for (int64_t role : HiddenRoleIds(c)) {
      auto st = c.Prepare("DELETE FROM role_permissions WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?");
      st->BindAll(role, type, pattern);
      st->Execute();
    }
    return Status();
  });
}

Status AuthStore::RenameGrantsFor(const std::string& type, const std::string& old_pattern,
                                  const std::string& new_pattern) {
  return db_->Write([&](Connection& c) -> Status {
    for (int64_t role : HiddenRoleIds(c)) {
      auto st = c.Prepare(
          "UPDATE role_permissions SET resource_pattern = ? WHERE role_id = ? AND resource_type = ? AND "
          "resource_pattern = ?");
      st->BindAll(new_pattern, role, type, old_pattern);
      st->Execute();
    }
    return Status();
  });
}

}  // namespace mlflow::auth
