#pragma once
// Tracking REST endpoints (docs/reference/rest-api.md 3.1, 3.2 and the UI's metric and dataset
// calls): experiments, runs, run data, metric history. Handlers decode requests into
// service/tracking_service.h requests and render the answers (json_render.h).
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

// Needs ctx.tracking.
void RegisterTrackingHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
