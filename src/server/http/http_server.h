#pragma once
// The HTTP/1.1 server (Boost.Beast). IO threads only parse and write; handlers run on a worker
// pool (they may block on the database), streaming handlers on their own threads with bounded
// chunk deadlines. Beast stays inside http_server.cc: the only translation unit that includes it.
//
//   HttpServer server({.host = "127.0.0.1", .port = 0}, router);
//   uint16_t port = server.Listen().value();
//   server.Run();  // until Stop() or a signal
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/http/security_policy.h"

namespace mlflow::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;
  int io_threads = 2;
  int worker_threads = 32;
  // Largest buffered (non-streaming) request body: past it, 413 as soon as the Content-Length (or
  // the chunked stream) shows it, without reading the rest. Streaming routes have their own limits.
  uint64_t body_limit = 64ull << 20;
  // Idle keep-alive connections are closed after this many seconds.
  int idle_timeout_seconds = 300;
  // Once a request's first byte arrived, its header must be complete within this many seconds,
  // and a buffered body within body_timeout_seconds (slow clients cannot hold a connection).
  int header_timeout_seconds = 30;
  int body_timeout_seconds = 120;
  // Open connections past this are answered 503 and closed at once.
  int max_connections = 4096;
  // Host/CORS checks and security headers (MLflow's middleware); null: only the fixed
  // X-Content-Type-Options and X-Frame-Options headers (the scoring server).
  std::shared_ptr<const SecurityPolicy> security;
  // Request metrics for /metrics (--expose-prometheus); null: none kept.
  std::shared_ptr<HttpMetrics> metrics;
  // One line per request on stderr: off, text, or JSON (--access-log-format).
  enum class AccessLog { kOff, kText, kJson } access_log = AccessLog::kOff;
  // PEM files: when both are set the server speaks https only (OpenSSL through Asio).
  std::string ssl_certfile;
  std::string ssl_keyfile;
  // On shutdown, in-flight requests get this long to finish.
  int shutdown_grace_seconds = 20;
  // Run (non-streaming) handlers on the IO threads instead of the worker pool: for handlers that
  // never block and take microseconds (two thread hand-offs per request cost more than the work).
  bool inline_handlers = false;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();

  // Binds and listens; returns the bound port (an ephemeral one when options.port is 0).
  Result<uint16_t> Listen();
  // Serves until Stop() (or SIGINT/SIGTERM when handle_signals). Returns after in-flight requests
  // finished (or the grace period ran out) and every thread has been joined.
  void Run(bool handle_signals = true);
  // Begins a graceful shutdown; safe from any thread.
  void Stop();
  // Requests being served now (for /metrics).
  int InFlight() const;

  class Impl;  // opaque; public so the .cc's session type can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlflow::server
