#include "server/auth/role_handlers.h"

#include <nlohmann/json.hpp>

#include "server/auth/auth_request.h"
#include "server/handlers/json_render.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

json PermissionJson(const auth::RolePermission& p) {
  return {{"id", p.id},
          {"role_id", p.role_id},
          {"resource_type", p.resource_type},
          {"resource_pattern", p.resource_pattern},
          {"permission", p.permission}};
}

json AssignmentJson(const auth::RoleAssignment& a) {
  return {{"id", a.id}, {"user_id", a.user_id}, {"role_id", a.role_id}};
}

json RolesJson(const std::vector<auth::Role>& roles) {
  json out = json::array();
  for (const auth::Role& r : roles) out.push_back(RoleJson(r));
  return out;
}

// Python's `not isinstance(v, str) or not v.strip()`.
bool BlankOrNotString(const std::optional<json>& v) {
  if (!v || !v->is_string()) return true;
  return v->get<std::string>().find_first_not_of(" \t\n\r\f\v") == std::string::npos;
}

// An optional string member of a JSON body: nullopt when absent or null; `bad` when another type.
Result<std::optional<std::string>> OptionalString(const HttpRequest& req, const std::string& name,
                                                  const std::string& bad) {
  json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (!body.is_object() || !body.contains(name) || body[name].is_null()) return std::optional<std::string>();
  if (!body[name].is_string()) return Status::InvalidParameter(bad);
  return std::optional<std::string>(body[name].get<std::string>());
}

void Add(Router& router, const std::string& method, const std::string& path,
         std::function<Result<json>(const HttpRequest&)> fn) {
  router.AddApi(method, path,
                [fn = std::move(fn)](const HttpRequest& req) {
                  Result<json> r = fn(req);
                  if (!r.ok()) return ErrorResponse(r.status());
                  return JsonResponse(*r);
                },
                3);
}

}  // namespace

json RoleJson(const auth::Role& role) {
  json perms = json::array();
  for (const auth::RolePermission& p : role.permissions) perms.push_back(PermissionJson(p));
  return {{"id", role.id},
          {"name", role.name},
          {"workspace", role.workspace},
          {"description", role.description ? json(*role.description) : json(nullptr)},
          {"permissions", std::move(perms)}};
}

Result<std::optional<std::set<std::string>>> VisibleWorkspaces(auth::AuthStore& store, const HttpRequest& req,
                                                               const std::string& target_username) {
  using Out = std::optional<std::set<std::string>>;
  auto cred = BasicCredentials(req);
  MLFLOW_ASSIGN_OR_RETURN(auth::User caller, store.GetUser(cred ? cred->first : ""));
  if (caller.is_admin || caller.username == target_username) return Out();
  MLFLOW_ASSIGN_OR_RETURN(std::set<std::string> admin, store.AdminWorkspaces(caller.id));
  return Out(std::move(admin));
}

void RegisterRoleHandlers(Router& router, auth::AuthStore& store) {
  auth::AuthStore* s = &store;
  Add(router, "POST", "/mlflow/roles/create", [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_RETURN_IF_ERROR(p.Required("name").status());
    MLFLOW_RETURN_IF_ERROR(p.Required("workspace").status());
    if (BlankOrNotString(p.Raw("name"))) return Status::InvalidParameter("Role name cannot be empty.");
    if (BlankOrNotString(p.Raw("workspace"))) return Status::InvalidParameter("Workspace cannot be empty.");
    MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> description,
                            OptionalString(req, "description", "Role description must be a string or null."));
    MLFLOW_ASSIGN_OR_RETURN(auth::Role role, s->CreateRole(p.Optional("name"), p.Optional("workspace"), description));
    return json{{"role", RoleJson(role)}};
  });
  Add(router, "GET", "/mlflow/roles/get", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(auth::Role role, s->GetRole(id));
    return json{{"role", RoleJson(role)}};
  });
  Add(router, "GET", "/mlflow/roles/list", [s](const HttpRequest& req) -> Result<json> {
    std::vector<std::string> workspaces = CheckParams(req).List("workspace");
    for (const std::string& w : workspaces) {
      if (w.find_first_not_of(" \t\n\r\f\v") == std::string::npos) {
        return Status::InvalidParameter("Parameter 'workspace' must be a non-empty string when provided.");
      }
    }
    std::optional<std::vector<std::string>> scope;
    if (!workspaces.empty()) scope = workspaces;
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Role> roles, s->ListRoles(scope));
    return json{{"roles", RolesJson(roles)}};
  });
  Add(router, "PATCH", "/mlflow/roles/update", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_id"));
    json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (!body.is_object()) body = json::object();
    const json name = body.value("name", json(nullptr)), description = body.value("description", json(nullptr));
    if (name.is_null() && description.is_null()) {
      return Status::InvalidParameter("At least one of 'name' or 'description' must be provided to update a role.");
    }
    if (!name.is_null() && BlankOrNotString(name)) return Status::InvalidParameter("Role name cannot be empty.");
    if (!description.is_null() && !description.is_string()) {
      return Status::InvalidParameter("Role description must be a string.");
    }
    std::optional<std::string> new_name, new_description;
    if (!name.is_null()) new_name = name.get<std::string>();
    if (!description.is_null()) new_description = description.get<std::string>();
    MLFLOW_ASSIGN_OR_RETURN(auth::Role role, s->UpdateRole(id, new_name, new_description));
    return json{{"role", RoleJson(role)}};
  });
  Add(router, "DELETE", "/mlflow/roles/delete", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_id"));
    MLFLOW_RETURN_IF_ERROR(s->DeleteRole(id));
    return json::object();
  });
  Add(router, "POST", "/mlflow/roles/permissions/add", [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, p.RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(std::string type, p.Required("resource_type"));
    MLFLOW_ASSIGN_OR_RETURN(std::string pattern, p.Required("resource_pattern"));
    MLFLOW_ASSIGN_OR_RETURN(std::string permission, p.Required("permission"));
    MLFLOW_ASSIGN_OR_RETURN(auth::RolePermission rp, s->AddRolePermission(id, type, pattern, permission));
    return json{{"role_permission", PermissionJson(rp)}};
  });
  Add(router, "DELETE", "/mlflow/roles/permissions/remove", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_permission_id"));
    MLFLOW_RETURN_IF_ERROR(s->RemoveRolePermission(id));
    return json::object();
  });
  Add(router, "GET", "/mlflow/roles/permissions/list", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::RolePermission> perms, s->ListRolePermissions(id));
    json out = json::array();
    for (const auto& rp : perms) out.push_back(PermissionJson(rp));
    return json{{"role_permissions", std::move(out)}};
  });
  Add(router, "PATCH", "/mlflow/roles/permissions/update", [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, p.RequiredInt("role_permission_id"));
    MLFLOW_ASSIGN_OR_RETURN(std::string permission, p.Required("permission"));
    MLFLOW_ASSIGN_OR_RETURN(auth::RolePermission rp, s->UpdateRolePermission(id, permission));
    return json{{"role_permission", PermissionJson(rp)}};
  });
  Add(router, "POST", "/mlflow/roles/assign", [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, p.RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    MLFLOW_ASSIGN_OR_RETURN(auth::RoleAssignment a, s->AssignRole(user.id, id));
    return json{{"assignment", AssignmentJson(a)}};
  });
  Add(router, "DELETE", "/mlflow/roles/unassign", [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, p.RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    MLFLOW_RETURN_IF_ERROR(s->UnassignRole(user.id, id));
    return json::object();
  });
  Add(router, "GET", "/mlflow/users/roles/list", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(std::string username, CheckParams(req).Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Role> roles, s->RolesOf(user.id));
    MLFLOW_ASSIGN_OR_RETURN(auto visible, VisibleWorkspaces(*s, req, username));
    std::vector<auth::Role> kept;
    for (auth::Role& r : roles) {
      if (!visible || visible->count(r.workspace)) kept.push_back(std::move(r));
    }
    return json{{"roles", RolesJson(kept)}};
  });
  Add(router, "GET", "/mlflow/roles/users/list", [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(int64_t id, CheckParams(req).RequiredInt("role_id"));
    MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::RoleAssignment> assignments, s->ListRoleUsers(id));
    json out = json::array();
    for (const auto& a : assignments) out.push_back(AssignmentJson(a));
    return json{{"assignments", std::move(out)}};
  });
}

}  // namespace mlflow::server
