#pragma once
// The basic-auth app's role endpoints (MLflow 3.17.2's RBAC, docs/reference/auth.md): roles,
// their grants and their users under /api/3.0/mlflow/roles/... and /ajax-api/3.0, plus
// users/roles/list. Who may call them is decided in front of them (auth_gate.h); a non-admin's
// listing of another user's roles is cut to the workspaces the caller administers here.
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/auth_store.h"
#include "core/status.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterRoleHandlers(Router& router, auth::AuthStore& store);

// {"id", "name", "workspace", "description", "permissions": [...]} as MLflow's Role.to_json().
nlohmann::json RoleJson(const auth::Role& role);

// The workspaces whose roles the caller may see of another user: nullopt for "all" (an admin,
// or the user themself), else those the caller administers.
Result<std::optional<std::set<std::string>>> VisibleWorkspaces(auth::AuthStore& store, const HttpRequest& req,
                                                               const std::string& target_username);

}  // namespace mlflow::server
