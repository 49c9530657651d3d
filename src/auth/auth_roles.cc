// The roles half of AuthStore (auth_store.h): MLflow 3.17.2's roles, role_permissions and
// user_role_assignments tables, with the checks and messages of its SqlAlchemyStore. New rows
// are read back through their unique keys (no dialect's last-insert-id is needed).
#include <algorithm>
#include <map>

#include "auth/auth_store.h"

namespace mlflow::auth {

using store::sql::Connection;

namespace {

constexpr const char* kRoleColumns = "id, name, workspace, description";

Role RoleRow(store::sql::Statement& st) {
  Role r;
  r.id = st.Int(0);
  r.name = st.Text(1);
  r.workspace = st.Text(2);
  if (!st.IsNull(3)) r.description = st.Text(3);
  return r;
}

RolePermission PermissionRow(store::sql::Statement& st) {
  return RolePermission{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4)};
}

std::vector<RolePermission> PermissionsOf(Connection& c, int64_t role_id) {
  std::vector<RolePermission> out;
  auto st = c.Prepare(
      "SELECT id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE role_id = ? "
      "ORDER BY id");
  st->Bind(1, role_id);
  while (st->Step()) out.push_back(PermissionRow(*st));
  return out;
}

std::optional<Role> FindRole(Connection& c, int64_t role_id) {
  auto st = c.Prepare(std::string("SELECT ") + kRoleColumns + " FROM roles WHERE id = ?");
  st->Bind(1, role_id);
  if (!st->Step()) return std::nullopt;
  Role r = RoleRow(*st);
  r.permissions = PermissionsOf(c, r.id);
  return r;
}

Result<Role> RequireRole(Connection& c, int64_t role_id) {
  std::optional<Role> r = FindRole(c, role_id);
  if (!r) return Status::NotFound("Role with id=" + std::to_string(role_id) + " not found");
  return *r;
}

Result<RolePermission> RequireRolePermission(Connection& c, int64_t id) {
  auto st = c.Prepare(
      "SELECT id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE id = ?");
  st->Bind(1, id);
  if (!st->Step()) return Status::NotFound("Role permission with id=" + std::to_string(id) + " not found");
  return PermissionRow(*st);
}

// MLflow reserves the whole "__user_" prefix for the hidden per-user roles.
Status RejectReservedName(const std::string& name) {
  if (name.rfind("__user_", 0) != 0) return Status();
  return Status::InvalidParameter("Role name '" + name +
                                  "' uses the reserved '__user_' prefix, which is held for the per-user permission "
                                  "representation. Choose a different name.");
}

std::vector<Role> RolesWhere(Connection& c, const std::string& where, const std::vector<std::string>& args) {
  std::vector<Role> out;
  auto st = c.Prepare(std::string("SELECT ") + kRoleColumns + " FROM roles" + where + " ORDER BY id");
  for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
  while (st->Step()) out.push_back(RoleRow(*st));
  for (Role& r : out) r.permissions = PermissionsOf(c, r.id);
  return out;
}

std::vector<Role> AssignedRoles(Connection& c, int64_t user_id) {
  std::vector<Role> out;
  auto st = c.Prepare(
      "SELECT r.id, r.name, r.workspace, r.description FROM roles r JOIN user_role_assignments a ON a.role_id = r.id "
      "WHERE a.user_id = ? ORDER BY a.id");
  st->Bind(1, user_id);
  while (st->Step()) out.push_back(RoleRow(*st));
  for (Role& r : out) r.permissions = PermissionsOf(c, r.id);
  return out;
}

}  // namespace

Result<Role> AuthStore::CreateRole(const std::string& name, const std::string& workspace,
                                   const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(RejectReservedName(name));
  Role created;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    auto has = c.Prepare("SELECT 1 FROM roles WHERE workspace = ? AND name = ?");
    has->BindAll(workspace, name);
    if (has->Step()) {
      return Status::AlreadyExists("Role (name=" + name + ", workspace=" + workspace +
                                   ") already exists. Error: UNIQUE constraint failed: roles.workspace, roles.name");
    }
    auto ins = c.Prepare("INSERT INTO roles (name, workspace, description) VALUES (?, ?, ?)");
    ins->BindAll(name, workspace, description);
    ins->Execute();
    auto id = c.Prepare("SELECT id FROM roles WHERE workspace = ? AND name = ?");
    id->BindAll(workspace, name);
    if (!id->Step()) return Status::Internal("the new role was not found");
    MLFLOW_ASSIGN_OR_RETURN(created, RequireRole(c, id->Int(0)));
    return Status();
  }));
  return created;
}

Result<Role> AuthStore::GetRole(int64_t role_id) {
  return db_->Read<Role>([&](Connection& c) { return RequireRole(c, role_id); });
}

Result<std::vector<Role>> AuthStore::ListRoles(const std::optional<std::vector<std::string>>& workspaces) {
  return db_->Read<std::vector<Role>>([&](Connection& c) -> Result<std::vector<Role>> {
    if (!workspaces) return RolesWhere(c, "", {});
    std::vector<Role> out;
    std::map<int64_t, bool> seen;
    for (const std::string& w : *workspaces) {
      for (Role& r : RolesWhere(c, " WHERE workspace = ?", {w})) {
        if (!seen[r.id]) {
          seen[r.id] = true;
          out.push_back(std::move(r));
        }
      }
    }
    std::sort(out.begin(), out.end(), [](const Role& a, const Role& b) { return a.id < b.id; });
    return out;
  });
}

Result<Role> AuthStore::UpdateRole(int64_t role_id, const std::optional<std::string>& name,
                                   const std::optional<std::string>& description) {
  if (name) MLFLOW_RETURN_IF_ERROR(RejectReservedName(*name));
  Role updated;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(Role role, RequireRole(c, role_id));
    if (name) {
      auto clash = c.Prepare("SELECT 1 FROM roles WHERE workspace = ? AND name = ? AND id <> ?");
      clash->BindAll(role.workspace, *name, role_id);
      if (clash->Step()) {
        return Status::AlreadyExists("Role with name=" + *name + " already exists in workspace=" + role.workspace);
      }
      auto st = c.Prepare("UPDATE roles SET name = ? WHERE id = ?");
      st->BindAll(*name, role_id);
      st->Execute();
    }
    if (description) {
      auto st = c.Prepare("UPDATE roles SET description = ? WHERE id = ?");
      st->BindAll(*description, role_id);
      st->Execute();
    }
    MLFLOW_ASSIGN_OR_RETURN(updated, RequireRole(c, role_id));
    return Status();
  }));
  return updated;
}

Status AuthStore::DeleteRole(int64_t role_id) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRole(c, role_id).status());
    for (const char* sql : {"DELETE FROM role_permissions WHERE role_id = ?",
                            "DELETE FROM user_role_assignments WHERE role_id = ?", "DELETE FROM roles WHERE id = ?"}) {
      auto st = c.Prepare(sql);
      st->Bind(1, role_id);
      st->Execute();
    }
    return Status();
  });
}

Result<RolePermission> AuthStore::AddRolePermission(int64_t role_id, const std::string& type,
                                                    const std::string& pattern, const std::string& permission) {
  MLFLOW_RETURN_IF_ERROR(ValidateRoleGrant(type, pattern, permission));
  RolePermission added;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRole(c, role_id).status());
    auto find = [&]() {
      auto st = c.Prepare(
          "SELECT id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE role_id = ? "
          "AND resource_type = ? AND resource_pattern = ?");
      st->BindAll(role_id, type, pattern);
      return st->Step() ? std::optional<RolePermission>(PermissionRow(*st)) : std::nullopt;
    };
    if (find()) {
      return Status::AlreadyExists("Role permission (role_id=" + std::to_string(role_id) + ", resource_type=" + type +
                                   ", resource_pattern=" + pattern +
                                   ") already exists. Error: UNIQUE constraint failed: role_permissions.role_id, "
                                   "role_permissions.resource_type, role_permissions.resource_pattern");
    }
    auto ins = c.Prepare(
        "INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)");
    ins->BindAll(role_id, type, pattern, permission);
    ins->Execute();
    added = *find();
    return Status();
  }));
  return added;
}

Result<RolePermission> AuthStore::GetRolePermission(int64_t role_permission_id) {
  return db_->Read<RolePermission>([&](Connection& c) { return RequireRolePermission(c, role_permission_id); });
}

Status AuthStore::RemoveRolePermission(int64_t role_permission_id) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRolePermission(c, role_permission_id).status());
    auto st = c.Prepare("DELETE FROM role_permissions WHERE id = ?");
    st->Bind(1, role_permission_id);
    st->Execute();
    return Status();
  });
}

Result<std::vector<RolePermission>> AuthStore::ListRolePermissions(int64_t role_id) {
  return db_->Read<std::vector<RolePermission>>([&](Connection& c) -> Result<std::vector<RolePermission>> {
    MLFLOW_ASSIGN_OR_RETURN(Role role, RequireRole(c, role_id));
    return role.permissions;
  });
}

Result<RolePermission> AuthStore::UpdateRolePermission(int64_t role_permission_id, const std::string& permission) {
  RolePermission updated;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(updated, RequireRolePermission(c, role_permission_id));
    MLFLOW_RETURN_IF_ERROR(ValidateRoleGrantLevel(updated.resource_type, permission));
    auto st = c.Prepare("UPDATE role_permissions SET permission = ? WHERE id = ?");
    st->BindAll(permission, role_permission_id);
    st->Execute();
    updated.permission = permission;
    return Status();
  }));
  return updated;
}

Result<RoleAssignment> AuthStore::AssignRole(int64_t user_id, int64_t role_id) {
  RoleAssignment made;
  MLFLOW_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    auto user = c.Prepare("SELECT 1 FROM users WHERE id = ?");
    user->Bind(1, user_id);
    if (!user->Step()) return Status::NotFound("User with id=" + std::to_string(user_id) + " not found");
    MLFLOW_RETURN_IF_ERROR(RequireRole(c, role_id).status());
    auto find = [&]() {
      auto st = c.Prepare("SELECT id FROM user_role_assignments WHERE user_id = ? AND role_id = ?");
      st->BindAll(user_id, role_id);
      return st->Step() ? std::optional<int64_t>(st->Int(0)) : std::nullopt;
    };
    if (find()) {
      return Status::AlreadyExists("User role assignment (user_id=" + std::to_string(user_id) +
                                   ", role_id=" + std::to_string(role_id) + ") already exists");
    }
    auto ins = c.Prepare("INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)");
    ins->BindAll(user_id, role_id);
    ins->Execute();
    made = RoleAssignment{*find(), user_id, role_id};
    return Status();
  }));
  return made;
}

Status AuthStore::UnassignRole(int64_t user_id, int64_t role_id) {
  return db_->Write([&](Connection& c) -> Status {
    auto st = c.Prepare("DELETE FROM user_role_assignments WHERE user_id = ? AND role_id = ?");
    st->BindAll(user_id, role_id);
    if (st->Execute() == 0) {
      return Status::NotFound("User role assignment (user_id=" + std::to_string(user_id) +
                              ", role_id=" + std::to_string(role_id) + ") not found");
    }
    return Status();
  });
}

Result<std::vector<Role>> AuthStore::RolesOf(int64_t user_id) {
  return db_->Read<std::vector<Role>>(
      [&](Connection& c) -> Result<std::vector<Role>> { return AssignedRoles(c, user_id); });
}

Result<std::vector<RoleAssignment>> AuthStore::ListRoleUsers(int64_t role_id) {
  return db_->Read<std::vector<RoleAssignment>>([&](Connection& c) -> Result<std::vector<RoleAssignment>> {
    MLFLOW_RETURN_IF_ERROR(RequireRole(c, role_id).status());
    std::vector<RoleAssignment> out;
    auto st = c.Prepare("SELECT id, user_id, role_id FROM user_role_assignments WHERE role_id = ? ORDER BY id");
    st->Bind(1, role_id);
    while (st->Step()) out.push_back(RoleAssignment{st->Int(0), st->Int(1), st->Int(2)});
    return out;
  });
}

Result<std::vector<std::pair<User, std::vector<Role>>>> AuthStore::ListUsersWithRoles() {
  using Out = std::vector<std::pair<User, std::vector<Role>>>;
  return db_->Read<Out>([&](Connection& c) -> Result<Out> {
    Out out;
    auto st = c.Prepare("SELECT id, username, is_admin FROM users ORDER BY id");
    while (st->Step()) out.push_back({User{st->Int(0), st->Text(1), "", !st->IsNull(2) && st->Int(2) != 0}, {}});
    for (auto& [user, roles] : out) roles = AssignedRoles(c, user.id);
    return out;
  });
}

Result<std::set<std::string>> AuthStore::AdminWorkspaces(int64_t user_id) {
  return db_->Read<std::set<std::string>>([&](Connection& c) -> Result<std::set<std::string>> {
    std::set<std::string> out;
    auto st = c.Prepare(
        "SELECT DISTINCT r.workspace FROM roles r JOIN role_permissions p ON p.role_id = r.id "
        "JOIN user_role_assignments a ON a.role_id = r.id WHERE a.user_id = ? AND p.resource_type = 'workspace' "
        "AND p.resource_pattern = '*' AND p.permission = 'MANAGE'");
    st->Bind(1, user_id);
    while (st->Step()) out.insert(st->Text(0));
    return out;
  });
}

Result<std::set<std::string>> AuthStore::PresentWorkspaces(int64_t user_id) {
  return db_->Read<std::set<std::string>>([&](Connection& c) -> Result<std::set<std::string>> {
    std::set<std::string> out;
    auto st = c.Prepare(
        "SELECT DISTINCT r.workspace FROM roles r JOIN user_role_assignments a ON a.role_id = r.id WHERE a.user_id = ?");
    st->Bind(1, user_id);
    while (st->Step()) out.insert(st->Text(0));
    return out;
  });
}

}  // namespace mlflow::auth
