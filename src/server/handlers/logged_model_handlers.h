#pragma once
// MLflow 3 logged model REST endpoints (docs/reference/rest-api.md 3.3) and their JSON shape (2.2).
#include <nlohmann/json.hpp>

#include "server/handlers/api_context.h"
#include "server/http/router.h"
#include "store/logged_model_store.h"

namespace mlflow::server {

nlohmann::json ToJson(const store::LoggedModel& m);

// Needs ctx.logged_models.
void RegisterLoggedModelHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
