#pragma once
// The auth database of MLflow's basic-auth app (docs/reference/auth.md): users with werkzeug
// password hashes, and per-user grants kept as MLflow 3.17.2 keeps them: rows of role_permissions
// on a hidden role "__user_<id>__" in the workspace "default", assigned to the user. An empty
// database gets MLflow's schema at its alembic head, so either server can open it afterwards.
//
//   MLFLOW_ASSIGN_OR_RETURN(std::unique_ptr<AuthStore> store, AuthStore::Open("sqlite:///basic_auth.db"));
//   MLFLOW_ASSIGN_OR_RETURN(std::optional<User> user, store->Authenticate("alice", "secret..."));
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.h"
#include "core/status.h"
#include "store/sql/database.h"

namespace mlflow::auth {

// MLflow's alembic head for the auth database (table alembic_version_auth).
inline constexpr const char* kAuthSchemaRevision = "f1a2b3c4d5e6";

struct User {
  int64_t id = 0;
  std::string username;
  std::string password_hash;
  bool is_admin = false;
};

class AuthStore {
 public:
  // SQLite URIs (sqlite:///path); the schema is created when the database is empty and checked
  // otherwise (an auth database at another alembic revision is refused).
  static Result<std::unique_ptr<AuthStore>> Open(const std::string& uri);
  explicit AuthStore(std::shared_ptr<store::sql::Database> db) : db_(std::move(db)) {}
  ~AuthStore();

  // The user when the password matches; nullopt for an unknown user or a wrong password.
  Result<std::optional<User>> Authenticate(const std::string& username, const std::string& password);
  Result<std::optional<User>> FindUser(const std::string& username);
  // RESOURCE_DOES_NOT_EXIST "User with username=X not found".
  Result<User> GetUser(const std::string& username);
  Result<std::vector<User>> ListUsers();
  // MLflow's checks: "Username cannot be empty.", "Password must be at least 12 characters.",
  // RESOURCE_ALREADY_EXISTS "User (username=X) already exists. ...".
  Result<User> CreateUser(const std::string& username, const std::string& password, bool is_admin);
  Status UpdatePassword(const std::string& username, const std::string& password);
  Status UpdateAdmin(const std::string& username, bool is_admin);
  // Removes the user with its hidden role and grants.
  Status DeleteUser(const std::string& username);

  // Every grant the user holds through its roles in the workspace "default".
  Result<std::vector<Grant>> GrantsOf(int64_t user_id);
  // The user's own (hidden-role) grant on exactly (type, pattern), if any.
  Result<std::optional<std::string>> DirectGrant(int64_t user_id, const std::string& type, const std::string& pattern);
  // Inserts the grant; RESOURCE_ALREADY_EXISTS when the user already has one on (type, pattern).
  Status CreateGrant(int64_t user_id, const std::string& username, const std::string& type,
                     const std::string& pattern, const std::string& permission);
  // Inserts or replaces (the grants MLflow gives a creator).
  Status UpsertGrant(int64_t user_id, const std::string& type, const std::string& pattern,
                     const std::string& permission);
  // RESOURCE_DOES_NOT_EXIST when absent.
  Status DeleteGrant(int64_t user_id, const std::string& username, const std::string& type,
                     const std::string& pattern);
  // Every user's hidden-role grants on (type, pattern): removed, or moved to a new pattern.
  Status DeleteGrantsFor(const std::string& type, const std::string& pattern);
  Status RenameGrantsFor(const std::string& type, const std::string& old_pattern, const std::string& new_pattern);

 private:
  std::shared_ptr<store::sql::Database> db_;
};

}  // namespace mlflow::auth
