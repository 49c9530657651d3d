#pragma once
// The calls MLflow's own UI makes besides the REST API proper (docs/reference/ui.md, "MLflow's
// UI"): server-info (what the server offers, so the UI shows only that), UI telemetry settings,
// and the features this server does not offer, answered as `mlflow server` answers when they are
// switched off, so the UI hides them instead of showing errors: the AI gateway
// (MLFLOW_ENABLE_AI_GATEWAY=false: 501 NOT_IMPLEMENTED), workspaces (no --enable-workspaces: 503),
// jobs (none exist), webhooks, scorers and MCP servers (empty lists).
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterUiHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
