#pragma once
// Model registry REST endpoints (docs/reference/rest-api.md 3.4) and their JSON shapes (2.3).
#include <nlohmann/json.hpp>

#include "server/handlers/api_context.h"
#include "server/http/router.h"
#include "store/registry_store.h"

namespace mlflow::server {

nlohmann::json ToJson(const store::ModelVersion& mv);
nlohmann::json ToJson(const store::RegisteredModel& rm);

// Needs ctx.registry.
void RegisterRegistryHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
