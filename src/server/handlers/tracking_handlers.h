#pragma once
// Tracking REST endpoints (docs/reference/rest-api.md 3.1, 3.2 and the UI's metric and dataset
// calls): experiments, runs, run data, metric history. Handlers decode requests into
// service/tracking_service.h requests and render the answers (json_render.h).
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "server/handlers/api_context.h"
#include "server/http/router.h"
#include "service/tracking_service.h"

namespace mlflow::server {

// Needs ctx.tracking.
void RegisterTrackingHandlers(Router& router, ApiContext& ctx);

// create-run's request as MLflow decodes it (type errors first), and its answer {"run": ...};
// shared by the route's handler and its inline path (fast_writes.h).
Result<service::CreateRunRequest> DecodeCreateRun(const HttpRequest& req);
nlohmann::json CreateRunAnswer(const Run& run);

}  // namespace mlflow::server
