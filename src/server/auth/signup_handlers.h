#pragma once
// The basic-auth app's sign-up page (docs/reference/auth.md): GET /signup, an HTML form for a new
// user's name and password carrying a CSRF token (auth/csrf_token.h), and its target POST
// /api/2.0/mlflow/users/create-ui (form-encoded). Who may open or post it is decided in front of
// them (auth_gate.h: admins and workspace admins may open it; the post, like every route MLflow
// gives no rule, is for admins).
#include <string>

#include "auth/auth_store.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterSignupHandlers(Router& router, auth::AuthStore& store, const std::string& secret_key);

}  // namespace mlflow::server
