#pragma once
// The tracking server assembled: stores opened from URIs, routes registered, HTTP served.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto app, App::Create(config));
//   MLFLOW_ASSIGN_OR_RETURN(uint16_t port, app->Listen());
//   app->Run();  // until SIGINT/SIGTERM
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/status.h"

namespace mlflow::server {

class Router;

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;
  std::string backend_store_uri = "sqlite:///mlflow.db";
  std::string registry_store_uri;     // empty = backend_store_uri
  std::string default_artifact_root;  // empty = "mlflow-artifacts:/" when serving artifacts, else ./mlruns
  std::string artifacts_destination = "./mlartifacts";
  bool serve_artifacts = true;
  bool artifacts_only = false;
  int workers = 4;  // scales the worker pool that runs handlers
  // One HTTP I/O thread per two cores. I/O threads only parse, route and write (handlers that wait
  // run on the worker pool); on 2 cores a second one cost ~15% more CPU per log-metric, asio
  // waking the idle thread for each handler posted (bench/tracking_bench.cc --only log-metric).
  int io_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
  int db_pool_size = 10;  // PostgreSQL connections per server process
  std::string static_dir;  // serve the web UI from this build directory instead of the embedded one
  // "builtin" (ours, ui/) or "mlflow": the UI build of the installed `mlflow` Python package (or
  // static_dir), served with the paths and cache headers `mlflow server` uses.
  std::string ui = "builtin";
  // Hardening (README "Security"): MLflow's security middleware flags, and our own bounds.
  std::string allowed_hosts;         // comma list of Host patterns; empty: MLflow's defaults + --host
  std::string cors_allowed_origins;  // comma list of origins besides localhost; "*" for all
  std::string x_frame_options = "SAMEORIGIN";
  bool disable_security_middleware = false;
  uint64_t max_request_body_bytes = 64ull << 20;  // buffered (non-artifact) request bodies
  int header_timeout_seconds = 30;
  int max_connections = 4096;
  std::string expose_prometheus;  // MLflow's flag: a folder; set: GET /metrics is served
  std::string access_log_format = "none";  // none, text or json: one line per request on stderr
  std::string ssl_certfile;  // both set: https
  std::string ssl_keyfile;
  std::string app_name;    // "basic-auth": MLflow's basic-auth app in front of every route (src/server/auth)
};

// The MLflow version this server speaks (GET /version).
const char* CompatibleMlflowVersion();
// This program's own version.
const char* ProgramVersion();

class App {
 public:
  // Opens (and if new, creates) the database, refusing an unusable schema with a clear message.
  static Result<std::unique_ptr<App>> Create(const ServerConfig& config);
  ~App();

  Result<uint16_t> Listen();
  void Run(bool handle_signals = true);
  void Stop();
  // The routes, for calling handlers in-process without a socket (fuzz/handlers_fuzz.cc).
  const Router& router() const;

 private:
  App();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mlflow::server
