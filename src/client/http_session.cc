#include "client/http_session.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "artifacts/http_repository.h"
#include "mlflow/error.h"

namespace mlflow::client_internal {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

double EnvNumber(const char* name, double fallback) {
  std::string v = Env(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !std::isfinite(d) || d < 0) {
    throw MlflowError("INVALID_PARAMETER_VALUE", std::string("invalid value for ") + name + ": " + v);
  }
  return d;
}

bool EnvFlag(const char* name) {
  std::string v = Env(name);
  std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  return v == "true" || v == "1";
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  // Only Retry-After matters here.
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == kName) {
      std::string value(line.substr(kName.size()));
      *static_cast<std::string*>(user) = value;
    }
  }
  return size * n;
}

// MLflow's error JSON, else the HTTP status and body as the Python client words it.
[[noreturn]] void ThrowHttpError(long status, const std::string& body, const std::string& path) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error_code") && j["error_code"].is_string()) {
    throw MlflowError(j["error_code"].get<std::string>(),
                      j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : body,
                      static_cast<int>(status));
  }
  std::string code = status == 404 ? "ENDPOINT_NOT_FOUND"
                     : status == 401 ? "UNAUTHENTICATED"
                     : status == 403 ? "PERMISSION_DENIED"
                     : status >= 500 ? "INTERNAL_ERROR"
                                     : "BAD_REQUEST";
  throw MlflowError(code,
                    "API request to endpoint " + path + " failed with error code " + std::to_string(status) +
                        " != 200. Response body: '" + body + "'",
                    static_cast<int>(status));
}

}  // namespace

RetryPolicy RetryPolicy::FromEnvironment() {
  RetryPolicy p;
  p.max_retries = static_cast<int>(EnvNumber("MLFLOW_HTTP_REQUEST_MAX_RETRIES", p.max_retries));
  p.backoff_factor = EnvNumber("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", p.backoff_factor);
  p.backoff_jitter = EnvNumber("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", p.backoff_jitter);
  p.timeout_seconds = static_cast<long>(EnvNumber("MLFLOW_HTTP_REQUEST_TIMEOUT", p.timeout_seconds));
  return p;
}

double RetryPolicy::BackoffSeconds(int retry) const {
  // urllib3's schedule: nothing before the first retry, then factor * 2^(n-1), at most 120 s.
  double base = retry <= 1 ? 0.0 : std::min(120.0, backoff_factor * std::pow(2.0, retry - 1));
  thread_local std::mt19937 rng{std::random_device{}()};
  double jitter = backoff_jitter > 0 ? std::uniform_real_distribution<double>(0, backoff_jitter)(rng) : 0.0;
  return std::min(120.0, base + jitter);
}

bool IsTransientHttpStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

HttpSession::HttpSession(std::string base_url, RetryPolicy policy)
    : base_url_(std::move(base_url)), policy_(policy), headers_(artifacts::TrackingRequestHeaders()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  verify_tls_ = !EnvFlag("MLFLOW_TRACKING_INSECURE_TLS");
  ca_path_ = Env("MLFLOW_TRACKING_SERVER_CERT_PATH");
}

HttpSession::~HttpSession() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpSession::Acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpSession::Release(void* handle) const {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

std::string HttpSession::Call(const char* method, const std::string& path, const std::string& body) const {
  const std::string url = base_url_ + path;
  const bool is_get = std::string_view(method) == "GET";
  for (int attempt = 0;; ++attempt) {
    CURL* curl = static_cast<CURL*>(Acquire());
    if (!curl) throw MlflowError("INTERNAL_ERROR", "cannot create a libcurl handle");
    curl_easy_reset(curl);
    std::string response, retry_after;
    curl_slist* list = nullptr;
    for (const auto& h : headers_) list = curl_slist_append(list, h.c_str());
    if (!is_get) list = curl_slist_append(list, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (!is_get) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &retry_after);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, policy_.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify_tls_ ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify_tls_ ? 2L : 0L);
    if (!ca_path_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_path_.c_str());
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    if (rc == CURLE_OK) {
      Release(curl);
    } else {
      curl_easy_cleanup(curl);  // its connection is broken
    }

    if (rc == CURLE_OK && status >= 200 && status < 300) return response;
    const bool transient = rc != CURLE_OK || IsTransientHttpStatus(status);
    if (!transient || attempt >= policy_.max_retries) {
      if (rc != CURLE_OK) {
        throw MlflowError("TEMPORARILY_UNAVAILABLE", "API request to " + url + " failed after " +
                                                         std::to_string(attempt + 1) +
                                                         " attempts: " + curl_easy_strerror(rc));
      }
      ThrowHttpError(status, response, path);
    }
    double sleep = policy_.BackoffSeconds(attempt + 1);
    if ((status == 429 || status == 503) && !retry_after.empty()) {
      char* end = nullptr;
      double s = std::strtod(retry_after.c_str(), &end);
      if (end != retry_after.c_str() && std::isfinite(s) && s >= 0) sleep = std::min(s, 120.0);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(sleep));
  }
}

}  // namespace mlflow::client_internal
