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
#include <set>
#include <string>
#include <utility>
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

// Roles (MLflow 3.17.2's RBAC): named sets of grants in a workspace, assigned to users. The
// hidden per-user roles "__user_<id>__" are roles too and show in every listing, as in MLflow.
struct RolePermission {
  int64_t id = 0;
  int64_t role_id = 0;
  std::string resource_type;
  std::string resource_pattern;
  std::string permission;
};

struct Role {
  int64_t id = 0;
  std::string name;
  std::string workspace;
  std::optional<std::string> description;
  std::vector<RolePermission> permissions;
};

struct RoleAssignment {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t role_id = 0;
};

class AuthStore {
 public:
  // sqlite:///path, postgresql://... or mysql://... (store/sql/store_uri.h); the schema is created
  // (auth_schema.h) when the database is empty and checked
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

  // Roles (auth_roles.cc), with MLflow's checks and messages: a name starting "__user_" is
  // refused, duplicates are RESOURCE_ALREADY_EXISTS, unknown ids RESOURCE_DOES_NOT_EXIST
  // "Role with id=N not found". A role comes with its grants.
  Result<Role> CreateRole(const std::string& name, const std::string& workspace,
                          const std::optional<std::string>& description);
  Result<Role> GetRole(int64_t role_id);
  // Every role (nullopt) or those of the given workspaces.
  Result<std::vector<Role>> ListRoles(const std::optional<std::vector<std::string>>& workspaces);
  Result<Role> UpdateRole(int64_t role_id, const std::optional<std::string>& name,
                          const std::optional<std::string>& description);
  // Removes the role with its grants and assignments.
  Status DeleteRole(int64_t role_id);
  // Validates (type, pattern, permission) as a role grant (auth/permissions.h ValidateRoleGrant).
  Result<RolePermission> AddRolePermission(int64_t role_id, const std::string& type, const std::string& pattern,
                                           const std::string& permission);
  Result<RolePermission> GetRolePermission(int64_t role_permission_id);
  Status RemoveRolePermission(int64_t role_permission_id);
  Result<std::vector<RolePermission>> ListRolePermissions(int64_t role_id);
  Result<RolePermission> UpdateRolePermission(int64_t role_permission_id, const std::string& permission);
  Result<RoleAssignment> AssignRole(int64_t user_id, int64_t role_id);
  Status UnassignRole(int64_t user_id, int64_t role_id);
  // The roles assigned to the user, in assignment order.
  Result<std::vector<Role>> RolesOf(int64_t user_id);
  Result<std::vector<RoleAssignment>> ListRoleUsers(int64_t role_id);
  // Every user with its roles (users/list), users by id.
  Result<std::vector<std::pair<User, std::vector<Role>>>> ListUsersWithRoles();
  // Workspaces where the user holds a role granting (workspace, *, MANAGE): a workspace admin.
  Result<std::set<std::string>> AdminWorkspaces(int64_t user_id);
  // Workspaces where the user holds any role.
  Result<std::set<std::string>> PresentWorkspaces(int64_t user_id);

 private:
  std::shared_ptr<store::sql::Database> db_;
};

}  // namespace mlflow::auth
