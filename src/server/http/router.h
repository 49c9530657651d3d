#pragma once
// Method + path routing. Patterns are '/'-separated; "{name}" matches one segment, a final
// "{name...}" matches the rest of the path (possibly empty, may contain '/').
//
//   router.Add("GET", "/health", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "OK", {}}; });
//   router.AddStream("PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}",
//                    [](StreamContext& s) { s.Respond(HttpResponse{}); });
#include <functional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <utility>
#include <vector>

#include "core/uri.h"
#include "server/http/http_types.h"

namespace mlflow::server {

class Router {
 public:
  struct Match {
    enum class Kind { kNotFound, kMethodNotAllowed, kHandler, kStream, kAsync } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    const AsyncHandler* async = nullptr;
    const StreamHandler* stream = nullptr;
    const InlineHandler* inline_handler = nullptr;  // kHandler only: tried first on the IO thread
    std::map<std::string, std::string> path_params;
    const std::string* pattern = nullptr;  // the matched route's pattern (metrics label)
  };

  void Add(std::string method, const std::string& pattern, Handler handler);
  void AddStream(std::string method, const std::string& pattern, StreamHandler handler);
  void AddAsync(std::string method, const std::string& pattern, AsyncHandler handler);
  // Mounts an MLflow REST path (e.g. "/mlflow/runs/get") under /api/2.0 and /ajax-api/2.0.
  void AddApi(std::string method, const std::string& path, Handler handler, int major = 2);
  void AddApiStream(std::string method, const std::string& path, StreamHandler handler, int major = 2);
  // Gives the buffered route `method pattern` (added before) an InlineHandler tried first; throws
  // std::logic_error when there is no such route. WrapAll drops it: a wrapped route runs its
  // wrapper and handler on a worker thread, as before.
  void SetInline(const std::string& method, const std::string& pattern, InlineHandler handler);

  // path: percent-decoded path without the query. An OPTIONS request on a known path without a
  // route of its own goes to the handler given to SetOptionsHandler (when there is one).
  Match Find(std::string_view method, std::string_view path) const;

  // The methods routed on `path` (HEAD where GET is, OPTIONS when answered), sorted; empty for an
  // unknown path.
  std::vector<std::string> AllowedMethods(std::string_view path) const;
  // The same as an Allow header value: "GET, HEAD, OPTIONS".
  std::string AllowHeader(std::string_view path) const;
  // Every buffered (non-streaming, non-async) route as {method, pattern}, in the order added (the handler fuzz
  // target, fuzz/handlers_fuzz.cc, picks endpoints from it).
  std::vector<std::pair<std::string, std::string>> BufferedRoutes() const;
  // Answers OPTIONS on every known path (routes.h: AddOptionsResponses).
  void SetOptionsHandler(Handler handler) { options_handler_ = std::move(handler); }

  // Replaces every route's handler by wrap(method, pattern, handler) (and the OPTIONS handler,
  // with method "OPTIONS" and an empty pattern): how a layer that sees every request (the
  // basic-auth app, src/auth/auth_gate.h) is put in front of the routes once they are all added.
  // Async routes cannot be wrapped this way: WrapAll throws std::logic_error when one exists rather
  // than leave it ungated.
  using HandlerWrapper = std::function<Handler(const std::string& method, const std::string& pattern, Handler)>;
  using StreamWrapper =
      std::function<StreamHandler(const std::string& method, const std::string& pattern, StreamHandler)>;
  void WrapAll(const HandlerWrapper& wrap, const StreamWrapper& wrap_stream);

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    bool rest = false;  // last segment is {name...}
    Handler handler;
    StreamHandler stream;
    AsyncHandler async;
    InlineHandler inline_handler;
  };
  static Match Select(const Route& r, Match m);
  static bool MatchRoute(const Route& r, const std::vector<std::string_view>& parts,
                         std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::vector<size_t>> exact_;  // fixed paths -> route indexes
  Handler options_handler_;
};

}  // namespace mlflow::server
