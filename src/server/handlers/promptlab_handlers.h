#pragma once
// POST /ajax-api/2.0/mlflow/runs/create-promptlab-run: the prompt lab's "log this run" (MLflow
// 3.17.2 serves it under /ajax-api only). Decodes the request as MLflow's handler does and leaves
// the run to server/promptlab/promptlab_run.h (docs/reference/rest-api.md, 129).
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterPromptlabHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
