#include "server/handlers/ui_handlers.h"

#include <nlohmann/json.hpp>

#include "server/handlers/routes.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

// The text of MLflow's gateway switch-off error; the UI only looks at the status and code.
constexpr const char* kGatewayOff =
    "The AI Gateway feature is disabled. Set MLFLOW_ENABLE_AI_GATEWAY=true to enable it.";

HttpResponse WorkspacesOff(const HttpRequest& req) {
  HttpResponse r;
  r.status = 503;
  r.content_type = "text/html; charset=utf-8";
  r.body = "Endpoint: " + req.path +
           " disabled because the server is running without workspaces support. This server does not "
           "offer workspaces.";
  return r;
}

}  // namespace

void RegisterUiHandlers(Router& router, ApiContext& ctx) {
  JsonRouteOptions v3;
  v3.major = 3;
  const bool multipart = ctx.multipart_uploads_enabled;
  // MLflow's server-info (handlers.py build_server_info_payload): a SQL store, no workspaces, no
  // trace archival, multipart uploads where the artifact proxy offers them, no gateway.
  AddJsonApi(router, "GET", "/mlflow/server-info", [multipart](const HttpRequest&) -> Result<json> {
    return json{{"store_type", "SqlStore"},
                {"workspaces_enabled", false},
                {"trace_archival_enabled", false},
                {"multipart_uploads_enabled", multipart},
                {"multipart_downloads_enabled", false},
                {"presigned_upload_run_id_supported", true},
                {"presigned_upload_model_id_supported", true},
                {"features_enabled", {{"gateway", false}}}};
  }, v3);

  // UI telemetry: this server collects none, and says so as MLflow does when it is disabled.
  AddJsonApi(router, "GET", "/mlflow/ui-telemetry", [](const HttpRequest&) -> Result<json> {
    return json{{"disable_ui_events", json::array()}, {"disable_ui_telemetry", true}, {"ui_rollout_percentage", 0}};
  }, v3);
  AddJsonApi(router, "POST", "/mlflow/ui-telemetry",
             [](const HttpRequest&) -> Result<json> { return json{{"status", "success"}}; }, v3);

  // The AI gateway, switched off: every call under gateway/ is NOT_IMPLEMENTED (501).
  for (const char* method : {"GET", "POST", "PATCH", "DELETE"}) {
    AddJsonApi(router, method, "/mlflow/gateway/{path...}", [](const HttpRequest&) -> Result<json> {
      return Status(ErrorCode::kNotImplemented, kGatewayOff);
    }, v3);
  }
  // The legacy deployments proxy lists no endpoints when none are configured.
  AddJsonApi(router, "GET", "/ajax-api/2.0/mlflow/gateway-proxy",
             [](const HttpRequest&) -> Result<json> { return json{{"endpoints", json::array()}}; });

  // Workspaces, switched off.
  for (const char* method : {"GET", "POST"}) {
    Mount(router, method, "/mlflow/workspaces", WorkspacesOff, 3);
    Mount(router, method, "/mlflow/workspaces/{path...}", WorkspacesOff, 3);
  }

  // Background jobs: none ever exist here.
  AddJsonApi(router, "GET", "/mlflow/jobs/{job_id}", [](const HttpRequest& req) -> Result<json> {
    return Status::NotFound("Job with ID " + req.path_params.at("job_id") + " not found");
  }, v3);

  // The assistant, with nothing configured: MLflow's configuration answer with no providers and
  // no projects. This server runs no assistant, so it lists no provider to choose from either
  // (MLflow lists the coding CLIs it could drive); the UI then offers nothing to set up.
  AddJsonApi(router, "GET", "/ajax-api/3.0/mlflow/assistant/config", [](const HttpRequest&) -> Result<json> {
    return json{{"providers", json::object()}, {"projects", json::object()}, {"remote_access_allowed", false}};
  });
  AddJsonApi(router, "GET", "/ajax-api/3.0/mlflow/assistant/providers", [](const HttpRequest&) -> Result<json> {
    return json{{"providers", json::array()}, {"resolved", nullptr}, {"gateway_vendor_options", json::object()}};
  });

  // Features with nothing configured: empty answers, as MLflow gives with none registered.
  AddJsonApi(router, "GET", "/mlflow/webhooks", [](const HttpRequest&) -> Result<json> { return json::object(); });
  AddJsonApi(router, "GET", "/mlflow/mcp-servers", [](const HttpRequest&) -> Result<json> {
    return json{{"mcp_servers", json::array()}, {"next_page_token", nullptr}};
  }, v3);
}

}  // namespace mlflow::server
