#include "auth/permissions.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace mlflow::auth {
namespace {

// name, can_read, can_use, can_update, can_delete, can_manage, priority (DENY never wins a max).
struct Level {
  Permission permission;
  int priority;
};

const std::array<Level, 6>& Levels() {
  static const std::array<Level, 6> kLevels = {{
      {{"READ", true, false, false, false, false}, 1},
      {{"USE", true, true, false, false, false}, 2},
      {{"EDIT", true, true, true, false, false}, 3},
      {{"MANAGE", true, true, true, true, true}, 4},
      {{"NO_PERMISSIONS", false, false, false, false, false}, 0},
      {{"DENY", false, false, false, false, false}, -1},
  }};
  return kLevels;
}

int Priority(std::string_view name) {
  for (const auto& l : Levels()) {
    if (l.permission.name == name) return l.priority;
  }
  return 0;
}

}  // namespace

std::optional<Permission> PermissionNamed(std::string_view name) {
  for (const auto& l : Levels()) {
    if (l.permission.name == name) return l.permission;
  }
  return std::nullopt;
}

std::string PermissionNamesTuple() {
  std::string out = "(";
  for (size_t i = 0; i < Levels().size(); ++i) {
    if (i > 0) out += ", ";
    out += "'" + Levels()[i].permission.name + "'";
  }
  return out + ")";
}

Status ValidatePermissionName(std::string_view name) {
  if (PermissionNamed(name)) return Status();
  return Status::InvalidParameter("Invalid permission '" + std::string(name) +
                                  "'. Valid permissions are: " + PermissionNamesTuple());
}

const std::vector<std::string>& ResourceTypes() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> t = {"assessment", "experiment", "gateway_endpoint", "gateway_model_definition",
                                  "gateway_secret", "logged_model", "mcp_server", "mcp_server_version",
                                  "prompt", "prompt_version", "registered_model", "registered_model_version",
                                  "review_queue", "run", "scorer", "scorer_version", "trace", "workspace"};
    std::sort(t.begin(), t.end());
    return t;
  }();
  return kTypes;
}

bool IsResourceType(std::string_view type) {
  const auto& t = ResourceTypes();
  return std::find(t.begin(), t.end(), type) != t.end();
}

bool TypeTakesIds(std::string_view type) {
  static constexpr std::array<std::string_view, 8> kWithIds = {
      "experiment",     "registered_model", "prompt",
      "scorer",         "gateway_secret",   "gateway_endpoint",
      "gateway_model_definition", "mcp_server"};
  return std::find(kWithIds.begin(), kWithIds.end(), type) != kWithIds.end();
}

namespace {

Status ValidateType(std::string_view type) {
  if (IsResourceType(type)) return Status();
  std::string list = "(";
  for (size_t i = 0; i < ResourceTypes().size(); ++i) list += (i ? ", '" : "'") + ResourceTypes()[i] + "'";
  return Status::InvalidParameter("Invalid resource type '" + std::string(type) +
                                  "'. Valid resource types are: " + list + ")");
}

Status ValidatePattern(std::string_view type, std::string_view pattern) {
  if (pattern == "*" || TypeTakesIds(type)) return Status();
  return Status::InvalidParameter("Invalid resource_pattern '" + std::string(pattern) + "' for resource_type='" +
                                  std::string(type) + "'. This resource type supports only wildcard ('*') grants.");
}

constexpr const char* kWorkspaceOnlyPerApi =
    "resource_type 'workspace' is not supported by the per-user permission convenience APIs. Use "
    "set_workspace_permission / delete_workspace_permission for workspace-wide grants.";

}  // namespace

Status ValidateResourceGrant(std::string_view type, std::string_view pattern, std::string_view permission) {
  if (type == "workspace") return Status::InvalidParameter(kWorkspaceOnlyPerApi);
  MLFLOW_RETURN_IF_ERROR(ValidateType(type));
  MLFLOW_RETURN_IF_ERROR(ValidatePattern(type, pattern));
  return ValidateRoleGrantLevel(type, permission);
}

Status ValidateRoleGrantLevel(std::string_view type, std::string_view permission) {
  MLFLOW_RETURN_IF_ERROR(ValidatePermissionName(permission));
  MLFLOW_RETURN_IF_ERROR(ValidateType(type));
  if (type == "workspace") {
    if (permission == "USE" || permission == "MANAGE") return Status();
    return Status::InvalidParameter("Invalid permission '" + std::string(permission) +
                                    "' for resource_type='workspace'. Workspace-wide grants accept only: "
                                    "('MANAGE', 'USE').");
  }
  if (permission == "NO_PERMISSIONS") {
    return Status::InvalidParameter("Invalid permission 'NO_PERMISSIONS' for resource_type='" + std::string(type) +
                                    "'. Resource-level grants accept only: ('DENY', 'EDIT', 'MANAGE', 'READ', 'USE').");
  }
  return Status();
}

Status ValidateRoleGrant(std::string_view type, std::string_view pattern, std::string_view permission) {
  MLFLOW_RETURN_IF_ERROR(ValidateRoleGrantLevel(type, permission));
  return ValidatePattern(type, pattern);
}

std::string ScorerPattern(std::string_view experiment_id, std::string_view scorer_name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out(experiment_id);
  out += '/';
  for (unsigned char c : scorer_name) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<Permission> FoldGrants(const std::vector<Grant>& grants, std::string_view type, std::string_view id) {
  bool denied = false;
  std::optional<std::string> best;
  for (const Grant& g : grants) {
    if (g.resource_type == "workspace" && g.resource_pattern == "*" && g.permission == "MANAGE") {
      return PermissionNamed("MANAGE");  // a workspace admin is not restrictable
    }
  }
  for (const Grant& g : grants) {
    if (g.resource_type != type) continue;
    bool match = g.resource_pattern == "*" || (TypeTakesIds(type) && g.resource_pattern == id);
    if (!match) continue;
    if (g.permission == "DENY") {
      denied = true;
    } else if (!best || Priority(g.permission) > Priority(*best)) {
      best = g.permission;
    }
  }
  if (denied) return PermissionNamed("DENY");
  if (!best) return std::nullopt;
  return PermissionNamed(*best);
}

Permission Effective(const std::optional<Permission>& folded, std::string_view default_permission) {
  std::optional<Permission> def = PermissionNamed(default_permission);
  Permission fallback = def ? *def : *PermissionNamed("NO_PERMISSIONS");
  if (!folded) return fallback;
  if (folded->name == "DENY" || folded->name == "NO_PERMISSIONS") return *folded;
  return Priority(folded->name) >= Priority(fallback.name) ? *folded : fallback;
}

Result<Permission> UserPermissionOn(const std::vector<Grant>& grants, std::string_view type, std::string_view id,
                                    std::string_view default_permission) {
  if (type == "workspace") return Status::InvalidParameter(kWorkspaceOnlyPerApi);
  MLFLOW_RETURN_IF_ERROR(ValidateType(type));
  if (id != "*") {
    if (type == "scorer" && id.find('/') == std::string_view::npos) {
      return Status::InvalidParameter("Invalid scorer resource_id. Expected '<experiment_id>/<scorer_name>'.");
    }
    // The per-id lookups MLflow offers (prompts and the wildcard-only tiers have none).
    static constexpr std::array<std::string_view, 7> kLookups = {
        "experiment", "registered_model", "scorer", "gateway_secret", "gateway_endpoint",
        "gateway_model_definition", "mcp_server"};
    if (std::find(kLookups.begin(), kLookups.end(), type) == kLookups.end()) {
      return Status::InvalidParameter("resource_type '" + std::string(type) +
                                      "' is not supported by the per-user permission convenience APIs.");
    }
  }
  return Effective(FoldGrants(grants, type, id), default_permission);
}

Permission Governing(const std::vector<Grant>& grants, const std::vector<std::pair<std::string, std::string>>& rungs,
                     std::string_view default_permission) {
  for (const auto& [type, id] : rungs) {
    std::optional<Permission> p = FoldGrants(grants, type, id);
    if (p) return Effective(p, default_permission);
  }
  return Effective(std::nullopt, default_permission);
}

}  // namespace mlflow::auth
