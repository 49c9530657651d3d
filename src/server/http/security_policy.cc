#include "server/http/security_policy.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

namespace mlflow::server {
namespace {

constexpr const char* kInvalidHost = "Invalid Host header - possible DNS rebinding attack detected";
constexpr const char* kCorsBlocked = "Cross-origin request blocked";
// MLflow's notebook trace renderer is embedded in notebooks' iframes: no X-Frame-Options there.
constexpr std::string_view kNotebookRendererPath = "/static-files/lib/notebook-trace-renderer";
constexpr const char* kPreflightVary =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
constexpr const char* kAllowedMethods = "GET, POST, PUT, DELETE, OPTIONS, PATCH";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsApiPath(std::string_view path) { return StartsWith(path, "/api/") || StartsWith(path, "/ajax-api/"); }

bool IsStateChanging(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

// Python's fnmatch.fnmatch on POSIX: case-sensitive, '*' also matches '/'.
bool Matches(const std::string& value, const std::string& pattern) {
  if (pattern.find_first_of("*?[") == std::string::npos) return value == pattern;
  return fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The host of "scheme://host[:port][/...]", IPv6 brackets removed, lower-cased.
std::string OriginHost(std::string_view origin) {
  size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = origin.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return "";
    host = std::string(rest.substr(1, close - 1));
  } else {
    host = std::string(rest.substr(0, rest.find(':')));
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

// MLflow lets any localhost origin (any scheme and port) make state-changing calls.
bool IsLocalhostOrigin(std::string_view origin) {
  std::string host = OriginHost(origin);
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

// The origins MLflow's CORS layer always answers with credentials: http://localhost,
// http://127.0.0.1 and http://[::1], with an optional numeric port.
bool IsLocalhostHttpOrigin(std::string_view origin) {
  for (std::string_view base : {"http://localhost", "http://127.0.0.1", "http://[::1]"}) {
    if (!StartsWith(origin, base)) continue;
    std::string_view rest = origin.substr(base.size());
    if (rest.empty()) return true;
    if (rest.front() != ':' || rest.size() == 1) continue;
    if (std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  }
  return false;
}

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

std::vector<std::string> SecurityPolicy::DefaultAllowedHosts() {
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "[::1]", "0.0.0.0",
                                    "localhost:*", "127.0.0.1:*", "[[]::1]:*", "0.0.0.0:*",
                                    "192.168.*", "10.*"};
  for (int i = 16; i < 32; ++i) hosts.push_back("172." + std::to_string(i) + ".*");
  hosts.push_back("fc00:*");
  hosts.push_back("fd00:*");
  return hosts;
}

std::vector<std::string> SecurityPolicy::SplitList(std::string_view csv) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= csv.size()) {
    size_t j = csv.find(',', i);
    if (j == std::string_view::npos) j = csv.size();
    std::string_view item = csv.substr(i, j - i);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

SecurityPolicy::SecurityPolicy(SecurityOptions options, const std::string& bound_host)
    : options_(std::move(options)) {
  if (!options_.allowed_hosts.empty()) {
    allowed_hosts_ = options_.allowed_hosts;
  } else {
    allowed_hosts_ = DefaultAllowedHosts();
    // The address the operator bound is one clients are meant to use (MLflow's defaults miss a
    // public address given to --host).
    if (!bound_host.empty() && bound_host != "0.0.0.0" && bound_host != "::" && !Contains(allowed_hosts_, bound_host)) {
      bool v6 = bound_host.find(':') != std::string::npos;
      std::string shown = v6 ? "[" + bound_host + "]" : bound_host;
      allowed_hosts_.push_back(shown);
      allowed_hosts_.push_back((v6 ? "[[]" + bound_host + "]" : bound_host) + ":*");
    }
  }
}

bool SecurityPolicy::WildcardOrigins() const { return Contains(options_.cors_allowed_origins, "*"); }

bool SecurityPolicy::HostAllowed(std::string_view host) const {
  if (host.empty()) return false;
  if (Contains(allowed_hosts_, "*")) return true;
  std::string h(host);
  return std::any_of(allowed_hosts_.begin(), allowed_hosts_.end(), [&](const std::string& p) { return Matches(h, p); });
}

bool SecurityPolicy::OriginAllowed(std::string_view origin) const {
  if (origin.empty()) return false;
  if (WildcardOrigins() || IsLocalhostHttpOrigin(origin)) return true;
  std::string o(origin);
  return std::any_of(options_.cors_allowed_origins.begin(), options_.cors_allowed_origins.end(),
                     [&](const std::string& p) { return Matches(o, p); });
}

std::optional<HttpResponse> SecurityPolicy::Admit(const HttpRequest& req) const {
  if (options_.disabled) return std::nullopt;
  // DNS rebinding: a page on evil.example.com resolving to this server sends its own Host.
  if (req.path != "/health" && req.path != "/version" && !HostAllowed(req.Header("host"))) {
    return Text(403, kInvalidHost);
  }
  const std::string origin = req.Header("origin");
  if (origin.empty()) return std::nullopt;
  // A CORS preflight is answered here, as MLflow's CORS layer does, before any route.
  const std::string requested_method = req.Header("access-control-request-method");
  if (req.method == "OPTIONS" && !requested_method.empty()) {
    HttpResponse r = Text(200, "OK");
    std::vector<std::string> failures;
    if (!OriginAllowed(origin)) failures.push_back("origin");
    std::string methods = WildcardOrigins() ? "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" : kAllowedMethods;
    if (methods.find(requested_method) == std::string::npos || requested_method.find(',') != std::string::npos) {
      failures.push_back("method");
    }
    if (!failures.empty()) {
      std::string text = "Disallowed CORS ";
      for (size_t i = 0; i < failures.size(); ++i) text += (i ? ", " : "") + failures[i];
      r = Text(400, text);
    }
    return r;
  }
  if (!WildcardOrigins() && IsApiPath(req.path) && IsStateChanging(req.method) && !IsLocalhostOrigin(origin) &&
      !OriginAllowed(origin)) {
    return Text(403, kCorsBlocked);
  }
  return std::nullopt;
}

void SecurityPolicy::AddResponseHeaders(const HttpRequest& req,
                                        std::vector<std::pair<std::string, std::string>>* headers) const {
  if (options_.disabled) return;
  const std::string origin = req.Header("origin");
  const bool wildcard = WildcardOrigins();
  const bool allowed = OriginAllowed(origin);
  // A preflight is answered by MLflow's CORS layer, outside its security headers (200, not 204).
  if (!origin.empty() && req.method == "OPTIONS" && !req.Header("access-control-request-method").empty()) {
    headers->push_back({"Vary", kPreflightVary});
    if (allowed) headers->push_back({"Access-Control-Allow-Origin", wildcard ? "*" : origin});
    headers->push_back(
        {"Access-Control-Allow-Methods", wildcard ? "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" : kAllowedMethods});
    headers->push_back({"Access-Control-Max-Age", "600"});
    if (std::string h = req.Header("access-control-request-headers"); !h.empty()) {
      headers->push_back({"Access-Control-Allow-Headers", h});
    }
    if (!wildcard) headers->push_back({"Access-Control-Allow-Credentials", "true"});
    return;
  }
  headers->push_back({"X-Content-Type-Options", "nosniff"});
  std::string xfo = options_.x_frame_options;
  std::transform(xfo.begin(), xfo.end(), xfo.begin(), [](unsigned char c) { return std::toupper(c); });
  if (!xfo.empty() && xfo != "NONE" && !StartsWith(req.path, kNotebookRendererPath)) {
    headers->push_back({"X-Frame-Options", xfo});
  }
  if (origin.empty()) return;
  if (wildcard) {
    headers->push_back({"Access-Control-Allow-Origin", "*"});
  } else {
    if (allowed) {
      headers->push_back({"Access-Control-Allow-Origin", origin});
      headers->push_back({"Vary", "Origin"});
    }
    headers->push_back({"Access-Control-Allow-Credentials", "true"});
  }
  headers->push_back({"Access-Control-Expose-Headers", "*"});
}

}  // namespace mlflow::server
