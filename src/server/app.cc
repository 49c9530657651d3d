#include "server/app.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/auth/auth_gate.h"
#include "server/handlers/api_context.h"
#include "server/handlers/artifact_handlers.h"
#include "server/handlers/graphql_handlers.h"
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
#include "store/sql/postgres_connection.h"
#include "store/sql/mysql_database.h"
#include "store/sql/postgres_database.h"
#include "store/sql/schema.h"
#include "store/sql/sql_dataset_store.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_registry_store.h"
#include "store/sql/sql_scorer_store.h"
#include "store/sql/sql_trace_store.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

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

// Opens the PostgreSQL pool and, under a database-wide lock (replicas may start together),
// checks or creates MLflow's schema.
Result<std::shared_ptr<store::sql::Database>> OpenPostgres(const ServerConfig& config) {
  const std::string shown = store::sql::RedactUri(config.backend_store_uri);
  store::sql::PostgresOptions opts;
  opts.conninfo = store::sql::PostgresConninfoFromUri(config.backend_store_uri);
  opts.pool_size = config.db_pool_size;
  std::shared_ptr<store::sql::PostgresDatabase> db;
  try {
    db = std::make_shared<store::sql::PostgresDatabase>(opts);
  } catch (const store::sql::SqlError& e) {
    return Status::InvalidParameter("cannot open backend store " + shown + ": " + e.what());
  }
  Status st = db->Setup([&](store::sql::Connection& conn) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(store::sql::SchemaInfo info, store::sql::InspectSchema(conn, shown));
    if (info.status == store::sql::SchemaStatus::kEmpty) {
      MLFLOW_RETURN_IF_ERROR(store::sql::CreateSchema(conn));
      spdlog::info("created database {} at schema revision {}", shown, store::sql::kSchemaRevision);
    } else if (info.status == store::sql::SchemaStatus::kNewer) {
      spdlog::info("serving database {} at newer MLflow revision {}", shown, info.revision);
    }
    return Status();
  });
  if (!st.ok()) return st;
  return std::shared_ptr<store::sql::Database>(db);
}

// Opens the MySQL pool and, under a named server lock, checks or creates MLflow's schema.
Result<std::shared_ptr<store::sql::Database>> OpenMysql(const ServerConfig& config) {
  const std::string shown = store::sql::RedactUri(config.backend_store_uri);
  store::sql::MysqlOptions opts;
  MLFLOW_ASSIGN_OR_RETURN(opts.target, store::sql::ParseMysqlUri(config.backend_store_uri));
  opts.pool_size = config.db_pool_size;
  std::shared_ptr<store::sql::MysqlDatabase> db;
  try {
    db = std::make_shared<store::sql::MysqlDatabase>(opts);
  } catch (const store::sql::SqlError& e) {
    return Status::InvalidParameter("cannot open backend store " + shown + ": " + e.what());
  }
  Status st = db->Setup([&](store::sql::Connection& conn) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(store::sql::SchemaInfo info, store::sql::InspectSchema(conn, shown));
    if (info.status == store::sql::SchemaStatus::kEmpty) {
      MLFLOW_RETURN_IF_ERROR(store::sql::CreateSchema(conn));
      spdlog::info("created database {} at schema revision {}", shown, store::sql::kSchemaRevision);
    } else if (info.status == store::sql::SchemaStatus::kNewer) {
      spdlog::info("serving database {} at newer MLflow revision {}", shown, info.revision);
    }
    return Status();
  });
  if (!st.ok()) return st;
  return std::shared_ptr<store::sql::Database>(db);
}

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
  if (store::sql::IsPostgresUri(config.backend_store_uri)) {
    MLFLOW_ASSIGN_OR_RETURN(s.db, OpenPostgres(s.config));
  } else if (store::sql::IsMysqlUri(config.backend_store_uri)) {
    MLFLOW_ASSIGN_OR_RETURN(s.db, OpenMysql(s.config));
  } else {
    MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(config.backend_store_uri));
    try {
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      store::sql::SqliteOptions opts;
      opts.path = path;
      auto db = std::make_shared<store::sql::SqliteDatabase>(opts);
      store::sql::Connection& conn = db->writer_connection();
      MLFLOW_ASSIGN_OR_RETURN(store::sql::SchemaInfo info, store::sql::InspectSchema(conn, config.backend_store_uri));
      if (info.status == store::sql::SchemaStatus::kEmpty) {
        MLFLOW_RETURN_IF_ERROR(store::sql::CreateSchema(conn));
        spdlog::info("created database {} at schema revision {}", path, store::sql::kSchemaRevision);
      } else if (info.status == store::sql::SchemaStatus::kNewer) {
        spdlog::info("serving database {} at newer MLflow revision {}", path, info.revision);
      }
      s.db = db;
    } catch (const store::sql::SqlError& e) {
      return Status::InvalidParameter(std::string("cannot open backend store: ") + e.what());
    } catch (const std::filesystem::filesystem_error& e) {
      return Status::InvalidParameter(std::string("cannot open backend store: ") + e.what());
    }
  }
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
