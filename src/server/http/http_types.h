#pragma once
// The server's own request/response types: handlers see these, never Beast, so a unit test can
// call a handler without a socket.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlflow::server {

// Header names are stored lower-cased.
using HeaderMap = std::map<std::string, std::string>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, path + query
  std::string path;    // percent-decoded path, no query
  std::string query;   // raw query string (after '?'), not decoded
  HeaderMap headers;
  std::string body;    // empty for streaming routes
  // Path parameters captured by the route pattern ({name} / {name...}), percent-decoded.
  std::map<std::string, std::string> path_params;

  // Lower-cased name; empty when absent.
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// A streaming exchange, for routes whose bodies may be large (artifact upload/download). The handler
// runs on its own thread and may block; reads and writes go straight to the socket in bounded chunks.
class StreamContext {
 public:
  virtual ~StreamContext() = default;
  // Request line, headers and path params; body is empty.
  virtual const HttpRequest& request() const = 0;
  // Declared request body length, when the client sent Content-Length.
  virtual std::optional<uint64_t> request_content_length() const = 0;
  // Reads up to `size` body bytes into `buf`; 0 means the body is complete. Returns -1 when the client
  // went away or the body is malformed (the handler must then discard partial work).
  virtual int64_t ReadBody(char* buf, size_t size) = 0;
  // Sends a complete, buffered response (errors, small JSON).
  virtual bool Respond(const HttpResponse& response) = 0;
  // Starts a streamed response. content_length: exact body size if known, else chunked encoding.
  virtual bool BeginResponse(int status, const std::string& content_type, std::optional<uint64_t> content_length,
                             const std::vector<std::pair<std::string, std::string>>& headers = {}) = 0;
  // Writes body bytes of a streamed response; false when the client went away.
  virtual bool WriteBody(const char* data, size_t size) = 0;
  // Ends a streamed response.
  virtual bool EndResponse() = 0;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;
using StreamHandler = std::function<void(StreamContext&)>;
// Completes an asynchronous exchange: call it exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
// A handler that never blocks: it runs on an IO thread, returns at once and answers later through
// `respond`. The request stays valid until then. For work that is cheaper done for many requests
// at once (a native model scoring the rows of all the requests that arrived meanwhile in one call,
// src/models/xgboost_predictor.cc), where a blocked thread per request would cap the batch.
using AsyncHandler = std::function<void(const HttpRequest&, Responder respond)>;
// A buffered route's first try, on the IO thread that read the request: it either takes the
// request (returns true and answers through `respond` exactly once, from any thread) or declines
// (returns false without answering), and the route's Handler then runs on a worker thread as
// usual. It must never block: the tracking writes queue their SQL for the SQLite writer and answer
// from its completion (src/server/handlers/fast_writes.h), two thread hand-offs fewer per request.
using InlineHandler = std::function<bool(const HttpRequest&, Responder respond)>;

}  // namespace mlflow::server
