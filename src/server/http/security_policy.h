#pragma once
// MLflow 3.17.2's security middleware (README "Security"): the Host header allow-list
// (DNS-rebinding guard), CORS (answers to preflights, headers for allowed origins, and a 403 for
// state-changing API calls from other origins) and the X-Frame-Options header. Pure: no sockets,
// so it is unit-tested directly; HttpServer applies it to every request before routing.
//
//   SecurityPolicy policy({.allowed_hosts = {"mlflow.example.com"}}, "0.0.0.0");
//   if (auto refusal = policy.Admit(req)) return *refusal;   // 403 text/plain
//   policy.AddResponseHeaders(req, &response.headers);
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/http_types.h"

namespace mlflow::server {

struct SecurityOptions {
  // Host header patterns (fnmatch: '*', '?', '[...]'); "*" allows every host. Empty: MLflow's
  // defaults (localhost variants with any port, private address ranges) plus the bound host.
  std::vector<std::string> allowed_hosts;
  // Origins allowed for cross-origin requests besides localhost; patterns with '*' are fnmatch
  // patterns; "*" allows every origin (without credentials).
  std::vector<std::string> cors_allowed_origins;
  // Sent on every response (upper-cased); "NONE" or empty sends none.
  std::string x_frame_options = "SAMEORIGIN";
  // MLflow's --disable-security-middleware: no host check, no CORS, no security headers.
  bool disabled = false;
};

class SecurityPolicy {
 public:
  // bound_host: the --host the server listens on; it is allowed as a Host header (with any port).
  SecurityPolicy(SecurityOptions options, const std::string& bound_host);

  // The answer that refuses the request before it is routed, or nullopt to let it through:
  // 403 for a Host outside the allow-list (except /health and /version), 403 for a cross-origin
  // POST/PUT/PATCH/DELETE to the API, the CORS preflight answer for an OPTIONS with an Origin.
  std::optional<HttpResponse> Admit(const HttpRequest& req) const;
  // Security and CORS headers for the response to req.
  void AddResponseHeaders(const HttpRequest& req, std::vector<std::pair<std::string, std::string>>* headers) const;

  bool HostAllowed(std::string_view host) const;
  bool OriginAllowed(std::string_view origin) const;
  const std::vector<std::string>& allowed_hosts() const { return allowed_hosts_; }

  // MLflow's default Host patterns.
  static std::vector<std::string> DefaultAllowedHosts();
  // Comma-separated flag value to a list (items trimmed, empty items dropped).
  static std::vector<std::string> SplitList(std::string_view csv);

 private:
  bool WildcardOrigins() const;

  SecurityOptions options_;
  std::vector<std::string> allowed_hosts_;
};

}  // namespace mlflow::server
