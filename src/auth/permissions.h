#pragma once
// MLflow's permission levels and how a user's grants fold into one (docs/reference/auth.md).
// A grant is a row of role_permissions reached through the user's roles: (resource_type,
// resource_pattern, permission); the pattern is a resource id or "*".
//
//   std::optional<Permission> p = FoldGrants(grants, "experiment", "12");
//   Permission effective = Effective(p, config.default_permission);
//   if (!effective.can_update) return Forbidden();
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::auth {

struct Permission {
  std::string name;
  bool can_read = false;
  bool can_use = false;
  bool can_update = false;
  bool can_delete = false;
  bool can_manage = false;
};

// READ, USE, EDIT, MANAGE, NO_PERMISSIONS, DENY; nullopt for any other name.
std::optional<Permission> PermissionNamed(std::string_view name);
// The permission names in MLflow's order, as its error messages list them:
// "('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY')".
std::string PermissionNamesTuple();
// INVALID_PARAMETER_VALUE "Invalid permission 'X'. Valid permissions are: (...)" for an unknown name.
Status ValidatePermissionName(std::string_view name);

// The resource types a grant may name, and whether a per-id grant is allowed ("experiment" etc.)
// or only the wildcard ("run", "trace", ...). Sorted.
const std::vector<std::string>& ResourceTypes();
bool IsResourceType(std::string_view type);
bool TypeTakesIds(std::string_view type);
// Checks a grant the per-user API is asked to write: the type, the pattern's grain and a
// permission grantable on a resource (READ, USE, EDIT, MANAGE, DENY), with MLflow's messages.
Status ValidateResourceGrant(std::string_view type, std::string_view pattern, std::string_view permission);
// Checks a grant written on a role (roles/permissions/add), in MLflow's order: the permission
// name, the type, the level the type accepts (workspace: USE or MANAGE; others: READ, USE, EDIT,
// MANAGE, DENY), then the pattern's grain.
Status ValidateRoleGrant(std::string_view type, std::string_view pattern, std::string_view permission);
// The level alone (roles/permissions/update keeps the row's type and pattern).
Status ValidateRoleGrantLevel(std::string_view type, std::string_view permission);

// The grant key of a scorer: "<experiment_id>/<name percent-encoded with no safe characters>",
// as MLflow writes it (Python's urllib.parse.quote(name, safe='')).
std::string ScorerPattern(std::string_view experiment_id, std::string_view scorer_name);

struct Grant {
  std::string resource_type;
  std::string resource_pattern;
  std::string permission;
};

// The permission the grants give on (type, id): a workspace-admin grant (workspace, *, MANAGE)
// gives MANAGE; otherwise DENY on a matching grant wins; otherwise the highest matching grant;
// nullopt when no grant matches.
std::optional<Permission> FoldGrants(const std::vector<Grant>& grants, std::string_view type, std::string_view id);
// What applies: no grant -> the default permission; a positive grant is never below the
// default; DENY and NO_PERMISSIONS stay as they are.
Permission Effective(const std::optional<Permission>& folded, std::string_view default_permission);

// What users/permissions/get answers (and grant/revoke check for MANAGE) for (type, id): the
// effective permission, after MLflow's checks: "workspace" is refused, the type must be known,
// a scorer id must be "<experiment_id>/<name>", and a per-id lookup is only offered for
// experiment, registered_model, scorer, gateway_* and mcp_server.
Result<Permission> UserPermissionOn(const std::vector<Grant>& grants, std::string_view type, std::string_view id,
                                    std::string_view default_permission);

// The permission governing one requirement of an operation with MLflow's tier override: the
// first key in `rungs` (type, id) holding any grant decides (DENY stays DENY, a positive grant
// is floored at the default); none holding one gives the default. A workspace admin gets MANAGE.
Permission Governing(const std::vector<Grant>& grants, const std::vector<std::pair<std::string, std::string>>& rungs,
                     std::string_view default_permission);

}  // namespace mlflow::auth
