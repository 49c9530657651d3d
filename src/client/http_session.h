#pragma once
// HttpSession: MLflow REST calls to one tracking server over libcurl. Connections are kept alive
// (one curl handle per concurrent caller, pooled). Transient failures are retried as the Python
// client retries them (mlflow/utils/request_utils.py in MLflow 3.17.2, described in
// docs/reference/client.md): connection errors and HTTP 408, 429, 500, 502, 503, 504, up to
// MLFLOW_HTTP_REQUEST_MAX_RETRIES (7) times, sleeping 0 s before the first retry and then
// BACKOFF_FACTOR * 2^(n-1) s (capped at 120 s) plus up to BACKOFF_JITTER s at random, or the
// Retry-After header of a 429 or 503. Each attempt times out after MLFLOW_HTTP_REQUEST_TIMEOUT s.
#include <mutex>
#include <string>
#include <vector>

namespace mlflow::client_internal {

struct RetryPolicy {
  int max_retries = 7;
  double backoff_factor = 2;
  double backoff_jitter = 1.0;
  long timeout_seconds = 120;
  // The environment's settings (the MLFLOW_HTTP_REQUEST_* variables above).
  static RetryPolicy FromEnvironment();
  // Seconds to sleep before retry number `retry` (1-based).
  double BackoffSeconds(int retry) const;
};

bool IsTransientHttpStatus(long status);

class HttpSession {
 public:
  // base_url: http(s)://host[:port][/prefix], no trailing slash.
  explicit HttpSession(std::string base_url, RetryPolicy policy = RetryPolicy::FromEnvironment());
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Sends `method` to base_url + path (query already encoded in path for GET), with a JSON body
  // for other methods. Returns the body of a 2xx answer. Throws MlflowError: MLflow's error_code
  // and message from an error answer, TEMPORARILY_UNAVAILABLE (http_status 0) when the server
  // could not be reached after every retry.
  std::string Call(const char* method, const std::string& path, const std::string& body) const;

  const std::string& base_url() const { return base_url_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  void* Acquire() const;
  void Release(void* handle) const;

  std::string base_url_;
  RetryPolicy policy_;
  std::vector<std::string> headers_;
  bool verify_tls_ = true;
  std::string ca_path_;
  mutable std::mutex mu_;
  mutable std::vector<void*> idle_;  // CURL* handles with their open connections
};

}  // namespace mlflow::client_internal
