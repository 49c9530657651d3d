#include "server/app.h"

#include <cctype>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/auth/auth_gate.h"
#include "server/db_metrics.h"
#include "server/handlers/api_context.h"
#include "server/handlers/artifact_handlers.h"
#include "server/handlers/graphql_handlers.h"
#include "server/handlers/promptlab_handlers.h"
#include "server/handlers/json_render.h"
#include "server/handlers/dataset_handlers.h"
#include "server/handlers/logged_model_handlers.h"
#include "server/handlers/registry_handlers.h"
#include "server/handlers/routes.h"
#include "server/handlers/tracking_handlers.h"
#include "server/handlers/trace_handlers.h"
#include "server/handlers/ui_handlers.h"
#include "server/http/http_server.h"
#include "server/http/mlflow_ui.h"
#include "server/http/static_site.h"
#include "service/artifact_service.h"
#include "service/logged_model_service.h"
#include "service/registry_service.h"
#include "service/tracing_service.h"
#include "service/tracking_service.h"
#include "store/sql/database.h"
#include "store/sql/open_database.h"
#include "store/sql/sql_dataset_store.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_registry_store.h"
#include "store/sql/sql_scorer_store.h"
#include "store/sql/sql_trace_store.h"
#include "store/sql/sql_tracking_store.h"

#ifndef MLFLOW_CPP_VERSION
#define MLFLOW_CPP_VERSION "0.0.0"
#endif
#ifndef MLFLOW_COMPAT_VERSION
#define MLFLOW_COMPAT_VERSION "3.6.0"
#endif

namespace mlflow::server {

const char* CompatibleMlflowVersion() { return MLFLOW_COMPAT_VERSION; }
const char* ProgramVersion() { return MLFLOW_CPP_VERSION; }

namespace {

// MLflow's MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS: decorator scorers (code the server would run)
// are registered only when the operator sets it ("true" or "1", any case).
bool CustomScorersAllowed() {
  const char* v = std::getenv("MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS");
  if (!v) return false;
  std::string s(v);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "true" || s == "1";
}

HttpResponse Text(std::string body) {
  HttpResponse r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

// Built in this order, each layer over the one before: database, stores, services, handlers.
struct App::State {
  ServerConfig config;
  std::shared_ptr<store::sql::Database> db;
  std::unique_ptr<store::sql::SqlTrackingStore> tracking_store;
  std::unique_ptr<store::sql::SqlRegistryStore> registry_store;
  std::unique_ptr<store::sql::SqlLoggedModelStore> logged_model_store;
  std::unique_ptr<store::sql::SqlTraceStore> trace_store;
  std::unique_ptr<service::TrackingService> tracking;
  std::unique_ptr<service::RegistryService> registry;
  std::unique_ptr<service::LoggedModelService> logged_models;
  std::unique_ptr<service::ArtifactService> artifacts;
  std::unique_ptr<service::TracingService> tracing;
  std::unique_ptr<store::sql::SqlDatasetStore> dataset_store;
  std::unique_ptr<store::sql::SqlScorerStore> scorer_store;
  std::unique_ptr<service::DatasetService> datasets;
  std::unique_ptr<service::ScorerService> scorers;
  ApiContext ctx;
  Router router;
  std::unique_ptr<HttpServer> http;
};

App::App() : state_(std::make_unique<State>()) {}
const Router& App::router() const { return state_->router; }
App::~App() {
  if (state_ && state_->db) state_->db->Close();
}

Result<std::unique_ptr<App>> App::Create(const ServerConfig& config) {
  std::unique_ptr<App> app(new App());
  State& s = *app->state_;
  s.config = config;
  if (s.config.default_artifact_root.empty()) {
    s.config.default_artifact_root = config.serve_artifacts ? "mlflow-artifacts:/" : "./mlruns";
  }
  MLFLOW_ASSIGN_OR_RETURN(store::sql::OpenedDatabase opened,
                          store::sql::OpenDatabase(config.backend_store_uri, config.db_pool_size));
  if (!opened.note.empty()) spdlog::info("{}", opened.note);
  s.db = std::move(opened.db);
  s.tracking_store = std::make_unique<store::sql::SqlTrackingStore>(s.db, s.config.default_artifact_root);
  MLFLOW_RETURN_IF_ERROR(s.tracking_store->Initialize());
  s.registry_store = std::make_unique<store::sql::SqlRegistryStore>(s.db);
  s.logged_model_store = std::make_unique<store::sql::SqlLoggedModelStore>(s.db);
  s.trace_store = std::make_unique<store::sql::SqlTraceStore>(s.db);
  MLFLOW_RETURN_IF_ERROR(s.trace_store->Initialize());

  s.tracking = std::make_unique<service::TrackingService>(*s.tracking_store);
  s.registry = std::make_unique<service::RegistryService>(*s.registry_store, *s.tracking_store, *s.logged_model_store);
  s.logged_models = std::make_unique<service::LoggedModelService>(*s.logged_model_store);
  service::ArtifactSettings artifact_settings{s.config.serve_artifacts, s.config.artifacts_destination};
  s.artifacts = std::make_unique<service::ArtifactService>(artifact_settings, *s.tracking, *s.registry,
                                                           *s.logged_models);
  s.tracing = std::make_unique<service::TracingService>(*s.trace_store);
  s.dataset_store = std::make_unique<store::sql::SqlDatasetStore>(s.db);
  s.scorer_store = std::make_unique<store::sql::SqlScorerStore>(s.db);
  s.datasets = std::make_unique<service::DatasetService>(*s.dataset_store);
  s.scorers = std::make_unique<service::ScorerService>(*s.scorer_store, *s.tracking_store, CustomScorersAllowed());

  s.ctx.tracking = s.tracking.get();
  s.ctx.registry = s.registry.get();
  s.ctx.logged_models = s.logged_models.get();
  s.ctx.artifacts = s.artifacts.get();
  s.ctx.tracing = s.tracing.get();
  s.ctx.datasets = s.datasets.get();
  s.ctx.scorers = s.scorers.get();
  s.ctx.artifacts_only = s.config.artifacts_only;
  s.ctx.multipart_uploads_enabled =
      s.config.serve_artifacts && s.config.artifacts_destination.rfind("s3://", 0) == 0;

  s.router.Add("GET", "/health", [](const HttpRequest&) { return Text("OK"); });
  s.router.Add("GET", "/version", [](const HttpRequest&) { return Text(CompatibleMlflowVersion()); });
  // Our own (not MLflow's): how well group commit is batching writes.
  s.router.Add("GET", "/mlflow-cpp/stats", [db = s.db](const HttpRequest&) {
    store::sql::Database::Stats st = db->stats();
    return JsonResponse({{"write_requests", st.writes}, {"write_transactions", st.commits}});
  });
  // Prometheus metrics (MLflow's --expose-prometheus; the folder is where MLflow's exporter keeps
  // its multiprocess files: we keep ours in memory, and create it as MLflow does).
  std::shared_ptr<HttpMetrics> metrics;
  if (!s.config.expose_prometheus.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(s.config.expose_prometheus, ec);
    if (ec) {
      return Status::InvalidParameter("cannot create --expose-prometheus folder " + s.config.expose_prometheus + ": " +
                                      ec.message());
    }
    metrics = std::make_shared<HttpMetrics>(CompatibleMlflowVersion());
    s.router.Add("GET", "/metrics", [metrics, db = s.db, state = &s](const HttpRequest&) {
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics->Render(state->http ? state->http->InFlight() : 0);
      r.body += RenderDbMetrics(*db);
      return r;
    });
  }
  // The web UI: GET / and /static-files/..., embedded in the binary unless --static-dir names a build;
  // --ui mlflow serves the build shipped in the `mlflow` Python package, with MLflow's cache headers.
  std::shared_ptr<const StaticSite> site = StaticSite::Embedded();
  if (s.config.ui == "mlflow") {
    std::string dir = s.config.static_dir;
    if (dir.empty()) {
      MLFLOW_ASSIGN_OR_RETURN(dir, FindMlflowUiBuild());
    }
    MLFLOW_ASSIGN_OR_RETURN(site, StaticSite::FromDirectory(dir, CachePolicy::kMlflow));
  } else if (!s.config.static_dir.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(site, StaticSite::FromDirectory(s.config.static_dir));
  }
  RegisterStaticSite(s.router, std::move(site));
  RegisterArtifactHandlers(s.router, s.ctx);
  if (s.ctx.artifacts_only) {
    RegisterArtifactsOnlyGuards(s.router);  // tracking routes answer 503, as MLflow's do
  } else {
    RegisterTrackingHandlers(s.router, s.ctx);
    RegisterRegistryHandlers(s.router, s.ctx);
    RegisterLoggedModelHandlers(s.router, s.ctx);
    RegisterTraceHandlers(s.router, s.ctx);
    RegisterDatasetHandlers(s.router, s.ctx);
    RegisterUiHandlers(s.router, s.ctx);
    RegisterPromptlabHandlers(s.router, s.ctx);
    RegisterGraphqlHandlers(s.router);  // after the REST routes it dispatches to
  }
  AddOptionsResponses(s.router);
  if (s.config.app_name == "basic-auth") {
    MLFLOW_ASSIGN_OR_RETURN(std::shared_ptr<AuthGate> gate, AuthGate::Create(s.ctx));
    gate->Install(s.router);  // last: it wraps every route registered above
  } else if (!s.config.app_name.empty()) {
    return Status::InvalidParameter("unknown --app-name '" + s.config.app_name + "' (available: basic-auth)");
  }

  // Uploads interrupted by a crash leave hidden temporary files: sweep old ones once, off the
  // request path (the thread holds only a copy of the settings).
  std::thread([artifact_settings] {
    size_t n = service::SweepStaleUploads(artifact_settings);
    if (n > 0) spdlog::info("removed {} stale partial uploads below {}", n, artifact_settings.destination);
  }).detach();

  HttpServerOptions http;
  http.host = s.config.host;
  http.port = s.config.port;
  http.io_threads = s.config.io_threads;
  http.worker_threads = std::max(16, s.config.workers * 8);
  http.body_limit = s.config.max_request_body_bytes;
  http.header_timeout_seconds = s.config.header_timeout_seconds;
  http.max_connections = s.config.max_connections;
  http.ssl_certfile = s.config.ssl_certfile;
  http.metrics = metrics;
  if (s.config.access_log_format == "json") {
    http.access_log = HttpServerOptions::AccessLog::kJson;
  } else if (s.config.access_log_format == "text") {
    http.access_log = HttpServerOptions::AccessLog::kText;
  }
  http.ssl_keyfile = s.config.ssl_keyfile;
  SecurityOptions security;
  security.allowed_hosts = SecurityPolicy::SplitList(s.config.allowed_hosts);
  security.cors_allowed_origins = SecurityPolicy::SplitList(s.config.cors_allowed_origins);
  security.x_frame_options = s.config.x_frame_options;
  security.disabled = s.config.disable_security_middleware;
  http.security = std::make_shared<SecurityPolicy>(std::move(security), s.config.host);
  s.http = std::make_unique<HttpServer>(http, s.router);
  return app;
}

Result<uint16_t> App::Listen() { return state_->http->Listen(); }

void App::Run(bool handle_signals) {
  state_->http->Run(handle_signals);
  state_->db->Close();
}

void App::Stop() { state_->http->Stop(); }

}  // namespace mlflow::server
