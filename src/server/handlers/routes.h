#pragma once
// How every JSON endpoint is mounted (docs/reference/rest-api.md 1.1-1.4): under /api/<major>.0
// and /ajax-api/<major>.0 (a path starting with /ajax-api/ is mounted only there), with MLflow's
// Content-Type rule for POST and PUT bodies, and one place where a Status becomes MLflow's error
// answer. Every handler area (tracking, registry, logged models, artifacts) mounts through here.
//
//   AddJsonApi(router, "GET", "/mlflow/runs/get", [&](const HttpRequest& req) -> Result<nlohmann::json> {
//     RequestFields f(req);
//     MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id", "run_uuid"));
//     MLFLOW_ASSIGN_OR_RETURN(Run run, tracking.GetRun(run_id));
//     return nlohmann::json{{"run", ToJson(run)}};
//   });
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/request_aliases.h"
#include "core/status.h"
#include "server/http/router.h"

namespace mlflow::server {

// An answer a route gives instead of running its handler (e.g. 503 while a feature is off); nullopt
// lets the request through.
using RouteGate = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

struct JsonRouteOptions {
  int major = 2;    // the API version in the prefix: /api/2.0, /api/3.0
  RouteGate gate;  // checked before the Content-Type rule
};

// A JSON route: the handler's value is the answer's body (200), its Status MLflow's error.
void AddJsonApi(Router& router, const std::string& method, const std::string& path,
                std::function<Result<nlohmann::json>(const HttpRequest&)> fn, JsonRouteOptions options = {});
// A JSON route whose handler writes the body text itself (hot paths: search pages, metric history).
void AddRawJsonApi(Router& router, const std::string& method, const std::string& path,
                   std::function<Result<std::string>(const HttpRequest&)> fn, JsonRouteOptions options = {});
// Any handler, mounted under both prefixes (or only /ajax-api/ for a path that starts with it).
void Mount(Router& router, const std::string& method, const std::string& path, Handler handler, int major = 2);

// MLflow's rule for JSON bodies: POST and PUT need Content-Type application/json (parameters
// such as "; charset=utf-8" allowed). INVALID_PARAMETER_VALUE "Bad Request. Content-Type ...".
Status CheckContentType(const HttpRequest& req);

// MLflow's decoder reads a body that is not JSON text, null, or a list as an empty request (the
// handler then names the missing field), but fails on a JSON number or boolean, or on a JSON
// string whose content is not JSON: INVALID_PARAMETER_VALUE here, before the handler runs.
Status CheckJsonBody(const HttpRequest& req);

// MLflow refuses a JSON body that spells one field of the route's protobuf message both ways
// ("max_results" and "maxResults"), for every caller and before anything runs; routes that read
// raw JSON accept any keys (auth/field_spellings.h holds which routes and fields). A GET with a
// query string is read from the query, where only proto names count, so it is never refused.
// fields: SpelledFieldsOfRoute of the route, nullptr for none.
Status CheckFieldSpellings(const HttpRequest& req, const std::vector<auth::AliasedField>* fields);

// OPTIONS on a known path answers with an Allow header listing its methods: 204 under /api/ and
// /ajax-api/, 200 with an empty body elsewhere, as MLflow does. Register once, after the routes
// or before: the methods are looked up per request.
void AddOptionsResponses(Router& router);

}  // namespace mlflow::server
