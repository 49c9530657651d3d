#include "server/auth/auth_handlers.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/permissions.h"
#include "server/auth/auth_request.h"
#include "server/auth/role_handlers.h"
#include "server/handlers/json_render.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

json UserJson(const auth::User& u) { return {{"id", u.id}, {"username", u.username}, {"is_admin", u.is_admin}}; }

HttpResponse Text400(std::string text) {
  HttpResponse r;
  r.status = 400;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(text);
  return r;
}

bool IsJsonRequest(const HttpRequest& req) {
  std::string ct = req.Header("content-type");
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct == "application/json" || (ct.size() > 5 && ct.compare(ct.size() - 5, 5, "+json") == 0);
}

// A JSON route whose Result becomes the body or MLflow's error JSON.
void Add(Router& router, const std::string& method, const std::string& path, int major,
         std::function<Result<json>(const HttpRequest&)> fn) {
  router.AddApi(method, path,
                [fn = std::move(fn)](const HttpRequest& req) {
                  Result<json> r = fn(req);
                  if (!r.ok()) return ErrorResponse(r.status());
                  return JsonResponse(*r);
                },
                major);
}

// MLflow reads booleans leniently here: JSON true/false, or the strings "true"/"false".
Result<bool> BoolParam(const CheckParams& p, const std::string& name) {
  MLFLOW_ASSIGN_OR_RETURN(std::string v, p.Required(name));
  return v == "True" || v == "true" || v == "1";
}

// Every grant of every role the user holds, one row per grant with its role
// (users/permissions/list and users/current/permissions), cut to `visible` workspaces.
Result<json> PermissionRows(auth::AuthStore& s, const auth::User& user,
                            const std::optional<std::set<std::string>>& visible) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Role> roles, s.RolesOf(user.id));
  json rows = json::array();
  for (const auth::Role& r : roles) {
    if (visible && !visible->count(r.workspace)) continue;
    for (const auth::RolePermission& p : r.permissions) {
      rows.push_back({{"role_id", r.id},
                      {"role_name", r.name},
                      {"workspace", r.workspace},
                      {"resource_type", p.resource_type},
                      {"resource_pattern", p.resource_pattern},
                      {"permission", p.permission}});
    }
  }
  return json{{"is_admin", user.is_admin}, {"permissions", std::move(rows)}};
}

}  // namespace

void RegisterAuthHandlers(Router& router, auth::AuthStore& store, const auth::AuthConfig& config) {
  auth::AuthStore* s = &store;
  router.AddApi("POST", "/mlflow/users/create", [s](const HttpRequest& req) -> HttpResponse {
    if (!IsJsonRequest(req)) return Text400("Invalid content type. Must be application/json");
    CheckParams p(req);
    Result<std::string> username = p.Required("username");
    if (!username.ok()) return ErrorResponse(username.status());
    Result<std::string> password = p.Required("password");
    if (!password.ok()) return ErrorResponse(password.status());
    if (username->empty() || password->empty()) return Text400("Username and password cannot be empty.");
    Result<auth::User> user = s->CreateUser(*username, *password, false);
    if (!user.ok()) return ErrorResponse(user.status());
    return JsonResponse(json{{"user", UserJson(*user)}});
  });
  Add(router, "GET", "/mlflow/users/get", 2, [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(std::string username, CheckParams(req).Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    return json{{"user", UserJson(user)}};
  });
  const bool basic = config.authorization_function == "mlflow.server.auth:authenticate_request_basic_auth";
  Add(router, "GET", "/mlflow/users/current", 2, [s, basic](const HttpRequest& req) -> Result<json> {
    auto cred = BasicCredentials(req);
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(cred ? cred->first : ""));
    return json{{"user", UserJson(user)}, {"is_basic_auth", basic}};
  });
  // Every user with the roles the caller may see (all for admins and for one's own entry).
  Add(router, "GET", "/mlflow/users/list", 2, [s](const HttpRequest& req) -> Result<json> {
    auto cred = BasicCredentials(req);
    const std::string caller = cred ? cred->first : "";
    // What the caller sees of others: everything for an admin, else the workspaces it administers.
    MLFLOW_ASSIGN_OR_RETURN(auto others, VisibleWorkspaces(*s, req, ""));
    MLFLOW_ASSIGN_OR_RETURN(auto users, s->ListUsersWithRoles());
    json out = json::array();
    for (const auto& [user, roles] : users) {
      json shown = json::array();
      for (const auth::Role& r : roles) {
        if (user.username == caller || !others || others->count(r.workspace)) shown.push_back(RoleJson(r));
      }
      json u = UserJson(user);
      u["roles"] = std::move(shown);
      out.push_back(std::move(u));
    }
    return json{{"users", std::move(out)}};
  });
  Add(router, "GET", "/mlflow/users/current/permissions", 3, [s](const HttpRequest& req) -> Result<json> {
    auto cred = BasicCredentials(req);
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(cred ? cred->first : ""));
    return PermissionRows(*s, user, std::nullopt);
  });
  Add(router, "GET", "/mlflow/users/permissions/list", 3, [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(std::string username, CheckParams(req).Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    MLFLOW_ASSIGN_OR_RETURN(auto visible, VisibleWorkspaces(*s, req, username));
    return PermissionRows(*s, user, visible);
  });
  Add(router, "PATCH", "/mlflow/users/update-password", 2, [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(std::string password, p.Required("password"));
    auto cred = BasicCredentials(req);
    if (cred && cred->first == username) {
      // Changing one's own password needs the current one (a hijacked session cannot rotate it).
      std::string current = p.Optional("current_password");
      if (current.empty()) {
        return Status::InvalidParameter("Current password is required when changing your own password.");
      }
      MLFLOW_ASSIGN_OR_RETURN(std::optional<auth::User> ok, s->Authenticate(username, current));
      if (!ok) return Status::InvalidParameter("Current password does not match.");
      if (password == current) return Status::InvalidParameter("New password must differ from the current password.");
    }
    MLFLOW_RETURN_IF_ERROR(s->UpdatePassword(username, password));
    return json::object();
  });
  Add(router, "PATCH", "/mlflow/users/update-admin", 2, [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(bool is_admin, BoolParam(p, "is_admin"));
    MLFLOW_RETURN_IF_ERROR(s->UpdateAdmin(username, is_admin));
    return json::object();
  });
  Add(router, "DELETE", "/mlflow/users/delete", 2, [s](const HttpRequest& req) -> Result<json> {
    MLFLOW_ASSIGN_OR_RETURN(std::string username, CheckParams(req).Required("username"));
    auto cred = BasicCredentials(req);
    if (cred && cred->first == username) {
      return Status::BadRequest(
          "Users cannot delete their own account. Ask another admin to delete this user instead.");
    }
    MLFLOW_RETURN_IF_ERROR(s->DeleteUser(username));
    return json::object();
  });

  // Per-user grants on one resource (MLflow 3.17.2's replacement of the per-kind permission APIs).
  Add(router, "POST", "/mlflow/users/permissions/grant", 3, [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(std::string type, p.Required("resource_type"));
    MLFLOW_ASSIGN_OR_RETURN(std::string id, p.Required("resource_id"));
    MLFLOW_ASSIGN_OR_RETURN(std::string permission, p.Required("permission"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    MLFLOW_RETURN_IF_ERROR(auth::ValidateResourceGrant(type, id, permission));
    MLFLOW_RETURN_IF_ERROR(s->CreateGrant(user.id, username, type, id, permission));
    return json::object();
  });
  Add(router, "POST", "/mlflow/users/permissions/revoke", 3, [s](const HttpRequest& req) -> Result<json> {
    CheckParams p(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
    MLFLOW_ASSIGN_OR_RETURN(std::string type, p.Required("resource_type"));
    MLFLOW_ASSIGN_OR_RETURN(std::string id, p.Required("resource_id"));
    MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
    if (type == "workspace" || !auth::IsResourceType(type)) {
      MLFLOW_RETURN_IF_ERROR(auth::ValidateResourceGrant(type, id, "READ"));
    }
    MLFLOW_RETURN_IF_ERROR(s->DeleteGrant(user.id, username, type, id));
    return json::object();
  });
  const std::string default_permission = config.default_permission;
  Add(router, "GET", "/mlflow/users/permissions/get", 3,
      [s, default_permission](const HttpRequest& req) -> Result<json> {
        CheckParams p(req);
        MLFLOW_ASSIGN_OR_RETURN(std::string username, p.Required("username"));
        MLFLOW_ASSIGN_OR_RETURN(std::string type, p.Required("resource_type"));
        MLFLOW_ASSIGN_OR_RETURN(std::string id, p.Required("resource_id"));
        MLFLOW_ASSIGN_OR_RETURN(auth::User user, s->GetUser(username));
        MLFLOW_ASSIGN_OR_RETURN(std::vector<auth::Grant> grants, s->GrantsOf(user.id));
        MLFLOW_ASSIGN_OR_RETURN(auth::Permission perm, auth::UserPermissionOn(grants, type, id, default_permission));
        return json{{"allowed", perm.can_use}, {"permission", perm.name}};
      });
}

}  // namespace mlflow::server
