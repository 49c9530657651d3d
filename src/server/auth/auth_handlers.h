#pragma once
// The basic-auth app's user and permission endpoints (docs/reference/auth.md): users/create,
// get, current, update-password, update-admin, delete under /api/2.0 and /ajax-api/2.0, and the
// per-user grants users/permissions/grant, revoke, get and list under /api/3.0 and /ajax-api/3.0,
// users/list and users/current/permissions.
// Who may call them is decided in front of them (auth_gate.h); these only do the work.
#include "auth/auth_config.h"
#include "auth/auth_store.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterAuthHandlers(Router& router, auth::AuthStore& store, const auth::AuthConfig& config);

}  // namespace mlflow::server
