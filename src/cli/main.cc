// mlflow-cpp: the command line. `mlflow-cpp server` takes MLflow's flags and defaults.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/artifacts_command.h"
#include "cli/db_command.h"
#include "cli/experiments_command.h"
#include "cli/gc_command.h"
#include "cli/migrate_filestore_command.h"
#include "cli/models_command.h"
#include "cli/run_command.h"
#include "cli/runs_command.h"
#include "core/crash_handler.h"
#include "server/app.h"

int main(int argc, char** argv) {
  mlflow::InstallCrashHandler();
  // Many worker threads would each get a malloc arena that keeps its peak; two arenas keep the
  // server's memory near its working set.
  mallopt(M_ARENA_MAX, 2);
  CLI::App cli{"mlflow-cpp: MLflow tracking server and tools, in C++"};
  cli.require_subcommand(0, 1);
  bool show_version = false;
  cli.add_flag("--version", show_version, "Print the version and exit");

  mlflow::server::ServerConfig config;
  std::string log_level = "warn";
  bool no_serve_artifacts = false;
  int port = 5000;
  auto* server = cli.add_subcommand("server", "Run the tracking server");
  server->set_help_flag("--help", "Print this help message and exit");  // -h is --host, like MLflow
  server->add_option("-h,--host", config.host, "Network address to listen on")->capture_default_str();
  server->add_option("-p,--port", port, "Port to listen on (0 = any free port)")->capture_default_str();
  server->add_option("--backend-store-uri", config.backend_store_uri,
                     "Tracking store URI: sqlite:///<path>, postgresql://user:pass@host:port/db or "
                     "mysql://user:pass@host:port/db")->capture_default_str();
  server->add_option("--registry-store-uri", config.registry_store_uri, "Registry store URI (default: backend)");
  server->add_option("--default-artifact-root", config.default_artifact_root,
                     "Artifact root for new experiments (default: mlflow-artifacts:/ when serving artifacts)");
  server->add_option("--artifacts-destination", config.artifacts_destination,
                     "Where proxied artifacts are stored (folder, s3://, wasbs://, abfss:// or gs:// URI)")
      ->capture_default_str();
  server->add_flag("--serve-artifacts", config.serve_artifacts,
                   "Serve artifacts through the mlflow-artifacts proxy (the default)");
  server->add_flag_callback("--no-serve-artifacts", [&config] { config.serve_artifacts = false; },
                            "Do not serve the mlflow-artifacts proxy endpoints");
  server->add_flag("--artifacts-only", config.artifacts_only, "Serve only the artifact proxy endpoints");
  server->add_option("-w,--workers", config.workers, "Worker scale (handler pool = 8 x workers, at least 16)")
      ->capture_default_str();
  server->add_option("--io-threads", config.io_threads,
                     "HTTP I/O threads (parse, route, answer; handlers that wait run on the worker pool)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  server->add_option("--db-pool-size", config.db_pool_size,
                     "Most database connections this server opens (postgresql:// and mysql:// backends)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  server->add_option("--static-dir", config.static_dir,
                     "Serve the web UI from this directory (a UI build with index.html) instead of the built-in one");
  server->add_option("--ui", config.ui,
                     "Which web UI to serve: builtin (ours) or mlflow (the build in the installed `mlflow` "
                     "Python package, found with python3; with --static-dir, that build)")
      ->check(CLI::IsMember({"builtin", "mlflow"}))
      ->capture_default_str();
  server->add_option("--app-name", config.app_name,
                     "Application in front of the server: basic-auth (MLflow's basic-auth app, see README)")
      ->check(CLI::IsMember({"basic-auth"}));
  server->add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  // MLflow's security middleware flags (and its environment variables).
  server->add_option("--allowed-hosts", config.allowed_hosts,
                     "Comma-separated Host header patterns to accept (default: localhost, private IPs and --host)")
      ->envname("MLFLOW_SERVER_ALLOWED_HOSTS");
  server->add_option("--cors-allowed-origins", config.cors_allowed_origins,
                     "Comma-separated origins allowed to make cross-origin requests (default: localhost only)")
      ->envname("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS");
  server->add_option("--x-frame-options", config.x_frame_options, "X-Frame-Options header (SAMEORIGIN, DENY or NONE)")
      ->envname("MLFLOW_SERVER_X_FRAME_OPTIONS")
      ->capture_default_str();
  server->add_flag("--disable-security-middleware", config.disable_security_middleware,
                   "No host, CORS or security-header checks (testing only)");
  uint64_t max_body_mb = config.max_request_body_bytes >> 20;
  server->add_option("--max-request-body-mb", max_body_mb,
                     "Largest JSON request body in MiB; larger ones get 413 (artifact uploads excepted)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  server->add_option("--header-timeout", config.header_timeout_seconds,
                     "Seconds a client has to send a request's header once it started")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  server->add_option("--max-connections", config.max_connections,
                     "Open connections past this are answered 503 and closed")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  server->add_option("--expose-prometheus", config.expose_prometheus,
                     "Serve Prometheus metrics on /metrics (the folder is created, as MLflow does)")
      ->envname("MLFLOW_EXPOSE_PROMETHEUS");
  server->add_option("--access-log-format", config.access_log_format,
                     "One line per request on stderr: none, text or json")
      ->check(CLI::IsMember({"none", "text", "json"}))
      ->capture_default_str();
  server->add_option("--ssl-certfile", config.ssl_certfile, "PEM certificate (chain) file: serve https")
      ->check(CLI::ExistingFile);
  server->add_option("--ssl-keyfile", config.ssl_keyfile, "PEM private key file for --ssl-certfile")
      ->check(CLI::ExistingFile);
  (void)no_serve_artifacts;

  CLI::App* artifacts = mlflow::cli::AddArtifactsCommand(cli);
  CLI::App* db = mlflow::cli::AddDbCommand(cli);
  CLI::App* experiments = mlflow::cli::AddExperimentsCommand(cli);
  CLI::App* gc = mlflow::cli::AddGcCommand(cli);
  CLI::App* migrate_filestore = mlflow::cli::AddMigrateFilestoreCommand(cli);
  CLI::App* models = mlflow::cli::AddModelsCommand(cli);
  CLI::App* run = mlflow::cli::AddRunCommand(cli);
  CLI::App* runs = mlflow::cli::AddRunsCommand(cli);
  CLI11_PARSE(cli, argc, argv);
  if (artifacts->parsed()) return mlflow::cli::RunArtifactsCommand();
  if (db->parsed()) return mlflow::cli::RunDbCommand();
  if (experiments->parsed()) return mlflow::cli::RunExperimentsCommand();
  if (gc->parsed()) return mlflow::cli::RunGcCommand();
  if (migrate_filestore->parsed()) return mlflow::cli::RunMigrateFilestoreCommand();
  if (models->parsed()) return mlflow::cli::RunModelsCommand();
  if (run->parsed()) return mlflow::cli::RunRunCommand();
  if (runs->parsed()) return mlflow::cli::RunRunsCommand();
  if (show_version) {
    std::printf("mlflow-cpp %s (MLflow %s compatible)\n", mlflow::server::ProgramVersion(),
                mlflow::server::CompatibleMlflowVersion());
    return 0;
  }
  if (!server->parsed()) {
    std::cout << cli.help();
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "error: invalid --port %d\n", port);
    return 2;
  }
  config.port = static_cast<uint16_t>(port);
  config.max_request_body_bytes = max_body_mb << 20;
  if (config.disable_security_middleware) {
    spdlog::warn("security middleware disabled: no Host, CORS or security-header checks");
  } else if (config.allowed_hosts == "*") {
    spdlog::warn("accepting all Host headers: this leaves the server open to DNS rebinding attacks");
  }
  auto app = mlflow::server::App::Create(config);
  if (!app.ok()) {
    std::fprintf(stderr, "error: %s\n", app.status().message().c_str());
    return 1;
  }
  auto bound = (*app)->Listen();
  if (!bound.ok()) {
    std::fprintf(stderr, "error: %s\n", bound.status().message().c_str());
    return 1;
  }
  // The first line names the port: tests started with --port 0 read it.
  std::fprintf(stderr, "mlflow-cpp listening on %s://%s:%u\n", config.ssl_certfile.empty() ? "http" : "https",
               config.host.c_str(), static_cast<unsigned>(*bound));
  std::fflush(stderr);
  (*app)->Run();
  return 0;
}
