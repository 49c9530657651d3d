#pragma once
// One blocking HTTP exchange over libcurl with streamed bodies in both directions. Used by the S3
// and mlflow-artifacts repositories and by the CLI.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "core/status.h"

namespace mlflow::artifacts {

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  const std::string* body = nullptr;  // small request body held by the caller
  ByteSource* upload = nullptr;       // streamed request body (Content-Length from Size(), else chunked)
  ByteSink* download = nullptr;       // receives a 2xx response body; other bodies land in result.body
  ProgressFn progress;                // upload or download progress
  bool verify_tls = true;
  long connect_timeout_seconds = 30;
  long low_speed_seconds = 120;  // abort when under 1 byte/s for this long
  size_t body_limit = 1 << 20;   // bytes of a non-streamed response body kept in result.body
};

struct HttpResult {
  long status = 0;
  std::string body;  // non-streamed body (at most call.body_limit bytes)
  bool body_truncated = false;  // the body was longer than call.body_limit
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
  bool source_failed = false;                   // the ByteSource returned -1
  bool sink_failed = false;                     // the ByteSink refused data
};

// Network-level failures: TEMPORARILY_UNAVAILABLE with curl's message. HTTP errors are results.
Result<HttpResult> PerformHttp(const HttpCall& call);

// %XX-encodes everything but unreserved characters (and '/' unless encode_slash).
std::string UrlEncode(std::string_view s, bool encode_slash = true);

}  // namespace mlflow::artifacts
