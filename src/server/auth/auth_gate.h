#pragma once
// MLflow's basic-auth app in front of the server's routes (`--app-name basic-auth`,
// docs/reference/auth.md): HTTP Basic authentication against the auth database, the admin
// bypass, each route's permission check (src/auth/route_rules.h), search results filtered to what
// the caller may read, the creator's MANAGE grants, and the user and permission endpoints.
//
//   MLFLOW_ASSIGN_OR_RETURN(std::shared_ptr<AuthGate> gate, AuthGate::Create(ctx));
//   ... register every route ...
//   gate->Install(router);  // adds the user endpoints, then wraps every route
#include <memory>

#include "auth/auth_config.h"
#include "auth/auth_store.h"
#include "core/status.h"
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

class AuthGate : public std::enable_shared_from_this<AuthGate> {
 public:
  // Reads the config (auth/auth_config.h), opens the auth database and creates the admin user
  // as MLflow 3.17.2 does (refusing to start without a usable admin password).
  static Result<std::shared_ptr<AuthGate>> Create(const ApiContext& ctx);
  // Call once, after every other route is registered.
  void Install(Router& router);

  struct Impl;

 private:
  explicit AuthGate(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace mlflow::server
